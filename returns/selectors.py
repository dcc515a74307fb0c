"""Reads of collections, returns and versions, and what the engine needs to check a return.

Scoping by the user's role arrives with the permission layer; until then these selectors take
the organisation or collection explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from indicators import Issue, ReturnResult, compute_return
from indicators.returns import with_previous_year
from organisations.models import Organisation
from returns.models import Collection, Return, ReturnQuerySet, ReturnVersion
from survey.selectors import survey_values


def collection_for_year(*, year: int) -> Collection | None:
    """The collection of ``year``, if there is one."""
    return Collection.objects.filter(year=year).first()


def return_list_for_collection(*, collection: Collection) -> ReturnQuerySet:
    """Every return of a collection with its organisation, in organisation name order."""
    return (
        Return.objects.filter(collection=collection)
        .select_related("organisation", "collection")
        .order_by("organisation__name")
    )


def return_list_for_organisation(*, organisation: Organisation) -> ReturnQuerySet:
    """An organisation's returns, newest collection first."""
    return (
        Return.objects.filter(organisation=organisation)
        .select_related("collection")
        .order_by("-collection__year")
    )


def return_versions(*, return_: Return) -> QuerySet[ReturnVersion]:
    """The return's frozen versions, 1 to n."""
    return ReturnVersion.objects.filter(wres_return=return_).order_by("number")


def return_previous_version(*, return_: Return) -> ReturnVersion | None:
    """The organisation's accepted version in the previous year's collection, if any."""
    previous = (
        Return.objects.filter(
            organisation_id=return_.organisation_id,
            collection__year=return_.collection.year - 1,
            accepted_version__isnull=False,
        )
        .select_related("accepted_version")
        .first()
    )
    return previous.accepted_version if previous is not None else None


def return_previous_values(*, return_: Return) -> dict[str, Any] | None:
    """Last year's accepted values (for W103/W104 and indicator 3's pre-fill), or ``None``."""
    version = return_previous_version(return_=return_)
    return dict(version.values) if version is not None else None


def return_prefill(*, return_: Return, previous: dict[str, Any] | None = None) -> dict[str, object]:
    """Items filled from elsewhere where the draft leaves them empty.

    Indicator 3's previous-year items come from last year's accepted return (the engine's own
    mapping); indicators 5 to 8 from the NHS Staff Survey results NHS England loaded for the
    organisation and the collection's year. Pre-filled items are not stored in the draft, so
    "not started" stays true until the organisation enters something (a figure typed over a
    survey one is stored, and so local); they are frozen into the version on submission.
    """
    if previous is None:
        previous = return_previous_values(return_=return_)
    filled = with_previous_year({}, previous)
    filled.update(
        survey_values(organisation_id=return_.organisation_id, year=return_.collection.year)
    )
    return {code: value for code, value in filled.items() if code not in return_.values}


def return_compute(
    *, return_: Return, draft: bool, previous: dict[str, Any] | None = None
) -> ReturnResult:
    """The engine's checks and metrics for the return's current values with their pre-fill.

    ``previous`` defaults to last year's accepted values; pass it when already loaded.
    """
    if previous is None:
        previous = return_previous_values(return_=return_)
    return compute_return(
        return_values_with_prefill(return_=return_, previous=previous),
        previous=previous,
        year=return_.collection.year,
        draft=draft,
    )


def return_values_with_prefill(
    *, return_: Return, previous: dict[str, Any] | None
) -> dict[str, object]:
    """The draft's values with the pre-fill beneath them: what is checked and what a submission
    freezes (Staff Survey figures and last year's indicator 3 items the draft leaves empty)."""
    return {**return_prefill(return_=return_, previous=previous or {}), **return_.values}


def warning_key(issue: Issue) -> str:
    """The key an explanation of this warning is stored under: its code and first item."""
    return f"{issue.code}:{issue.items[0]}" if issue.items else issue.code


def unexplained_warnings(issues: Iterable[Issue], explanations: dict[str, str]) -> list[Issue]:
    """The warnings among ``issues`` that have no written explanation."""
    return [
        issue
        for issue in issues
        if issue.severity == "warning" and not str(explanations.get(warning_key(issue), "")).strip()
    ]


def return_for_user(*, user: Any, ods_code: str, year: int) -> Return:
    """One organisation's return for a year, if the user may see that organisation's data.

    Anything else (unknown, or another organisation's) raises Http404: never 403, so that the
    existence of another organisation's return is not revealed.
    """
    from django.http import Http404

    return_ = (
        Return.objects.select_related("organisation", "collection")
        .filter(organisation__ods_code=ods_code.upper(), collection__year=year)
        .first()
    )
    if return_ is None or not user.has_perm(
        "organisations.view_organisation_data", return_.organisation
    ):
        raise Http404("No such return among yours")
    return return_
