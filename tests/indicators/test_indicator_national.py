"""National vectorised computation: it agrees with the per-return path on every metric."""

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import METRICS, compute_return
from indicators.dictionary import ETHNICITIES, I1_ITEMS, ITEMS
from indicators.national import compute_national, model_employer_defaults, model_employer_for

# The valid_return fixture (tests/indicators/conftest.py): a complete, valid return.
ReturnFactory = Callable[..., dict[str, object]]

SMALL = st.integers(min_value=0, max_value=60)
ANY_COUNT = st.one_of(SMALL, st.integers(min_value=0, max_value=1_000_000))
BAD = st.sampled_from([-1, -250, 1_000_001])


@st.composite
def pair(draw: st.DrawFn) -> tuple[int | None, int | None]:
    """A base count and an event count, mostly consistent, sometimes missing or too many."""
    base = draw(st.one_of(st.none(), SMALL, ANY_COUNT, st.just(0)))
    if base is None:
        return None, draw(st.one_of(st.none(), SMALL))
    event = draw(
        st.one_of(
            st.integers(min_value=0, max_value=base),
            st.just(base),
            st.just(0),
            st.integers(min_value=0, max_value=base + 20),
            st.none(),
        )
    )
    return base, event


@st.composite
def return_values(draw: st.DrawFn) -> dict[str, object]:
    values: dict[str, object] = {}
    i1_mode = draw(st.sampled_from(["counts", "counts", "zero", "sparse"]))
    for code in I1_ITEMS:
        if i1_mode == "zero":
            values[code] = 0
        elif i1_mode == "sparse":
            values[code] = draw(st.one_of(st.none(), st.integers(0, 3)))
        else:
            values[code] = draw(st.integers(0, 40))
    prev_mode = draw(st.sampled_from(["none", "all", "all", "partial"]))
    for base_name, event_name in (
        ("i2.shortlisted", "i2.appointed"),
        ("i3.workforce", "i3.disciplinary"),
        ("i3.workforce_prev", "i3.disciplinary_prev"),
        ("i4.workforce", "i4.training"),
    ):
        for eth in ETHNICITIES:
            base, event = draw(pair())
            if base_name == "i3.workforce_prev" and eth != "unknown":
                if prev_mode == "none":
                    base = event = None
                elif prev_mode == "all":
                    base = base if base is not None else draw(SMALL)
                    event = event if event is not None else draw(st.integers(0, base))
            values[f"{base_name}.{eth}"] = base
            values[f"{event_name}.{eth}"] = event
    for k in (5, 6, 7, 8):
        for eth in ("white", "bme"):
            values[f"i{k}.{eth}"] = draw(
                st.one_of(st.none(), st.floats(0, 100), st.integers(0, 100), st.just(101.5))
            )
    for role in ("voting", "executive", "non_executive"):
        for eth in ETHNICITIES:
            values[f"i9.{role}.{eth}"] = draw(st.one_of(st.none(), st.integers(0, 8)))
    for code in draw(
        st.lists(st.sampled_from([i.code for i in ITEMS if i.unit == "count"]), max_size=3)
    ):
        values[code] = draw(BAD)
    return values


@st.composite
def national_frames(draw: st.DrawFn) -> list[tuple[str, int, dict[str, object]]]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(2015, 2030)),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    return [(org, year, draw(return_values())) for org, year in keys]


def to_frame(rows: list[tuple[str, int, dict[str, object]]]) -> pd.DataFrame:
    records = [{"organisation": org, "year": year, **values} for org, year, values in rows]
    frame = pd.DataFrame.from_records(records)
    numbers = {
        item.code: pd.to_numeric(frame[item.code]).astype("float64")
        for item in ITEMS
        if item.code in frame
    }
    return frame[["organisation", "year"]].join(pd.DataFrame(numbers))


def assert_same(code: str, national: object, single: object) -> None:
    kind = next(m.kind for m in METRICS if m.code == code)
    if single is None:
        assert national is pd.NA or (isinstance(national, float) and math.isnan(national)), code
        return
    assert national is not pd.NA, code
    if kind == "float":
        assert isinstance(national, float) and isinstance(single, float), code
        assert math.isclose(national, single, rel_tol=1e-12, abs_tol=0.0), (code, national, single)
    else:
        assert national == single and type(single) is (bool if kind == "flag" else int), code


