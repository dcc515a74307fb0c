"""Disclosure control (v2, spec section 6): the one rule, used by every page, file and API.

**Organisation level.** Every metric of a published return (shares, relative likelihoods with
their intervals and flags, Staff Survey figures and gaps, board differences, Model Employer
figures) is public and never suppressed; each likelihood carries its ``small_numbers`` flag
beside it. Organisation-level **counts** (:data:`COUNT_CODES`: every count item and the count
metrics) are not public: :func:`suppress` masks every one of them and :func:`public_codes` /
:func:`public_frame` leave them out of public files and the public API altogether. The
analysts' extracts and the token API carry both (audited).

**Aggregates** (national, region, type, sector, ICB, and any grouping a page shows) are public
with counts and metrics from pooled counts, over 3 or more organisations only
(:func:`suppress_aggregates`), with the first rule's machinery (:func:`suppress_pooled`):

1. **Primary**: a pooled count from 1 to ``threshold`` (4 by default) is suppressed; zeros are
   shown.
2. **Derived**: every figure computed from a suppressed count (a share, a likelihood, a ratio,
   its interval, a flag, a difference) is suppressed too (:data:`DERIVED`).
3. **Secondary**: no additive set may hold exactly one suppressed cell, or subtraction gives it
   back. The sets (:data:`ROW_SETS`) are each ethnicity triplet with its total, the grades of a
   staff group with the group total, the staff groups with the workforce total, and the groups
   of one grouping within a year (they add up to the national figure). The extra cell is chosen
   to be the smallest non-zero.
4. **Groups**: no aggregate over fewer than 3 organisations is published, and no two published
   groups of a year differ by 1 or 2 organisations (:func:`differencing_hidden`), so no count
   comes back by subtracting one group from another. Republication keeps the public aggregates
   of a year until 3 or more organisations differ (:mod:`extracts.release`).

Everything is vectorised with NumPy; the loop only repeats until no rule adds a cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.dictionary import (
    AFC_GROUPS,
    BOARD_ROLES,
    ETHNICITIES,
    ITEMS,
    LIKELIHOODS,
    METRICS,
    SENIOR_GRADES,
    STAFF_GROUPS,
)

MARK: Final = "[c]"
NOTE: Final = "small numbers: see the organisation's own WRES report"
DEFAULT_THRESHOLD: Final = 4
MIN_AGGREGATE_ORGANISATIONS: Final = 3

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class AdditiveSet:
    """Cells that add up to ``total`` (a published cell, or ``None`` where the total is implied)."""

    cells: tuple[str, ...]
    total: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return (*self.cells, self.total) if self.total else self.cells


def _triplet(prefix: str, suffix: str = "") -> tuple[str, ...]:
    return tuple(f"{prefix}.{eth}{suffix}" for eth in ETHNICITIES)


#: Counts: every count item, and the count metrics (staff group and workforce totals, ...).
COUNT_CODES: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS if i.unit == "count") + tuple(
    m.code for m in METRICS if m.unit == "count"
)

#: Every item and metric code, in the order of the extracts (items, then metrics).
FIGURE_ORDER: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS) + tuple(m.code for m in METRICS)
_PRIVATE: Final = frozenset(COUNT_CODES)
#: Organisation-level figures that are public and never suppressed: every metric but the
#: counts, and the items that are not counts (the Staff Survey percentages).
PUBLIC_CODES: Final[tuple[str, ...]] = tuple(c for c in FIGURE_ORDER if c not in _PRIVATE)


def is_public(code: str) -> bool:
    """Whether an organisation's figure ``code`` may be published (every figure but a count)."""
    return code not in _PRIVATE


def public_codes(codes: Iterable[str]) -> list[str]:
    """``codes`` without the organisation-level counts, in the same order."""
    return [c for c in codes if c not in _PRIVATE]


def suppress(frame: pd.DataFrame) -> pd.DataFrame:
    """The organisation-level cells of ``frame`` that are not public: a boolean frame of its item
    and metric columns, true in every count column (whatever its value) and false elsewhere.

    Metrics are never suppressed (spec 6.1): an organisation's indicators are public; its counts
    are in the analysts' extracts and the token API only. Public outputs leave the count
    columns out (:func:`public_frame`) rather than fill them with :data:`MARK`.
    """
    known = set(FIGURE_ORDER)
    codes = [c for c in frame.columns if c in known]
    return pd.DataFrame(
        {c: np.full(len(frame), c in _PRIVATE, dtype=bool) for c in codes},
        index=frame.index,
        columns=codes,
    )


