"""Reads of published data for the API: only the release and publications, never drafts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from extracts.models import Publication
from extracts.release import FIGURE_CODES, Release, current_publications
from extracts.suppression import COUNT_CODES
from organisations.models import Organisation
from returns.models import Collection

_COUNTS = frozenset((*COUNT_CODES, "organisations"))
AGGREGATE_KEYS = {
    "national": "national",
    "region": "region",
    "type": "org_type",
    "sector": "sector",
    "icb": "icb",
}


def organisation_list(
    *, region: str | None = None, org_type: str | None = None, sector: str | None = None
) -> QuerySet[Organisation]:
    """Organisations of the register (public facts), by ODS code, optionally filtered."""
    organisations = Organisation.objects.order_by("ods_code")
    if region:
        organisations = organisations.filter(region=region)
    if org_type:
        organisations = organisations.filter(org_type=org_type)
    if sector:
        organisations = organisations.filter(sector=sector)
    return organisations


def published_collection_list() -> list[tuple[Collection, list[Publication]]]:
    """Collections that have been published, newest year first, each with its publications."""
    publications: dict[int, list[Publication]] = {}
    for publication in Publication.objects.select_related("collection").order_by(
        "-collection__year", "-number"
    ):
        publications.setdefault(publication.collection_id, []).append(publication)
    return [(items[0].collection, items) for items in publications.values()]


def published_return_positions(
    release: Release,
    *,
    year: int | None = None,
    region: str | None = None,
    org_type: str | None = None,
    sector: str | None = None,
    organisation: str | None = None,
) -> np.ndarray:
    """Positions (file order: organisation, then year) of the release rows that match."""
    keys = release.keys()
    keep = np.ones(len(keys), dtype=bool)
    for column, wanted in (
        ("year", year),
        ("region", region),
        ("org_type", org_type),
        ("sector", sector),
        ("organisation", organisation),
    ):
        if wanted is not None and wanted != "":
            keep &= (keys[column] == wanted).to_numpy()
    return np.flatnonzero(keep)


def _clean(value: Any, code: str) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = float(value)
    if not math.isfinite(number):
        return None
    if code in _COUNTS and number.is_integer():
        return int(number)
    return number


def published_return_rows(
    release: Release, positions: np.ndarray, *, suppressed: bool
) -> list[dict[str, Any]]:
    """The release rows at ``positions`` as API records: public (``suppressed``) without the
    organisation-level counts, every figure with a token."""
    frame, mask = release.rows(positions, suppressed=suppressed)
    numbers = {p.collection.year: p.number for p in current_publications()}
    records = []
    # Public rows carry every metric and no organisation-level count (the release leaves the
    # counts out); token rows carry both.
    codes = [c for c in FIGURE_CODES if c in frame.columns]
    values = frame[codes].astype(object).to_numpy()
    hidden = mask[codes].to_numpy(dtype=bool) if mask is not None else None
    for index, row in enumerate(frame.itertuples(index=False)):
        figures = {code: _clean(values[index, j], code) for j, code in enumerate(codes)}
        suppressed_codes = []
        if hidden is not None:
            for j in np.flatnonzero(hidden[index]):
                figures[codes[j]] = None
                suppressed_codes.append(codes[j])
        records.append(
            {
                "organisation": row.organisation,
                "name": row.name,
                "type": row.org_type or "",
                "sector": row.sector or "",
                "region": row.region or "",
                "icb": row.icb or "",
                "year": int(row.year),  # type: ignore[arg-type]
                "publication": numbers.get(int(row.year), 0),  # type: ignore[arg-type]
                "figures": figures,
                "suppressed": suppressed_codes,
            }
        )
    return records


def aggregate_rows(
    release: Release, *, by: str, year: int | None, suppressed: bool
) -> list[dict[str, Any]]:
    """Stored national or group aggregates of the release (pooled counts, with their masks)."""
    key = AGGREGATE_KEYS[by]
    rows = []
    for stored in release.publication.aggregates.get(key, []):
        figures = dict(stored["figures"])
        row_year = int(figures.pop("year"))
        if year is not None and row_year != year:
            continue
        group = None if key == "national" else figures.pop(key, None)
        organisations = figures.pop("organisations", None)
        hidden = sorted(stored["suppressed"]) if suppressed else []
        for code in hidden:
            figures[code] = None
        rows.append(
            {
                "year": row_year,
                "group": None if group is None else str(group),
                "organisations": None if organisations is None else int(organisations),
                "figures": {code: _clean(value, code) for code, value in figures.items()},
                "suppressed": hidden,
            }
        )
    return rows


def aggregates_pending(publication: Publication) -> dict[str, Any]:
    """Which returns a publication's aggregates are pooled from, and which are not in them yet.

    Publications made before republication kept aggregates back have no record: their
    aggregates are their own returns'.
    """
    stored = publication.changes.get("aggregates") or {}
    return {
        "from_publication": int(stored.get("from") or publication.number),
        "added": list(stored.get("added", [])),
        "amended": list(stored.get("amended", [])),
        "removed": list(stored.get("removed", [])),
    }


def publication_history() -> list[dict[str, Any]]:
    """Each published year, newest first: its publications (newest first, with what changed)
    and, for the current one, which returns are not yet in the year's aggregates."""
    by_year: dict[int, list[Publication]] = {}
    for publication in Publication.objects.select_related("collection").order_by(
        "-collection__year", "-number"
    ):
        by_year.setdefault(publication.collection.year, []).append(publication)
    return [
        {
            "year": year,
            "publications": publications,
            "pending": aggregates_pending(publications[0]),
        }
        for year, publications in by_year.items()
    ]
