"""Checks E001-E010 and W101-W107: each raised where it should be, located and explained."""

from collections.abc import Callable
from fractions import Fraction

import pytest

from indicators import CHECKS, Config, compute_return
from indicators.dictionary import I1_ITEMS, REQUIRED_ITEMS

# The valid_return fixture (tests/indicators/conftest.py): a complete, valid return.
ReturnFactory = Callable[..., dict[str, object]]


def _codes(values: dict[str, object], **kwargs: object) -> list[str]:
    return [issue.code for issue in compute_return(values, **kwargs).issues]  # type: ignore[arg-type]


def test_checks_table_has_every_code_once() -> None:
    codes = [rule.code for rule in CHECKS]
    assert codes == [f"E{n:03d}" for n in range(1, 11)] + [f"W{n}" for n in range(101, 108)]
    assert all(rule.summary for rule in CHECKS)
    assert {rule.severity for rule in CHECKS if rule.code.startswith("W")} == {"warning"}


def test_e001_each_empty_required_item_on_submission(valid_return: ReturnFactory) -> None:
    values = valid_return({"i2.appointed.bme": None, "i9.voting.white": ""})
    del values["i1.medical.other.unknown"]
    issues = [i for i in compute_return(values).issues if i.code == "E001"]
    assert [i.items for i in issues] == [
        ("i1.medical.other.unknown",),
        ("i2.appointed.bme",),
        ("i9.voting.white",),
    ]
    assert all(i.severity == "error" and "empty" in i.message for i in issues)


def test_e001_not_raised_for_draft_survey_or_previous_year(valid_return: ReturnFactory) -> None:
    assert _codes({}, draft=True) == []
    assert len(_codes({})) == len(REQUIRED_ITEMS)
    values = valid_return()
    for key in [k for k in values if k.startswith(("i5", "i6", "i7", "i8"))]:
        del values[key]
    assert _codes(values) == []


@pytest.mark.parametrize("bad", [-1, 2.5, 3.0, "12", "abc", True, 1_000_001, float("nan")])
def test_e002_bad_counts(valid_return: ReturnFactory, bad: object) -> None:
    result = compute_return(valid_return({"i4.training.white": bad}))
    assert [i.code for i in result.issues] == ["E002"]
    assert result.issues[0].items == ("i4.training.white",)
    assert result.metrics["i4.rl"] is None


def test_e002_accepts_the_limits(valid_return: ReturnFactory) -> None:
    values = valid_return({"i2.shortlisted.unknown": 1_000_000, "i2.appointed.unknown": 0})
    assert _codes(values) == []


def test_e003_appointed_over_shortlisted(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return({"i2.appointed.unknown": 21}))
    assert [(i.code, i.items) for i in result.issues] == [
        ("E003", ("i2.shortlisted.unknown", "i2.appointed.unknown"))
    ]
    assert "more than" in result.issues[0].message


def test_e004_disciplinary_over_workforce_current_and_previous(valid_return: ReturnFactory) -> None:
    values = valid_return(
        {
            "i3.disciplinary.bme": 10_000,
            "i3.workforce_prev.white": 10,
            "i3.disciplinary_prev.white": 11,
            "i3.workforce_prev.bme": 10,
            "i3.disciplinary_prev.bme": 1,
        }
    )
    issues = [i for i in compute_return(values).issues if i.code == "E004"]
    assert [i.items for i in issues] == [
        ("i3.workforce.bme", "i3.disciplinary.bme"),
        ("i3.workforce_prev.white", "i3.disciplinary_prev.white"),
    ]


def test_e005_training_over_workforce(valid_return: ReturnFactory) -> None:
    assert _codes(valid_return({"i4.training.bme": 100_000})) == ["E005"]


@pytest.mark.parametrize("bad", [-0.1, 100.5, "50", None, float("inf"), False])
def test_e006_bad_survey_percentages(valid_return: ReturnFactory, bad: object) -> None:
    result = compute_return(valid_return({"i8.bme": bad}))
    expected = [] if bad is None else ["E006"]
    assert [i.code for i in result.issues] == expected
    assert result.metrics["i8.gap_pp"] is None


def test_e006_accepts_0_and_100(valid_return: ReturnFactory) -> None:
    assert _codes(valid_return({"i8.bme": 0, "i8.white": 100})) == []


def test_e007_voting_over_executive_and_non_executive(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return({"i9.voting.bme": 4}))
    assert [i.code for i in result.issues] == ["E007"]
    assert result.metrics["i9.voting.bme_pct"] is None
    assert result.metrics["i9.executive.bme_pct"] is None


def test_e008_zero_workforce(valid_return: ReturnFactory) -> None:
    values = valid_return(dict.fromkeys(I1_ITEMS, 0))
    codes = _codes(values)
    assert codes[0] == "E008"
    assert "W106" not in codes


