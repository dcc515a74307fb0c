"""Reads of loaded Staff Survey results: one organisation's figures as return items, where a
return's figures came from, and what is loaded per year for the national admin's page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db.models import Count, Max
from django.utils import timezone

from indicators.dictionary import SURVEY_ITEMS
from organisations.models import Organisation
from survey.models import SurveyLoad, SurveyResult
from survey.parser import FIRST_YEAR

#: Where a figure of indicators 5 to 8 came from, as the forms and the review page mark it.
SURVEY = "survey"
LOCAL = "local"
SOURCE_LABELS: Final[dict[str, str]] = {SURVEY: "NHS Staff Survey", LOCAL: "Local figure"}


def percent_value(value: Decimal) -> int | float:
    """A stored percentage as the engine and the forms hold one: whole numbers as ``int``,
    others as ``float`` (23.50 is 23.5), never a ``Decimal``."""
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def survey_values(*, organisation_id: int, year: int) -> dict[str, int | float]:
    """The organisation's loaded Staff Survey figures for ``year`` as item codes (``i5.white``).

    A percentage the survey did not publish is left out (missing, not 0).
    """
    values: dict[str, int | float] = {}
    rows = SurveyResult.objects.filter(organisation_id=organisation_id, year=year).values_list(
        "indicator", "white_pct", "bme_pct"
    )
    for indicator, white, bme in rows:
        for eth, pct in (("white", white), ("bme", bme)):
            if pct is not None:
                values[f"i{indicator}.{eth}"] = percent_value(pct)
    return values


def draft_sources(values: dict[str, Any], prefill: dict[str, object]) -> dict[str, str]:
    """Where each given figure of indicators 5 to 8 of a draft came from: pre-filled from the
    Staff Survey, or typed by the organisation (stored in the draft, so local)."""
    sources = {}
    for code in SURVEY_ITEMS:
        if code in prefill and code not in values:
            sources[code] = SURVEY
        elif values.get(code) not in (None, ""):
            sources[code] = LOCAL
    return sources


def survey_sources(values: dict[str, Any], survey: dict[str, int | float]) -> dict[str, str]:
    """Where each figure of indicators 5 to 8 of a submitted version came from: the Staff Survey
    where it equals the figure loaded for the organisation and year, otherwise local."""
    sources = {}
    for code in SURVEY_ITEMS:
        value = values.get(code)
        if value is None or value == "":
            continue
        loaded = survey.get(code)
        sources[code] = SURVEY if loaded is not None and loaded == value else LOCAL
    return sources


def survey_year_range() -> range:
    """The years a file may hold: from the first WRES year to next year, or to the latest year
    already loaded where that is later (the survey reads no collections: ADR 0015)."""
    latest = SurveyResult.objects.aggregate(latest=Max("year"))["latest"] or 0
    return range(FIRST_YEAR, max(timezone.localdate().year + 1, latest) + 1)


def organisation_ids_by_code() -> dict[str, int]:
    """Every organisation of the register: ODS code to id (the parser's lookup)."""
    return dict(Organisation.objects.values_list("ods_code", "pk"))


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    organisations: int
    rows: int
    last_load: SurveyLoad | None


def survey_years() -> list[YearSummary]:
    """What is loaded, per year (newest first): organisations, indicator rows, the last load."""
    counts = (
        SurveyResult.objects.values("year")
        .annotate(rows=Count("pk"), organisations=Count("organisation", distinct=True))
        .order_by("-year")
    )
    latest = SurveyResult.objects.values("year").annotate(load=Max("load_id"))
    last_by_year = dict(latest.values_list("year", "load"))
    loads = SurveyLoad.objects.select_related("loaded_by").in_bulk(last_by_year.values())
    return [
        YearSummary(
            row["year"], row["organisations"], row["rows"], loads.get(last_by_year[row["year"]])
        )
        for row in counts
    ]


def survey_recent_loads(limit: int = 10) -> list[SurveyLoad]:
    """The latest loads, newest first."""
    return list(SurveyLoad.objects.select_related("loaded_by")[:limit])
