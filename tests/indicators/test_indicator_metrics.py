"""Metrics of one return: hand-worked cases for every metric family."""

import math
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import METRICS, ModelEmployer, compute_return
from indicators.dictionary import AFC_GRADES, ETHNICITIES, ITEMS, STAFF_GROUPS

# The valid_return fixture (tests/indicators/conftest.py): a complete, valid return.
ReturnFactory = Callable[..., dict[str, object]]


def _i1(group: str, grade: str, white: int, bme: int, unknown: int) -> dict[str, object]:
    return {
        f"i1.{group}.{grade}.white": white,
        f"i1.{group}.{grade}.bme": bme,
        f"i1.{group}.{grade}.unknown": unknown,
    }


def _zero_i1() -> dict[str, object]:
    values: dict[str, object] = {}
    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            values.update(_i1(group, grade, 0, 0, 0))
    return values


def test_compute_return_every_metric_present_and_null_when_empty() -> None:
    result = compute_return({}, draft=True)
    assert list(result.metrics) == [metric.code for metric in METRICS]
    assert all(value is None for code, value in result.metrics.items() if code != "i3.years_pooled")
    assert result.metrics["i3.years_pooled"] == 1
    assert result.issues == []


def test_compute_return_valid_return_has_no_issues(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return(), year=2026)
    assert result.issues == []
    for code, value in result.metrics.items():
        if not code.startswith("me."):
            assert value is not None, code
        assert not (isinstance(value, float) and not math.isfinite(value)), code


def test_indicator_1_row_shares_include_unknown_and_sum_to_100() -> None:
    values = _zero_i1() | _i1("clinical", "band_5", 60, 30, 10)
    values |= _i1("nonclinical", "band_2", 100, 0, 0)
    metrics = compute_return(values, draft=True).metrics
    assert metrics["i1.clinical.band_5.white_pct"] == 60.0
    assert metrics["i1.clinical.band_5.bme_pct"] == 30.0
    assert metrics["i1.clinical.band_5.unknown_pct"] == 10.0
    assert metrics["i1.clinical.total.bme_pct"] == 30.0
    assert metrics["i1.total.white"] == 160
    assert metrics["i1.total.bme"] == 30
    assert metrics["i1.total.unknown"] == 10
    assert metrics["i1.total.bme_pct"] == 15.0
    assert metrics["i1.clinical.band_5.bme_diff_pp"] == 15.0
    assert metrics["i1.nonclinical.band_2.bme_diff_pp"] == -15.0
    # An empty row has no shares, but the rest of indicator 1 is computed.
    assert metrics["i1.clinical.band_6.bme_pct"] is None
    assert metrics["i1.clinical.band_6.bme_diff_pp"] is None
    assert metrics["i1.medical.total.white_pct"] is None
    assert metrics["i1.medical.total.white"] == 0


def test_indicator_1_vsm_and_senior_shares_leave_out_medical_staff() -> None:
    values = _zero_i1()
    values |= _i1("nonclinical", "vsm", 8, 1, 1) | _i1("clinical", "vsm", 9, 1, 0)
    values |= _i1("clinical", "band_8a", 30, 10, 0) | _i1("medical", "consultant", 10, 90, 0)
    metrics = compute_return(values, draft=True).metrics
    assert metrics["i1.vsm.bme_pct"] == 10.0
    assert metrics["i1.senior.bme_pct"] == 100 * 12 / 60


def test_indicator_1_missing_item_nulls_what_needs_it() -> None:
    values = _zero_i1() | _i1("clinical", "band_5", 60, 30, 10)
    del values["i1.clinical.band_5.unknown"]
    metrics = compute_return(values, draft=True).metrics
    assert metrics["i1.clinical.band_5.bme_pct"] is None
    assert metrics["i1.clinical.total.unknown"] is None
    assert metrics["i1.clinical.total.bme"] == 30
    assert metrics["i1.total.unknown"] is None
    assert metrics["i1.total.bme_pct"] is None
    assert metrics["i9.workforce.bme_pct"] is None


