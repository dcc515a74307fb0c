"""Organisation profiles: the stored profile table (built with the snapshot) and its reader.

The table has one row per published organisation-year: the nine indicators' figures, the
Model Employer trajectory per senior grade (actual and expected BME share), the position among
peers (same sector, or type where no sector; same region: rank and quartile, 1 = lowest), links
to the published report and action plan, and a ``mask:<code>`` column per figure for public
pages. Sorted by organisation in small row groups, so a profile reads a few kB.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboards.figures import is_number, show
from dashboards.measures import ME_GRADES, PEER_CODES, PROFILE_CODES, PROFILE_TABLES
from extracts.release import release_storage
from extracts.suppression import MARK
from filestore.files import file_fingerprint
from indicators.dictionary import (
    AFC_GROUPS,
    ETHNICITIES,
    GRADE_LABELS,
    I1_ITEMS,
    ITEM_BY_CODE,
    METRIC_BY_CODE,
)

META: Final = ("organisation", "name", "org_type", "sector", "region", "year")
GRADE_ITEMS: Final = {
    grade: tuple(f"i1.{g}.{grade}.{eth}" for g in AFC_GROUPS for eth in ETHNICITIES)
    for grade in ME_GRADES
}
ENGAGE_CODES: Final = tuple(
    f"i{k}.{name}" for k in (2, 3, 4) for name in ("rl", "rl_ci_low", "rl_ci_high")
)
ME_STORED: Final = tuple(f"me.{g}.expected_bme_pct" for g in ME_GRADES)
#: Columns of the release that the snapshot and profiles read (the rest is never loaded).
READ_COLUMNS: Final = tuple(
    dict.fromkeys(
        (*META, *PROFILE_CODES, *PEER_CODES, *ENGAGE_CODES, "i1.vsm.bme_pct", *ME_STORED, *I1_ITEMS)
    )
)
PEER_KINDS: Final = (("sector", "same sector"), ("region", "same region"))
QUARTERS: Final = ("lowest quarter", "second quarter", "third quarter", "highest quarter")


def _model_employer(frame: pd.DataFrame, mask: pd.DataFrame) -> dict[str, Any]:
    """Actual and expected BME share per senior grade, with masks (engine defaults where the
    published versions carry no Model Employer figures)."""
    from indicators import compute_national
    from indicators.national import senior_grade_shares

    values = {c: frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in I1_ITEMS}
    actual = senior_grade_shares(values)
    computed = compute_national(frame[["organisation", "year", *I1_ITEMS]].reset_index(drop=True))
    out: dict[str, Any] = {}
    org_ids = pd.factorize(frame["organisation"])[0]
    total_mask = mask["i1.total.bme_pct"].to_numpy(dtype=bool)
    for grade in ME_GRADES:
        stored = frame[f"me.{grade}.expected_bme_pct"].to_numpy(dtype=np.float64, na_value=np.nan)
        default = computed[f"me.{grade}.expected_bme_pct"].to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        expected = np.where(np.isnan(stored), default, stored)
        # Model Employer figures are metrics: public and never suppressed (spec 6.1), whatever
        # the counts they rest on; only the workforce share's mask (never set) could hide them.
        hidden = np.zeros(len(frame), dtype=bool) | total_mask
        any_hidden = np.bincount(org_ids, weights=hidden.astype(float))[org_ids] > 0
        out[f"me.{grade}.actual"] = actual[grade]
        out[f"me.{grade}.expected"] = expected
        out[f"mask:me.{grade}.actual"] = hidden
        out[f"mask:me.{grade}.expected"] = any_hidden & ~np.isnan(expected)
    return out


def _peers(frame: pd.DataFrame, mask: pd.DataFrame) -> dict[str, Any]:
    """Rank (1 = lowest), peers with a figure and quarter, per peer group, twice: over every
    figure (``peer.``, for unsuppressed viewers) and over published figures only
    (``public_peer.``: a suppressed figure is no one's peer, so no public rank tells where it
    lies)."""
    out: dict[str, Any] = {}
    # Peers are always of the same organisation type (issue 15): a trust is never ranked among
    # ICBs or independent providers; within the type, the same sector or the same region.
    org_type = frame["org_type"].fillna("").astype(str)
    groups = {
        "sector": (org_type + "|" + frame["sector"].fillna("").astype(str)).to_numpy(),
        "region": (org_type + "|" + frame["region"].fillna("").astype(str)).to_numpy(),
    }
    for kind, group in groups.items():
        keys = [frame["year"].to_numpy(), group]
        for code in PEER_CODES:
            full = frame[code].astype("Float64").astype(np.float64)
            hidden = mask[code].to_numpy(dtype=bool)
            for prefix, column in (("peer", full), ("public_peer", full.where(~hidden))):
                grouped = column.groupby(keys)
                rank = grouped.rank(method="min")
                n = grouped.transform("count")
                quartile = ((rank - 1) * 4 // n) + 1
                out[f"{prefix}.{kind}.{code}.rank"] = rank.to_numpy(dtype=np.float64)
                out[f"{prefix}.{kind}.{code}.n"] = np.where(column.notna(), n, np.nan)
                out[f"{prefix}.{kind}.{code}.quartile"] = quartile.to_numpy(dtype=np.float64)
    return out


def profile_table(
    frame: pd.DataFrame, mask: pd.DataFrame, links: pd.DataFrame | None
) -> pd.DataFrame:
    """The stored profile table from the release's rows (unsuppressed) and their mask."""
    columns: dict[str, Any] = {name: frame[name].to_numpy() for name in META}
    for code in PROFILE_CODES:
        column = frame[code]
        columns[code] = column.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        columns[f"mask:{code}"] = mask[code].to_numpy(dtype=bool)
    columns.update(_model_employer(frame, mask))
    columns.update(_peers(frame, mask))
    table = pd.DataFrame(columns)
    if links is not None and len(links):
        links = links.astype({"organisation": str, "year": "int64"})
        table = table.merge(links, on=["organisation", "year"], how="left")
    else:
        table["report_url"] = ""
        table["action_plan_url"] = ""
    table[["report_url", "action_plan_url"]] = table[["report_url", "action_plan_url"]].fillna("")
    return table.sort_values(["organisation", "year"], kind="stable").reset_index(drop=True)


