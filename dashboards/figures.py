"""How dashboard figures read: display formatting of values and changes, and sentence helpers."""

from __future__ import annotations

import math
from typing import Any, Final

from extracts.suppression import MARK
from indicators import round_half_away

DECIMALS: Final = {"percent": 1, "pp": 1, "ratio": 2, "proportion": 4}
UNIT_NAMES: Final = {"percent": "percentage points", "pp": "percentage points", "ratio": ""}


def is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def show(value: Any, unit: str, *, null: str = "Not available") -> str:
    """A figure as it appears on a page: ``[c]`` where suppressed, rounded half away from zero."""
    if value == MARK:
        return MARK
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if not is_number(value):
        return null
    if unit in ("count", "years", "rank"):
        return f"{int(value):,}"
    text = round_half_away(float(value), DECIMALS.get(unit, 1))
    return text + "%" if unit == "percent" else text


def show_change(value: Any, unit: str) -> str:
    """A change with its sign (``+1.2 percentage points``); ``Not available`` where unknown."""
    if not is_number(value):
        return "Not available"
    text = round_half_away(float(value), DECIMALS.get(unit, 1))
    if set(text) <= {"0", ".", "-"}:
        return "No change"
    sign = "" if text.startswith("-") else "+"
    name = UNIT_NAMES.get(unit, "")
    if unit == "count":
        name = "organisations"
    return f"{sign}{text} {name}".strip()


def change(later: Any, earlier: Any) -> float | None:
    if is_number(later) and is_number(earlier):
        return float(later) - float(earlier)
    return None


def direction_words(value: Any, unit: str) -> str:
    """``up 1.2 percentage points`` / ``down 0.05`` / ``unchanged``, for text summaries."""
    if not is_number(value):
        return "not comparable"
    text = round_half_away(abs(float(value)), DECIMALS.get(unit, 1))
    if set(text) <= {"0", "."}:
        return "unchanged"
    name = UNIT_NAMES.get(unit, "")
    return f"{'up' if float(value) > 0 else 'down'} {text} {name}".strip()
