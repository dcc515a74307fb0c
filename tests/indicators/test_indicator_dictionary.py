"""The data dictionary: item and metric tables match the spec's codes and counts."""

from indicators import ITEM_BY_CODE, ITEMS, METRIC_BY_CODE, METRICS
from indicators.dictionary import REQUIRED_ITEMS, SURVEY_ITEMS


def test_dictionary_has_102_indicator_1_items() -> None:
    assert sum(1 for item in ITEMS if item.indicator == 1) == 102


def test_dictionary_item_codes_are_unique_and_complete() -> None:
    assert len(ITEM_BY_CODE) == len(ITEMS) == 102 + 6 + 12 + 6 + 8 + 9
    for code in (
        "i1.nonclinical.under_band_1.white",
        "i1.clinical.vsm.bme",
        "i1.medical.career_grade.unknown",
        "i2.appointed.bme",
        "i3.disciplinary_prev.unknown",
        "i4.training.white",
        "i7.bme",
        "i9.non_executive.unknown",
    ):
        assert code in ITEM_BY_CODE


def test_dictionary_required_items_follow_e001() -> None:
    required = set(REQUIRED_ITEMS)
    assert not required & set(SURVEY_ITEMS)
    assert not any("_prev" in code for code in required)
    assert {"i3.workforce.white", "i9.voting.bme", "i1.medical.other.unknown"} <= required
    assert len(required) == 102 + 6 + 6 + 6 + 9


def test_dictionary_metric_codes_are_unique() -> None:
    assert len(METRIC_BY_CODE) == len(METRICS)


def test_dictionary_metrics_carry_display_rounding_by_unit() -> None:
    assert METRIC_BY_CODE["i2.rl"].decimals == 2
    assert METRIC_BY_CODE["i1.total.bme_pct"].decimals == 1
    assert METRIC_BY_CODE["i9.voting.diff_pp"].decimals == 1
    assert METRIC_BY_CODE["i3.outside_range"].kind == "flag"
    assert METRIC_BY_CODE["i9.voting.bme_count"].kind == "int"


def test_dictionary_survey_metrics_carry_direction() -> None:
    assert METRIC_BY_CODE["i5.gap_pp"].direction == "higher_is_worse"
    assert METRIC_BY_CODE["i7.gap_pp"].direction == "higher_is_better"
    assert METRIC_BY_CODE["i8.gap_pp"].direction == "higher_is_worse"


def test_dictionary_lists_every_spec_metric_family() -> None:
    for code in (
        "i1.clinical.band_5.bme_pct",
        "i1.medical.trainee.bme_diff_pp",
        "i1.medical.total.unknown_pct",
        "i1.total.white",
        "i1.total.bme_pct",
        "i1.vsm.bme_pct",
        "i1.senior.bme_pct",
        "i3.rl_current",
        "i3.years_pooled",
        "i4.small_numbers",
        "i6.gap_pp",
        "i9.workforce.bme_pct",
        "i9.executive.diff_pp",
        "me.band_8a.expected_bme_pct",
        "me.vsm.gap_pp",
    ):
        assert code in METRIC_BY_CODE