def test_indicator_2_rl_from_published_example() -> None:
    values = {
        "i2.shortlisted.white": 10000,
        "i2.appointed.white": 4699,
        "i2.shortlisted.bme": 10000,
        "i2.appointed.bme": 1465,
    }
    result = compute_return(values, draft=True)
    assert result.display("i2.rl") == "3.21"
    assert result.metrics["i2.likelihood.white"] == 0.4699
    assert result.metrics["i2.adverse_to_bme"] is True


def test_indicator_2_unknown_ethnicity_is_left_out_of_the_likelihood() -> None:
    values = {
        "i2.shortlisted.white": 500,
        "i2.appointed.white": 80,
        "i2.shortlisted.bme": 500,
        "i2.appointed.bme": 100,
    }
    base = compute_return(values, draft=True).metrics
    with_unknown = compute_return(
        values | {"i2.shortlisted.unknown": 900, "i2.appointed.unknown": 800}, draft=True
    ).metrics
    assert base["i2.rl"] == with_unknown["i2.rl"] == 0.8
    assert with_unknown["i2.outside_range"] is False


def test_indicator_3_single_year_rl_from_published_example() -> None:
    values = {
        "i3.workforce.white": 1000,
        "i3.disciplinary.white": 7,
        "i3.workforce.bme": 1000,
        "i3.disciplinary.bme": 12,
    }
    result = compute_return(values, draft=True)
    assert result.display("i3.rl") == "1.71"
    assert result.metrics["i3.years_pooled"] == 1
    assert result.metrics["i3.rl_current"] == result.metrics["i3.rl"]
    assert result.metrics["i3.small_numbers"] is True


def test_indicator_3_pools_two_years_of_counts() -> None:
    values = {
        "i3.workforce.white": 1000,
        "i3.disciplinary.white": 7,
        "i3.workforce.bme": 1000,
        "i3.disciplinary.bme": 12,
        "i3.workforce_prev.white": 1000,
        "i3.disciplinary_prev.white": 13,
        "i3.workforce_prev.bme": 500,
        "i3.disciplinary_prev.bme": 3,
    }
    result = compute_return(values, draft=True)
    assert result.metrics["i3.years_pooled"] == 2
    # a = 15 of n1 = 1500 BME; c = 20 of n2 = 2000 White: pooled counts, not mean of ratios.
    assert result.metrics["i3.rl"] == (15 * 2000) / (1500 * 20) == 1.0
    assert result.metrics["i3.likelihood.bme"] == 0.01
    assert result.metrics["i3.likelihood.white"] == 0.01
    assert result.metrics["i3.small_numbers"] is False
    assert result.metrics["i3.rl_current"] == pytest.approx(12 / 7)


def test_indicator_3_previous_year_derived_from_last_years_return() -> None:
    values = {
        "i3.workforce.white": 1000,
        "i3.disciplinary.white": 7,
        "i3.workforce.bme": 1000,
        "i3.disciplinary.bme": 12,
    }
    previous = {
        "i3.workforce.white": 1000,
        "i3.disciplinary.white": 13,
        "i3.workforce.bme": 500,
        "i3.disciplinary.bme": 3,
    }
    result = compute_return(values, previous=previous, draft=True)
    assert result.metrics["i3.years_pooled"] == 2
    assert result.metrics["i3.rl"] == 1.0
    # Items given in values win over those derived from previous.
    override = values | {"i3.disciplinary_prev.bme": 8}
    result = compute_return(override, previous=previous, draft=True)
    assert result.metrics["i3.rl"] == (20 * 2000) / (1500 * 20)


def test_indicator_3_partly_filled_previous_year_is_e009_and_uses_current_year() -> None:
    values = {
        "i3.workforce.white": 1000,
        "i3.disciplinary.white": 7,
        "i3.workforce.bme": 1000,
        "i3.disciplinary.bme": 12,
        "i3.workforce_prev.white": 900,
        "i3.disciplinary_prev.white": 6,
    }
    result = compute_return(values, draft=True)
    assert [issue.code for issue in result.issues] == ["E009", "W105"]
    assert "i3.workforce_prev.bme" in result.issues[0].message
    assert result.metrics["i3.years_pooled"] == 1
    assert result.display("i3.rl") == "1.71"


