"""Every derived metric of one return, computed from its (already checked) item values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import (
    AFC_GROUPS,
    BOARD_ROLES,
    ETHNICITIES,
    I3_POOLING_ITEMS,
    LIKELIHOODS,
    METRIC_CODES,
    SENIOR_GRADES,
    STAFF_GROUPS,
    SURVEY_INDICATORS,
    Likelihood,
)
from indicators.likelihood import RelativeLikelihood, relative_likelihood
from indicators.model_employer import ModelEmployer

MetricValue = float | bool | int | None
Number = int | float

_ROWS: Final[tuple[tuple[str, tuple[str, str, str]], ...]] = tuple(
    (f"i1.{group}.{grade}", tuple(f"i1.{group}.{grade}.{eth}" for eth in ETHNICITIES))  # type: ignore[misc]
    for group, grades in STAFF_GROUPS.items()
    for grade in grades
)


@dataclass(slots=True)
class Counts:
    """The a, n1, c, n2 counts one relative likelihood rests on (``None`` where missing)."""

    a: int | None
    n1: int | None
    c: int | None
    n2: int | None


@dataclass(slots=True)
class MetricSet:
    """The metrics of one return, with exact rationals where the value is a ratio of integers."""

    values: dict[str, MetricValue]
    exact: dict[str, Fraction]
    likelihoods: dict[int, RelativeLikelihood]
    counts: dict[int, Counts]


def _int(values: Mapping[str, Number], code: str) -> int | None:
    value = values.get(code)
    return value if isinstance(value, int) else None


def _sum(parts: list[int | None]) -> int | None:
    total = 0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


def likelihood_counts(spec: Likelihood, values: Mapping[str, Number], *, pooled: bool) -> Counts:
    """The counts for one indicator, pooling indicator 3 with last year's where asked."""
    k = spec.indicator

    def count(name: str, eth: str) -> int | None:
        current = _int(values, f"i{k}.{name}.{eth}")
        if not pooled or current is None:
            return current
        previous = _int(values, f"i{k}.{name}_prev.{eth}")
        return None if previous is None else current + previous

    return Counts(
        count(spec.event, spec.numerator),
        count(spec.base, spec.numerator),
        count(spec.event, spec.comparator),
        count(spec.base, spec.comparator),
    )


def is_pooled(values: Mapping[str, Number]) -> bool:
    """Indicator 3 pools two years where all four previous-year White/BME items are usable."""
    return all(isinstance(values.get(code), int) for code in I3_POOLING_ITEMS)


def _share(part: int | None, total: int | None) -> tuple[float, Fraction] | None:
    if part is None or total is None or total == 0:
        return None
    return (100 * part) / total, Fraction(100 * part, total)


