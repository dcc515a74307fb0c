"""Every metric for many returns at once: one vectorised pass over a wide DataFrame."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.checks import _EventOverBase
from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import (
    AFC_GROUPS,
    BOARD_ROLES,
    COUNT_ITEMS,
    ETHNICITIES,
    I1_ITEMS,
    I3_POOLING_ITEMS,
    ITEM_BY_CODE,
    ITEMS,
    LIKELIHOODS,
    METRICS,
    SENIOR_GRADES,
    STAFF_GROUPS,
    Likelihood,
)
from indicators.model_employer import ModelEmployer

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

KEYS: Final[tuple[str, str]] = ("organisation", "year")
_ITEM_LIKE: Final = re.compile(r"^(i\d|me)\.")
_EVENT_RULES: Final[tuple[tuple[str, str], ...]] = tuple(
    pair for rule in _EventOverBase.__subclasses__() for pair in rule.pairs
)


@dataclass(slots=True)
class Flag:
    """A nullable flag column: its values and where it is known."""

    values: Flags
    known: Flags

    def series(self) -> pd.arrays.BooleanArray:
        """The flag as a pandas nullable boolean array."""
        return pd.arrays.BooleanArray(self.values & self.known, ~self.known)


@dataclass(slots=True)
class LikelihoodColumns:
    """The vectorised counterpart of :class:`indicators.likelihood.RelativeLikelihood`."""

    numerator_likelihood: Floats
    comparator_likelihood: Floats
    rl: Floats
    ci_low: Floats
    ci_high: Floats
    outside_range: Flag
    adverse_to_bme: Flag
    significant: Flag
    small_numbers: Flag


@dataclass(slots=True)
class NationalResult:
    """The metrics frame plus the effective counts behind it (used by the aggregates)."""

    metrics: pd.DataFrame
    values: dict[str, Floats]
    counts: dict[int, tuple[Floats, Floats, Floats, Floats]] = field(default_factory=dict)


def _nan(n: int) -> Floats:
    return np.full(n, np.nan)


def likelihood_columns(
    a: Floats, n1: Floats, c: Floats, n2: Floats, config: Config = DEFAULT_CONFIG
) -> LikelihoodColumns:
    """Relative likelihoods for arrays of counts (NaN = missing), with the per-return rules.

    Counts must be whole numbers below 2**26 so that every product is exact in float64 and the
    range flags are decided exactly, as the per-return path does in integers.
    """
    with np.errstate(all="ignore"):
        known = ~(np.isnan(a) | np.isnan(n1) | np.isnan(c) | np.isnan(n2))
        numerator_likelihood = np.where(n1 > 0, a / n1, np.nan)
        comparator_likelihood = np.where(n2 > 0, c / n2, np.nan)
        flagged = known & (n1 > 0) & (n2 > 0) & ~((a == 0) & (c == 0))
        has_rl = flagged & (c > 0)
        top, bottom = a * n2, n1 * c
        rl = np.where(has_rl, top / bottom, np.nan)
        low, high = config.rl_low, config.rl_high
        above = top * high.denominator > high.numerator * bottom
        below = top * low.denominator < low.numerator * bottom
        infinite = c == 0
        has_ci = has_rl & (a > 0) & (a != n1) & (c != n2)
        se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
        log_rl = np.log(rl)
        ci_low = np.where(has_ci, np.exp(log_rl - config.z * se), np.nan)
        ci_high = np.where(has_ci, np.exp(log_rl + config.z * se), np.nan)
        small_known = ~(np.isnan(a) | np.isnan(c))
        small = (a < config.small_number) | (c < config.small_number)
    return LikelihoodColumns(
        numerator_likelihood,
        comparator_likelihood,
        rl,
        ci_low,
        ci_high,
        Flag(infinite | above | below, flagged),
        Flag(infinite | above, flagged),
        Flag((ci_low > 1) | (ci_high < 1), has_ci),
        Flag(small, small_known),
    )


def _read_items(
    returns: pd.DataFrame, config: Config
) -> tuple[dict[str, Floats], dict[str, Flags]]:
    """Valid values (NaN where missing or failing E002/E006) and where each item was supplied."""
    n = len(returns)
    values: dict[str, Floats] = {}
    supplied: dict[str, Flags] = {}
    counts = frozenset(COUNT_ITEMS)
    for item in ITEMS:
        if item.code not in returns.columns:
            values[item.code] = _nan(n)
            supplied[item.code] = np.zeros(n, dtype=bool)
            continue
        column = returns[item.code]
        # A copy: for an empty column pandas may hand back a read-only array.
        present = column.notna().to_numpy(dtype=bool, copy=True)
        if column.dtype == object:
            blank = column.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(bool)
            present &= ~blank
        if pd.api.types.is_bool_dtype(column.dtype):
            number = _nan(n)  # True/False is not a count or a percentage
        else:
            number = pd.to_numeric(column, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        with np.errstate(invalid="ignore"):
            if item.code in counts:
                ok = (number >= 0) & (number <= config.max_count) & (np.floor(number) == number)
            else:
                ok = (number >= 0) & (number <= 100)
        values[item.code] = np.where(present & ok, number, np.nan)
        supplied[item.code] = present
    return values, supplied


def _block_errors(values: dict[str, Floats], supplied: dict[str, Flags]) -> dict[str, Floats]:
    """Treat every item named by an error (E003-E005, E007-E009) as missing, as per return."""
    n = len(next(iter(values.values())))
    blocked = {code: np.zeros(n, dtype=bool) for code in values}
    with np.errstate(invalid="ignore"):
        for base, event in _EVENT_RULES:
            for eth in ETHNICITIES:
                bad = values[f"{event}.{eth}"] > values[f"{base}.{eth}"]
                blocked[f"{event}.{eth}"] |= bad
                blocked[f"{base}.{eth}"] |= bad
        for eth in ETHNICITIES:
            codes = (f"i9.voting.{eth}", f"i9.executive.{eth}", f"i9.non_executive.{eth}")
            bad = values[codes[0]] > values[codes[1]] + values[codes[2]]
            for code in codes:
                blocked[code] |= bad
        i1 = np.column_stack([values[code] for code in I1_ITEMS])
        empty = ~np.isnan(i1).any(axis=1) & (i1.sum(axis=1) == 0)
        for code in I1_ITEMS:
            blocked[code] |= empty
        filled = np.column_stack([supplied[code] for code in I3_POOLING_ITEMS])
        partial = filled.any(axis=1) & ~filled.all(axis=1)
        for code in I3_POOLING_ITEMS:
            blocked[code] |= partial
    return {code: np.where(blocked[code], np.nan, value) for code, value in values.items()}


def _sum(columns: Iterable[Floats]) -> Floats:
    total: Floats | None = None
    for column in columns:
        total = column.copy() if total is None else total + column
    assert total is not None
    return total


def _share(part: Floats, total: Floats) -> Floats:
    with np.errstate(all="ignore"):
        return np.where(total > 0, 100 * part / total, np.nan)


def _check_frame(returns: pd.DataFrame) -> None:
    missing = [key for key in KEYS if key not in returns.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    unknown = [c for c in returns.columns if _ITEM_LIKE.match(str(c)) and c not in ITEM_BY_CODE]
    if unknown:
        shown = ", ".join(map(str, unknown[:5])) + (" ..." if len(unknown) > 5 else "")
        raise ValueError(f"unknown item code column(s): {shown}")
    if returns.duplicated(list(KEYS)).any():
        raise ValueError("more than one row for the same organisation and year")
    year = returns["year"]
    if len(year) and (not pd.api.types.is_integer_dtype(year.dtype) or year.isna().any()):
        raise ValueError("the year column must hold whole numbers")


def senior_grade_shares(values: dict[str, Floats]) -> dict[str, Floats]:
    """The BME share of each senior grade across non-clinical and clinical staff."""
    shares: dict[str, Floats] = {}
    for grade in SENIOR_GRADES:
        by_eth = [_sum(values[f"i1.{g}.{grade}.{eth}"] for g in AFC_GROUPS) for eth in ETHNICITIES]
        shares[grade] = _share(by_eth[1], _sum(by_eth))
    return shares


def _defaults_table(
    organisation: npt.NDArray[np.object_],
    year: npt.NDArray[np.int64],
    total_bme_pct: Floats,
    senior: dict[str, Floats],
    config: Config,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"organisation": organisation, "year": year, "target_pct": total_bme_pct}
        | {f"base_pct.{g}": senior[g] for g in SENIOR_GRADES}
    )
    frame = frame[frame["year"] >= config.model_employer_base_year]
    first = frame.loc[frame.groupby("organisation", sort=False)["year"].idxmin()]
    first = first[first["target_pct"].notna()]
    table = first.rename(columns={"year": "base_year"}).set_index("organisation")
    table.insert(1, "target_year", config.model_employer_target_year)
    return table[
        ["base_year", "target_year", "target_pct", *[f"base_pct.{g}" for g in SENIOR_GRADES]]
    ]


def model_employer_defaults(returns: pd.DataFrame, config: Config = DEFAULT_CONFIG) -> pd.DataFrame:
    """Each organisation's default Model Employer input, derived from its own returns.

    Portal rule: the base year is the organisation's first year from
    ``config.model_employer_base_year`` (2018) on; the target is its overall BME workforce share
    that year, reached by ``config.model_employer_target_year`` (2028); each senior grade starts
    from its BME share that year. Indexed by organisation, with columns ``base_year``,
    ``target_year``, ``target_pct`` and ``base_pct.{grade}``; organisations without a usable base
    year are left out.
    """
    _check_frame(returns)
    values = _block_errors(*_read_items(returns, config))
    workforce = [_sum(values[c] for c in I1_ITEMS if c.endswith(f".{eth}")) for eth in ETHNICITIES]
    return _defaults_table(
        returns["organisation"].to_numpy(dtype=object),
        returns["year"].to_numpy(dtype=np.int64),
        _share(workforce[1], _sum(workforce)),
        senior_grade_shares(values),
        config,
    )


def model_employer_for(table: pd.DataFrame, organisation: str) -> ModelEmployer | None:
    """The :class:`ModelEmployer` of one organisation from a table of Model Employer inputs."""
    if organisation not in table.index:
        return None
    numbers = table.loc[[organisation]].to_numpy(dtype=np.float64, na_value=np.nan)[0]
    row = {str(column): float(x) for column, x in zip(table.columns, numbers, strict=True)}
    base = {
        g: None if np.isnan(row.get(f"base_pct.{g}", np.nan)) else row[f"base_pct.{g}"]
        for g in SENIOR_GRADES
    }
    return ModelEmployer(int(row["base_year"]), int(row["target_year"]), row["target_pct"], base)


def _expected(
    year: Floats, base_year: Floats, target_year: Floats, target: Floats, base: Floats
) -> Floats:
    """The Model Employer trajectory, in the same operations as ``ModelEmployer.expected``."""
    with np.errstate(all="ignore"):
        line = base + (target - base) * (year - base_year) / (target_year - base_year)
        during = np.where(base >= target, target, line)
        return np.where(~(year >= base_year), np.nan, np.where(year >= target_year, target, during))


def compute_national(
    returns: pd.DataFrame,
    *,
    model_employer: pd.DataFrame | None = None,
    config: Config = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """Every metric for every row of ``returns``, vectorised.

    ``returns`` has one row per organisation-year: ``organisation``, ``year``, then item codes
    (NaN or absent where missing). Values are checked as :func:`indicators.compute_return` does
    (an item named by an error is treated as missing), except that a whole-valued float counts
    as a whole number (CSV and Parquet columns with gaps are floats). ``model_employer`` is a
    table like :func:`model_employer_defaults` (which is used when it is ``None``).

    Returns ``organisation``, ``year``, every metric code (float columns with NaN for null,
    nullable ``boolean`` flags, nullable ``Int64`` counts), then any other input columns.
    """
    return national_result(returns, model_employer=model_employer, config=config).metrics


def national_result(
    returns: pd.DataFrame,
    *,
    model_employer: pd.DataFrame | None = None,
    config: Config = DEFAULT_CONFIG,
) -> NationalResult:
    """:func:`compute_national`, keeping the effective item values and likelihood counts."""
    _check_frame(returns)
    n = len(returns)
    v = _block_errors(*_read_items(returns, config))
    out: dict[str, object] = {}
    ints: dict[str, Floats] = {}

    group_totals: dict[str, list[Floats]] = {}
    for group, grades in STAFF_GROUPS.items():
        totals = [_sum(v[f"i1.{group}.{g}.{eth}"] for g in grades) for eth in ETHNICITIES]
        group_totals[group] = totals
        for eth, total in zip(ETHNICITIES, totals, strict=True):
            ints[f"i1.{group}.total.{eth}"] = total
            out[f"i1.{group}.total.{eth}_pct"] = _share(total, _sum(totals))
    workforce = [_sum(group_totals[g][i] for g in STAFF_GROUPS) for i in range(3)]
    for eth, total in zip(ETHNICITIES, workforce, strict=True):
        ints[f"i1.total.{eth}"] = total
        out[f"i1.total.{eth}_pct"] = _share(total, _sum(workforce))
    workforce_bme = _share(workforce[1], _sum(workforce))
    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            row = [v[f"i1.{group}.{grade}.{eth}"] for eth in ETHNICITIES]
            for eth, count in zip(ETHNICITIES, row, strict=True):
                out[f"i1.{group}.{grade}.{eth}_pct"] = _share(count, _sum(row))
            out[f"i1.{group}.{grade}.bme_diff_pp"] = (
                out[f"i1.{group}.{grade}.bme_pct"] - workforce_bme  # type: ignore[operator]
            )
    senior = senior_grade_shares(v)
    out["i1.vsm.bme_pct"] = senior["vsm"]
    senior_counts = [
        _sum(v[f"i1.{g}.{grade}.{eth}"] for g in AFC_GROUPS for grade in SENIOR_GRADES)
        for eth in ETHNICITIES
    ]
    out["i1.senior.bme_pct"] = _share(senior_counts[1], _sum(senior_counts))

    pooled = ~np.column_stack([np.isnan(v[c]) for c in I3_POOLING_ITEMS]).any(axis=1)
    counts: dict[int, tuple[Floats, Floats, Floats, Floats]] = {}
    for spec in LIKELIHOODS:
        k = spec.indicator
        current = _likelihood_counts(spec, v, None)
        used = _likelihood_counts(spec, v, pooled) if k == 3 else current
        counts[k] = used
        result = likelihood_columns(*used, config)
        by_group = {
            spec.numerator: result.numerator_likelihood,
            spec.comparator: result.comparator_likelihood,
        }
        out[f"i{k}.likelihood.white"] = by_group["white"]
        out[f"i{k}.likelihood.bme"] = by_group["bme"]
        out[f"i{k}.rl"] = result.rl
        out[f"i{k}.rl_ci_low"] = result.ci_low
        out[f"i{k}.rl_ci_high"] = result.ci_high
        out[f"i{k}.outside_range"] = result.outside_range
        out[f"i{k}.adverse_to_bme"] = result.adverse_to_bme
        out[f"i{k}.significant"] = result.significant
        out[f"i{k}.small_numbers"] = result.small_numbers
        if k == 3:
            out["i3.rl_current"] = likelihood_columns(*current, config).rl
            ints["i3.years_pooled"] = np.where(pooled, 2.0, 1.0)

    for k in (5, 6, 7, 8):
        out[f"i{k}.gap_pp"] = v[f"i{k}.bme"] - v[f"i{k}.white"]
    out["i9.workforce.bme_pct"] = workforce_bme
    for role in BOARD_ROLES:
        board = [v[f"i9.{role}.{eth}"] for eth in ETHNICITIES]
        out[f"i9.{role}.bme_pct"] = _share(board[1], _sum(board))
        out[f"i9.{role}.diff_pp"] = out[f"i9.{role}.bme_pct"] - workforce_bme  # type: ignore[operator]
    ints["i9.voting.bme_count"] = v["i9.voting.bme"]

    organisation = returns["organisation"].to_numpy(dtype=object)
    year = returns["year"].to_numpy(dtype=np.int64)
    plan = (
        _defaults_table(organisation, year, workforce_bme, senior, config)
        if model_employer is None
        else model_employer
    )
    rows = plan.reindex(pd.Index(organisation))
    years = year.astype(np.float64)
    for grade in SENIOR_GRADES:
        expected = _expected(
            years,
            rows["base_year"].to_numpy(dtype=np.float64, na_value=np.nan),
            rows["target_year"].to_numpy(dtype=np.float64, na_value=np.nan),
            rows["target_pct"].to_numpy(dtype=np.float64, na_value=np.nan),
            rows[f"base_pct.{grade}"].to_numpy(dtype=np.float64, na_value=np.nan)
            if f"base_pct.{grade}" in rows
            else _nan(n),
        )
        out[f"me.{grade}.expected_bme_pct"] = expected
        out[f"me.{grade}.gap_pp"] = senior[grade] - expected

    columns: dict[str, object] = {
        "organisation": returns["organisation"].to_numpy(),
        "year": returns["year"].to_numpy(),
    }
    for metric in METRICS:
        code = metric.code
        if metric.kind == "int":
            data = ints[code]
            known = ~np.isnan(data)
            columns[code] = pd.arrays.IntegerArray(
                np.where(known, data, 0).astype(np.int64), ~known
            )
        elif metric.kind == "flag":
            flag = out[code]
            assert isinstance(flag, Flag)
            columns[code] = flag.series()
        else:
            columns[code] = out[code]
    extra = [c for c in returns.columns if c not in KEYS and c not in ITEM_BY_CODE]
    for name in extra:
        columns[name] = returns[name].to_numpy()
    frame = pd.DataFrame(columns, copy=False)
    return NationalResult(frame, v, counts)


def _likelihood_counts(
    spec: Likelihood, v: dict[str, Floats], pooled: Flags | None
) -> tuple[Floats, Floats, Floats, Floats]:
    k = spec.indicator

    def count(name: str, eth: str) -> Floats:
        current = v[f"i{k}.{name}.{eth}"]
        if pooled is None:
            return current
        return current + np.where(pooled, v[f"i{k}.{name}_prev.{eth}"], 0.0)

    return (
        count(spec.event, spec.numerator),
        count(spec.base, spec.numerator),
        count(spec.event, spec.comparator),
        count(spec.base, spec.comparator),
    )
