"""Display formatting: round half away from zero on the exact value."""

from fractions import Fraction

import pytest

from indicators import format_value, round_half_away


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1.125, 2, "1.13"),
        (1.115, 2, "1.12"),
        (107 / 40, 2, "2.68"),
        (Fraction(107, 40), 2, "2.68"),
        (Fraction(2675, 1000) - Fraction(1, 10**20), 2, "2.67"),
        (-1.125, 2, "-1.13"),
        (0.05, 1, "0.1"),
        (-0.04, 1, "0.0"),
        (Fraction(-1, 30), 1, "0.0"),
        (12.25, 1, "12.3"),
        (3, 2, "3.00"),
        (0.0, 1, "0.0"),
    ],
)
def test_round_half_away_from_zero(value: float | Fraction, decimals: int, shown: str) -> None:
    assert round_half_away(value, decimals) == shown


def test_format_value_uses_the_decimals_of_the_unit() -> None:
    assert format_value("i2.rl", 3.2075) == "3.21"
    assert format_value("i1.total.bme_pct", 17.75) == "17.8"
    assert format_value("i9.voting.diff_pp", -10.05) == "-10.1"
    assert format_value("i2.likelihood.white", 0.46995) == "0.4700"
    assert format_value("i9.voting.bme_count", 3) == "3"
    assert format_value("i3.years_pooled", 2) == "2"
    assert format_value("i2.outside_range", True) == "Yes"
    assert format_value("i2.significant", False) == "No"


def test_format_value_null_shows_as_chosen_text() -> None:
    assert format_value("i2.rl", None) == ""
    assert format_value("i2.rl", None, null="-") == "-"
