"""Relative likelihood of one group against another, computed from whole-number counts."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from indicators.config import DEFAULT_CONFIG, Config


@dataclass(frozen=True, slots=True)
class RelativeLikelihood:
    """The likelihoods, relative likelihood, interval and flags for one pair of groups.

    ``numerator_likelihood`` is ``a / n1`` and ``comparator_likelihood`` is ``c / n2``; every
    field is ``None`` where the spec says it cannot be computed.
    """

    numerator_likelihood: float | None
    comparator_likelihood: float | None
    rl: float | None
    ci_low: float | None
    ci_high: float | None
    outside_range: bool | None
    adverse_to_bme: bool | None
    significant: bool | None
    small_numbers: bool | None
    #: The exact relative likelihood as a fraction, for display and exact comparisons.
    exact: Fraction | None


NO_LIKELIHOOD = RelativeLikelihood(None, None, None, None, None, None, None, None, None, None)


def relative_likelihood(
    a: int | None,
    n1: int | None,
    c: int | None,
    n2: int | None,
    config: Config = DEFAULT_CONFIG,
) -> RelativeLikelihood:
    """Compare ``a`` events out of ``n1`` (numerator group) with ``c`` out of ``n2`` (comparator).

    RL is ``(a x n2) / (n1 x c)``, one division of integer products, so equal ratios compare
    equal; the range flags are decided in integers (``5 a n2 < 4 n1 c`` and ``4 a n2 > 5 n1 c``
    with the default limits), so 0.80 and 1.25 are inside the range. Missing counts (``None``)
    give ``None`` for whatever needs them; no NaN, infinity or exception escapes.
    """
    small = None if a is None or c is None else (a < config.small_number or c < config.small_number)
    if a is None or n1 is None or c is None or n2 is None:
        return RelativeLikelihood(
            _proportion(a, n1), _proportion(c, n2), None, None, None, None, None, None, small, None
        )
    numerator_likelihood = a / n1 if n1 else None
    comparator_likelihood = c / n2 if n2 else None
    if n1 == 0 or n2 == 0 or (a == 0 and c == 0):
        return RelativeLikelihood(
            numerator_likelihood,
            comparator_likelihood,
            None,
            None,
            None,
            None,
            None,
            None,
            small,
            None,
        )
    top = a * n2
    bottom = n1 * c
    low, high = config.rl_low, config.rl_high
    if c == 0:
        # RL is infinite: outside the range and adverse, but not a number to report.
        return RelativeLikelihood(
            numerator_likelihood,
            comparator_likelihood,
            None,
            None,
            None,
            True,
            True,
            None,
            small,
            None,
        )
    outside = top * low.denominator < low.numerator * bottom or (
        top * high.denominator > high.numerator * bottom
    )
    adverse = top * high.denominator > high.numerator * bottom
    rl = top / bottom
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool | None = None
    if a != 0 and a != n1 and c != n2:
        se = float(np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2))
        # NumPy's log and exp, as in the national path, so both give the same bits.
        log_rl = np.log(np.float64(rl))
        ci_low = float(np.exp(log_rl - config.z * se))
        ci_high = float(np.exp(log_rl + config.z * se))
        significant = ci_low > 1 or ci_high < 1
    return RelativeLikelihood(
        numerator_likelihood,
        comparator_likelihood,
        rl,
        ci_low,
        ci_high,
        outside,
        adverse,
        significant,
        small,
        Fraction(top, bottom),
    )


def _proportion(events: int | None, base: int | None) -> float | None:
    if events is None or base is None or base == 0:
        return None
    return events / base
