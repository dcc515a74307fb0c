"""Display formatting of metric values: the one place rounding for people happens."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from indicators.dictionary import METRIC_BY_CODE, Metric


def round_half_away(value: float | int | Fraction, decimals: int) -> str:
    """Round ``value`` half away from zero (as Excel does) and return it as text.

    A ``Fraction`` is rounded exactly. A ``float`` is rounded from the shortest decimal that
    reads back as the same float (``repr``), which is the exact value whenever the float came
    from a ratio of whole numbers with a short decimal expansion: ``107/40`` is stored as
    2.67499999999999982... but shows as 2.68, as the exact 2.675 does.
    A value that rounds to zero shows without a minus sign.
    """
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**decimals
        whole = scaled.numerator // scaled.denominator
        if scaled - whole >= Fraction(1, 2):
            whole += 1
        text = _fixed(Decimal(whole).scaleb(-decimals), decimals)
        return text if value >= 0 or _is_zero(text) else "-" + text
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = _fixed(abs(rounded), decimals)
    return text if rounded >= 0 or _is_zero(text) else "-" + text


def _fixed(value: Decimal, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _is_zero(text: str) -> bool:
    return set(text) <= {"0", "."}


def format_value(
    metric: Metric | str,
    value: float | int | bool | Fraction | None,
    *,
    null: str = "",
) -> str:
    """Format one metric value for display with the spec's decimal places for its unit.

    Relative likelihoods show 2 decimal places, percentages and percentage points 1,
    proportions 4; counts are whole numbers and flags ``Yes``/``No``. ``None`` shows as ``null``.
    """
    spec = METRIC_BY_CODE[metric] if isinstance(metric, str) else metric
    if value is None:
        return null
    if spec.unit == "flag":
        return "Yes" if value else "No"
    if spec.decimals is None:
        return str(int(value))
    if isinstance(value, bool):
        raise TypeError(f"{spec.code} is not a flag")
    return round_half_away(value, spec.decimals)