def check_agreement(rows: list[tuple[str, int, dict[str, object]]]) -> pd.DataFrame:
    frame = to_frame(rows)
    national = compute_national(frame)
    plans = model_employer_defaults(frame)
    for index, (org, year, values) in enumerate(rows):
        given_values = {code: value for code, value in values.items() if value is not None}
        single = compute_return(
            given_values, year=year, model_employer=model_employer_for(plans, org), draft=True
        )
        for metric in METRICS:
            assert_same(metric.code, national.at[index, metric.code], single.metrics[metric.code])
    return national


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(national_frames())
def test_compute_national_equals_per_return_path(
    rows: list[tuple[str, int, dict[str, object]]],
) -> None:
    check_agreement(rows)


def test_compute_national_equals_per_return_on_a_valid_return(valid_return: ReturnFactory) -> None:
    values = valid_return()
    rows = [("RJ1", 2018, values), ("RJ1", 2019, values | {"i3.workforce_prev.white": 10})]
    national = check_agreement(rows)
    assert national["i3.years_pooled"].tolist() == [1, 1]
    assert not national["i2.rl"].isna().any()


def test_compute_national_output_columns_and_types(valid_return: ReturnFactory) -> None:
    rows = [("RJ1", 2020, valid_return()), ("RX9", 2020, {})]
    frame = to_frame(rows).assign(region="London")
    national = compute_national(frame)
    assert list(national.columns) == ["organisation", "year", *[m.code for m in METRICS], "region"]
    assert national["i2.outside_range"].dtype == "boolean"
    assert national["i9.voting.bme_count"].dtype == "Int64"
    assert national["i2.rl"].dtype == "float64"
    assert national.loc[1, "i2.rl"] != national.loc[1, "i2.rl"]  # NaN for the empty return
    assert national.loc[1, "i2.outside_range"] is pd.NA


def test_compute_national_accepts_whole_floats_and_rejects_fractions() -> None:
    frame = pd.DataFrame(
        {
            "organisation": ["A", "B"],
            "year": [2020, 2020],
            "i2.shortlisted.white": [100.0, 100.5],
            "i2.appointed.white": [50.0, 50.0],
            "i2.shortlisted.bme": [100.0, 100.0],
            "i2.appointed.bme": [25.0, 25.0],
        }
    )
    national = compute_national(frame)
    assert national.loc[0, "i2.rl"] == 2.0
    assert np.isnan(national.loc[1, "i2.rl"])


def test_compute_national_text_in_a_count_column_is_missing() -> None:
    frame = pd.DataFrame(
        {"organisation": ["A", "B"], "year": [2020, 2021], "i9.voting.bme": ["3", "three"]}
    )
    assert compute_national(frame)["i9.voting.bme_count"].tolist() == [3, pd.NA]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"year": [2020]}), "missing column"),
        (pd.DataFrame({"organisation": ["A"], "year": [2020], "i2.bogus": [1]}), "unknown item"),
        (pd.DataFrame({"organisation": ["A", "A"], "year": [2020, 2020]}), "more than one row"),
        (pd.DataFrame({"organisation": ["A"], "year": ["2020"]}), "whole numbers"),
    ],
)
def test_compute_national_rejects_malformed_frames(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_national(frame)


def test_model_employer_defaults_use_2018_or_the_first_later_year() -> None:
    def row(org: str, year: int, bme_8a: int, bme_band_5: int) -> dict[str, object]:
        values: dict[str, object] = dict.fromkeys(I1_ITEMS, 0)
        values |= {
            "organisation": org,
            "year": year,
            "i1.clinical.band_8a.white": 100 - bme_8a,
            "i1.clinical.band_8a.bme": bme_8a,
            "i1.clinical.band_5.white": 100 - bme_band_5,
            "i1.clinical.band_5.bme": bme_band_5,
        }
        return values

    frame = pd.DataFrame(
        [
            row("A", 2017, 1, 1),
            row("A", 2018, 10, 30),
            row("A", 2019, 50, 50),
            row("B", 2020, 5, 15),
        ]
    )
    plans = model_employer_defaults(frame)
    assert plans.loc["A", "base_year"] == 2018
    assert plans.loc["A", "target_pct"] == 20.0
    assert plans.loc["A", "base_pct.band_8a"] == 10.0
    assert plans.loc["B", "base_year"] == 2020
    assert plans.loc["B", "target_year"] == 2028
    national = compute_national(frame)
    assert np.isnan(national.loc[0, "me.band_8a.expected_bme_pct"])
    assert national.loc[1, "me.band_8a.expected_bme_pct"] == 10.0
    assert national.loc[2, "me.band_8a.expected_bme_pct"] == 11.0
    assert national.loc[2, "me.band_8a.gap_pp"] == 39.0
