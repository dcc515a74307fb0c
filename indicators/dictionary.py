"""The WRES data dictionary: every data item and every derived metric, as tables of frozen rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Ethnicity = Literal["white", "bme", "unknown"]
Unit = Literal["count", "percent", "pp", "proportion", "ratio", "flag", "years"]
Direction = Literal["higher_is_worse", "higher_is_better", "neutral"]
Source = Literal["organisation", "previous_return", "staff_survey"]

ETHNICITIES: Final[tuple[Ethnicity, ...]] = ("white", "bme", "unknown")
ETHNICITY_LABELS: Final[dict[str, str]] = {"white": "White", "bme": "BME", "unknown": "Unknown"}

AFC_GRADES: Final[tuple[str, ...]] = (
    "under_band_1",
    "band_1",
    "band_2",
    "band_3",
    "band_4",
    "band_5",
    "band_6",
    "band_7",
    "band_8a",
    "band_8b",
    "band_8c",
    "band_8d",
    "band_9",
    "vsm",
    "other",
)
MEDICAL_GRADES: Final[tuple[str, ...]] = ("consultant", "career_grade", "trainee", "other")
STAFF_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "nonclinical": AFC_GRADES,
    "clinical": AFC_GRADES,
    "medical": MEDICAL_GRADES,
}
#: The grades whose BME share the senior-representation metric and Model Employer track.
SENIOR_GRADES: Final[tuple[str, ...]] = (
    "band_8a",
    "band_8b",
    "band_8c",
    "band_8d",
    "band_9",
    "vsm",
)
#: Staff groups that Agenda for Change senior metrics cover (medical staff are left out).
AFC_GROUPS: Final[tuple[str, ...]] = ("nonclinical", "clinical")

GROUP_LABELS: Final[dict[str, str]] = {
    "nonclinical": "Non-clinical staff",
    "clinical": "Clinical staff (non-medical)",
    "medical": "Medical and dental staff",
}
GRADE_LABELS: Final[dict[str, str]] = {
    "under_band_1": "Under Band 1",
    "band_1": "Band 1",
    "band_2": "Band 2",
    "band_3": "Band 3",
    "band_4": "Band 4",
    "band_5": "Band 5",
    "band_6": "Band 6",
    "band_7": "Band 7",
    "band_8a": "Band 8a",
    "band_8b": "Band 8b",
    "band_8c": "Band 8c",
    "band_8d": "Band 8d",
    "band_9": "Band 9",
    "vsm": "Very senior managers",
    "consultant": "Consultants",
    "career_grade": "Career grade doctors",
    "trainee": "Doctors in training",
    "other": "Other",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One data item an organisation submits (a column in extracts, a key in the API)."""

    code: str
    indicator: int
    label: str
    help_text: str
    group: str
    grade: str | None
    ethnicity: Ethnicity | None
    unit: Literal["count", "percent"]
    required: bool
    source: Source


@dataclass(frozen=True, slots=True)
class Metric:
    """One derived figure: its code, how to show it, and which spec rule defines it."""

    code: str
    indicator: int | None
    label: str
    unit: Unit
    direction: Direction
    decimals: int | None
    formula: str

    @property
    def kind(self) -> Literal["float", "flag", "int"]:
        """The storage type of the metric: float, nullable boolean flag, or nullable integer."""
        if self.unit == "flag":
            return "flag"
        if self.unit in ("count", "years"):
            return "int"
        return "float"


