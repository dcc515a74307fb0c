"""Reads of the engagement app, each scoped to what the user may see: the WRES team sees every
engagement; an organisation's members see their own organisation's only."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from dashboards.engage import LISTS
from dashboards.measures import ENGAGE_INDICATORS
from dashboards.snapshot import dashboard_open
from engagement.models import Action, CaseStudy, Engagement
from organisations.models import Organisation

REVIEW = "review.review_returns"
#: The "where to engage" lists that mean an organisation needs support on an indicator.
NEEDS_SUPPORT = ("persistent", "worsening")
LIST_TITLES = dict(LISTS)


def engagement_list(*, filters: dict[str, str]) -> list[Engagement]:
    """Every engagement (the WRES team's list), newest first, filtered.

    The indicator filter is applied here in Python: the indicators are a JSON list, and a JSON
    "contains" lookup is not available on SQLite. The list is a few hundred a year.
    """
    engagements: QuerySet[Engagement] = Engagement.objects.select_related("organisation")
    if filters.get("region"):
        engagements = engagements.filter(organisation__region=filters["region"])
    if filters.get("org_type"):
        engagements = engagements.filter(organisation__org_type=filters["org_type"])
    status = filters.get("action_status")
    if status == "none":
        engagements = engagements.filter(~Exists(Action.objects.filter(engagement=OuterRef("pk"))))
    elif status:
        engagements = engagements.filter(
            Exists(Action.objects.filter(engagement=OuterRef("pk"), status=status))
        )
    rows = list(engagements.prefetch_related("actions"))
    if filters.get("indicator"):
        wanted = int(filters["indicator"])
        rows = [e for e in rows if wanted in (e.indicators or [])]
    return rows


def engagements_of(*, organisation: Organisation) -> list[Engagement]:
    """One organisation's engagements with their actions, newest first."""
    return list(
        Engagement.objects.filter(organisation=organisation)
        .select_related("organisation")
        .prefetch_related("actions")
    )


def engagement_of(*, organisation: Organisation, pk: int) -> Engagement | None:
    """The organisation's engagement ``pk``; ``None`` if it is another organisation's."""
    return (
        Engagement.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "created_by")
        .first()
    )


def action_of(*, engagement: Engagement, pk: int) -> Action | None:
    return Action.objects.filter(
        engagement=engagement, organisation=engagement.organisation_id, pk=pk
    ).first()


def engage_entries() -> dict[str, Any]:
    """The current "where to engage" lists (``{}`` before anything is published)."""
    snapshot = dashboard_open()
    if snapshot is None or not snapshot.years:
        return {}
    return {"publication": snapshot.publication_id, **snapshot.data["engage"]}


def engage_figures(*, ods_code: str, engage: dict[str, Any] | None = None) -> dict[str, Any]:
    """The organisation's entries in "where to engage" (every indicator and list it is in), as
    stored with an engagement started from there; ``{}`` if it is in none."""
    engage = engage_entries() if engage is None else engage
    found = []
    for k in ENGAGE_INDICATORS:
        for key, title in LISTS:
            for entry in engage.get(str(k), {}).get(key, []):
                if entry["organisation"] == ods_code:
                    found.append(
                        {
                            "indicator": k,
                            "list": key,
                            "title": title,
                            "figures": entry["figures"],
                        }
                    )
    if not found:
        return {}
    return {
        "publication": engage.get("publication"),
        "years": engage.get("years", []),
        "lists": found,
    }


def support_indicators(*, ods_code: str) -> list[int]:
    """The indicators on which the organisation needs support: it is in the "significantly
    adverse three years running" or "worsening" list of the current release."""
    engage = engage_entries()
    return [
        k
        for k in ENGAGE_INDICATORS
        if any(
            entry["organisation"] == ods_code
            for key in NEEDS_SUPPORT
            for entry in engage.get(str(k), {}).get(key, [])
        )
    ]


def ideas_for(*, organisation: Organisation, indicators: list[int]) -> list[CaseStudy]:
    """Other organisations' case studies on the indicators given."""
    if not indicators:
        return []
    return list(
        CaseStudy.objects.filter(indicator__in=indicators)
        .exclude(organisation=organisation)
        .select_related("organisation")
    )


def case_study_list() -> list[CaseStudy]:
    return list(CaseStudy.objects.select_related("organisation"))


def impact_inputs() -> tuple[Any, Any, Any] | None:
    """The published figures, the organisations' trust types and regions, and the engagements
    (one row per organisation, WRES year and indicator 2-4), for :func:`impact.impact_of`;
    ``None`` before anything is published."""
    import pandas as pd

    from engagement.impact import INDICATORS, wres_year
    from extracts.release import release_open

    release = release_open()
    if release is None:
        return None
    # Organisation-level relative likelihoods are public and never suppressed (spec 6.1); the
    # unsuppressed read only saves recomputing a mask this does not use.
    wanted = ["organisation", "year", *(f"i{k}.rl" for k in INDICATORS)]
    parts = [
        frame[[c for c in wanted if c in frame.columns]]
        for frame, _ in release.batches(suppressed=False)
    ]
    figures = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=wanted)
    places = pd.DataFrame.from_records(
        Organisation.objects.values_list("ods_code", "trust_type", "region"),
        columns=["organisation", "trust_type", "region"],
    ).set_index("organisation")
    engaged = pd.DataFrame.from_records(
        [
            {
                "organisation": code,
                "year": wres_year(held_on.month, held_on.year),
                "indicator": k,
            }
            for code, held_on, indicators in Engagement.objects.values_list(
                "organisation__ods_code", "held_on", "indicators"
            )
            for k in indicators or []
            if k in INDICATORS
        ],
        columns=["organisation", "year", "indicator"],
    )
    return figures, places, engaged
