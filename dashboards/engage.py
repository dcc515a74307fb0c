"""Where to engage: organisations whose relative likelihoods are persistently or increasingly
adverse, and sustained improvers, per indicator (for the WRES team; unsuppressed figures).

Portal rules (constants in :mod:`dashboards.measures`), over the latest published years:

- **significantly adverse three years running**: adverse to BME staff (above 1.25) with the
  interval wholly above 1 in each of the latest three years;
- **worsening**: the relative likelihood rose in each of the latest three years (four years of
  figures) and is above 1.25 now;
- **sustained improvers**: the relative likelihood came closer to parity (|ln RL| fell) in each
  of the latest three years, starting outside the 0.80-1.25 range.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboards.measures import ENGAGE_INDICATORS, ENGAGE_RUN
from organisations.models import Region, Sector

LISTS = (
    ("persistent", "Significantly adverse three years running"),
    ("worsening", "Worsening three years running"),
    ("improving", "Sustained improvers"),
)


def _consecutive(years: list[int], n: int) -> list[int] | None:
    window = years[-n:]
    if len(window) < n or window[-1] - window[0] != n - 1:
        return None
    return window


def engage_lists(frame: pd.DataFrame, years: list[int]) -> dict[str, Any]:
    """``{indicator: {list name: [entry, ...]}}``; each entry has the figures behind it."""
    out: dict[str, Any] = {"years": years[-(ENGAGE_RUN + 1) :]}
    run = _consecutive(years, ENGAGE_RUN)
    longer = _consecutive(years, ENGAGE_RUN + 1)
    names = frame.drop_duplicates("organisation", keep="last").set_index("organisation")
    regions, sectors = dict(Region.choices), dict(Sector.choices)
    for k in ENGAGE_INDICATORS:
        lists: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in LISTS}
        out[str(k)] = lists
        if run is None:
            continue
        window = longer or run
        part = frame[frame["year"].isin(window)]
        rl = part.pivot(index="organisation", columns="year", values=f"i{k}.rl")
        rl = rl.reindex(columns=window)
        low = part.pivot(index="organisation", columns="year", values=f"i{k}.rl_ci_low").reindex(
            index=rl.index, columns=window
        )
        high = part.pivot(index="organisation", columns="year", values=f"i{k}.rl_ci_high").reindex(
            index=rl.index, columns=window
        )
        values = rl.to_numpy(dtype=np.float64, na_value=np.nan)
        lows = low.to_numpy(dtype=np.float64, na_value=np.nan)
        recent = slice(len(window) - ENGAGE_RUN, len(window))
        adverse = (values > 1.25) & (lows > 1)
        picked = {"persistent": adverse[:, recent].all(axis=1)}
        if longer is not None:
            rises = np.diff(values, axis=1) > 0
            picked["worsening"] = rises.all(axis=1) & (values[:, -1] > 1.25)
            with np.errstate(divide="ignore", invalid="ignore"):
                distance = np.abs(np.log(values))
            distance[~np.isfinite(distance)] = np.nan
            nearer = np.diff(distance, axis=1) < 0
            outside = (values[:, 0] < 0.8) | (values[:, 0] > 1.25)
            picked["improving"] = nearer.all(axis=1) & outside
        for key, hits in picked.items():
            highs = high.to_numpy(dtype=np.float64, na_value=np.nan)
            for index in (int(i) for i in np.flatnonzero(hits)):
                code = str(rl.index[index])
                info = names.loc[code]
                lists[key].append(
                    {
                        "organisation": code,
                        "name": str(info["name"]),
                        "region": regions.get(str(info["region"]), str(info["region"])),
                        "sector": sectors.get(str(info["sector"]), "Not recorded"),
                        "figures": [
                            {
                                "year": int(y),
                                "rl": _f(values[index, j]),
                                "low": _f(lows[index, j]),
                                "high": _f(highs[index, j]),
                            }
                            for j, y in enumerate(window)
                        ],
                    }
                )
            lists[key].sort(key=lambda e: -(e["figures"][-1]["rl"] or 0))
    return out


def _f(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)