def test_e009_partly_filled_previous_year(valid_return: ReturnFactory) -> None:
    assert _codes(valid_return({"i3.workforce_prev.bme": 10})) == ["E009"]
    # The unknown group does not decide pooling.
    assert _codes(valid_return({"i3.workforce_prev.unknown": 10})) == []


def test_e010_unknown_item_code(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return({"i2.shortlisted.asian": 5}))
    assert [(i.code, i.items) for i in result.issues] == [("E010", ("i2.shortlisted.asian",))]
    assert result.has_errors


def test_w101_unknown_ethnicity_over_ten_percent(valid_return: ReturnFactory) -> None:
    values = valid_return({"i1.clinical.band_5.unknown": 300})
    codes = _codes(values)
    assert "W101" in codes
    assert not any(code.startswith("E") for code in codes)


def test_w101_threshold_is_exact_at_ten_percent() -> None:
    base = {code: 0 for code in I1_ITEMS} | {
        "i1.clinical.band_5.white": 90,
        "i1.clinical.band_5.unknown": 10,
    }
    assert "W101" not in _codes(base, draft=True)
    assert "W101" in _codes(base | {"i1.clinical.band_5.unknown": 11}, draft=True)
    loose = Config(unknown_share=Fraction(1, 5))
    assert "W101" not in _codes(base | {"i1.clinical.band_5.unknown": 11}, draft=True, config=loose)


def test_w102_workforce_differs_from_indicator_1(valid_return: ReturnFactory) -> None:
    values = valid_return()
    values["i4.workforce.white"] = int(values["i4.workforce.white"]) + 300  # type: ignore[call-overload]
    result = compute_return(values)
    assert [(i.code, i.items[0]) for i in result.issues] == [("W102", "i4.workforce.white")]


def test_w103_workforce_change_and_w104_rl_change(valid_return: ReturnFactory) -> None:
    previous = valid_return()
    for code in I1_ITEMS:
        previous[code] = int(previous[code]) * 2  # type: ignore[call-overload]
    previous["i2.appointed.bme"] = 4
    codes = _codes(valid_return(), previous=previous)
    assert codes == ["W103", "W104"]
    assert _codes(valid_return()) == []


def test_w104_compares_pooled_indicator_3_against_pooled(valid_return: ReturnFactory) -> None:
    previous = valid_return({"i3.disciplinary.bme": 40})
    result = compute_return(valid_return(), previous=previous)
    assert result.metrics["i3.years_pooled"] == 2
    assert [i.code for i in result.issues] == ["W104"]
    assert result.issues[0].items[0].startswith("i3.")


def test_w105_small_numbers(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return({"i3.disciplinary.bme": 4}))
    assert [(i.code, i.items[0]) for i in result.issues] == [("W105", "i3.workforce.white")]


def test_w106_no_bme_voting_member(valid_return: ReturnFactory) -> None:
    assert _codes(valid_return({"i9.voting.bme": 0})) == ["W106"]


def test_w107_nobody_shortlisted(valid_return: ReturnFactory) -> None:
    zero = {
        f"i2.{name}.{eth}": 0
        for name in ("shortlisted", "appointed")
        for eth in ("white", "bme", "unknown")
    }
    result = compute_return(valid_return(zero))
    assert [i.code for i in result.issues] == ["W107"]
    assert result.metrics["i2.rl"] is None


def test_checks_issues_say_what_to_do(valid_return: ReturnFactory) -> None:
    values = valid_return({"i2.appointed.bme": -3, "i7.bme": 140, "i9.voting.bme": 0})
    for issue in compute_return(values).issues:
        assert issue.message.endswith(".")
        assert issue.items
        assert issue.as_dict()["severity"] in ("error", "warning")


@pytest.mark.parametrize("values", [None, [], "text", 3])
def test_compute_return_rejects_values_of_wrong_shape(values: object) -> None:
    with pytest.raises(TypeError, match="values must be a mapping"):
        compute_return(values)  # type: ignore[arg-type]


def test_compute_return_rejects_previous_of_wrong_shape() -> None:
    with pytest.raises(TypeError, match="previous"):
        compute_return({}, previous=[1])  # type: ignore[arg-type]


def test_e002_on_indicator_3_says_to_enter_each_years_count_not_a_two_year_average() -> None:
    from indicators import compute_return

    result = compute_return({"i3.disciplinary.bme": 8.5, "i2.shortlisted.bme": 8.5}, draft=True)
    messages = {issue.items[0]: issue.message for issue in result.issues if issue.code == "E002"}

    assert "not a two-year average" in messages["i3.disciplinary.bme"]
    assert "two-year" not in messages["i2.shortlisted.bme"]
