"""Whether a submitted item value is usable: supplied, a valid count or a valid percentage."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from indicators.config import Config
from indicators.dictionary import COUNT_ITEMS, SURVEY_ITEMS
from indicators.metrics import Number

_COUNT_SET: Final = frozenset(COUNT_ITEMS)
_SURVEY_SET: Final = frozenset(SURVEY_ITEMS)


def is_supplied(value: object) -> bool:
    """An item is supplied unless it is absent, ``None`` or blank text."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def count_problem(value: object, config: Config) -> str | None:
    """Why ``value`` is not an acceptable headcount, or ``None`` if it is one."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return "not written as a whole number (write it without a decimal point)"
        return "not a whole number"
    if value < 0:
        return "negative"
    if value > config.max_count:
        return f"over {config.max_count:,}"
    return None


def percent_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable survey percentage, or ``None`` if it is one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "not a number"
    if not math.isfinite(value):
        return "not a finite number"
    if not 0 <= value <= 100:
        return "outside 0-100"
    return None


def valid_values(raw: Mapping[str, object], config: Config) -> dict[str, Number]:
    """The known items of ``raw`` whose values pass E002 and E006 (nothing else is checked)."""
    valid: dict[str, Number] = {}
    max_count = config.max_count
    for code, value in raw.items():
        if value is None:
            continue
        if code in _COUNT_SET:
            # The common case first: a plain int in range (bool, a subclass, is not one).
            plain = value.__class__ is int and 0 <= value <= max_count
            if plain or count_problem(value, config) is None:
                valid[code] = value  # type: ignore[assignment]
        elif code in _SURVEY_SET and percent_problem(value) is None:
            valid[code] = value  # type: ignore[assignment]
    return valid
