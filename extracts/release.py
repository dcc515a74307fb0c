"""The release: every collection's current publication as one stored wide table, with its mask.

Built when anything is (re)published (:func:`release_build`) and read by downloads and the
API (:func:`release_open`). The table is a Parquet file, sorted by organisation and year, in row
groups, beside a second file with the same shape holding the suppression mask; so a download
streams it row group by row group in constant memory, and an API page reads only the row
groups it needs. Only versions recorded in ``PublishedReturn`` rows ever enter it.

Both files are kept in the shared file store (``STORAGES["default"]``, ADR 0024) under names
that carry their content's hash (``releases/<publication>-<hash>.parquet``), written in the
transaction that records the name on the publication; a file once stored never changes, so
caches are keyed by its name.
"""

from __future__ import annotations

import hashlib
import tempfile
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
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Max

from extracts.models import Publication, PublishedReturn
from extracts.suppression import (
    AGGREGATE_GROUPINGS,
    protect_groupings,
    public_frame,
    suppress,
    suppress_aggregates,
)
from filestore.files import file_save_once, file_sha256
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


def release_storage() -> Storage:
    """Where releases, their built extracts and the dashboard snapshot are kept."""
    return storages["default"]


def release_stem(release_file: str) -> str:
    """The stored name of a release's files, less the suffix: new releases record the whole
    stem (``releases/12-3f9a...``); older ones recorded ``release-12`` (their files are moved
    to ``releases/release-12.parquet`` by ``move_files_to_store``)."""
    return release_file if "/" in release_file else f"releases/{release_file}"


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
    """Builds the release after ``publication``: wide table, mask and aggregates, stored.

    The files are written to temporary files that die with the call, then into the store in
    one transaction with the publication's row that names them (joining the caller's)."""
    publications = current_publications()
    frame = published_frame(publications)
    threshold = suppression_threshold()
    mask = suppress(frame)
    # The year's aggregates are pooled from the returns of its aggregates' basis, which is an
    # earlier publication while fewer than 3 organisations differ (spec 6.2, republication).
    bases = [p.aggregates_basis for p in publications]
    pooled = frame if bases == publications else published_frame(bases)
    publication.aggregates = aggregates_of(pooled, threshold)
    with tempfile.TemporaryDirectory(prefix="wres-release-") as work:
        data_file, mask_file = Path(work) / "wide.parquet", Path(work) / "mask.parquet"
        pq.write_table(_frame_to_table(frame), data_file, row_group_size=ROW_GROUP)
        pq.write_table(
            pa.Table.from_pandas(mask[list(FIGURE_CODES)], preserve_index=False),
            mask_file,
            row_group_size=ROW_GROUP,
        )
        digest = file_sha256(data_file)
        both = hashlib.sha256(f"{digest}:{file_sha256(mask_file)}".encode()).hexdigest()
        stem = f"releases/{publication.pk}-{both[:20]}"
        storage = release_storage()
        with transaction.atomic():
            file_save_once(storage, f"{stem}.parquet", data_file)
            file_save_once(storage, f"{stem}.mask.parquet", mask_file)
            publication.release_file = stem
            publication.release_sha256 = digest
            publication.save(update_fields=["release_file", "release_sha256", "aggregates"])


@dataclass(frozen=True)
class Release:
    """A stored release: its publication and the stored names of its table and mask."""

    publication: Publication
    data_name: str
    mask_name: str

    @property
    def storage(self) -> Storage:
        return release_storage()

    @property
    def years(self) -> list[int]:
        return _years(self.data_name)

    def keys(self) -> pd.DataFrame:
        """The organisation columns of every row (cheap: a few columns)."""
        return _keys(self.data_name)

    def batches(
        self, *, years: list[int] | None = None, suppressed: bool = True
    ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame | None]]:
        """Row groups as (figures, mask or None), filtered to ``years``, in file order.

        ``suppressed`` (public): the organisation-level counts are left out of the figures
        (spec 6.1) and the mask, computed by :func:`extracts.suppression.suppress` rather than
        read from the stored file, hides nothing that remains.
        """
        with self.storage.open(self.data_name) as handle:
            data = pq.ParquetFile(handle)
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
        with self.storage.open(self.data_name) as handle:
            data = pq.ParquetFile(handle)
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


# Keyed by the stored name, which never names other content (it carries the content's hash).
@lru_cache(maxsize=4)
def _keys(name: str) -> pd.DataFrame:
    with release_storage().open(name) as handle:
        return pq.read_table(handle, columns=list(META_COLUMNS)).to_pandas()


@lru_cache(maxsize=4)
def _years(name: str) -> list[int]:
    return sorted(int(y) for y in _keys(name)["year"].unique())


def release_open() -> Release | None:
    """The current release (built by the latest publication), or ``None`` before any."""
    publication = Publication.objects.exclude(release_file="").select_related("collection").first()
    if publication is None:
        return None
    stem = release_stem(publication.release_file)
    data, mask = f"{stem}.parquet", f"{stem}.mask.parquet"
    if not release_storage().exists(data):
        return None
    return Release(publication, data, mask)
