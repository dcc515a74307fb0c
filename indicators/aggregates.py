"""National and group figures from pooled counts, and counts of organisations by flag."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import AFC_GROUPS, ETHNICITIES, I1_ITEMS, LIKELIHOODS, SENIOR_GRADES
from indicators.likelihood import relative_likelihood
from indicators.national import Floats, _likelihood_counts, _sum, national_result


def _jointly(columns: Sequence[Floats]) -> list[Floats]:
    """The columns with NaN wherever any of them is missing, so pooled sums stay comparable."""
    missing = np.column_stack([np.isnan(column) for column in columns]).any(axis=1)
    return [np.where(missing, np.nan, column) for column in columns]


def aggregate(
    returns: pd.DataFrame,
    by: Sequence[str] = ("year",),
    *,
    config: Config = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """National or group figures, one row per group of ``by`` (e.g. ``("year", "region")``).

    ``returns`` is the wide input of :func:`indicators.national.compute_national`
    (organisation, year, item codes) plus any grouping columns the caller adds (region, type
    and sector are not items). Shares and relative likelihoods come from counts pooled over the
    organisations that have all the counts a figure needs: national RL2 is pooled White
    appointed / shortlisted over pooled BME. Each organisation contributes the indicator 3
    counts it is itself judged on (two years where pooled). Alongside are counts of
    organisations: with a relative likelihood, outside the range, significantly adverse
    (adverse to BME and interval wholly above 1), reporting board figures, with no BME voting
    board member, and with three or more; and the same for any board member (executive or
    non-executive, voting or not: ``i9.orgs_no_bme_member``, ``i9.orgs_three_plus_bme_members``),
    as NHS England's reports count them.
    """
    names = list(by)
    missing = [name for name in names if name not in returns.columns]
    if missing:
        raise ValueError(f"cannot group by missing column(s): {', '.join(missing)}")
    frame = contributions(returns, config=config)
    keys = [returns[name].to_numpy() for name in names]
    sums = frame.groupby(keys, sort=True, dropna=False).sum(min_count=1)
    sums.index = sums.index.set_names(names)
    if sums.empty:  # no returns: the same columns, no rows
        blank = pd.DataFrame(np.nan, index=pd.RangeIndex(1), columns=sums.columns)
        empty = _figures(blank, config).iloc[:0]
        return pd.concat([pd.DataFrame(columns=names), empty.reset_index(drop=True)], axis=1)
    return _figures(sums, config).reset_index()


def contributions(returns: pd.DataFrame, *, config: Config = DEFAULT_CONFIG) -> pd.DataFrame:
    """What each organisation-year adds to the pooled sums of :func:`aggregate`, one row each.

    NaN where a row does not count towards a sum (a missing count, or a set of counts that is
    incomplete); disclosure control (:mod:`extracts.suppression`) reads which organisations
    each published sum covers from it.
    """
    result = national_result(returns, config=config)
    v, metrics = result.values, result.metrics
    parts: dict[str, Floats] = {"organisations": np.ones(len(returns))}

    def add(prefix: str, columns: Sequence[Floats]) -> None:
        for eth, column in zip(ETHNICITIES, _jointly(columns), strict=True):
            parts[f"{prefix}.{eth}"] = column

    add("workforce", [_sum(v[c] for c in I1_ITEMS if c.endswith(f".{e}")) for e in ETHNICITIES])
    for name, grades in (("vsm", ("vsm",)), ("senior", SENIOR_GRADES)):
        add(
            name,
            [
                _sum(v[f"i1.{g}.{grade}.{e}"] for g in AFC_GROUPS for grade in grades)
                for e in ETHNICITIES
            ],
        )
    add("voting", [v[f"i9.voting.{e}"] for e in ETHNICITIES])
    # The whole board (executive and non-executive members, voting or not).
    add(
        "board",
        [_sum(v[f"i9.{role}.{e}"] for role in ("executive", "non_executive")) for e in ETHNICITIES],
    )
    for spec in LIKELIHOODS:
        k = spec.indicator
        sets = {f"i{k}": result.counts[k]}
        if k == 3:
            sets["i3_current"] = _likelihood_counts(spec, v, None)
        for prefix, counts in sets.items():
            for name, column in zip(("a", "n1", "c", "n2"), _jointly(counts), strict=True):
                parts[f"{prefix}.{name}"] = column
        rl = metrics[f"i{k}.rl"].to_numpy(dtype=np.float64)
        outside = metrics[f"i{k}.outside_range"].to_numpy(dtype=bool, na_value=False)
        adverse = metrics[f"i{k}.adverse_to_bme"].to_numpy(dtype=bool, na_value=False)
        ci_low = metrics[f"i{k}.rl_ci_low"].to_numpy(dtype=np.float64)
        parts[f"i{k}.orgs_with_rl"] = (~np.isnan(rl)).astype(np.float64)
        parts[f"i{k}.orgs_outside_range"] = outside.astype(np.float64)
        parts[f"i{k}.orgs_significantly_adverse"] = (adverse & (ci_low > 1)).astype(np.float64)
    bme_voting = v["i9.voting.bme"]
    parts["i9.orgs_reporting"] = (~np.isnan(bme_voting)).astype(np.float64)
    parts["i9.orgs_no_bme_voting"] = (bme_voting == 0).astype(np.float64)
    parts["i9.orgs_three_plus_bme_voting"] = (bme_voting >= 3).astype(np.float64)
    bme_board = parts["board.bme"]
    parts["i9.orgs_reporting_board"] = (~np.isnan(bme_board)).astype(np.float64)
    parts["i9.orgs_no_bme_member"] = (bme_board == 0).astype(np.float64)
    parts["i9.orgs_three_plus_bme_members"] = (bme_board >= 3).astype(np.float64)
    return pd.DataFrame(parts, index=returns.index)


def _whole(value: object) -> int | None:
    return None if pd.isna(value) else int(value)  # type: ignore[call-overload]


def _figures(sums: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Shares and likelihoods of each group from its pooled sums (few rows: exact, in ints)."""
    rows: list[dict[str, object]] = []
    for _, group in sums.iterrows():
        row: dict[str, object] = {"organisations": _whole(group["organisations"])}
        for eth in ETHNICITIES:
            row[f"i1.total.{eth}"] = _whole(group[f"workforce.{eth}"])
        for name, code in (
            ("workforce", "i1.total.bme_pct"),
            ("vsm", "i1.vsm.bme_pct"),
            ("senior", "i1.senior.bme_pct"),
            ("voting", "i9.voting.bme_pct"),
            ("board", "i9.board.bme_pct"),
        ):
            counts = [_whole(group[f"{name}.{eth}"]) for eth in ETHNICITIES]
            total = None if None in counts else sum(c for c in counts if c is not None)
            row[code] = None if not total or counts[1] is None else 100 * counts[1] / total
        for spec in LIKELIHOODS:
            k = spec.indicator
            a, n1, c, n2 = (_whole(group[f"i{k}.{x}"]) for x in ("a", "n1", "c", "n2"))
            result = relative_likelihood(a, n1, c, n2, config)
            likely = {spec.numerator: result.numerator_likelihood}
            likely[spec.comparator] = result.comparator_likelihood
            row[f"i{k}.likelihood.white"] = likely["white"]
            row[f"i{k}.likelihood.bme"] = likely["bme"]
            row[f"i{k}.rl"] = result.rl
            row[f"i{k}.rl_ci_low"] = result.ci_low
            row[f"i{k}.rl_ci_high"] = result.ci_high
            row[f"i{k}.outside_range"] = result.outside_range
            row[f"i{k}.adverse_to_bme"] = result.adverse_to_bme
            row[f"i{k}.significant"] = result.significant
            if k == 3:
                ca, cn1, cc, cn2 = (
                    _whole(group[f"i3_current.{x}"]) for x in ("a", "n1", "c", "n2")
                )
                row["i3.rl_current"] = relative_likelihood(ca, cn1, cc, cn2, config).rl
            for count in ("orgs_with_rl", "orgs_outside_range", "orgs_significantly_adverse"):
                row[f"i{k}.{count}"] = _whole(group[f"i{k}.{count}"]) or 0
        for count in (
            "orgs_reporting",
            "orgs_no_bme_voting",
            "orgs_three_plus_bme_voting",
            "orgs_reporting_board",
            "orgs_no_bme_member",
            "orgs_three_plus_bme_members",
        ):
            row[f"i9.{count}"] = _whole(group[f"i9.{count}"]) or 0
        rows.append(row)
    out = pd.DataFrame(rows, index=sums.index)
    for column in out.columns:
        if ".orgs_" in column:
            out[column] = out[column].astype("Int64")
        elif column.endswith(("outside_range", "adverse_to_bme", "significant")):
            out[column] = out[column].astype("boolean")
        elif column.endswith("_pct") or ".likelihood." in column or ".rl" in column:
            out[column] = out[column].astype("float64")
        else:
            out[column] = out[column].astype("Int64")
    return out
