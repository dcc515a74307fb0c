"""Reads of the review: the queue with its counts, one return's versions, peers, completeness.

Every selector here is for national reviewers; views check `review.review_returns` first.
The queue runs a fixed number of queries whatever the number of returns: counts in one
aggregate, the page in one query with its annotations, the page's latest versions in one more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from accounts.models import NationalRole, User
from returns.models import Collection, Return, ReturnState, ReturnVersion
from review.models import QuerySide, QueryStatus, ReturnQuery

#: The queue's states: the four stored states, with "not started" split from the drafts.
QUEUE_STATES: dict[str, str] = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "queried": "Queried",
    "accepted": "Accepted",
}

#: Sort keys the queue accepts, and the ordering each means (ties broken by name).
SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("organisation__name",),
    "-name": ("-organisation__name",),
    "ods": ("organisation__ods_code",),
    "state": ("state", "organisation__name"),
    "submitted": (F("last_submitted_at").asc(nulls_last=True), "organisation__name"),
    "-submitted": (F("last_submitted_at").desc(nulls_last=True), "organisation__name"),
    "region": ("organisation__region", "organisation__name"),
}


def review_current_collection() -> Collection | None:
    """The collection under review: the newest opened and not closed, else the newest opened."""
    opened = Collection.objects.filter(opened_at__isnull=False)
    return opened.filter(closed_at__isnull=True).order_by("-year").first() or opened.first()


def reviewer_list() -> QuerySet[User]:
    """Active national reviewers and admins, who can be assigned a return."""
    return User.objects.filter(
        is_active=True, national_role__in=[NationalRole.REVIEWER, NationalRole.ADMIN]
    ).order_by("full_name", "email")


def _state_q(state: str) -> Q:
    if state == "not_started":
        return Q(state=ReturnState.DRAFT, filled_items=0)
    if state == "draft":
        return Q(state=ReturnState.DRAFT, filled_items__gt=0)
    return Q(state=state)


def _late_q(collection: Collection, today: dt.date) -> Q:
    if collection.deadline >= today:
        return Q(pk__in=[])
    return Q(last_submitted_at__isnull=True)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters, already validated (empty means "any")."""

    state: str = ""
    region: str = ""
    org_type: str = ""
    sector: str = ""
    has_warnings: str = ""  # "yes", "no" or ""
    unanswered: bool = False
    late: bool = False
    reviewer: str = ""  # "", "none", "me" or a reviewer's id
    query: str = ""


def _open_unanswered() -> Exists:
    return Exists(
        ReturnQuery.objects.filter(
            wres_return=OuterRef("pk"),
            status=QueryStatus.OPEN,
            awaiting=QuerySide.ORGANISATION,
        )
    )


def review_queue(
    *,
    collection: Collection,
    filters: QueueFilters,
    user: Any,
    sort: str = "name",
    today: dt.date | None = None,
) -> QuerySet[Return]:
    """The collection's returns, filtered and sorted, each annotated with its latest version's
    number, warning count (counted in Python for the page), and whether it has an open query
    awaiting the organisation."""
    today = today or timezone.localdate()
    latest = ReturnVersion.objects.filter(wres_return=OuterRef("pk")).order_by("-number")
    returns = (
        Return.objects.filter(collection=collection)
        .select_related("organisation", "collection", "assignment__reviewer")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1], output_field=IntegerField()),
            has_unanswered=_open_unanswered(),
        )
    )
    if filters.state:
        returns = returns.filter(_state_q(filters.state))
    if filters.region:
        returns = returns.filter(organisation__region=filters.region)
    if filters.org_type:
        returns = returns.filter(organisation__org_type=filters.org_type)
    if filters.sector:
        returns = returns.filter(organisation__sector=filters.sector)
    if filters.query:
        returns = returns.filter(
            Q(organisation__name__icontains=filters.query)
            | Q(organisation__ods_code__iexact=filters.query)
        )
    if filters.has_warnings:
        with_warnings = Exists(
            ReturnVersion.objects.filter(
                wres_return=OuterRef("pk"), number=OuterRef("latest_number")
            ).exclude(issues=[])
        )
        returns = returns.filter(with_warnings if filters.has_warnings == "yes" else ~with_warnings)
    if filters.unanswered:
        returns = returns.filter(has_unanswered=True)
    if filters.late:
        returns = returns.filter(_late_q(collection, today))
    if filters.reviewer == "none":
        returns = returns.filter(Q(assignment__isnull=True) | Q(assignment__reviewer__isnull=True))
    elif filters.reviewer == "me":
        returns = returns.filter(assignment__reviewer=user)
    elif filters.reviewer:
        returns = returns.filter(assignment__reviewer_id=int(filters.reviewer))
    return returns.order_by(*SORTS.get(sort, SORTS["name"]))


