"""The impact method (engagement/impact.py) on synthetic data: it recovers an effect planted in
the engaged organisations' figures within its interval, and finds none where none was planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement.impact import CAVEAT, impact_of, wres_year

YEARS = range(2015, 2025)
ENGAGED_YEARS = (2018, 2022)  # windows t-1..t+2 apart: see the ADR on later engagements
EFFECT = -0.3  # on ln RL: about 26% lower


def _world(effect: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """1,200 organisations whose ln RL is a level of their own plus yearly noise; 60 engaged on
    each indicator in each of two years, chosen by need (among the top half in t-1), with
    ``effect`` added to their ln RL from year t onwards."""
    rng = np.random.default_rng(seed)
    n = 1200
    codes = [f"S{i:04d}" for i in range(n)]
    places = pd.DataFrame(
        {
            "trust_type": rng.choice(["acute_large", "mental_health_ld", "community"], n),
            "region": rng.choice(["Y56", "Y60", "Y62"], n),
        },
        index=pd.Index(codes, name="organisation"),
    )
    ln = {}
    for k in (2, 3, 4):
        level = rng.normal(0.2, 0.3, size=(n, 1))
        ln[k] = level + rng.normal(0, 0.1, size=(n, len(YEARS)))
    engaged_rows = []
    for k in (2, 3, 4):
        taken: set[int] = set()
        for t in ENGAGED_YEARS:
            base = ln[k][:, YEARS.index(t - 1)]
            needy = [i for i in np.flatnonzero(base > np.median(base)) if i not in taken]
            chosen = rng.choice(needy, size=60, replace=False)
            taken.update(int(i) for i in chosen)
            for i in chosen:
                ln[k][i, YEARS.index(t) :] += effect
                engaged_rows.append({"organisation": codes[i], "year": t, "indicator": k})
    grid = pd.MultiIndex.from_product([codes, list(YEARS)], names=["organisation", "year"])
    figures = pd.DataFrame(
        {f"i{k}.rl": np.exp(ln[k]).reshape(-1) for k in (2, 3, 4)}, index=grid
    ).reset_index()
    return figures, places, pd.DataFrame(engaged_rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_impact_recovers_a_planted_effect_within_its_interval(seed):
    effects = impact_of(*_world(EFFECT, seed))

    assert {(e.indicator, e.horizon) for e in effects} == {
        (k, h) for k in (2, 3, 4) for h in (1, 2)
    }
    for effect in effects:
        assert effect.engaged >= 100, effect
        assert effect.low < EFFECT < effect.high, effect
        assert effect.high < 0, effect  # a clear difference
        assert effect.clear


@pytest.mark.parametrize("seed", [1, 2])
def test_impact_finds_no_effect_where_none_was_planted(seed):
    effects = impact_of(*_world(0.0, seed))

    for effect in effects:
        assert effect.low < 0 < effect.high, effect
        assert not effect.clear


def test_impact_intervals_cover_the_truth_about_95_times_in_100():
    """The two tests above use two fixed worlds; a 95% interval misses about 1 time in 20, so
    across 8 more worlds (48 intervals) at least 90% must cover 0 and the mean be near it."""
    effects = [e for seed in range(10, 18) for e in impact_of(*_world(0.0, seed), resamples=400)]

    covered = sum(e.low < 0 < e.high for e in effects)
    assert covered >= 0.9 * len(effects), covered
    assert abs(np.mean([e.difference for e in effects])) < 0.01


def test_impact_is_deterministic_for_the_same_data():
    world = _world(EFFECT, 5)

    assert impact_of(*world) == impact_of(*world)


def test_impact_with_too_few_engaged_gives_sizes_but_no_difference():
    figures, places, engaged = _world(EFFECT, 6)
    few = engaged.groupby("indicator").head(3)

    effects = impact_of(figures, places, few)

    assert all(e.difference is None and e.low is None and 0 < e.engaged <= 3 for e in effects)


def test_impact_leaves_out_and_counts_engaged_organisations_with_no_comparable_one():
    figures, places, engaged = _world(EFFECT, 7)
    places = places.copy()
    lonely = engaged.iloc[0]["organisation"]
    places.loc[lonely, "trust_type"] = "ambulance"  # the only one of its type

    effects = impact_of(figures, places, engaged)

    first = next(e for e in effects if e.indicator == engaged.iloc[0]["indicator"])
    assert first.unmatched >= 1


def test_wres_year_runs_to_31_march():
    assert wres_year(3, 2022) == 2022
    assert wres_year(4, 2022) == 2023


def test_caveat_says_it_is_not_proof_of_cause():
    assert "does not prove" in CAVEAT
