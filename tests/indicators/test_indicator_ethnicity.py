"""Ethnicity mapping from NHS ethnic category codes."""

import pytest

from indicators import map_ethnicity


@pytest.mark.parametrize("code", ["A", "B", "C", "A1", "CA", "c", " b "])
def test_map_ethnicity_white_codes(code: str) -> None:
    assert map_ethnicity(code) == "white"


@pytest.mark.parametrize("code", [*"DEFGHJKLMNPRS", "H1", "SC", "m"])
def test_map_ethnicity_bme_codes(code: str) -> None:
    assert map_ethnicity(code) == "bme"


@pytest.mark.parametrize("code", ["Z", "X", "99", "", "  ", None, "I", "O", "Q", "T", "ABC", 7])
def test_map_ethnicity_unknown_for_not_stated_blank_and_unrecognised(code: object) -> None:
    assert map_ethnicity(code) == "unknown"
