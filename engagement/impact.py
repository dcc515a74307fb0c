"""Did it help? Organisations engaged in year t against comparable organisations not engaged.

Plain pandas and NumPy (no Django): :func:`impact_of` takes the published figures, the
organisations' trust types and regions, and the engagements, and returns one :class:`Effect`
per indicator (2, 3 and 4) and horizon (t+1, t+2). The method (ADR 0023):

- **Year t** of an engagement is the WRES year it falls in: the 12 months to 31 March of t (an
  engagement on 10 June 2022 is in 2023). The baseline is year t-1, wholly before it.
- **Outcome**: the change in the natural log of the relative likelihood from t-1 to t+1 (and to
  t+2). Logs make a halving and a doubling the same size, and a change the same whatever the
  starting level; a fall is a move towards BME staff (above 1 is adverse on all three).
- **Comparison**: for each organisation engaged on the indicator in year t, up to
  :data:`NEIGHBOURS` organisations not engaged on it from t-1 to t+2, of the same trust type and
  region, whose year t-1 figure is in the same national tercile, the nearest on that figure
  (ties by ODS code). An engaged organisation with no such neighbour is left out and counted.
- **Difference**: the mean over engaged organisations of (its change minus the mean change of
  its neighbours); a negative difference means engaged organisations moved further towards BME
  staff than comparable ones.
- **Interval**: 95% percentile bootstrap, resampling the engaged organisations with their
  neighbours (:data:`RESAMPLES` times, seeded: the same data always gives the same interval).

This compares; it does not prove cause. Organisations chosen by need may differ in ways the
match does not see (a new chief executive, a merger), and those that ask for an engagement may
already be changing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

INDICATORS: Final[tuple[int, ...]] = (2, 3, 4)
HORIZONS: Final[tuple[int, ...]] = (1, 2)
NEIGHBOURS: Final = 3
RESAMPLES: Final = 2000
SEED: Final = 20_230_401
#: Fewest engaged organisations (with an outcome and a match) for which a difference is given.
MIN_ENGAGED: Final = 5
CAVEAT: Final = (
    "This compares organisations; it does not prove that engagement caused any difference. "
    "Organisations the WRES team chose by need, or that asked for an engagement, may differ from "
    "the ones they are compared with in ways the figures do not show (new leaders, a merger, "
    "other programmes), and a figure that was unusually high in one year tends to come back "
    "down on its own. Read a difference whose interval includes 0 as no clear difference."
)


@dataclass(frozen=True)
class Effect:
    """The comparison for one indicator and horizon (changes in ln relative likelihood)."""

    indicator: int
    horizon: int
    engaged: int  # engaged organisation-years with an outcome and at least one neighbour
    comparison: int  # distinct comparison organisations used
    unmatched: int  # engaged organisation-years with an outcome but no neighbour
    engaged_change: float | None
    comparison_change: float | None
    difference: float | None
    low: float | None
    high: float | None

    @property
    def enough(self) -> bool:
        return self.difference is not None

    @property
    def clear(self) -> bool:
        """The interval leaves out 0."""
        return self.low is not None and self.high is not None and (self.high < 0 or self.low > 0)

    @property
    def ratio(self) -> float | None:
        """The difference as a ratio of relative likelihoods (0.9: 10% lower than expected)."""
        return None if self.difference is None else math.exp(self.difference)


def wres_year(month: int, year: int) -> int:
    """The WRES year of a date: the 12 months to 31 March of that year."""
    return year + (1 if month >= 4 else 0)


def _log_figures(figures: pd.DataFrame, indicator: int) -> pd.DataFrame:
    """ln RL by organisation (rows) and year (columns); NaN where missing or not positive."""
    column = f"i{indicator}.rl"
    part = figures[["organisation", "year", column]].copy()
    values = pd.to_numeric(part[column], errors="coerce").astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        part["ln"] = np.where(values > 0, np.log(values.where(values > 0)), np.nan)
    return part.pivot_table(index="organisation", columns="year", values="ln", aggfunc="last")


def _units(
    ln: pd.DataFrame,
    places: pd.DataFrame,
    engaged: pd.DataFrame,
    indicator: int,
    horizon: int,
    neighbours: int,
) -> tuple[list[tuple[float, np.ndarray]], set[str], int]:
    """Each matched engaged organisation-year: (its change, its neighbours' changes); the
    neighbours used; how many had an outcome but no neighbour."""
    mine = engaged[engaged["indicator"] == indicator]
    years_engaged = mine.groupby("organisation")["year"].apply(set).to_dict()
    units: list[tuple[float, np.ndarray]] = []
    used: set[str] = set()
    unmatched = 0
    for year in sorted(mine["year"].unique()):
        year = int(year)
        base_year, end_year = year - 1, year + horizon
        if base_year not in ln.columns or end_year not in ln.columns:
            continue
        base = ln[base_year]
        change = ln[end_year] - base
        known = base.notna()
        if known.sum() < 3:
            continue
        cuts = np.nanquantile(base[known].to_numpy(), [1 / 3, 2 / 3])
        tercile = pd.Series(np.searchsorted(cuts, base.to_numpy(), side="right"), index=ln.index)
        frame = pd.DataFrame({"base": base, "change": change, "tercile": tercile}).join(places)
        frame = frame[frame["base"].notna() & frame["change"].notna()]
        window = set(range(year - 1, year + horizon + 1))
        touched = {code for code, ys in years_engaged.items() if ys & window}
        pool = frame[~frame.index.isin(touched)].sort_index()
        cells = {
            key: (
                group.index.to_numpy(),
                group["base"].to_numpy(np.float64),
                group["change"].to_numpy(np.float64),
            )
            for key, group in pool.groupby(["trust_type", "region", "tercile"], sort=False)
        }
        for code in sorted(set(mine.loc[mine["year"] == year, "organisation"])):
            if code not in frame.index:
                continue  # no figure at t-1 or t+h
            row = frame.loc[code]
            cell = cells.get((row["trust_type"], row["region"], int(row["tercile"])))
            if cell is None:
                unmatched += 1
                continue
            codes, bases, changes = cell
            # Nearest on the t-1 figure; the pool is sorted by code, so a stable sort breaks
            # ties by ODS code.
            order = np.argsort(np.abs(bases - float(row["base"])), kind="stable")[:neighbours]
            used.update(str(c) for c in codes[order])
            units.append((float(row["change"]), changes[order]))
    return units, used, unmatched


def impact_of(
    figures: pd.DataFrame,
    places: pd.DataFrame,
    engaged: pd.DataFrame,
    *,
    neighbours: int = NEIGHBOURS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[Effect]:
    """The comparison for each indicator and horizon.

    ``figures``: ``organisation``, ``year``, ``i2.rl``, ``i3.rl``, ``i4.rl`` (published);
    ``places``: indexed by organisation, ``trust_type`` and ``region``;
    ``engaged``: ``organisation``, ``year`` (WRES year of the engagement), ``indicator``.
    """
    places = places[["trust_type", "region"]].fillna("")
    engaged = engaged.drop_duplicates(["organisation", "year", "indicator"])
    effects = []
    for indicator in INDICATORS:
        ln = _log_figures(figures, indicator) if f"i{indicator}.rl" in figures else None
        for horizon in HORIZONS:
            units: list[tuple[float, np.ndarray]] = []
            used: set[str] = set()
            unmatched = 0
            if ln is not None and not ln.empty:
                units, used, unmatched = _units(ln, places, engaged, indicator, horizon, neighbours)
            effects.append(_effect(indicator, horizon, units, used, unmatched, resamples, seed))
    return effects


def _effect(
    indicator: int,
    horizon: int,
    units: list[tuple[float, np.ndarray]],
    used: set[str],
    unmatched: int,
    resamples: int,
    seed: int,
) -> Effect:
    n = len(units)
    if n < MIN_ENGAGED:
        return Effect(indicator, horizon, n, len(used), unmatched, None, None, None, None, None)
    own = np.array([change for change, _ in units])
    others = np.array([controls.mean() for _, controls in units])
    differences = own - others
    # A generator per indicator and horizon: adding one never changes another's interval.
    rng = np.random.default_rng([seed, indicator, horizon])
    draws = rng.integers(0, n, size=(resamples, n))
    means = differences[draws].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return Effect(
        indicator,
        horizon,
        n,
        len(used),
        unmatched,
        float(own.mean()),
        float(others.mean()),
        float(differences.mean()),
        float(low),
        float(high),
    )