def _build_items() -> tuple[Item, ...]:
    items: list[Item] = []

    def add(
        code: str,
        indicator: int,
        label: str,
        help_text: str,
        group: str,
        grade: str | None = None,
        ethnicity: Ethnicity | None = None,
        *,
        unit: Literal["count", "percent"] = "count",
        required: bool = True,
        source: Source = "organisation",
    ) -> None:
        items.append(
            Item(code, indicator, label, help_text, group, grade, ethnicity, unit, required, source)
        )

    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            for eth in ETHNICITIES:
                add(
                    f"i1.{group}.{grade}.{eth}",
                    1,
                    f"{GROUP_LABELS[group]}, {GRADE_LABELS[grade]}: {ETHNICITY_LABELS[eth]}",
                    "Headcount of substantive and fixed-term staff at the 31 March snapshot "
                    "(bank staff excluded); count each person once.",
                    group,
                    grade,
                    eth,
                )
    indicator_pairs = (
        (
            2,
            "shortlisted",
            "Shortlisted applicants",
            "People shortlisted over the year to 31 March.",
        ),
        (2, "appointed", "Appointed from shortlisting", "People appointed from shortlisting."),
        (
            3,
            "workforce",
            "Workforce",
            "Headcount of the workforce this year: a whole number, this year's own.",
        ),
        (
            3,
            "disciplinary",
            "Entered a formal disciplinary investigation",
            "People entering a formal disciplinary investigation this year: this year's whole "
            "count, not a two-year average (the portal pools the two years itself).",
        ),
        (
            3,
            "workforce_prev",
            "Workforce, previous year",
            "Headcount of the workforce last year: a whole number, last year's own.",
        ),
        (
            3,
            "disciplinary_prev",
            "Entered a formal disciplinary investigation, previous year",
            "People entering a formal disciplinary investigation last year: last year's whole "
            "count, not a two-year average.",
        ),
        (4, "workforce", "Workforce", "Headcount of the workforce over the year."),
        (
            4,
            "training",
            "Accessed non-mandatory training or CPD",
            "People who accessed non-mandatory training or CPD over the year.",
        ),
    )
    for indicator, name, label, help_text in indicator_pairs:
        previous = name.endswith("_prev")
        for eth in ETHNICITIES:
            add(
                f"i{indicator}.{name}.{eth}",
                indicator,
                f"{label}: {ETHNICITY_LABELS[eth]}",
                f"{help_text} Pre-filled from last year's accepted return where there is one."
                if previous
                else help_text,
                name,
                None,
                eth,
                required=not previous,
                source="previous_return" if previous else "organisation",
            )
    for indicator, label in SURVEY_INDICATORS.items():
        survey_groups: tuple[Ethnicity, ...] = ("white", "bme")
        for eth in survey_groups:
            add(
                f"i{indicator}.{eth}",
                indicator,
                f"{label}: {ETHNICITY_LABELS[eth]} staff (%)",
                "Percentage from the NHS Staff Survey (0-100); local figures are marked as local.",
                "survey",
                None,
                eth,
                unit="percent",
                required=False,
                source="staff_survey",
            )
    for role, label in BOARD_ROLES.items():
        for eth in ETHNICITIES:
            add(
                f"i9.{role}.{eth}",
                9,
                f"Board, {label}: {ETHNICITY_LABELS[eth]}",
                "Board members at the 31 March snapshot.",
                role,
                None,
                eth,
            )
    return tuple(items)


SURVEY_INDICATORS: Final[dict[int, str]] = {
    5: "Harassment, bullying or abuse from patients, relatives or the public",
    6: "Harassment, bullying or abuse from staff",
    7: "Believe the organisation gives equal opportunities for career progression",
    8: "Experienced discrimination from a manager or colleague",
}
SURVEY_DIRECTIONS: Final[dict[int, Direction]] = {
    5: "higher_is_worse",
    6: "higher_is_worse",
    7: "higher_is_better",
    8: "higher_is_worse",
}
BOARD_ROLES: Final[dict[str, str]] = {
    "voting": "voting members",
    "executive": "executive members",
    "non_executive": "non-executive members",
}


@dataclass(frozen=True, slots=True)
class Likelihood:
    """How one relative-likelihood indicator maps its items onto the spec's a, n1, c, n2."""

    indicator: int
    event: str
    base: str
    numerator: Ethnicity
    comparator: Ethnicity
    label: str


LIKELIHOODS: Final[tuple[Likelihood, ...]] = (
    Likelihood(2, "appointed", "shortlisted", "white", "bme", "appointed from shortlisting"),
    Likelihood(3, "disciplinary", "workforce", "bme", "white", "entering formal disciplinary"),
    Likelihood(4, "training", "workforce", "white", "bme", "accessing non-mandatory training"),
)
LIKELIHOOD_METRICS: Final[tuple[str, ...]] = (
    "likelihood.white",
    "likelihood.bme",
    "rl",
    "rl_ci_low",
    "rl_ci_high",
    "outside_range",
    "adverse_to_bme",
    "significant",
    "small_numbers",
)