def test_survey_gaps_are_bme_minus_white_with_direction() -> None:
    values = {"i5.white": 25.0, "i5.bme": 28.5, "i7.white": 86, "i7.bme": 71.2, "i6.white": 20}
    result = compute_return(values, draft=True)
    assert result.metrics["i5.gap_pp"] == 3.5
    assert result.metrics["i7.gap_pp"] == pytest.approx(-14.8)
    assert result.display("i7.gap_pp") == "-14.8"
    assert result.metrics["i6.gap_pp"] is None
    assert result.metrics["i8.gap_pp"] is None


def test_survey_gap_display_rounds_the_entered_decimals() -> None:
    result = compute_return({"i6.white": 25.1, "i6.bme": 28.35}, draft=True)
    assert result.display("i6.gap_pp") == "3.3"


def test_board_differences_negative_and_positive() -> None:
    values = _zero_i1() | _i1("clinical", "band_5", 80, 20, 0)
    values |= {
        "i9.voting.white": 9,
        "i9.voting.bme": 1,
        "i9.voting.unknown": 0,
        "i9.executive.white": 3,
        "i9.executive.bme": 3,
        "i9.executive.unknown": 0,
        "i9.non_executive.white": 6,
        "i9.non_executive.bme": 0,
        "i9.non_executive.unknown": 0,
    }
    metrics = compute_return(values, draft=True).metrics
    assert metrics["i9.workforce.bme_pct"] == 20.0
    assert metrics["i9.voting.bme_pct"] == 10.0
    assert metrics["i9.voting.diff_pp"] == -10.0
    assert metrics["i9.executive.bme_pct"] == 50.0
    assert metrics["i9.executive.diff_pp"] == 30.0
    assert metrics["i9.non_executive.diff_pp"] == -20.0
    assert metrics["i9.voting.bme_count"] == 1


def test_board_with_no_members_has_null_share_but_zero_count() -> None:
    values = {f"i9.voting.{eth}": 0 for eth in ETHNICITIES}
    metrics = compute_return(values, draft=True).metrics
    assert metrics["i9.voting.bme_pct"] is None
    assert metrics["i9.voting.bme_count"] == 0


def _senior_values(bme_8a: int) -> dict[str, object]:
    values = _zero_i1() | _i1("clinical", "band_5", 70, 30, 0)
    values |= _i1("clinical", "band_8a", 100 - bme_8a, bme_8a, 0)
    return values


PLAN = ModelEmployer(
    base_year=2018, target_year=2028, target_pct=30.0, base_pct={"band_8a": 10.0, "vsm": 35.0}
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2017, None), (2018, 10.0), (2023, 20.0), (2027, 28.0), (2028, 30.0), (2030, 30.0)],
)
def test_model_employer_trajectory_before_at_and_after_target(
    year: int, expected: float | None
) -> None:
    metrics = compute_return(_senior_values(25), year=year, model_employer=PLAN, draft=True).metrics
    assert metrics["me.band_8a.expected_bme_pct"] == pytest.approx(expected)
    if expected is None:
        assert metrics["me.band_8a.gap_pp"] is None
    else:
        assert metrics["me.band_8a.gap_pp"] == pytest.approx(25.0 - expected)


def test_model_employer_grade_already_at_target_expects_the_target() -> None:
    metrics = compute_return(_senior_values(25), year=2020, model_employer=PLAN, draft=True).metrics
    assert metrics["me.vsm.expected_bme_pct"] == 30.0
    assert metrics["me.vsm.gap_pp"] is None  # no VSM staff, so no actual share


def test_model_employer_grade_without_base_share_is_null_until_target_year() -> None:
    early = compute_return(_senior_values(25), year=2020, model_employer=PLAN, draft=True)
    assert early.metrics["me.band_9.expected_bme_pct"] is None
    late = compute_return(_senior_values(25), year=2028, model_employer=PLAN, draft=True)
    assert late.metrics["me.band_9.expected_bme_pct"] == 30.0


