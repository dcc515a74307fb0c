"""Seeded synthetic WRES returns, calibrated to published national figures, for demos and tests.

Every row is labelled ``synthetic``. National figures follow the published trends: BME share of
the workforce about 17.7% (2016) to 26.4% (2023), national RL2 about 1.5-1.6, current-year RL3
falling from about 1.56 (2016) to 1.14 (2022), VSM BME share 5.7% (2017) and 6.8% (2018), and
around 40% of trusts without a BME voting board member in 2017, fewer later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.dictionary import ETHNICITIES, ITEMS, STAFF_GROUPS

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

FIRST_YEAR: Final = 2015


def _trend(anchors: dict[int, float], years: npt.NDArray[np.int64]) -> Floats:
    """Interpolate between anchor years, carrying the last slope a little way beyond them."""
    known = np.array(sorted(anchors), dtype=np.float64)
    values = np.array([anchors[int(y)] for y in known])
    slope = (values[-1] - values[-2]) / (known[-1] - known[-2])
    out: Floats = np.interp(years.astype(np.float64), known, values)
    late = years > known[-1]
    out[late] = values[-1] + 0.6 * slope * (years[late] - known[-1])
    return out


#: BME share of the workforce (%), NHS England WRES reports.
WORKFORCE_BME: Final = {2015: 17.1, 2016: 17.7, 2017: 19.1, 2018: 19.7, 2019: 20.7, 2020: 22.1,
                        2021: 22.4, 2022: 24.2, 2023: 26.4, 2024: 27.6}  # fmt: skip
VSM_BME: Final = {2015: 5.3, 2016: 5.5, 2017: 5.7, 2018: 6.8, 2019: 7.4, 2020: 8.4, 2021: 9.2,
                  2022: 10.3, 2023: 11.2, 2024: 11.9}  # fmt: skip
RL2: Final = {2015: 1.60, 2016: 1.57, 2017: 1.60, 2018: 1.45, 2019: 1.46, 2020: 1.61, 2021: 1.61,
              2022: 1.54, 2023: 1.59, 2024: 1.55}  # fmt: skip
#: Current-year RL3; the published figure pools two years (1.24 in 2018, 1.03 in 2023).
RL3: Final = {2015: 1.60, 2016: 1.53, 2017: 1.33, 2018: 1.16, 2019: 1.22, 2020: 1.16, 2021: 1.12,
              2022: 1.15, 2023: 0.86, 2024: 0.95}  # fmt: skip
RL4: Final = {2015: 1.22, 2016: 1.22, 2017: 1.22, 2018: 1.15, 2019: 1.15, 2020: 1.14, 2021: 1.12,
              2022: 1.12, 2023: 1.14, 2024: 1.12}  # fmt: skip
#: Share of boards with no BME member at all (98 of 231 trusts in 2017, 73 of 227 in 2019).
NO_BME_BOARD: Final = {2015: 0.44, 2016: 0.43, 2017: 0.424, 2018: 0.416, 2019: 0.32, 2020: 0.26,
                       2021: 0.19, 2022: 0.14, 2023: 0.11, 2024: 0.09}  # fmt: skip
RL3_SPREAD: Final = 0.5
#: Share of boards with three or more BME members (16 of 231 trusts in 2016, 30 of 227 in 2019).
THREE_PLUS_BOARD: Final = {2015: 0.06, 2016: 0.069, 2017: 0.10, 2018: 0.126, 2019: 0.132,
                           2020: 0.16, 2021: 0.21, 2022: 0.26, 2023: 0.31, 2024: 0.34}  # fmt: skip
#: BME share of board members (%): 7.1 in 2016, 7.4 in 2018, 15.6 in 2023.
BOARD_BME: Final = {2015: 7.0, 2016: 7.1, 2017: 7.2, 2018: 7.4, 2019: 8.6, 2020: 10.0, 2021: 11.6,
                    2022: 13.6, 2023: 15.6, 2024: 16.4}  # fmt: skip

REGIONS: Final = {  # region: (share of organisations, typical BME share of workforce %)
    "London": (0.17, 46.0),
    "South East": (0.15, 16.0),
    "South West": (0.12, 9.0),
    "Midlands": (0.18, 22.0),
    "East of England": (0.11, 17.0),
    "North West": (0.14, 14.0),
    "North East and Yorkshire": (0.13, 11.0),
}
TYPES: Final = {  # type: (share, median headcount, spread, staff group split nc/cl/med, BME factor)
    "acute": (0.58, 5600, 0.45, (0.33, 0.52, 0.15), 1.0),
    "mental_health": (0.2, 3600, 0.4, (0.30, 0.63, 0.07), 1.05),
    "community": (0.07, 2600, 0.45, (0.35, 0.62, 0.03), 0.9),
    "ambulance": (0.05, 3800, 0.3, (0.25, 0.74, 0.01), 0.35),
    "specialist": (0.1, 1100, 0.7, (0.35, 0.45, 0.20), 0.95),
}
AFC_MIX: Final = {  # grade: (non-clinical share, clinical share, non-clinical BME x, clinical x)
    "under_band_1": (0.002, 0.0, 1.0, 1.0),
    "band_1": (0.01, 0.001, 1.1, 1.1),
    "band_2": (0.25, 0.05, 1.05, 1.15),
    "band_3": (0.2, 0.12, 1.0, 1.1),
    "band_4": (0.14, 0.06, 0.95, 1.05),
    "band_5": (0.1, 0.28, 0.9, 1.5),
    "band_6": (0.08, 0.25, 0.85, 1.0),
    "band_7": (0.07, 0.15, 0.8, 0.75),
    "band_8a": (0.05, 0.045, 0.72, 0.6),
    "band_8b": (0.03, 0.015, 0.62, 0.5),
    "band_8c": (0.015, 0.006, 0.55, 0.42),
    "band_8d": (0.008, 0.003, 0.5, 0.38),
    "band_9": (0.004, 0.001, 0.45, 0.35),
    "vsm": (0.006, 0.004, 0.0, 0.0),  # set from the VSM trend
    "other": (0.035, 0.015, 1.0, 1.0),
}
MEDICAL_MIX: Final = {"consultant": (0.42, 1.55), "career_grade": (0.12, 2.3),
                      "trainee": (0.36, 1.9), "other": (0.10, 2.4)}  # fmt: skip
SURVEY: Final = {5: (28.0, 29.5, 3.0), 6: (24.0, 28.0, 2.5), 7: (87.0, 71.0, 3.0),
                 8: (6.0, 14.5, 1.5)}  # fmt: skip


def _cells() -> tuple[list[tuple[str, str]], Floats, Floats]:
    cells: list[tuple[str, str]] = []
    mix: list[float] = []
    factor: list[float] = []
    for g_index, (group, grades) in enumerate(STAFF_GROUPS.items()):
        for grade in grades:
            cells.append((group, grade))
            if group == "medical":
                mix.append(MEDICAL_MIX[grade][0])
                factor.append(MEDICAL_MIX[grade][1])
            else:
                share, clinical, x_nc, x_cl = AFC_MIX[grade]
                mix.append(share if g_index == 0 else clinical)
                factor.append(x_nc if g_index == 0 else x_cl)
    return cells, np.array(mix), np.array(factor)


def _calibrate(weights: Floats, probs: Floats, groups: Ints, target: Floats) -> Floats:
    """Scale ``probs`` within each group (year) so the weighted mean meets ``target`` there."""
    out = probs.copy()
    for _ in range(4):  # a few rounds, as capping at 0.95 moves the mean
        mean = np.bincount(groups, weights * out) / np.maximum(np.bincount(groups, weights), 1e-12)
        out = np.minimum(out * (target / np.where(mean > 0, mean, 1.0))[groups], 0.95)
    return out


def synthesise(
    organisations: int | Sequence[str] = 100,
    years: Iterable[int] = range(FIRST_YEAR, 2027),
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Plausible synthetic returns for ``organisations`` (a count or codes) in ``years``.

    One row per organisation-year in the wide shape of :func:`indicators.compute_national`:
    ``organisation``, ``year``, every item code, then ``synthetic`` (always true), ``region``,
    ``type`` and ``sector``. The same seed gives the same data. Every return passes the checks
    (warnings such as W105 or W106 are expected, as in real data). Indicator 3's previous-year
    items are last year's figures where the organisation has a row for last year.
    """
    year_list = sorted(set(int(y) for y in years))
    if not year_list or year_list[0] < FIRST_YEAR:
        raise ValueError(f"years must be {FIRST_YEAR} or later")
    if isinstance(organisations, int):
        if organisations < 1:
            raise ValueError("there must be at least one organisation")
        width = max(4, len(str(organisations)))
        codes = [f"SYN{i:0{width}d}" for i in range(1, organisations + 1)]
    else:
        codes = [str(code) for code in organisations]
        if not codes or len(set(codes)) != len(codes):
            raise ValueError("organisations must be distinct codes")
    rng = np.random.default_rng(seed)
    n_org = len(codes)

    region_names = list(REGIONS)
    type_names = list(TYPES)
    region = rng.choice(len(region_names), n_org, p=[REGIONS[r][0] for r in region_names])
    kind = rng.choice(len(type_names), n_org, p=[TYPES[t][0] for t in type_names])
    sector = np.where(rng.random(n_org) < 0.6, "foundation_trust", "trust")
    median = np.array([TYPES[t][1] for t in type_names])[kind]
    spread = np.array([TYPES[t][2] for t in type_names])[kind]
    london = region == region_names.index("London")
    size = median * np.exp(rng.normal(0, 1, n_org) * spread) * np.where(london, 1.3, 1.0)
    size = np.maximum(size, 250.0)
    propensity = (
        np.array([REGIONS[r][1] for r in region_names])[region]
        * np.array([TYPES[t][4] for t in type_names])[kind]
        * np.exp(rng.normal(0, 0.25, n_org))
    )
    growth = rng.normal(0.015, 0.01, n_org)
    unknown = rng.uniform(0.004, 0.06, n_org)
    white_appointed = rng.uniform(0.12, 0.28, n_org)
    white_disciplinary = 0.008 * np.exp(rng.normal(0, 0.35, n_org))
    white_training = rng.uniform(0.3, 0.65, n_org)
    board_latent = rng.normal(0, 1, n_org) - 1.2 * np.log(propensity / 20.0)
    # How far organisations' relative likelihoods spread around the national one: indicator 3
    # varies most (in 2018 only 55 of 231 trusts were inside 0.80-1.25).
    spread_of = {"rl2": 0.15, "rl3": RL3_SPREAD, "rl4": 0.15}
    noise = {name: np.exp(rng.normal(0, sd, n_org)) for name, sd in spread_of.items()}

    y = np.array(year_list, dtype=np.int64)
    org = np.repeat(np.arange(n_org), len(y))
    year = np.tile(y, n_org)
    year_index = np.tile(np.arange(len(y)), n_org)
    n = len(org)

    headcount = size[org] * (1 + growth[org]) ** (year - FIRST_YEAR)
    headcount *= np.exp(rng.normal(0, 0.02, n))
    weights = headcount
    share = _calibrate(weights, propensity[org] / 100, year_index, _trend(WORKFORCE_BME, y) / 100)

    cells, mix, factor = _cells()
    split = np.array([TYPES[t][3] for t in type_names])[kind][org]  # (n, 3)
    group_of = np.array([list(STAFF_GROUPS).index(g) for g, _ in cells])
    per_group_mix = np.zeros_like(mix)
    for g in range(3):
        per_group_mix[group_of == g] = mix[group_of == g] / mix[group_of == g].sum()
    expected = headcount[:, None] * split[:, group_of] * per_group_mix[None, :]
    is_vsm = np.array([grade == "vsm" for _, grade in cells])
    cell_factor = np.broadcast_to(factor, expected.shape).copy()
    norm = (expected * cell_factor).sum(axis=1) / expected.sum(axis=1)
    p_bme = np.minimum(share[:, None] * cell_factor / norm[:, None], 0.95)
    vsm_weight = expected[:, is_vsm].sum(axis=1)
    vsm_p = _calibrate(vsm_weight, share * 0.3, year_index, _trend(VSM_BME, y) / 100)
    p_bme[:, is_vsm] = vsm_p[:, None]
    # Recording improves over the years: the unknown share falls.
    p_unknown = (unknown[org] * (1 - 0.03 * (year - FIRST_YEAR)).clip(0.5))[:, None]
    people = rng.poisson(expected)
    bme = rng.binomial(people, p_bme)
    # Very senior managers are few: their BME count is the expected one, rounded at random, so
    # the national share follows the published trend within a tenth of a point or so.
    vsm_expected = people[:, is_vsm] * p_bme[:, is_vsm]
    whole = np.floor(vsm_expected)
    bme[:, is_vsm] = (whole + (rng.random(whole.shape) < vsm_expected - whole)).astype(bme.dtype)
    unknown_people = rng.binomial(people - bme, np.minimum(p_unknown / (1 - p_bme), 0.5))
    white = people - bme - unknown_people

    out: dict[str, object] = {
        "organisation": np.array(codes, dtype=object)[org],
        "year": year,
    }
    for index, (group, grade) in enumerate(cells):
        for eth, counts in zip(ETHNICITIES, (white, bme, unknown_people), strict=True):
            out[f"i1.{group}.{grade}.{eth}"] = counts[:, index]
    totals = {
        "white": white.sum(axis=1),
        "bme": bme.sum(axis=1),
        "unknown": unknown_people.sum(axis=1),
    }

    def split_people(total: Floats, bme_share: Floats) -> dict[str, Ints]:
        people_total = rng.poisson(total)
        b = rng.binomial(people_total, np.minimum(bme_share, 0.9))
        u = rng.binomial(people_total - b, 0.02)
        return {"white": people_total - b - u, "bme": b, "unknown": u}

    def events(base: dict[str, Ints], white_rate: Floats, bme_rate: Floats) -> dict[str, Ints]:
        return {
            "white": rng.binomial(base["white"], np.minimum(white_rate, 0.98)),
            "bme": rng.binomial(base["bme"], np.minimum(bme_rate, 0.98)),
            "unknown": rng.binomial(base["unknown"], np.minimum(white_rate, 0.98)),
        }

    def relative_rate(
        base: dict[str, Ints],
        white_rate: Floats,
        multiplier: Floats,
        target: Floats,
        bme_high: bool,
    ) -> Floats:
        """The BME rate whose national relative likelihood meets ``target`` each year."""
        bme_base = base["bme"].astype(np.float64)
        white_base = base["white"].astype(np.float64)
        raw = white_rate * multiplier
        white_mean = np.bincount(year_index, white_base * white_rate) / np.bincount(
            year_index, white_base
        )
        bme_mean = np.bincount(year_index, bme_base * raw) / np.maximum(
            np.bincount(year_index, bme_base), 1
        )
        ratio = bme_mean / white_mean
        scale = target if bme_high else 1 / target
        return raw * (scale / ratio)[year_index]

    shortlisted = split_people(headcount * 0.6 * np.exp(rng.normal(0, 0.2, n)), share * 1.35)
    appointed_white = white_appointed[org]
    appointed = events(
        shortlisted,
        appointed_white,
        relative_rate(shortlisted, appointed_white, noise["rl2"][org], _trend(RL2, y), False),
    )
    workforce: dict[str, Ints] = {eth: totals[eth] for eth in ETHNICITIES}
    disciplinary_white = white_disciplinary[org]
    disciplinary = events(
        workforce,
        disciplinary_white,
        relative_rate(workforce, disciplinary_white, noise["rl3"][org], _trend(RL3, y), True),
    )
    training_white = white_training[org]
    training = events(
        workforce,
        training_white,
        relative_rate(workforce, training_white, noise["rl4"][org], _trend(RL4, y), False),
    )
    # Last year's figures, where this organisation has a row for last year.
    has_previous = (year_index > 0) & (year - 1 == np.roll(year, 1))
    for eth in ETHNICITIES:
        out[f"i2.shortlisted.{eth}"] = shortlisted[eth]
        out[f"i2.appointed.{eth}"] = appointed[eth]
        out[f"i3.workforce.{eth}"] = workforce[eth]
        out[f"i3.disciplinary.{eth}"] = disciplinary[eth]
        for name, source in (("workforce_prev", workforce), ("disciplinary_prev", disciplinary)):
            previous = np.full(n, np.nan)
            previous[1:] = source[eth][:-1]
            out[f"i3.{name}.{eth}"] = np.where(has_previous, previous, np.nan)
        out[f"i4.workforce.{eth}"] = workforce[eth]
        out[f"i4.training.{eth}"] = training[eth]

    surveyed = rng.random(n) > 0.04
    drift = (year - FIRST_YEAR) / 10.0
    for k, (white_mean, bme_mean, sd) in SURVEY.items():
        org_effect = rng.normal(0, sd, n_org)[org]
        trend = -1.5 * drift if k == 7 else 0.5 * drift
        for eth, mean in (("white", white_mean), ("bme", bme_mean + trend)):
            value = np.round(np.clip(mean + org_effect + rng.normal(0, sd / 2, n), 0, 100), 1)
            out[f"i{k}.{eth}"] = np.where(surveyed, value, np.nan)

    _board(
        out,
        rng,
        board_latent[org],
        year_index,
        _trend(NO_BME_BOARD, y),
        _trend(THREE_PLUS_BOARD, y),
        share,
        _trend(BOARD_BME, y) / 100,
    )
    frame = pd.DataFrame(out)[["organisation", "year", *(item.code for item in ITEMS)]]
    for item in ITEMS:
        if item.unit == "count":
            frame[item.code] = frame[item.code].astype("Int64")
    frame["synthetic"] = True
    frame["region"] = np.array(region_names, dtype=object)[region][org]
    frame["type"] = np.array(type_names, dtype=object)[kind][org]
    frame["sector"] = sector[org]
    frame.attrs["synthetic"] = True
    return frame


