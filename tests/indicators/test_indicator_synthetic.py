"""Synthetic national data: seeded, labelled, passing every check, calibrated to the published."""

import pandas as pd
import pytest

from indicators import aggregate, compute_return, synthesise
from indicators.dictionary import ITEMS


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return synthesise(400, range(2015, 2027), seed=11)


def _values(row: pd.Series) -> dict[str, object]:
    values: dict[str, object] = {}
    for item in ITEMS:
        value = row[item.code]
        if not pd.isna(value):
            values[item.code] = int(value) if item.unit == "count" else float(value)
    return values


def test_synthesise_is_seeded_and_labelled() -> None:
    first = synthesise(5, [2020, 2021], seed=4)
    assert first.equals(synthesise(5, [2020, 2021], seed=4))
    assert not first.equals(synthesise(5, [2020, 2021], seed=5))
    assert first["synthetic"].all()
    assert list(first.columns[:2]) == ["organisation", "year"]
    assert [c for c in first.columns[2:] if c in {i.code for i in ITEMS}] == [i.code for i in ITEMS]
    assert {"region", "type", "sector"} <= set(first.columns)
    assert first["organisation"].str.startswith("SYN").all()


def test_synthesise_every_return_passes_the_checks() -> None:
    frame = synthesise(25, range(2015, 2027), seed=2)
    seen: dict[tuple[str, int], dict[str, object]] = {}
    for _, row in frame.iterrows():
        values = _values(row)
        previous = seen.get((row["organisation"], row["year"] - 1))
        result = compute_return(values, previous=previous, year=int(row["year"]))
        assert not result.has_errors, [i for i in result.issues if i.severity == "error"]
        seen[(row["organisation"], row["year"])] = values


def test_synthesise_previous_year_items_are_last_years_figures() -> None:
    frame = synthesise(3, [2019, 2020, 2022], seed=1).set_index(["organisation", "year"])
    assert pd.isna(frame.loc[("SYN0001", 2019), "i3.workforce_prev.bme"])
    assert (
        frame.loc[("SYN0001", 2020), "i3.workforce_prev.bme"]
        == (frame.loc[("SYN0001", 2019), "i3.workforce.bme"])
    )
    assert pd.isna(frame.loc[("SYN0001", 2022), "i3.disciplinary_prev.white"])


def test_synthesise_calibrated_to_published_national_figures(national: pd.DataFrame) -> None:
    figures = aggregate(national).set_index("year")
    assert figures.loc[2016, "i1.total.bme_pct"] == pytest.approx(17.7, abs=0.8)
    assert figures.loc[2023, "i1.total.bme_pct"] == pytest.approx(26.4, abs=0.8)
    assert figures["i1.total.bme_pct"].is_monotonic_increasing
    for year in range(2015, 2027):
        assert 1.4 <= figures.loc[year, "i2.rl"] <= 1.7
    assert figures.loc[2016, "i3.rl_current"] == pytest.approx(1.56, abs=0.08)
    assert figures.loc[2022, "i3.rl_current"] == pytest.approx(1.14, abs=0.06)
    assert figures.loc[2017, "i1.vsm.bme_pct"] == pytest.approx(5.7, abs=1.0)
    assert figures.loc[2018, "i1.vsm.bme_pct"] == pytest.approx(6.8, abs=1.0)
    no_board = figures["i9.orgs_no_bme_voting"] / figures["i9.orgs_reporting"]
    assert no_board.loc[2017] == pytest.approx(0.40, abs=0.05)
    assert no_board.loc[2023] < no_board.loc[2017]


def test_synthesise_has_realistic_spread(national: pd.DataFrame) -> None:
    from indicators import compute_national

    metrics = compute_national(national[national["year"] == 2023])
    share = metrics.set_index("organisation")["i1.total.bme_pct"]
    regions = national[national["year"] == 2023].set_index("organisation")["region"]
    by_region = share.groupby(regions).median()
    assert by_region["London"] > 35 > by_region["South West"]
    totals = metrics[["i1.total.white", "i1.total.bme", "i1.total.unknown"]].sum(axis=1)
    assert totals.min() < 800 and totals.max() > 10_000
    assert metrics["i3.small_numbers"].any()


@pytest.mark.parametrize(
    ("args", "message"),
    [((0,), "at least one"), ((3, [2014, 2015]), "2015"), ((["A", "A"],), "distinct")],
)
def test_synthesise_rejects_bad_arguments(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthesise(*args)  # type: ignore[arg-type]