def compute_metrics(
    values: Mapping[str, Number],
    *,
    year: int | None = None,
    model_employer: ModelEmployer | None = None,
    config: Config = DEFAULT_CONFIG,
) -> MetricSet:
    """Compute every metric of the spec from item values that have passed the checks.

    ``values`` maps item codes to whole numbers (counts) or floats (survey percentages); an
    absent item is missing, and every metric that needs it is ``None``.
    """
    out: dict[str, MetricValue] = dict.fromkeys(METRIC_CODES)
    exact: dict[str, Fraction] = {}

    def put(code: str, result: tuple[float, Fraction] | None) -> None:
        if result is not None:
            out[code], exact[code] = result

    # Indicator 1: group and whole-workforce totals first, as the rows are compared with them.
    group_totals: dict[str, list[int | None]] = {}
    for group, grades in STAFF_GROUPS.items():
        totals = [
            _sum([_int(values, f"i1.{group}.{grade}.{eth}") for grade in grades])
            for eth in ETHNICITIES
        ]
        group_totals[group] = totals
        all_three = _sum(totals)
        for eth, total in zip(ETHNICITIES, totals, strict=True):
            out[f"i1.{group}.total.{eth}"] = total
            put(f"i1.{group}.total.{eth}_pct", _share(total, all_three))
    workforce = [
        _sum([group_totals[group][index] for group in STAFF_GROUPS])
        for index in range(len(ETHNICITIES))
    ]
    workforce_total = _sum(workforce)
    for eth, total in zip(ETHNICITIES, workforce, strict=True):
        out[f"i1.total.{eth}"] = total
        put(f"i1.total.{eth}_pct", _share(total, workforce_total))
    workforce_bme = _share(workforce[1], workforce_total)

    for prefix, codes in _ROWS:
        row = [_int(values, code) for code in codes]
        row_total = _sum(row)
        for eth, count in zip(ETHNICITIES, row, strict=True):
            put(f"{prefix}.{eth}_pct", _share(count, row_total))
        bme = _share(row[1], row_total)
        if bme is not None and workforce_bme is not None:
            put(f"{prefix}.bme_diff_pp", (bme[0] - workforce_bme[0], bme[1] - workforce_bme[1]))

    def senior_share(grades: tuple[str, ...]) -> tuple[float, Fraction] | None:
        by_eth = [
            _sum([_int(values, f"i1.{g}.{grade}.{eth}") for g in AFC_GROUPS for grade in grades])
            for eth in ETHNICITIES
        ]
        return _share(by_eth[1], _sum(by_eth))

    put("i1.vsm.bme_pct", senior_share(("vsm",)))
    put("i1.senior.bme_pct", senior_share(SENIOR_GRADES))

    # Indicators 2-4: relative likelihoods (indicator 3 pooled over two years where it can be).
    pooled = is_pooled(values)
    likelihoods: dict[int, RelativeLikelihood] = {}
    all_counts: dict[int, Counts] = {}
    for spec in LIKELIHOODS:
        k = spec.indicator
        counts = likelihood_counts(spec, values, pooled=pooled and k == 3)
        result = relative_likelihood(counts.a, counts.n1, counts.c, counts.n2, config)
        likelihoods[k] = result
        all_counts[k] = counts
        by_group = {
            spec.numerator: (result.numerator_likelihood, counts.a, counts.n1),
            spec.comparator: (result.comparator_likelihood, counts.c, counts.n2),
        }
        for eth in ("white", "bme"):
            value, events, base = by_group[eth]
            if value is not None and events is not None and base:
                out[f"i{k}.likelihood.{eth}"] = value
                exact[f"i{k}.likelihood.{eth}"] = Fraction(events, base)
        out[f"i{k}.rl"] = result.rl
        if result.exact is not None:
            exact[f"i{k}.rl"] = result.exact
        out[f"i{k}.rl_ci_low"] = result.ci_low
        out[f"i{k}.rl_ci_high"] = result.ci_high
        out[f"i{k}.outside_range"] = result.outside_range
        out[f"i{k}.adverse_to_bme"] = result.adverse_to_bme
        out[f"i{k}.significant"] = result.significant
        out[f"i{k}.small_numbers"] = result.small_numbers
        if k == 3:
            out["i3.years_pooled"] = 2 if pooled else 1
            current = likelihood_counts(spec, values, pooled=False) if pooled else counts
            current_rl = relative_likelihood(current.a, current.n1, current.c, current.n2, config)
            out["i3.rl_current"] = current_rl.rl
            if current_rl.exact is not None:
                exact["i3.rl_current"] = current_rl.exact

    # Indicators 5-8: survey gaps, BME minus White.
    for k in SURVEY_INDICATORS:
        white_pct = values.get(f"i{k}.white")
        bme_pct = values.get(f"i{k}.bme")
        if white_pct is not None and bme_pct is not None:
            out[f"i{k}.gap_pp"] = float(bme_pct) - float(white_pct)
            # The exact gap of the decimals as entered, so 28.35 - 25.1 shows as 3.3.
            exact[f"i{k}.gap_pp"] = Fraction(repr(bme_pct)) - Fraction(repr(white_pct))

    # Indicator 9: board composition against the workforce.
    out["i9.workforce.bme_pct"] = out["i1.total.bme_pct"]
    if workforce_bme is not None:
        exact["i9.workforce.bme_pct"] = workforce_bme[1]
    for role in BOARD_ROLES:
        board = [_int(values, f"i9.{role}.{eth}") for eth in ETHNICITIES]
        share = _share(board[1], _sum(board))
        put(f"i9.{role}.bme_pct", share)
        if share is not None and workforce_bme is not None:
            put(f"i9.{role}.diff_pp", (share[0] - workforce_bme[0], share[1] - workforce_bme[1]))
    out["i9.voting.bme_count"] = _int(values, "i9.voting.bme")

    # Model Employer: expected senior shares on the trajectory, and the gap to them.
    if model_employer is not None and year is not None:
        for grade in SENIOR_GRADES:
            expected = model_employer.expected(grade, year)
            out[f"me.{grade}.expected_bme_pct"] = expected
            actual = senior_share((grade,))
            if expected is not None and actual is not None:
                out[f"me.{grade}.gap_pp"] = actual[0] - expected
    return MetricSet(out, exact, likelihoods, all_counts)