def _board(
    out: dict[str, object],
    rng: np.random.Generator,
    latent: Floats,
    year_index: Ints,
    no_bme_share: Floats,
    three_plus_share: Floats,
    workforce_share: Floats,
    board_share: Floats,
) -> None:
    """Board members: executives (some non-voting) and non-executives (all voting).

    A persistent per-organisation tendency (a more diverse workforce, a lower tendency) orders
    the boards each year: the highest ``no_bme_share`` have no BME member at all, the lowest
    ``three_plus_share`` have three or more voting BME members, and the rest one or two. The
    chance of each further member on the three-or-more boards follows the workforce, scaled each
    year so that the BME share of all board members meets ``board_share``.
    """
    n = len(latent)
    executive = rng.integers(5, 9, n)
    non_executive = rng.integers(6, 10, n)
    non_voting = rng.integers(0, 3, n)
    voting_executive = executive - non_voting
    voting = voting_executive + non_executive
    tendency = pd.Series(latent + rng.normal(0, 0.3, n))
    rank = tendency.groupby(year_index).rank(pct=True).to_numpy(dtype=np.float64)
    none = rank > 1 - no_bme_share[year_index]
    top = ~none & (rank <= three_plus_share[year_index])
    middle = ~none & ~top
    second, non_voting_rate = 0.35, 0.25
    base = np.clip(workforce_share * 0.45, 0.01, 0.9)
    # Expected BME members per year, solved for the scale of the top boards' further members.
    members = np.bincount(year_index, executive + non_executive, minlength=len(board_share))
    fixed = np.bincount(
        year_index,
        middle * (1 + second + (1 - second) * non_voting * non_voting_rate)
        + top * (3 + non_voting * non_voting_rate),
        minlength=len(board_share),
    )
    variable = np.bincount(year_index, top * (voting - 3) * base, minlength=len(board_share))
    scale = np.clip((board_share * members - fixed) / np.maximum(variable, 1e-12), 0.0, None)
    further = rng.binomial(np.maximum(voting - 3, 0), np.clip(base * scale[year_index], 0.0, 0.9))
    bme_voting = np.where(
        none, 0, np.where(top, 3 + further, 1 + rng.binomial(1, second, n))
    ).astype(np.int64)
    bme_non_executive = rng.binomial(bme_voting, non_executive / voting)
    bme_executive = bme_voting - bme_non_executive
    excess = np.maximum(bme_executive - voting_executive, 0)
    bme_executive -= excess
    bme_non_executive += excess
    # Non-voting BME members never lift a "one or two" board to three.
    bme_non_voting = np.where(none, 0, rng.binomial(non_voting, non_voting_rate))
    bme_non_voting = np.where(middle, np.minimum(bme_non_voting, 2 - bme_voting), bme_non_voting)
    board = {
        "voting": (voting - bme_voting, bme_voting),
        "executive": (executive - bme_executive - bme_non_voting, bme_executive + bme_non_voting),
        "non_executive": (non_executive - bme_non_executive, bme_non_executive),
    }
    for role, (white, bme) in board.items():
        out[f"i9.{role}.white"] = white
        out[f"i9.{role}.bme"] = bme
        out[f"i9.{role}.unknown"] = np.zeros(n, dtype=np.int64)
