"""Every derived metric of one return, computed from its (already checked) item values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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

#: An exact ratio as the integer pair (numerator, denominator) it is made from, on first use.
Pair = tuple[int, int]

#: Each indicator 1 row: its item codes by ethnicity, then the codes of its shares by ethnicity
#: and of its BME difference from the workforce (made once, not per return).
_ROWS: Final[tuple[tuple[tuple[str, str, str], tuple[str, str, str], str], ...]] = tuple(
    (
        tuple(f"i1.{group}.{grade}.{eth}" for eth in ETHNICITIES),  # type: ignore[misc]
        tuple(f"i1.{group}.{grade}.{eth}_pct" for eth in ETHNICITIES),
        f"i1.{group}.{grade}.bme_diff_pp",
    )
    for group, grades in STAFF_GROUPS.items()
    for grade in grades
)
#: Each staff group's item codes by ethnicity (one tuple of grades per ethnicity), in order.
_GROUP_CODES: Final[tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]] = tuple(
    (group, tuple(tuple(f"i1.{group}.{grade}.{eth}" for grade in grades) for eth in ETHNICITIES))
    for group, grades in STAFF_GROUPS.items()
)


def _senior_codes(grades: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(f"i1.{g}.{grade}.{eth}" for g in AFC_GROUPS for grade in grades)
        for eth in ETHNICITIES
    )


_SENIOR_CODES: Final[dict[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    grades: _senior_codes(grades)
    for grades in (("vsm",), SENIOR_GRADES, *((grade,) for grade in SENIOR_GRADES))
}
_BOARD_CODES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = tuple(
    (role, tuple(f"i9.{role}.{eth}" for eth in ETHNICITIES)) for role in BOARD_ROLES
)


@dataclass(slots=True)
class Counts:
    """The a, n1, c, n2 counts one relative likelihood rests on (``None`` where missing)."""

    a: int | None
    n1: int | None
    c: int | None
    n2: int | None


class ExactValues(Mapping[str, Fraction]):
    """The exact rationals of the metrics, each made from its integer pair when first read.

    Most results are stored and shown without ever reading them, so building every
    ``Fraction`` (a gcd each) up front was most of a return's computing time.
    """

    __slots__ = ("_gaps", "_made", "_pairs")

    def __init__(self) -> None:
        self._pairs: dict[str, Pair] = {}
        self._gaps: dict[str, tuple[float, float]] = {}
        self._made: dict[str, Fraction] = {}

    def set_pair(self, code: str, pair: Pair) -> None:
        self._pairs[code] = pair

    def set_fraction(self, code: str, value: Fraction) -> None:
        self._made[code] = value

    def set_gap(self, code: str, bme: float, white: float) -> None:
        """The exact gap of two decimals as entered, so 28.35 - 25.1 is 3.25."""
        self._gaps[code] = (bme, white)

    def __getitem__(self, code: str) -> Fraction:
        made = self._made.get(code)
        if made is not None:
            return made
        pair = self._pairs.get(code)
        if pair is not None:
            made = Fraction(*pair)
        elif code in self._gaps:
            bme, white = self._gaps[code]
            made = Fraction(repr(bme)) - Fraction(repr(white))
        else:
            raise KeyError(code)
        self._made[code] = made
        return made

    def __contains__(self, code: object) -> bool:
        return code in self._pairs or code in self._made or code in self._gaps

    def __iter__(self) -> Iterator[str]:
        yield from self._pairs
        yield from (code for code in self._made if code not in self._pairs)
        yield from self._gaps

    def __len__(self) -> int:
        return (
            len(self._pairs) + len(self._gaps) + sum(1 for c in self._made if c not in self._pairs)
        )


@dataclass(slots=True)
class MetricSet:
    """The metrics of one return, with exact rationals where the value is a ratio of integers."""

    values: dict[str, MetricValue]
    exact: ExactValues
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


def _total(values: Mapping[str, Number], codes: tuple[str, ...]) -> int | None:
    """The sum of the counts ``codes``, or ``None`` if any is missing (or not a count)."""
    total = 0
    get = values.get
    for code in codes:
        value = get(code)
        if not isinstance(value, int):
            return None
        total += value
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


def _share(part: int | None, total: int | None) -> tuple[float, Pair] | None:
    if part is None or total is None or total == 0:
        return None
    return (100 * part) / total, (100 * part, total)


def _difference(one: tuple[float, Pair], other: tuple[float, Pair]) -> tuple[float, Pair]:
    """``one - other``, as a float and as an exact pair."""
    (n1, d1), (n2, d2) = one[1], other[1]
    return one[0] - other[0], (n1 * d2 - n2 * d1, d1 * d2)


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
    exact = ExactValues()
    pairs = exact._pairs

    def put(code: str, result: tuple[float, Pair] | None) -> None:
        if result is not None:
            out[code], pairs[code] = result

    # Indicator 1: group and whole-workforce totals first, as the rows are compared with them.
    group_totals: dict[str, list[int | None]] = {}
    for group, by_eth in _GROUP_CODES:
        totals = [_total(values, codes) for codes in by_eth]
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

    get = values.get
    for codes, (white_code, bme_code, unknown_code), diff_code in _ROWS:
        white, bme_count, unknown = get(codes[0]), get(codes[1]), get(codes[2])
        if not (isinstance(white, int) and isinstance(bme_count, int) and isinstance(unknown, int)):
            continue  # every share of the row (and its difference) needs its total
        row_total = white + bme_count + unknown
        if row_total == 0:
            continue
        out[white_code] = (100 * white) / row_total
        pairs[white_code] = (100 * white, row_total)
        bme_share = (100 * bme_count) / row_total
        out[bme_code] = bme_share
        pairs[bme_code] = (100 * bme_count, row_total)
        out[unknown_code] = (100 * unknown) / row_total
        pairs[unknown_code] = (100 * unknown, row_total)
        if workforce_bme is not None:
            (n2, d2) = workforce_bme[1]
            out[diff_code] = bme_share - workforce_bme[0]
            pairs[diff_code] = (100 * bme_count * d2 - n2 * row_total, row_total * d2)

    def senior_share(grades: tuple[str, ...]) -> tuple[float, Pair] | None:
        by_eth = [_total(values, codes) for codes in _SENIOR_CODES[grades]]
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
                pairs[f"i{k}.likelihood.{eth}"] = (events, base)
        out[f"i{k}.rl"] = result.rl
        if result.exact is not None:
            exact.set_fraction(f"i{k}.rl", result.exact)
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
                exact.set_fraction("i3.rl_current", current_rl.exact)

    # Indicators 5-8: survey gaps, BME minus White.
    for k in SURVEY_INDICATORS:
        white_pct = values.get(f"i{k}.white")
        bme_pct = values.get(f"i{k}.bme")
        if white_pct is not None and bme_pct is not None:
            out[f"i{k}.gap_pp"] = float(bme_pct) - float(white_pct)
            # The exact gap of the decimals as entered, so 28.35 - 25.1 shows as 3.3.
            exact.set_gap(f"i{k}.gap_pp", bme_pct, white_pct)

    # Indicator 9: board composition against the workforce.
    out["i9.workforce.bme_pct"] = out["i1.total.bme_pct"]
    if workforce_bme is not None:
        pairs["i9.workforce.bme_pct"] = workforce_bme[1]
    for role, board_codes in _BOARD_CODES:
        board = [_int(values, code) for code in board_codes]
        share = _share(board[1], _sum(board))
        put(f"i9.{role}.bme_pct", share)
        if share is not None and workforce_bme is not None:
            put(f"i9.{role}.diff_pp", _difference(share, workforce_bme))
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


def compute_comparison_metrics(
    values: Mapping[str, Number], *, config: Config = DEFAULT_CONFIG
) -> MetricSet:
    """Only what last year's return is compared on (W103, W104): the indicator 1 totals by
    ethnicity and the relative likelihoods, exactly as :func:`compute_metrics` gives them, at a
    fraction of its cost (every other metric is ``None``)."""
    out: dict[str, MetricValue] = {}
    ints: dict[str, int] = {code: v for code, v in values.items() if isinstance(v, int)}
    for index, eth in enumerate(ETHNICITIES):
        parts = [_total(ints, by_eth[index]) for _, by_eth in _GROUP_CODES]
        out[f"i1.total.{eth}"] = _sum(parts)
    pooled = is_pooled(values)
    likelihoods: dict[int, RelativeLikelihood] = {}
    all_counts: dict[int, Counts] = {}
    for spec in LIKELIHOODS:
        counts = likelihood_counts(spec, values, pooled=pooled and spec.indicator == 3)
        likelihoods[spec.indicator] = relative_likelihood(
            counts.a, counts.n1, counts.c, counts.n2, config
        )
        all_counts[spec.indicator] = counts
    return MetricSet(out, ExactValues(), likelihoods, all_counts)
