"""The dashboard's measures: one row per headline, read by the snapshot, charts, pages and CSVs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from indicators.dictionary import SENIOR_GRADES, SURVEY_DIRECTIONS, SURVEY_INDICATORS

Kind = Literal["share", "rl", "board", "survey"]


@dataclass(frozen=True, slots=True)
class Measure:
    """One headline: where its national figure and its organisation-level figure come from.

    ``national`` is the code of the pooled figure in the release's aggregates (``None`` for the
    Staff Survey, whose percentages cannot be pooled: the median across organisations is used);
    ``organisation`` is the metric whose spread across organisations is shown.
    """

    slug: str
    indicator: int
    kind: Kind
    title: str
    short: str
    national: str | None
    organisation: str
    unit: Literal["percent", "ratio", "pp"]
    reading: str


def _survey(k: int) -> Measure:
    worse = "higher" if SURVEY_DIRECTIONS[k] == "higher_is_worse" else "lower"
    return Measure(
        f"survey-{k}",
        k,
        "survey",
        f"Staff Survey gap: {SURVEY_INDICATORS[k].lower()}",
        f"Indicator {k} gap",
        None,
        f"i{k}.gap_pp",
        "pp",
        f"BME minus White staff, in percentage points; a {worse} figure is worse for BME staff. "
        "The national figure is the median across organisations (survey percentages cannot be "
        "pooled).",
    )


MEASURES: Final[tuple[Measure, ...]] = (
    Measure(
        "workforce",
        1,
        "share",
        "BME share of the workforce",
        "Workforce BME share",
        "i1.total.bme_pct",
        "i1.total.bme_pct",
        "percent",
        "Pooled headcount of all staff at the 31 March snapshot.",
    ),
    Measure(
        "vsm",
        1,
        "share",
        "BME share of very senior managers",
        "VSM BME share",
        "i1.vsm.bme_pct",
        "i1.vsm.bme_pct",
        "percent",
        "Very senior managers, including executive board members (non-clinical and clinical).",
    ),
    Measure(
        "senior",
        1,
        "share",
        "BME share of bands 8a and above",
        "Bands 8a+ BME share",
        "i1.senior.bme_pct",
        "i1.senior.bme_pct",
        "percent",
        "Bands 8a to 9 and very senior managers (non-clinical and clinical; medical staff are "
        "not on these bands).",
    ),
    Measure(
        "recruitment",
        2,
        "rl",
        "Relative likelihood of White applicants being appointed from shortlisting",
        "Recruitment (RL2)",
        "i2.rl",
        "i2.rl",
        "ratio",
        "Above 1 means White applicants are more likely to be appointed than BME applicants.",
    ),
    Measure(
        "disciplinary",
        3,
        "rl",
        "Relative likelihood of BME staff entering a formal disciplinary process (two-year)",
        "Disciplinary (RL3)",
        "i3.rl",
        "i3.rl",
        "ratio",
        "Two-year pooled counts. Above 1 means BME staff are more likely to enter the process.",
    ),
    Measure(
        "training",
        4,
        "rl",
        "Relative likelihood of White staff accessing non-mandatory training",
        "Training (RL4)",
        "i4.rl",
        "i4.rl",
        "ratio",
        "Above 1 means White staff are more likely to access training than BME staff.",
    ),
    Measure(
        "board",
        9,
        "board",
        "BME share of voting board members",
        "Board BME share",
        "i9.voting.bme_pct",
        "i9.voting.bme_pct",
        "percent",
        "Pooled voting board members at the snapshot, with counts of organisations by how many "
        "BME voting members they have.",
    ),
    *(_survey(k) for k in SURVEY_INDICATORS),
)
MEASURE_BY_SLUG: Final[dict[str, Measure]] = {m.slug: m for m in MEASURES}

_RL_COLUMNS: Final = (
    "likelihood.white",
    "likelihood.bme",
    "rl",
    "rl_ci_low",
    "rl_ci_high",
    "significant",
)
_BOARD_COLUMNS: Final = (
    "i9.voting.bme_count",
    "i9.voting.bme_pct",
    "i9.executive.bme_pct",
    "i9.non_executive.bme_pct",
    "i9.voting.diff_pp",
)
#: Metrics of the organisation profile, by indicator (the nine tables of the profile page).
PROFILE_TABLES: Final[tuple[tuple[int, str, tuple[str, ...]], ...]] = (
    (1, "Workforce", ("i1.total.bme_pct", "i1.senior.bme_pct", "i1.vsm.bme_pct")),
    *(
        (
            k,
            label,
            (
                f"i{k}.likelihood.white",
                f"i{k}.likelihood.bme",
                f"i{k}.rl",
                f"i{k}.rl_ci_low",
                f"i{k}.rl_ci_high",
                f"i{k}.significant",
                f"i{k}.small_numbers",
            ),
        )
        for k, label in ((2, "Recruitment"), (3, "Disciplinary (two-year)"), (4, "Training"))
    ),
    *(
        (k, SURVEY_INDICATORS[k], (f"i{k}.white", f"i{k}.bme", f"i{k}.gap_pp"))
        for k in (5, 6, 7, 8)
    ),
    (
        9,
        "Board",
        (
            # No count: an organisation's counts are not public (spec 6.1); its shares are.
            "i9.voting.bme_pct",
            "i9.executive.bme_pct",
            "i9.non_executive.bme_pct",
            "i9.voting.diff_pp",
        ),
    ),
)
PROFILE_CODES: Final[tuple[str, ...]] = tuple(c for _, _, codes in PROFILE_TABLES for c in codes)

#: Figures ranked among peers (same sector, same region) on the profile.
PEER_CODES: Final[tuple[str, ...]] = (
    "i1.total.bme_pct",
    "i1.senior.bme_pct",
    "i2.rl",
    "i3.rl",
    "i4.rl",
    "i9.voting.bme_pct",
    "i5.gap_pp",
    "i6.gap_pp",
    "i7.gap_pp",
    "i8.gap_pp",
)

ME_GRADES: Final[tuple[str, ...]] = SENIOR_GRADES

#: Where to engage: the run of years a pattern must hold for (portal rule).
ENGAGE_RUN: Final = 3
ENGAGE_INDICATORS: Final[tuple[int, ...]] = (2, 3, 4)
