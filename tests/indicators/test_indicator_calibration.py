"""Calibration: the synthetic national history reproduces the published national headlines.

The demo's history comes from `synthesise` with the demo's seed; aggregated over 231
organisations (the number of NHS trusts in the 2018 figures), each published figure in
`indicators/data/wres-national-headlines.csv` must come back within a rounding step: a relative
likelihood within 0.05, a share of staff within 1 point, the VSM share within 0.5 and a count of
trusts within 6 (counts of trusts are scaled to the number of trusts each figure was out of).
"""

from pathlib import Path

import pandas as pd
import pytest

from indicators import aggregate, compute_national, synthesise
from returns.demo import SEED

HEADLINES = (
    Path(__file__).resolve().parents[2] / "indicators" / "data" / "wres-national-headlines.csv"
)
TRUSTS = 231

#: Published figures the generator does not reproduce, and why (checked to be in the file).
NOT_REPRODUCED = {
    # How many trusts are significantly adverse, or above 1.25, depends on how relative likelihoods
    # spread between trusts of each size; the generator spreads them around the national figure
    # and does not yet model the skew these imply (46% of trusts above 1.25 with a national 1.03).
    "i2.share_trusts_significantly_more_likely_white",
    "i3.share_trusts_above_1.25",
    # A change in headcount of one staff group at band 6 and above: not a portal measure.
    "i1.nursing_band6plus.bme_change",
}
#: Trusts each count was out of, where the source says (else 231).
OUT_OF = {2019: 227}


@pytest.fixture(scope="module")
def history() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = synthesise(TRUSTS, range(2015, 2026), seed=SEED)
    metrics = compute_national(frame)
    metrics["year"] = frame["year"].to_numpy()
    return aggregate(frame).set_index("year"), metrics


def headlines() -> list[dict[str, object]]:
    table = pd.read_csv(HEADLINES)
    table = table[table["scope"] == "NHS trusts England"]
    rows: list[dict[str, object]] = [
        {str(key): value for key, value in row.items()} for row in table.to_dict("records")
    ]
    return [row for row in rows if row["measure"] not in NOT_REPRODUCED]


def synthetic_value(measure: str, year: int, history: tuple[pd.DataFrame, pd.DataFrame]) -> float:
    figures, metrics = history
    scale = OUT_OF.get(year, TRUSTS) / TRUSTS

    def at(column: str) -> float:
        return float(figures[column].astype("float64").loc[year])

    if measure in {"i2.rl", "i3.rl", "i1.total.bme_pct", "i1.vsm.bme_pct", "i9.board.bme_pct"}:
        return at(measure)
    if measure == "i9.trusts_no_bme_board":
        return at("i9.orgs_no_bme_member") * scale
    if measure == "i9.trusts_3plus_bme_board":
        return at("i9.orgs_three_plus_bme_members") * scale
    if measure == "i3.trusts_within_0.80_1.25":
        inside = metrics.loc[metrics["year"] == year, "i3.outside_range"] == False  # noqa: E712
        return float(inside.sum()) * scale
    raise AssertionError(f"no synthetic figure for {measure}: add it or list it as not reproduced")


def tolerance(measure: str, unit: str) -> float:
    if measure == "i1.vsm.bme_pct":
        return 0.5
    return {"ratio": 0.05, "percent": 1.0, "count": 6.0}[unit]


def test_the_published_figures_file_has_what_the_calibration_needs() -> None:
    table = pd.read_csv(HEADLINES)
    assert {"year", "measure", "scope", "value", "unit", "source"} <= set(table.columns)
    assert set(table["measure"]) >= NOT_REPRODUCED
    assert len(headlines()) >= 20


@pytest.mark.parametrize("row", headlines(), ids=lambda row: f"{row['year']}-{row['measure']}")
def test_synthetic_history_reproduces_the_published_headline(
    row: dict[str, object], history: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    year, measure, published = int(row["year"]), str(row["measure"]), float(row["value"])  # type: ignore[call-overload, arg-type]
    got = synthetic_value(measure, year, history)
    assert got == pytest.approx(published, abs=tolerance(measure, str(row["unit"]))), (
        f"{year} {measure}: published {published}, synthetic {got:.3f} ({row['source']})"
    )


def test_calibration_would_fail_on_a_history_off_by_more_than_a_step(
    history: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    figures, metrics = history
    shifted = figures.copy()
    shifted["i2.rl"] = shifted["i2.rl"] + 0.06
    got = synthetic_value("i2.rl", 2018, (shifted, metrics))
    assert got != pytest.approx(1.45, abs=tolerance("i2.rl", "ratio"))
