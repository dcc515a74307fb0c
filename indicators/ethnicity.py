"""Mapping from NHS ethnic category codes to the WRES groups white, bme and unknown."""

from __future__ import annotations

from typing import Final

from indicators.dictionary import Ethnicity

_GROUP_BY_LETTER: Final[dict[str, Ethnicity]] = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFGHJKLMNPRS", "bme"),
}


def map_ethnicity(code: object) -> Ethnicity:
    """Map an NHS ethnic category code to ``white``, ``bme`` or ``unknown``.

    The first character of a one- or two-character ESR code decides the group (``"A"``, ``"A1"``
    and ``"a"`` are all White). ``Z``, ``X``, ``99``, blank, ``None`` and anything unrecognised
    are unknown.
    """
    if not isinstance(code, str):
        return "unknown"
    text = code.strip().upper()
    if not 1 <= len(text) <= 2:
        return "unknown"
    return _GROUP_BY_LETTER.get(text[0], "unknown")
