"""Relative likelihoods from integer counts: hand-worked cases and properties."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import Config, relative_likelihood


def test_relative_likelihood_indicator_2_published_example() -> None:
    result = relative_likelihood(4699, 10000, 1465, 10000)
    assert result.rl is not None
    assert round(result.rl, 2) == 3.21
    assert result.numerator_likelihood == 0.4699
    assert result.comparator_likelihood == 0.1465
    assert result.outside_range is True
    assert result.adverse_to_bme is True
    assert result.significant is True
    assert result.small_numbers is False


def test_relative_likelihood_indicator_3_published_example() -> None:
    result = relative_likelihood(12, 1000, 7, 1000)
    assert result.rl is not None
    assert f"{result.rl:.2f}" == "1.71"
    assert result.small_numbers is True  # 7 events
    assert result.significant is False  # the interval straddles 1


def test_relative_likelihood_exactly_080_is_inside_range() -> None:
    result = relative_likelihood(80, 500, 100, 500)
    assert result.rl == 0.8
    assert result.outside_range is False
    assert result.adverse_to_bme is False


def test_relative_likelihood_exactly_125_is_inside_range_and_not_adverse() -> None:
    result = relative_likelihood(125, 500, 100, 500)
    assert result.outside_range is False
    assert result.adverse_to_bme is False
    just_over = relative_likelihood(126, 500, 100, 500)
    assert just_over.outside_range is True
    assert just_over.adverse_to_bme is True


def test_relative_likelihood_just_under_080_is_outside_but_not_adverse() -> None:
    result = relative_likelihood(79, 500, 100, 500)
    assert result.outside_range is True
    assert result.adverse_to_bme is False


def test_relative_likelihood_zero_denominator_gives_nulls() -> None:
    for args in ((0, 0, 5, 100), (5, 100, 0, 0)):
        result = relative_likelihood(*args)
        assert result.rl is None
        assert result.ci_low is None and result.ci_high is None
        assert result.outside_range is None
        assert result.adverse_to_bme is None
        assert result.significant is None
    assert relative_likelihood(0, 0, 5, 100).comparator_likelihood == 0.05
    assert relative_likelihood(0, 0, 5, 100).numerator_likelihood is None


def test_relative_likelihood_comparator_without_events_is_outside_and_adverse() -> None:
    result = relative_likelihood(12, 100, 0, 100)
    assert result.rl is None
    assert result.ci_low is None
    assert result.outside_range is True
    assert result.adverse_to_bme is True
    assert result.significant is None
    assert result.comparator_likelihood == 0.0


def test_relative_likelihood_numerator_without_events_is_zero_without_interval() -> None:
    result = relative_likelihood(0, 100, 12, 100)
    assert result.rl == 0.0
    assert result.ci_low is None
    assert result.outside_range is True
    assert result.adverse_to_bme is False


def test_relative_likelihood_no_events_in_either_group_gives_null_flags() -> None:
    result = relative_likelihood(0, 100, 0, 100)
    assert result.rl is None
    assert result.outside_range is None
    assert result.adverse_to_bme is None
    assert result.small_numbers is True
    assert result.numerator_likelihood == 0.0


def test_relative_likelihood_proportion_of_one_has_no_interval() -> None:
    result = relative_likelihood(100, 100, 50, 100)
    assert result.rl == 2.0
    assert result.ci_low is None and result.ci_high is None
    assert result.significant is None
    assert relative_likelihood(50, 100, 100, 100).ci_low is None


def test_relative_likelihood_missing_counts_give_nulls() -> None:
    result = relative_likelihood(None, 100, 10, 100)
    assert result.rl is None and result.numerator_likelihood is None
    assert result.small_numbers is None
    assert result.comparator_likelihood == 0.1


def test_relative_likelihood_katz_interval_by_hand() -> None:
    result = relative_likelihood(30, 200, 20, 300)
    se = math.sqrt(1 / 30 - 1 / 200 + 1 / 20 - 1 / 300)
    assert result.rl == 2.25
    assert result.ci_low is not None and result.ci_high is not None
    assert math.isclose(result.ci_low, 2.25 * math.exp(-1.959964 * se), rel_tol=1e-14)
    assert math.isclose(result.ci_high, 2.25 * math.exp(1.959964 * se), rel_tol=1e-14)


def test_relative_likelihood_small_number_threshold_is_configurable() -> None:
    assert relative_likelihood(12, 100, 15, 100, Config(small_number=20)).small_numbers is True
    assert relative_likelihood(12, 100, 15, 100).small_numbers is False


counts = st.integers(min_value=1, max_value=10_000)


@st.composite
def four_counts(draw: st.DrawFn) -> tuple[int, int, int, int]:
    n1, n2 = draw(counts), draw(counts)
    a = draw(st.integers(min_value=1, max_value=n1))
    c = draw(st.integers(min_value=1, max_value=n2))
    return a, n1, c, n2


@settings(deadline=None, max_examples=150)
@given(four_counts(), st.integers(min_value=2, max_value=50))
def test_relative_likelihood_scaling_counts_keeps_ratio_and_narrows_interval(
    case: tuple[int, int, int, int], factor: int
) -> None:
    a, n1, c, n2 = case
    base = relative_likelihood(a, n1, c, n2)
    scaled = relative_likelihood(a * factor, n1 * factor, c * factor, n2 * factor)
    assert scaled.rl == base.rl
    assert scaled.exact == base.exact
    assert scaled.outside_range == base.outside_range
    assert scaled.adverse_to_bme == base.adverse_to_bme
    if base.ci_low is not None:
        assert scaled.ci_low is not None and scaled.ci_high is not None
        assert base.ci_high is not None
        assert scaled.ci_low >= base.ci_low and scaled.ci_high <= base.ci_high
        assert scaled.ci_high - scaled.ci_low < base.ci_high - base.ci_low


@settings(deadline=None, max_examples=150)
@given(four_counts())
def test_relative_likelihood_swapping_groups_inverts_ratio(case: tuple[int, int, int, int]) -> None:
    a, n1, c, n2 = case
    forward = relative_likelihood(a, n1, c, n2)
    backward = relative_likelihood(c, n2, a, n1)
    assert forward.exact is not None and backward.exact is not None
    assert forward.exact * backward.exact == 1
    assert forward.rl is not None and backward.rl is not None
    assert math.isclose(forward.rl * backward.rl, 1.0, rel_tol=1e-14)
    assert forward.outside_range == backward.outside_range
    if forward.ci_low is not None and backward.ci_high is not None:
        assert math.isclose(forward.ci_low * backward.ci_high, 1.0, rel_tol=1e-12)


@settings(deadline=None, max_examples=200)
@given(four_counts())
def test_relative_likelihood_lies_inside_its_interval(case: tuple[int, int, int, int]) -> None:
    result = relative_likelihood(*case)
    assert result.rl is not None
    if result.ci_low is not None:
        assert result.ci_high is not None
        assert result.ci_low <= result.rl <= result.ci_high
        assert math.isfinite(result.ci_low) and math.isfinite(result.ci_high)