def review_queue_counts(*, collection: Collection, today: dt.date | None = None) -> dict[str, int]:
    """How many of the collection's returns are in each queue state, late, and in all: one query."""
    today = today or timezone.localdate()
    aggregates: dict[str, Any] = {
        state: Count("pk", filter=_state_q(state)) for state in QUEUE_STATES
    }
    aggregates["late"] = Count("pk", filter=_late_q(collection, today))
    aggregates["total"] = Count("pk")
    counts = Return.objects.filter(collection=collection).aggregate(**aggregates)
    return {key: int(value or 0) for key, value in counts.items()}


def latest_versions_for(returns: list[Return]) -> dict[int, ReturnVersion]:
    """The latest version of each of these returns, in one query (return id -> version)."""
    wanted = [(r.pk, getattr(r, "latest_number", None)) for r in returns]
    wanted = [(pk, number) for pk, number in wanted if number]
    if not wanted:
        return {}
    condition = Q()
    for pk, number in wanted:
        condition |= Q(wres_return_id=pk, number=number)
    versions = ReturnVersion.objects.filter(condition).only(
        "pk", "wres_return_id", "number", "issues", "submitted_at", "is_late"
    )
    return {version.wres_return_id: version for version in versions}


def review_versions(*, return_: Return) -> list[ReturnVersion]:
    """The return's versions, 1 to n, with who submitted each."""
    return list(
        ReturnVersion.objects.filter(wres_return=return_)
        .select_related("submitted_by")
        .order_by("number")
    )


def review_queries(*, return_: Return) -> list[ReturnQuery]:
    """The return's query threads, newest first, each with its messages and their authors."""
    return list(
        ReturnQuery.objects.filter(wres_return=return_)
        .select_related("raised_by", "resolved_by")
        .prefetch_related("messages__author")
    )


def peer_metrics(*, return_: Return, codes: list[str]) -> list[dict[str, Any]]:
    """Key metrics of every organisation of the same type in this collection, from the latest
    version of each submitted, queried or accepted return (one query)."""
    latest = ReturnVersion.objects.filter(wres_return=OuterRef("wres_return")).order_by("-number")
    rows = ReturnVersion.objects.filter(
        collection_id=return_.collection_id,
        organisation__org_type=return_.organisation.org_type,
        wres_return__state__in=[
            ReturnState.SUBMITTED,
            ReturnState.QUERIED,
            ReturnState.ACCEPTED,
        ],
        number=Subquery(latest.values("number")[:1]),
    ).values_list("organisation_id", "metrics")
    return [
        {"organisation_id": org_id, **{code: metrics.get(code) for code in codes}}
        for org_id, metrics in rows
    ]


@dataclass(frozen=True, slots=True)
class CompletenessRow:
    region: str
    org_type: str
    in_scope: int
    submitted: int
    last_year_in_scope: int | None = None
    last_year_submitted: int | None = None

    @property
    def not_submitted(self) -> int:
        return self.in_scope - self.submitted


def _submitted_by(
    collection: Collection, moment: dt.datetime | None
) -> dict[tuple[str, str], tuple[int, int]]:
    """(in scope, submitted by ``moment`` or ever) per (region, type): one query."""
    rows = (
        Return.objects.filter(collection=collection)
        .values("pk", "organisation__region", "organisation__org_type")
        .annotate(first_submitted=Min("versions__submitted_at"))
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["organisation__region"], row["organisation__org_type"])
        bucket = totals.setdefault(key, [0, 0])
        bucket[0] += 1
        submitted = row["first_submitted"]
        if submitted is not None and (moment is None or submitted <= moment):
            bucket[1] += 1
    return {key: (value[0], value[1]) for key, value in totals.items()}


def review_completeness(
    *, collection: Collection, today: dt.date | None = None
) -> tuple[list[CompletenessRow], dt.date | None]:
    """Submitted and in scope by region and type, now and at the same number of days before last
    year's deadline (where last year's collection exists). Two queries."""
    today = today or timezone.localdate()
    now = _submitted_by(collection, None)
    previous = Collection.objects.filter(year=collection.year - 1).first()
    compared_on: dt.date | None = None
    before: dict[tuple[str, str], tuple[int, int]] = {}
    if previous is not None:
        compared_on = previous.deadline - (collection.deadline - today)
        end_of_day = timezone.make_aware(
            dt.datetime.combine(compared_on, dt.time.max), timezone.get_current_timezone()
        )
        before = _submitted_by(previous, end_of_day)
    rows = []
    for key in sorted(set(now) | set(before)):
        in_scope, submitted = now.get(key, (0, 0))
        last = before.get(key)
        rows.append(
            CompletenessRow(
                region=key[0],
                org_type=key[1],
                in_scope=in_scope,
                submitted=submitted,
                last_year_in_scope=last[0] if last else None,
                last_year_submitted=last[1] if last else None,
            )
        )
    return rows, compared_on


def not_submitted_returns(*, collection: Collection) -> QuerySet[Return]:
    """The collection's returns never submitted, with their organisation."""
    return (
        Return.objects.filter(collection=collection, last_submitted_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__region", "organisation__name")
    )