def test_model_employer_from_json_mapping() -> None:
    plan = {"base_year": 2018, "target_year": 2028, "target_pct": 30, "base_pct": {"band_8a": 10}}
    metrics = compute_return(_senior_values(25), year=2023, model_employer=plan).metrics
    assert metrics["me.band_8a.expected_bme_pct"] == 20.0


def test_model_employer_without_input_gives_nulls() -> None:
    metrics = compute_return(_senior_values(25), year=2023, draft=True).metrics
    assert all(metrics[f"me.{grade}.gap_pp"] is None for grade in AFC_GRADES if grade == "vsm")
    assert metrics["me.band_8a.expected_bme_pct"] is None


@pytest.mark.parametrize(
    "plan",
    [
        {"base_year": "2018", "target_year": 2028, "target_pct": 30},
        {"base_year": 2018, "target_year": 2028, "target_pct": 130},
        {"base_year": 2018, "target_year": 2028, "target_pct": 30, "base_pct": {"8a": 1}},
        {"base_year": 2018, "target_year": 2028, "target_pct": 30, "extra": 1},
        [],
    ],
)
def test_model_employer_malformed_input_raises_value_error(plan: object) -> None:
    with pytest.raises(ValueError, match="model_employer"):
        compute_return({}, year=2023, model_employer=plan)  # type: ignore[arg-type]


def test_compute_return_item_with_error_is_treated_as_missing(valid_return: ReturnFactory) -> None:
    result = compute_return(valid_return({"i2.appointed.bme": 401}))
    assert [issue.code for issue in result.issues] == ["E003"]
    assert result.metrics["i2.rl"] is None
    assert result.metrics["i2.likelihood.bme"] is None
    assert result.metrics["i2.likelihood.white"] == 0.2


def test_compute_return_exact_values_back_the_display() -> None:
    values = {
        "i2.shortlisted.white": 400,
        "i2.appointed.white": 107,
        "i2.shortlisted.bme": 1000,
        "i2.appointed.bme": 100,
    }
    result = compute_return(values, draft=True)
    assert result.exact["i2.rl"] == Fraction(107, 40)
    assert result.metrics["i2.rl"] == 2.675  # stored as 2.67499999999999982236431605997495...
    assert result.display("i2.rl") == "2.68"


@settings(deadline=None, max_examples=150)
@given(st.lists(st.integers(0, 1_000_000), min_size=3, max_size=3))
def test_indicator_1_shares_of_a_row_sum_to_100(row: list[int]) -> None:
    values = dict(zip(("white", "bme", "unknown"), row, strict=True))
    result = compute_return(
        {f"i1.clinical.band_6.{eth}": count for eth, count in values.items()}, draft=True
    )
    shares = [f"i1.clinical.band_6.{eth}_pct" for eth in ETHNICITIES]
    if sum(row) == 0:
        assert all(result.metrics[code] is None for code in shares)
        return
    assert sum(result.exact[code] for code in shares) == 100
    assert math.isclose(sum(result.metrics[code] for code in shares), 100, rel_tol=1e-13)  # type: ignore[misc]


JUNK = st.one_of(
    st.none(),
    st.integers(-5, 2_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(deadline=None, max_examples=150)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from([item.code for item in ITEMS]), st.text(max_size=8)),
        JUNK,
        max_size=40,
    ),
    st.one_of(st.none(), st.dictionaries(st.sampled_from([i.code for i in ITEMS]), JUNK)),
)
def test_compute_return_never_raises_nor_returns_nan_or_infinity(
    values: dict[str, object], previous: dict[str, object] | None
) -> None:
    result = compute_return(values, previous=previous, year=2024)
    for code, value in result.metrics.items():
        assert value is None or isinstance(value, bool | int) or math.isfinite(value), code
        result.display(code)
    assert all(issue.message for issue in result.issues)
