"""The release: every collection's current publication as one stored wide table, with its mask.

Built when anything is (re)published (:func:`release_build`) and read by downloads and the
API (:func:`release_open`). The table is a Parquet file, sorted by organisation and year, in row
groups, beside a second file with the same shape holding the suppression mask; so a download
streams it row group by row group in constant memory, and an API page reads only the row
groups it needs. Only versions recorded in ``PublishedReturn`` rows ever enter it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Max

from extracts.models import Publication, PublishedReturn
from extracts.suppression import (
    AGGREGATE_GROUPINGS,
    protect_groupings,
    public_frame,
    suppress,
    suppress_aggregates,
)
from indicators.aggregates import aggregate, contributions
from indicators.dictionary import ITEMS, METRICS

#: Organisation columns that lead every row, in order.
META_COLUMNS: Final[tuple[str, ...]] = (
    "organisation",
    "name",
    "org_type",
    "sector",
    "region",
    "icb",
    "year",
)
ITEM_CODES: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS)
METRIC_CODES: Final[tuple[str, ...]] = tuple(m.code for m in METRICS)
FIGURE_CODES: Final[tuple[str, ...]] = ITEM_CODES + METRIC_CODES
ROW_GROUP: Final = 2000
_FLAGS: Final = frozenset(m.code for m in METRICS if m.kind == "flag")


def suppression_threshold() -> int:
    """Counts from 1 to this are suppressed (setting ``WRES_SUPPRESSION_THRESHOLD``, default 4)."""
    return int(getattr(settings, "WRES_SUPPRESSION_THRESHOLD", 4))


def release_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "releases"


def current_publications() -> list[Publication]:
    """The latest publication of each published collection, oldest year first."""
    latest = (
        Publication.objects.values("collection_id")
        .annotate(top=Max("number"))
        .values_list("collection_id", "top")
    )
    wanted = {cid: number for cid, number in latest}
    publications = Publication.objects.filter(collection_id__in=wanted).select_related(
        "collection", "aggregates_from"
    )
    return sorted(
        (p for p in publications if wanted[p.collection_id] == p.number),
        key=lambda p: p.collection.year,
    )


def published_frame(publications: list[Publication]) -> pd.DataFrame:
    """The wide table of the published versions: organisation columns, items, metrics."""
    rows = (
        PublishedReturn.objects.filter(publication__in=publications)
        .order_by("organisation__ods_code", "publication__collection__year")
        .values_list(
            "organisation__ods_code",
            "organisation__name",
            "organisation__org_type",
            "organisation__sector",
            "organisation__region",
            "organisation__parent_icb_code",
            "publication__collection__year",
            "version__values",
            "version__metrics",
        )
    )
    meta: list[tuple[Any, ...]] = []
    figures: list[dict[str, Any]] = []
    for *head, values, metrics in rows.iterator(chunk_size=2000):
        meta.append(tuple(head))
        figures.append({**(metrics or {}), **(values or {})})
    frame = pd.DataFrame(meta, columns=list(META_COLUMNS))
    frame["year"] = frame["year"].astype("int64")
    body = pd.DataFrame.from_records(figures, columns=list(FIGURE_CODES)) if figures else None
    columns: dict[str, Any] = {}
    for code in FIGURE_CODES:
        column = body[code] if body is not None else pd.Series([], dtype=float)
        if code in _FLAGS:
            columns[code] = column.astype("boolean")
        else:
            columns[code] = pd.to_numeric(column, errors="coerce").astype("float64")
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)


def _frame_to_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def aggregates_of(frame: pd.DataFrame, threshold: int) -> dict[str, Any]:
    """National and group aggregates (pooled counts) with their masks, as JSON-ready rows."""
    out: dict[str, Any] = {}
    inputs = frame[["organisation", "year", "region", "org_type", "sector", "icb", *ITEM_CODES]]
    tables: dict[str, tuple[tuple[str, ...], pd.DataFrame, pd.DataFrame]] = {}
    for names in AGGREGATE_GROUPINGS:
        key = "national" if names == ("year",) else names[1]
        table = aggregate(inputs, by=names) if len(inputs) else pd.DataFrame()
        if table.empty:
            out[key] = []
            continue
        tables[key] = (names, table, suppress_aggregates(table, names, threshold=threshold))
    if tables:
        # The published counts (i1.total.*) pool the "workforce" contributions, one triplet
        # present or absent together: those organisation-years are what a subtraction exposes.
        counted = contributions(inputs)["workforce.white"].notna().to_numpy()
        protect_groupings(inputs[counted], tables)
    for key, (_, table, mask) in tables.items():
        rows = []
        for record, hidden in zip(table.to_dict("records"), mask.to_dict("records"), strict=True):
            clean = {k: _json_value(v) for k, v in record.items()}
            rows.append(
                {"figures": clean, "suppressed": sorted(str(k) for k, v in hidden.items() if v)}
            )
        out[key] = rows
    return out


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


def release_build(*, publication: Publication) -> None:
    """Builds the release after ``publication``: wide table, mask and aggregates, stored."""
    publications = current_publications()
    frame = published_frame(publications)
    threshold = suppression_threshold()
    mask = suppress(frame)
    directory = release_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"release-{publication.pk}"
    data_path, mask_path = directory / f"{name}.parquet", directory / f"{name}.mask.parquet"
    pq.write_table(_frame_to_table(frame), data_path, row_group_size=ROW_GROUP)
    pq.write_table(
        pa.Table.from_pandas(mask[list(FIGURE_CODES)], preserve_index=False),
        mask_path,
        row_group_size=ROW_GROUP,
    )
    digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
    publication.release_file = name
    publication.release_sha256 = digest
    # The year's aggregates are pooled from the returns of its aggregates' basis, which is an
    # earlier publication while fewer than 3 organisations differ (spec 6.2, republication).
    bases = [p.aggregates_basis for p in publications]
    pooled = frame if bases == publications else published_frame(bases)
    publication.aggregates = aggregates_of(pooled, threshold)
    publication.save(update_fields=["release_file", "release_sha256", "aggregates"])


@dataclass(frozen=True)
class Release:
    """A stored release: its publication and the paths of its table and mask."""

    publication: Publication
    data_path: Path
    mask_path: Path

    @property
    def years(self) -> list[int]:
        return _years(str(self.data_path))

    def keys(self) -> pd.DataFrame:
        """The organisation columns of every row (cheap: a few columns)."""
        return _keys(str(self.data_path))

    def batches(
        self, *, years: list[int] | None = None, suppressed: bool = True
    ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame | None]]:
        """Row groups as (figures, mask or None), filtered to ``years``, in file order.

        ``suppressed`` (public): the organisation-level counts are left out of the figures
        (spec 6.1) and the mask, computed by :func:`extracts.suppression.suppress` rather than
        read from the stored file, hides nothing that remains.
        """
        data = pq.ParquetFile(self.data_path)
        for index in range(data.num_row_groups):
            frame = data.read_row_group(index).to_pandas()
            if years is not None:
                keep = frame["year"].isin(years).to_numpy()
                if not keep.any():
                    continue
                frame = frame[keep].reset_index(drop=True)
            if suppressed:
                frame = public_frame(frame)
                yield frame, suppress(frame)
            else:
                yield frame, None

    def rows(
        self, positions: np.ndarray, *, suppressed: bool = True
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """The rows at ``positions`` (file order), reading only their row groups."""
        data = pq.ParquetFile(self.data_path)
        groups = sorted({int(p) // ROW_GROUP for p in positions})
        if not groups:
            empty = data.schema_arrow.empty_table().to_pandas()
            if suppressed:
                empty = public_frame(empty)
                return empty, suppress(empty)
            return empty, None
        frame = data.read_row_groups(groups).to_pandas()
        offsets = np.concatenate([np.arange(g * ROW_GROUP, (g + 1) * ROW_GROUP) for g in groups])
        where = pd.Index(offsets[: len(frame)]).get_indexer(positions)
        frame = frame.iloc[where].reset_index(drop=True)
        if suppressed:
            frame = public_frame(frame)
            return frame, suppress(frame)
        return frame, None


@lru_cache(maxsize=4)
def _keys(path: str) -> pd.DataFrame:
    return pq.read_table(path, columns=list(META_COLUMNS)).to_pandas()


@lru_cache(maxsize=4)
def _years(path: str) -> list[int]:
    return sorted(int(y) for y in _keys(path)["year"].unique())


def release_open() -> Release | None:
    """The current release (built by the latest publication), or ``None`` before any."""
    publication = Publication.objects.exclude(release_file="").select_related("collection").first()
    if publication is None:
        return None
    directory = release_dir()
    data = directory / f"{publication.release_file}.parquet"
    mask = directory / f"{publication.release_file}.mask.parquet"
    if not data.exists():
        return None
    return Release(publication, data, mask)