@lru_cache(maxsize=4)
def _layout(name: str, fingerprint: str) -> tuple[pq.FileMetaData, list[tuple[Any, Any]]]:
    """The file's footer and each row group's first and last organisation, read once a process
    for each stored content (parsing the footer of every column on each request cost more than
    reading the rows)."""
    with release_storage().open(name) as handle:
        metadata = pq.read_metadata(handle)
    column = metadata.schema.to_arrow_schema().get_field_index("organisation")
    ranges = []
    for index in range(metadata.num_row_groups):
        stats = metadata.row_group(index).column(column).statistics
        has_range = stats is not None and stats.has_min_max
        ranges.append((stats.min, stats.max) if has_range else (None, None))
    return metadata, ranges


def profile_rows(name: str, codes: list[str], *, fingerprint: str = "") -> pd.DataFrame:
    """The stored rows of ``codes`` in the profile table ``name`` (only the row groups that can
    hold them are read); ``fingerprint``: the stored file's, if the caller knows it."""
    storage = release_storage()
    metadata, ranges = _layout(name, fingerprint or file_fingerprint(storage, name))
    groups = [
        index
        for index, (low, high) in enumerate(ranges)
        if low is None or any(low <= code <= high for code in codes)
    ]
    with storage.open(name) as handle:
        table = pq.ParquetFile(handle, metadata=metadata).read_row_groups(groups)
    return table.filter(pc.is_in(table["organisation"], value_set=pa.array(codes))).to_pandas()


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts (a pandas row read cell by cell costs far more)."""
    columns = list(rows.columns)
    return [dict(zip(columns, values, strict=True)) for values in rows.to_numpy(dtype=object)]


def _label(code: str) -> tuple[str, str]:
    if code in METRIC_BY_CODE:
        metric = METRIC_BY_CODE[code]
        return metric.label, metric.unit
    item = ITEM_BY_CODE[code]
    return item.label, item.unit


def _cell(row: Mapping[str, Any] | pd.Series, code: str, unsuppressed: bool) -> Any:
    if not unsuppressed and bool(row.get(f"mask:{code}", False)):
        return MARK
    value = row[code]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return float(value) if is_number(value) else None


def _tables(rows: pd.DataFrame, unsuppressed: bool) -> list[dict[str, Any]]:
    tables = []
    records = _records(rows)
    for k, title, codes in PROFILE_TABLES:
        heads = [_label(c) for c in codes]
        body = []
        for row in records:
            cells = []
            for code, (_, unit) in zip(codes, heads, strict=True):
                value = _cell(row, code, unsuppressed)
                if code.endswith((".significant", ".small_numbers")) and is_number(value):
                    value = bool(value)
                cells.append(show(value, unit))
            body.append([str(int(row["year"])), *cells])
        tables.append(
            {"indicator": k, "title": title, "columns": [h[0] for h in heads], "rows": body}
        )
    return tables


def _peer_rows(row: pd.Series, unsuppressed: bool) -> list[dict[str, Any]]:
    out = []
    for code in PEER_CODES:
        label, unit = _label(code)
        value = _cell(row, code, unsuppressed)
        entry: dict[str, Any] = {"label": label, "value": show(value, unit)}
        prefix = "peer" if unsuppressed else "public_peer"
        for kind, _ in PEER_KINDS:
            rank = row[f"{prefix}.{kind}.{code}.rank"]
            n = row[f"{prefix}.{kind}.{code}.n"]
            if value == MARK:
                entry[kind] = MARK
            elif is_number(rank) and is_number(n) and int(n) >= 2:
                # never "1 of 1": a position needs at least one peer with the figure
                quartile = int(row[f"{prefix}.{kind}.{code}.quartile"])
                entry[kind] = f"{int(rank)} of {int(n)} ({QUARTERS[quartile - 1]})"
            else:
                entry[kind] = "Not available"
        out.append(entry)
    return out


def _trajectory(rows: pd.DataFrame, unsuppressed: bool) -> list[dict[str, Any]]:
    grades = []
    records = _records(rows)
    for grade in ME_GRADES:
        body = []
        for row in records:
            actual = _cell(row, f"me.{grade}.actual", unsuppressed)
            expected = _cell(row, f"me.{grade}.expected", unsuppressed)
            gap = (
                float(actual) - float(expected)
                if is_number(actual) and is_number(expected)
                else (MARK if MARK in (actual, expected) else None)
            )
            if expected is None:
                continue
            body.append(
                [
                    str(int(row["year"])),
                    show(actual, "percent"),
                    show(expected, "percent"),
                    show(gap, "pp"),
                ]
            )
        if body:
            grades.append({"grade": GRADE_LABELS[grade], "rows": body})
    return grades


def organisation_profile(
    organisation: Any, *, profile_name: str, unsuppressed: bool, fingerprint: str = ""
) -> dict[str, Any] | None:
    """What the profile page shows of ``organisation`` (and the organisations it took over).

    ``None`` where nothing of it is published. One database query (the predecessors).
    """
    predecessors = list(organisation.predecessors.order_by("name").values_list("ods_code", "name"))
    codes = [organisation.ods_code, *(code for code, _ in predecessors)]
    rows = profile_rows(profile_name, codes, fingerprint=fingerprint)
    own = rows[rows["organisation"] == organisation.ods_code]
    history = []
    for code, name in predecessors:
        theirs = rows[rows["organisation"] == code]
        if len(theirs):
            history.append(
                {"ods_code": code, "name": name, "tables": _tables(theirs, unsuppressed)}
            )
    if not len(own) and not history:
        return None
    latest = own.iloc[-1] if len(own) else None
    return {
        "years": [int(y) for y in own["year"]],
        "latest_year": int(latest["year"]) if latest is not None else None,
        "tables": _tables(own, unsuppressed),
        "peers": _peer_rows(latest, unsuppressed) if latest is not None else [],
        "sector_peers": (latest["sector"] or latest["org_type"]) if latest is not None else "",
        "trajectory": _trajectory(own, unsuppressed),
        "links": [
            {
                "year": int(r["year"]),
                "report_url": r["report_url"],
                "action_plan_url": r["action_plan_url"],
            }
            for _, r in own.iloc[::-1].iterrows()
            if r["report_url"] or r["action_plan_url"]
        ],
        "history": history,
        "unsuppressed": unsuppressed,
    }