def public_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (organisation rows) without its organisation-level count columns."""
    return frame.drop(columns=[c for c in frame.columns if c in _PRIVATE])


def _build_sets() -> tuple[AdditiveSet, ...]:
    sets: list[AdditiveSet] = []
    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            sets.append(AdditiveSet(_triplet(f"i1.{group}.{grade}")))
        sets.append(AdditiveSet(_triplet(f"i1.{group}.total")))
        for eth in ETHNICITIES:
            sets.append(
                AdditiveSet(
                    tuple(f"i1.{group}.{grade}.{eth}" for grade in grades),
                    f"i1.{group}.total.{eth}",
                )
            )
    sets.append(AdditiveSet(_triplet("i1.total")))
    for eth in ETHNICITIES:
        sets.append(
            AdditiveSet(
                tuple(f"i1.{group}.total.{eth}" for group in STAFF_GROUPS), f"i1.total.{eth}"
            )
        )
    for spec in LIKELIHOODS:
        names = [spec.event, spec.base]
        if spec.indicator == 3:
            names += [f"{spec.event}_prev", f"{spec.base}_prev"]
        for name in names:
            sets.append(AdditiveSet(_triplet(f"i{spec.indicator}.{name}")))
    for role in BOARD_ROLES:
        sets.append(AdditiveSet(_triplet(f"i9.{role}")))
    return tuple(sets)


def _build_derived() -> dict[str, tuple[str, ...]]:
    """Each derived metric and the counts it is computed from (rule 2)."""
    deps: dict[str, tuple[str, ...]] = {}
    workforce = _triplet("i1.total")
    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            row = _triplet(f"i1.{group}.{grade}")
            for eth in ETHNICITIES:
                deps[f"i1.{group}.{grade}.{eth}_pct"] = row
            deps[f"i1.{group}.{grade}.bme_diff_pp"] = row + workforce
        for eth in ETHNICITIES:
            deps[f"i1.{group}.total.{eth}_pct"] = _triplet(f"i1.{group}.total")
    for eth in ETHNICITIES:
        deps[f"i1.total.{eth}_pct"] = workforce
    deps["i1.vsm.bme_pct"] = tuple(c for g in AFC_GROUPS for c in _triplet(f"i1.{g}.vsm"))
    senior = tuple(
        c for g in AFC_GROUPS for grade in SENIOR_GRADES for c in _triplet(f"i1.{g}.{grade}")
    )
    deps["i1.senior.bme_pct"] = senior
    for spec in LIKELIHOODS:
        k = spec.indicator
        names = [spec.event, spec.base]
        if k == 3:
            names += [f"{spec.event}_prev", f"{spec.base}_prev"]
        both = tuple(f"i{k}.{name}.{eth}" for name in names for eth in ("white", "bme"))
        for eth in ("white", "bme"):
            deps[f"i{k}.likelihood.{eth}"] = tuple(f"i{k}.{name}.{eth}" for name in names)
        for metric in ("rl", "rl_ci_low", "rl_ci_high", "outside_range", "adverse_to_bme"):
            deps[f"i{k}.{metric}"] = both
        deps[f"i{k}.significant"] = both
        deps[f"i{k}.small_numbers"] = both
        if k == 3:
            deps["i3.rl_current"] = tuple(
                f"i3.{name}.{eth}" for name in (spec.event, spec.base) for eth in ("white", "bme")
            )
    deps["i9.workforce.bme_pct"] = workforce
    for role in BOARD_ROLES:
        deps[f"i9.{role}.bme_pct"] = _triplet(f"i9.{role}")
        deps[f"i9.{role}.diff_pp"] = _triplet(f"i9.{role}") + workforce
    deps["i9.voting.bme_count"] = ("i9.voting.bme",)
    for grade in SENIOR_GRADES:
        deps[f"me.{grade}.gap_pp"] = tuple(
            c for g in AFC_GROUPS for c in _triplet(f"i1.{g}.{grade}")
        )
    return deps


ROW_SETS: Final[tuple[AdditiveSet, ...]] = _build_sets()
DERIVED: Final[dict[str, tuple[str, ...]]] = _build_derived()
#: Indicator 3 counts that reappear the next year as the ``_prev`` item.
I3_LINKS: Final[tuple[tuple[str, str], ...]] = tuple(
    (f"i3.{name}.{eth}", f"i3.{name}_prev.{eth}")
    for name in ("workforce", "disciplinary")
    for eth in ETHNICITIES
)
#: Counts that published aggregates add up over organisations.
AGGREGATE_COUNTS: Final[tuple[str, ...]] = _triplet("i1.total")
#: The groupings aggregates are published for (the API's national aggregates).
AGGREGATE_GROUPINGS: Final[tuple[tuple[str, ...], ...]] = (
    ("year",),
    ("year", "region"),
    ("year", "org_type"),
    ("year", "sector"),
    ("year", "icb"),
)
#: Metrics of an aggregate computed from :data:`AGGREGATE_COUNTS` (hidden with them).
AGGREGATE_DERIVED: Final[tuple[str, ...]] = tuple(
    m for m, deps in DERIVED.items() if set(deps) & set(AGGREGATE_COUNTS)
)


class _Cells:
    """Column arrays of a frame's figures (float, NaN = missing) and their suppression mask."""

    def __init__(self, frame: pd.DataFrame, codes: Iterable[str]) -> None:
        self.values: dict[str, Floats] = {}
        self.mask: dict[str, Bools] = {}
        n = len(frame)
        for code in codes:
            column = frame[code]
            if pd.api.types.is_bool_dtype(column.dtype):
                column = column.astype("Float64")
            self.values[code] = pd.to_numeric(column, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            self.mask[code] = np.zeros(n, dtype=bool)

    def total(self) -> int:
        return int(sum(int(m.sum()) for m in self.mask.values()))


def _organisation_any(mask: Bools, org_ids: npt.NDArray[np.intp] | None) -> Bools:
    """Where the same column is suppressed in any row (year) of the same organisation."""
    if org_ids is None or not len(mask):
        return mask
    hits = np.bincount(org_ids, weights=mask.astype(np.float64)) > 0
    return hits[org_ids]


def _score(values: Floats, preferred: Bools) -> Floats:
    """Lower is a better secondary cell: preferred (same cell as in other years), then small."""
    base = np.where(values > 0, values, 1e11)
    return np.where(preferred, 0.0, 1e12) + base


def _row_secondary(
    cells: _Cells, additive: AdditiveSet, org_ids: npt.NDArray[np.intp] | None
) -> None:
    codes = [c for c in additive.codes if c in cells.values]
    if len(codes) != len(additive.codes) or len(codes) < 2:
        return
    masks = np.column_stack([cells.mask[c] for c in codes])
    values = np.column_stack([cells.values[c] for c in codes])
    need = (masks.sum(axis=1) == 1) & ~np.isnan(values).any(axis=1)
    if not need.any():
        return
    rows = np.flatnonzero(need)
    scores = np.column_stack(
        [
            _score(cells.values[c][rows], _organisation_any(cells.mask[c], org_ids)[rows])
            + (1e13 if c == additive.total else 0.0)
            for c in codes
        ]
    )
    scores[masks[rows]] = np.inf
    choice = scores.argmin(axis=1)
    if org_ids is not None:
        # One choice per organisation across its years where the cell is available in each.
        ids = org_ids[rows]
        sums = np.zeros((int(ids.max()) + 1, len(codes)))
        np.add.at(sums, ids, np.where(np.isfinite(scores), scores, 1e15))
        shared = sums.argmin(axis=1)[ids]
        usable = np.isfinite(scores[np.arange(len(rows)), shared])
        choice = np.where(usable, shared, choice)
    for j, code in enumerate(codes):
        cells.mask[code][rows[choice == j]] = True


def _across_rows(
    cells: _Cells,
    code: str,
    group_ids: npt.NDArray[np.intp],
    org_ids: npt.NDArray[np.intp] | None,
    min_members: int,
) -> None:
    """Within each group of rows (an aggregate), never exactly one suppressed member."""
    values, mask = cells.values[code], cells.mask[code]
    present = ~np.isnan(values)
    if not present.any():
        return
    members = np.bincount(group_ids, weights=present.astype(np.float64))
    hidden = np.bincount(group_ids, weights=(mask & present).astype(np.float64))
    needy = (hidden == 1) & (members >= min_members)
    if not needy.any():
        return
    score = _score(values, _organisation_any(mask, org_ids))
    score[mask | ~present | ~needy[group_ids]] = np.inf
    series = pd.Series(score)
    best = series.groupby(group_ids).idxmin()
    best = best[np.isfinite(series.loc[best.to_numpy()].to_numpy())]
    mask[best.to_numpy()] = True


def suppress_pooled(
    frame: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    groupings: Sequence[Sequence[str]] = (),
    min_aggregate_organisations: int = MIN_AGGREGATE_ORGANISATIONS,
) -> pd.DataFrame:
    """The cells of a table of pooled counts to publish as ``[c]`` (rules 1-3 above).

    ``frame`` has one row per aggregate (or per organisation-year, for a rule-of-v1 analysis)
    and any item and metric codes; rows in one group of ``groupings`` form an additive set.
    Columns that are not item or metric codes are left out of the result.
    """
    known = {i.code for i in ITEMS} | {m.code for m in METRICS}
    codes = [c for c in frame.columns if c in known]
    cells = _Cells(frame, codes)
    org_ids: npt.NDArray[np.intp] | None = None
    prev_row: npt.NDArray[np.intp] | None = None
    if "organisation" in frame.columns:
        org_ids = pd.factorize(frame["organisation"])[0].astype(np.intp)
        if "year" in frame.columns:
            index = pd.MultiIndex.from_arrays([frame["organisation"], frame["year"]])
            before = pd.MultiIndex.from_arrays([frame["organisation"], frame["year"] - 1])
            prev_row = index.get_indexer(before).astype(np.intp)
    for code in COUNT_CODES:
        if code in cells.values:
            v = cells.values[code]
            cells.mask[code] |= (v >= 1) & (v <= threshold)
    group_ids = [
        pd.factorize(pd.MultiIndex.from_frame(frame[list(names)].astype(str)))[0].astype(np.intp)
        for names in groupings
        if all(name in frame.columns for name in names)
    ]
    derived = {
        m: tuple(d for d in deps if d in cells.mask)
        for m, deps in DERIVED.items()
        if m in cells.mask
    }
    while True:
        count = cells.total()
        for metric, deps in derived.items():
            for dep in deps:
                cells.mask[metric] |= cells.mask[dep]
        if prev_row is not None:
            has_prev = prev_row >= 0
            for current, previous in I3_LINKS:
                if current in cells.mask and previous in cells.mask:
                    last_year = np.zeros(len(frame), dtype=bool)
                    last_year[has_prev] = cells.mask[current][prev_row[has_prev]]
                    cells.mask[previous] |= last_year
                    back = has_prev & cells.mask[previous]
                    cells.mask[current][prev_row[back]] = True
        for additive in ROW_SETS:
            _row_secondary(cells, additive, org_ids)
        for ids in group_ids:
            for code in AGGREGATE_COUNTS:
                if code in cells.values:
                    _across_rows(cells, code, ids, org_ids, min_aggregate_organisations)
        if cells.total() == count:
            break
    return pd.DataFrame(cells.mask, index=frame.index, columns=codes)


def suppress_aggregates(
    frame: pd.DataFrame,
    by: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    min_organisations: int = MIN_AGGREGATE_ORGANISATIONS,
) -> pd.DataFrame:
    """The cells of an :func:`indicators.aggregate` result to publish as ``[c]``.

    An aggregate over fewer than ``min_organisations`` organisations is suppressed whole (rule
    4); its counts follow rules 1-3, and the groups of one year (regions, say) form an additive
    set with the national figure, so no year has exactly one suppressed group.
    """
    groupings: list[tuple[str, ...]] = [("year",)] if "year" in by and len(by) > 1 else []
    mask = suppress_pooled(
        frame.drop(columns=["organisation"], errors="ignore"),
        threshold=threshold,
        groupings=groupings,
        min_aggregate_organisations=2,
    )
    figures = [c for c in frame.columns if c not in (*by, "organisations")]
    few = frame["organisations"].fillna(0).to_numpy() < min_organisations
    out = pd.DataFrame(False, index=frame.index, columns=figures)
    for column in mask.columns:
        out[column] = mask[column].to_numpy()
    for column in figures:
        out[column] = out[column].to_numpy() | few
    return out


def apply_mask(frame: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` as objects, with every masked cell replaced by :data:`MARK`."""
    out = frame.astype(object).where(frame.notna(), None)
    for column in mask.columns:
        hidden = mask[column].to_numpy(dtype=bool)
        if hidden.any():
            values = out[column].to_numpy(dtype=object).copy()
            values[hidden] = MARK
            out[column] = values
    return out


def _key(values: Iterable[object]) -> tuple[object, ...]:
    """A grouping key that compares equal however pandas typed it (NaN and None alike)."""
    out: list[object] = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append(None)
        elif isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
            out.append(int(value))
        else:
            out.append(str(value))
    return tuple(out)


@dataclass(slots=True)
class _Group:
    """One published aggregate row: its grouping, who its counts cover (a bit per organisation
    of the year), and whether its counts are hidden."""

    grouping: str
    row: int
    members: int
    hidden: bool


def _hidden_counts(mask: pd.DataFrame, row: int) -> bool:
    return any(bool(mask[c].iloc[row]) for c in AGGREGATE_COUNTS if c in mask.columns)


def _hide_counts(mask: pd.DataFrame, row: int) -> None:
    for column in (*AGGREGATE_COUNTS, *AGGREGATE_DERIVED):
        if column in mask.columns:
            values = mask[column].to_numpy(dtype=bool).copy()
            values[row] = True
            mask[column] = values


def protect_groupings(
    counted: pd.DataFrame,
    tables: Mapping[str, tuple[Sequence[str], pd.DataFrame, pd.DataFrame]],
    *,
    min_organisations: int = MIN_AGGREGATE_ORGANISATIONS,
) -> None:
    """Rule 4 across groupings: no published count comes back by subtraction (updates masks).

    ``counted`` has one row per organisation-year whose counts enter the pooled sums, with the
    grouping columns; ``tables`` maps each grouping's name to its columns, its aggregate table
    and that table's mask (from :func:`suppress_aggregates`). For every published group P of a
    year and every other grouping K, the published groups of K inside P leave a residual
    P minus their union that anyone can compute by subtraction. It must be empty, or cover
    ``min_organisations`` or more organisations and not be exactly one hidden group (whose small
    count it would give back). Otherwise the smallest published group of K inside P is hidden
    too, and the check repeats until nothing changes. This also covers two nested groups that
    differ by one or two organisations (sector "acute" and type "NHS trust", say).
    """
    groups: dict[int, list[_Group]] = {}
    for year, rows in counted.groupby("year", sort=False):
        position = {index: bit for bit, index in enumerate(rows.index)}
        members: dict[tuple[str, tuple[object, ...]], int] = {}
        for name, (names, _, _) in tables.items():
            for index, *values in rows[list(names)].itertuples(index=True, name=None):
                member = (name, _key(values))
                members[member] = members.get(member, 0) | (1 << position[index])
        year_key = _key([year])[0]
        found: list[_Group] = []
        for name, (names, table, mask) in tables.items():
            for row, group in enumerate(table[list(names)].itertuples(index=False, name=None)):
                key = _key(group)
                if key[0] != year_key:
                    continue
                bits = members.get((name, key), 0)
                if bits:
                    hidden = _hidden_counts(mask, row)
                    if hidden:  # a group is published whole or hidden whole in what follows
                        _hide_counts(mask, row)
                    found.append(_Group(name, row, bits, hidden))
        groups[int(year_key)] = found  # type: ignore[call-overload]
    for found in groups.values():
        changed = True
        while changed:
            changed = False
            for parent in found:
                if parent.hidden:
                    continue
                for grouping in tables:
                    if grouping == parent.grouping:
                        continue
                    inside = [
                        g for g in found
                        if g.grouping == grouping and not g.members & ~parent.members
                    ]  # fmt: skip
                    shown = [g for g in inside if not g.hidden]
                    union = 0
                    for g in shown:
                        union |= g.members
                    residual = parent.members & ~union
                    if not residual:
                        continue
                    one_hidden = any(g.hidden and g.members == residual for g in inside)
                    if residual.bit_count() >= min_organisations and not one_hidden:
                        continue
                    victim = min(shown, key=lambda g: g.members.bit_count(), default=parent)
                    victim.hidden = True
                    _hide_counts(tables[victim.grouping][2], victim.row)
                    changed = True
                    if victim is parent:
                        break
