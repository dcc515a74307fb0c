"""Disclosure control v2 (spec section 6): organisation metrics public and never suppressed,
organisation counts never public; pooled counts of aggregates: primary, derived, secondary
(within rows, across years and across groups) and the three-organisation rule.

The v1 tests of primary, derived and secondary suppression now exercise ``suppress_pooled``,
the machinery that protects pooled counts of aggregates (spec 6.2); at organisation level the
rule is spec 6.1 (``test_suppress_organisation_*``)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extracts.suppression import (
    COUNT_CODES,
    DERIVED,
    MARK,
    PUBLIC_CODES,
    ROW_SETS,
    apply_mask,
    public_frame,
    suppress,
    suppress_aggregates,
    suppress_pooled,
)
from indicators import aggregate, compute_national, synthesise


def _wide(organisations=6, years=range(2015, 2018), seed=3):
    frame = synthesise(organisations, years, seed=seed)
    metrics = compute_national(frame.drop(columns=["synthetic", "region", "type", "sector"]))
    return pd.concat(
        [
            frame.rename(columns={"type": "org_type"}).drop(columns=["synthetic"]),
            metrics.drop(columns=["organisation", "year"]),
        ],
        axis=1,
    )


def _row(**cells):
    return pd.DataFrame([{"organisation": "X", "year": 2020, **cells}])


def test_suppress_organisation_metrics_never_and_counts_always():
    # Spec 6.1: an organisation's metrics are public (even from counts of 1 to 4); its counts
    # are never public, whatever their size.
    frame = _wide()
    frame.loc[0, "i2.appointed.bme"] = 2

    mask = suppress(frame)

    metrics = [c for c in PUBLIC_CODES if c in mask.columns]
    counts = [c for c in COUNT_CODES if c in mask.columns]
    assert metrics and counts
    assert not mask[metrics].to_numpy().any()
    assert mask[counts].to_numpy().all()
    assert "i1.senior.bme_pct" in metrics and "i2.small_numbers" in metrics


def test_public_frame_has_every_metric_and_no_count():
    frame = _wide()

    public = public_frame(frame)

    assert not set(COUNT_CODES) & set(public.columns)
    assert {c for c in PUBLIC_CODES if c in frame.columns} <= set(public.columns)
    assert public["i2.rl"].equals(frame["i2.rl"])


def test_suppress_counts_from_one_to_four_and_shows_zeros_and_fives():
    frame = _row(
        **{"i2.shortlisted.white": 0, "i2.shortlisted.bme": 4, "i2.shortlisted.unknown": 5}
    )
    frame = pd.concat([frame] * 1, ignore_index=True)
    frame.loc[0, "i2.appointed.white"] = 1

    mask = suppress_pooled(frame)

    assert not mask.loc[0, "i2.shortlisted.white"]
    assert mask.loc[0, "i2.shortlisted.bme"]
    assert mask.loc[0, "i2.appointed.white"]


def test_suppress_threshold_is_configurable():
    frame = _row(**{"i9.voting.white": 6, "i9.voting.bme": 6, "i9.voting.unknown": 0})

    assert not suppress_pooled(frame).loc[0, "i9.voting.bme"]
    assert suppress_pooled(frame, threshold=6).loc[0, "i9.voting.bme"]


def test_suppress_every_figure_derived_from_a_suppressed_count():
    # RL = 0.50 with n1 = 1,200, c = 40 and n2 = 8,000 would give a = 3 back.
    cells = {
        "i2.shortlisted.white": 1200, "i2.appointed.white": 3, "i2.shortlisted.bme": 8000,
        "i2.appointed.bme": 40, "i2.shortlisted.unknown": 10, "i2.appointed.unknown": 6,
        "i2.rl": 0.5, "i2.rl_ci_low": 0.16, "i2.rl_ci_high": 1.6, "i2.likelihood.white": 0.0025,
        "i2.likelihood.bme": 0.005, "i2.outside_range": 1.0, "i2.small_numbers": 1.0,
    }  # fmt: skip

    mask = suppress_pooled(_row(**cells)).iloc[0]

    for code in ("i2.rl", "i2.rl_ci_low", "i2.rl_ci_high", "i2.likelihood.white"):
        assert mask[code], code
    assert mask["i2.outside_range"] and mask["i2.small_numbers"]
    assert not mask["i2.likelihood.bme"]  # computed from BME counts only
    assert not mask["i2.shortlisted.white"]


def test_suppress_adds_a_second_cell_to_a_triplet_with_one():
    frame = _row(**{"i9.voting.white": 9, "i9.voting.bme": 2, "i9.voting.unknown": 0})

    mask = suppress_pooled(frame).iloc[0]

    assert mask["i9.voting.bme"]
    # the only other choice that hides it: the zero, since 9 is larger... the smallest non-zero
    assert mask[["i9.voting.white", "i9.voting.bme", "i9.voting.unknown"]].sum() == 2


def test_suppress_prefers_the_smallest_non_zero_cell_as_the_second():
    frame = _row(
        **{"i2.shortlisted.white": 900, "i2.shortlisted.bme": 3, "i2.shortlisted.unknown": 40}
    )

    mask = suppress_pooled(frame).iloc[0]

    assert mask["i2.shortlisted.unknown"] and not mask["i2.shortlisted.white"]


def test_suppress_chooses_the_same_secondary_cell_across_years():
    # Alone, 2019 would hide white (30) and 2020 unknown (20): one cell is chosen for both
    # years (the smaller in total), so the pattern does not jump about from year to year.
    frame = pd.DataFrame(
        [
            {"organisation": "X", "year": 2019, "i2.shortlisted.white": 30,
             "i2.shortlisted.bme": 2, "i2.shortlisted.unknown": 50},
            {"organisation": "X", "year": 2020, "i2.shortlisted.white": 60,
             "i2.shortlisted.bme": 3, "i2.shortlisted.unknown": 20},
        ]
    )  # fmt: skip

    mask = suppress_pooled(frame)

    assert mask["i2.shortlisted.unknown"].tolist() == [True, True]
    assert mask["i2.shortlisted.white"].tolist() == [False, False]


def test_suppress_links_indicator_3_previous_year_to_last_years_count():
    frame = pd.DataFrame(
        [
            {"organisation": "X", "year": 2019, "i3.disciplinary.white": 12,
             "i3.disciplinary.bme": 3, "i3.disciplinary.unknown": 7},
            {"organisation": "X", "year": 2020, "i3.disciplinary_prev.white": 12,
             "i3.disciplinary_prev.bme": 3, "i3.disciplinary_prev.unknown": 7,
             "i3.disciplinary.white": 20, "i3.disciplinary.bme": 30, "i3.disciplinary.unknown": 9,
             "i3.workforce.white": 900, "i3.workforce.bme": 300, "i3.rl": 1.2},
        ]
    )  # fmt: skip

    mask = suppress_pooled(frame)

    # last year's secondary cell (unknown, 7) is hidden again where it reappears
    assert mask.loc[0, "i3.disciplinary.unknown"] and mask.loc[1, "i3.disciplinary_prev.unknown"]
    assert mask.loc[1, "i3.disciplinary_prev.bme"]
    # the pooled two-year figures rest on a suppressed count
    assert mask.loc[1, "i3.rl"]
    assert not mask.loc[1, "i3.disciplinary.bme"]


def test_suppress_pooled_rows_inside_a_group_never_leave_one_alone():
    rows = [
        {"organisation": f"O{i}", "year": 2020, "region": "Y56", "i1.total.unknown": value}
        for i, value in enumerate([3, 50, 40, 70])
    ]
    mask = suppress_pooled(pd.DataFrame(rows), groupings=[("year", "region")])

    hidden = mask["i1.total.unknown"].tolist()
    assert hidden[0] and sum(hidden) == 2
    assert hidden[2]  # the smallest other organisation


def test_suppress_aggregates_over_fewer_than_three_organisations_whole():
    frame = synthesise(["A1", "A2", "B1", "B2", "B3"], range(2020, 2021), seed=1)
    frame["region"] = ["Y56", "Y56", "Y58", "Y58", "Y58"]
    table = aggregate(frame.drop(columns=["synthetic", "type", "sector"]), by=("year", "region"))

    mask = suppress_aggregates(table, ("year", "region"))

    london = table.index[table["region"] == "Y56"][0]
    south_west = table.index[table["region"] == "Y58"][0]
    assert mask.loc[london].all()
    assert not mask.loc[south_west, "i2.rl"]
    assert "organisations" not in mask.columns


def test_apply_mask_shows_the_mark_and_keeps_the_rest():
    frame = _row(**{"i9.voting.white": 9, "i9.voting.bme": 2, "i9.voting.unknown": 0})

    shown = apply_mask(frame, suppress_pooled(frame)).iloc[0]

    assert shown["i9.voting.bme"] == MARK
    assert shown["organisation"] == "X"


def _check_invariants(frame, mask, threshold=4):
    for additive in ROW_SETS:
        codes = [c for c in additive.codes if c in mask.columns]
        if len(codes) != len(additive.codes):
            continue
        complete = frame[codes].notna().all(axis=1)
        assert not ((mask[codes].sum(axis=1) == 1) & complete).any(), additive
    for metric, deps in DERIVED.items():
        if metric in mask.columns:
            present = [d for d in deps if d in mask.columns]
            if present:
                assert not (mask[present].any(axis=1) & ~mask[metric]).any(), metric
    for code in mask.columns:
        values = pd.to_numeric(frame[code], errors="coerce")
        if code.startswith("i") and not code.endswith(("pct", "pp")):
            small = (values >= 1) & (values <= threshold)
            from extracts.suppression import COUNT_CODES

            if code in COUNT_CODES:
                assert mask[code][small].all(), code


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), organisations=st.integers(1, 8))
@example(seed=11, organisations=8)
def test_suppress_synthetic_history_satisfies_every_rule(seed, organisations):
    frame = _wide(organisations, range(2015, 2019), seed=seed)

    # Rows grouped by year and region form additive sets (what a regional aggregate pools), so
    # rule 3 applies across them; without the grouping nothing promises the last check (a small
    # organisation's unknown total of 2 was once hidden alone: seed 11, 8 organisations, 2018).
    mask = suppress_pooled(frame, groupings=[("year", "region")])

    _check_invariants(frame, mask)
    # aggregates: within each year and region, never exactly one organisation hidden
    for _, group in (
        frame.copy().assign(hidden=mask["i1.total.unknown"]).groupby(["year", "region"])
    ):
        if group["i1.total.unknown"].notna().sum() >= 3:
            assert group["hidden"].sum() != 1


def test_suppress_is_deterministic_and_order_of_columns_free():
    frame = _wide()

    first = suppress_pooled(frame)
    second = suppress_pooled(frame[list(reversed(frame.columns))])

    assert first.equals(second[first.columns])


def test_suppress_of_nothing_is_nothing():
    frame = _wide().iloc[:0]

    assert suppress_pooled(frame).empty
    assert np.array_equal(suppress_pooled(frame).columns, suppress_pooled(_wide()).columns)


@pytest.mark.parametrize("threshold", [0, 4, 10])
def test_suppress_threshold_zero_hides_nothing_primary(threshold):
    frame = _wide(3, range(2016, 2018))

    mask = suppress_pooled(frame, threshold=threshold)

    assert (mask.to_numpy().sum() == 0) == (threshold == 0)