def _build_metrics() -> tuple[Metric, ...]:
    metrics: list[Metric] = []

    def add(
        code: str,
        indicator: int | None,
        label: str,
        unit: Unit,
        formula: str,
        direction: Direction = "neutral",
    ) -> None:
        decimals = {"percent": 1, "pp": 1, "ratio": 2, "proportion": 4}.get(unit)
        metrics.append(Metric(code, indicator, label, unit, direction, decimals, formula))

    for group, grades in STAFF_GROUPS.items():
        for grade in grades:
            row = f"{GROUP_LABELS[group]}, {GRADE_LABELS[grade]}"
            for eth in ETHNICITIES:
                add(
                    f"i1.{group}.{grade}.{eth}_pct",
                    1,
                    f"{row}: {ETHNICITY_LABELS[eth]} share (%)",
                    "percent",
                    "spec 3, indicator 1: row share",
                )
            add(
                f"i1.{group}.{grade}.bme_diff_pp",
                1,
                f"{row}: BME share minus overall workforce BME share (pp)",
                "pp",
                "spec 3, indicator 1: difference from overall workforce",
            )
        for eth in ETHNICITIES:
            add(
                f"i1.{group}.total.{eth}",
                1,
                f"{GROUP_LABELS[group]}: {ETHNICITY_LABELS[eth]} headcount",
                "count",
                "spec 3, indicator 1: staff group total",
            )
        for eth in ETHNICITIES:
            add(
                f"i1.{group}.total.{eth}_pct",
                1,
                f"{GROUP_LABELS[group]}: {ETHNICITY_LABELS[eth]} share (%)",
                "percent",
                "spec 3, indicator 1: staff group share",
            )
    for eth in ETHNICITIES:
        add(
            f"i1.total.{eth}",
            1,
            f"Whole workforce: {ETHNICITY_LABELS[eth]} headcount",
            "count",
            "spec 3, indicator 1: workforce total",
        )
    for eth in ETHNICITIES:
        add(
            f"i1.total.{eth}_pct",
            1,
            f"Whole workforce: {ETHNICITY_LABELS[eth]} share (%)",
            "percent",
            "spec 3, indicator 1: workforce share",
        )
    add("i1.vsm.bme_pct", 1, "Very senior managers: BME share (%)", "percent", "spec 3: VSM share")
    add(
        "i1.senior.bme_pct",
        1,
        "Bands 8a-9 and VSM: BME share (%)",
        "percent",
        "spec 3: senior share",
        "higher_is_better",
    )
    for spec in LIKELIHOODS:
        k = spec.indicator
        ref = f"spec 3, relative likelihood, indicator {k}"
        for eth in ("white", "bme"):
            add(
                f"i{k}.likelihood.{eth}",
                k,
                f"Likelihood of {ETHNICITY_LABELS[eth]} staff {spec.label}",
                "proportion",
                ref,
            )
        add(
            f"i{k}.rl",
            k,
            f"Relative likelihood of {ETHNICITY_LABELS[spec.numerator]} compared with "
            f"{ETHNICITY_LABELS[spec.comparator]} staff {spec.label}",
            "ratio",
            ref,
            "higher_is_worse",
        )
        add(f"i{k}.rl_ci_low", k, "Relative likelihood, 95% interval, lower", "ratio", ref)
        add(f"i{k}.rl_ci_high", k, "Relative likelihood, 95% interval, upper", "ratio", ref)
        add(f"i{k}.outside_range", k, "Outside the 0.80-1.25 range", "flag", ref)
        add(f"i{k}.adverse_to_bme", k, "Adverse to BME staff (above 1.25)", "flag", ref)
        add(f"i{k}.significant", k, "Interval excludes 1", "flag", ref)
        add(f"i{k}.small_numbers", k, "Rests on small numbers", "flag", ref)
        if k == 3:
            add("i3.rl_current", 3, "Relative likelihood, current year alone", "ratio", ref)
            add("i3.years_pooled", 3, "Years pooled for indicator 3", "years", ref)
    for k, label in SURVEY_INDICATORS.items():
        add(
            f"i{k}.gap_pp",
            k,
            f"{label}: BME minus White (pp)",
            "pp",
            "spec 3, indicators 5-8",
            SURVEY_DIRECTIONS[k],
        )
    for role, label in BOARD_ROLES.items():
        add(f"i9.{role}.bme_pct", 9, f"Board {label}: BME share (%)", "percent", "spec 3, ind. 9")
    add("i9.workforce.bme_pct", 9, "Workforce BME share (%)", "percent", "spec 3, indicator 9")
    for role, label in BOARD_ROLES.items():
        add(
            f"i9.{role}.diff_pp",
            9,
            f"Board {label}: BME share minus workforce BME share (pp)",
            "pp",
            "spec 3, indicator 9",
            "higher_is_better",
        )
    add("i9.voting.bme_count", 9, "BME voting board members", "count", "spec 3, indicator 9")
    for grade in SENIOR_GRADES:
        add(
            f"me.{grade}.expected_bme_pct",
            None,
            f"Model Employer: expected BME share, {GRADE_LABELS[grade]} (%)",
            "percent",
            "spec 3, Model Employer trajectory",
        )
        add(
            f"me.{grade}.gap_pp",
            None,
            f"Model Employer: actual minus expected BME share, {GRADE_LABELS[grade]} (pp)",
            "pp",
            "spec 3, Model Employer trajectory",
            "higher_is_better",
        )
    return tuple(metrics)


ITEMS: Final[tuple[Item, ...]] = _build_items()
ITEM_BY_CODE: Final[dict[str, Item]] = {item.code: item for item in ITEMS}
METRICS: Final[tuple[Metric, ...]] = _build_metrics()
METRIC_BY_CODE: Final[dict[str, Metric]] = {metric.code: metric for metric in METRICS}
METRIC_CODES: Final[tuple[str, ...]] = tuple(metric.code for metric in METRICS)
COUNT_ITEMS: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS if i.unit == "count")
SURVEY_ITEMS: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS if i.unit == "percent")
REQUIRED_ITEMS: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS if i.required)
I1_ITEMS: Final[tuple[str, ...]] = tuple(i.code for i in ITEMS if i.indicator == 1)
#: The four previous-year items whose presence decides whether indicator 3 is pooled (spec 3).
I3_POOLING_ITEMS: Final[tuple[str, ...]] = (
    "i3.workforce_prev.white",
    "i3.workforce_prev.bme",
    "i3.disciplinary_prev.white",
    "i3.disciplinary_prev.bme",
)


def i1_code(group: str, grade: str, eth: str) -> str:
    """Return the item code of one indicator 1 cell."""
    return f"i1.{group}.{grade}.{eth}"
