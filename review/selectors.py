"""Reads of the review: the queue with its counts, one return's versions, peers, completeness,
whether (and why not) it can be accepted, and NHS England's standing reopening of a return.

Selectors are for national reviewers (views check `review.review_returns` first), except
`review_reopening_standing`, which the organisation's notices read for its own return.
The queue runs a fixed number of queries whatever the number of returns: counts in one
aggregate, the page in one query with its annotations, the page's latest versions in one more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import NationalRole, User
from indicators import Issue
from organisations.selectors import organisation_name_matches
from returns.models import Collection, Return, ReturnState, ReturnVersion
from returns.selectors import warning_key
from returns.services.workflow import draft_changed_reason, return_draft_changes
from review.models import (
    ExplanationVerdict,
    QueryMessage,
    QuerySide,
    QueryStatus,
    ReturnQuery,
    ReturnReopening,
    Verdict,
)

#: The queue's states: the four stored states, with "not started" split from the drafts.
QUEUE_STATES: dict[str, str] = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "queried": "Queried",
    "accepted": "Accepted",
}

#: Sort keys the queue accepts, and the ordering each means (ties broken by name). The queue
#: opens on "action": what waits for a reviewer first, each group oldest first (`_action_order`).
SORTS: dict[str, tuple[Any, ...]] = {
    "action": (
        "action_order",
        F("waiting_since").asc(nulls_last=True),
        "organisation__name",
    ),
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


def _open_awaiting(side: str) -> Exists:
    return Exists(
        ReturnQuery.objects.filter(
            wres_return=OuterRef("pk"), status=QueryStatus.OPEN, awaiting=side
        )
    )


def _open_unanswered() -> Exists:
    return _open_awaiting(QuerySide.ORGANISATION)


def _answered_since() -> Subquery:
    """When the organisation answered the open query (awaiting a reviewer) it answered
    longest ago: the time of each such thread's last organisation message, the earliest."""
    last_answer = QueryMessage.objects.filter(
        query=OuterRef("pk"), side=QuerySide.ORGANISATION
    ).order_by("-created_at")
    threads = (
        ReturnQuery.objects.filter(
            wres_return=OuterRef("pk"), status=QueryStatus.OPEN, awaiting=QuerySide.REVIEWER
        )
        .annotate(answered_at=Subquery(last_answer.values("created_at")[:1]))
        .order_by("answered_at")
    )
    return Subquery(threads.values("answered_at")[:1], output_field=DateTimeField())


#: The "needs action" groups, in the order the queue opens on.
ACTION_GROUPS = (
    "submitted",  # waiting for a review
    "answered",  # queried, and the organisation answered a query
    "settled",  # queried, every query resolved: accept, or wait for the resubmission
    "asked",  # queried, waiting for the organisation's answer
    "not_submitted",  # a draft
    "accepted",
)


def _action_order() -> Case:
    group = ACTION_GROUPS.index
    queried = Q(state=ReturnState.QUERIED)
    return Case(
        When(state=ReturnState.SUBMITTED, then=Value(group("submitted"))),
        When(queried & Q(has_reply=True), then=Value(group("answered"))),
        When(queried & Q(has_unanswered=False), then=Value(group("settled"))),
        When(queried, then=Value(group("asked"))),
        When(state=ReturnState.DRAFT, then=Value(group("not_submitted"))),
        default=Value(group("accepted")),
        output_field=IntegerField(),
    )


def review_queue(
    *,
    collection: Collection,
    filters: QueueFilters,
    user: Any,
    sort: str = "action",
    today: dt.date | None = None,
) -> QuerySet[Return]:
    """The collection's returns, filtered and sorted, each annotated with its latest version's
    number, warning count (counted in Python for the page), whether it has an open query
    awaiting the organisation (`has_unanswered`) or a reviewer (`has_reply`), and the queue's
    "needs action" group and how long it has waited (`action_order`, `waiting_since`)."""
    today = today or timezone.localdate()
    latest = ReturnVersion.objects.filter(wres_return=OuterRef("pk")).order_by("-number")
    returns = (
        Return.objects.filter(collection=collection)
        .select_related("organisation", "collection", "assignment__reviewer")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1], output_field=IntegerField()),
            has_unanswered=_open_unanswered(),
            has_reply=_open_awaiting(QuerySide.REVIEWER),
        )
    )
    if sort not in SORTS:
        sort = "action"
    if sort == "action":
        returns = returns.annotate(
            action_order=_action_order(),
            waiting_since=Case(
                When(has_reply=True, state=ReturnState.QUERIED, then=_answered_since()),
                default=F("last_submitted_at"),
                output_field=DateTimeField(),
            ),
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
        # The register's forgiving search: case, apostrophes and St/Saint ignored (ADR 0017).
        returns = returns.filter(organisation_name_matches(filters.query, prefix="organisation__"))
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
    return returns.order_by(*SORTS[sort])


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


def issue_from_dict(data: dict[str, object]) -> Issue:
    """A warning as a version stores it (JSON), back as the engine's `Issue`."""
    return Issue(
        code=str(data["code"]),
        severity=data["severity"],  # type: ignore[arg-type]
        items=tuple(str(item) for item in data.get("items") or ()),  # type: ignore[attr-defined]
        message=str(data["message"]),
    )


def warning_key_of(data: dict[str, object]) -> str:
    """The explanation key of a stored warning (see `returns.selectors.warning_key`)."""
    return warning_key(issue_from_dict(data))


def open_queries_reason(count: int) -> str:
    """Why a queried return with open queries cannot be accepted yet."""
    which = (
        "1 query about this return is" if count == 1 else f"{count} queries about this return are"
    )
    return (
        f"{which} still open: read the organisation's answer and mark "
        f"{'it' if count == 1 else 'each'} resolved, or wait for the organisation to submit "
        "the return again."
    )


def review_accept_blockers(*, return_: Return, latest: ReturnVersion | None) -> list[str]:
    """Why the reviewer cannot accept the return now, in plain words (none: they can).

    The same rules as `review.services.review_accept` and the workflow's `return_accept`: a
    submitted return can be accepted; a queried one once no query is open and its draft still
    matches the version it submitted.
    """
    state = return_.state
    if state == ReturnState.ACCEPTED:
        number = f" (version {latest.number})" if latest is not None else ""
        return [f"It is already accepted{number}."]
    if state == ReturnState.DRAFT:
        if return_.last_submitted_at is None:
            return ["It has not been submitted yet."]
        return [
            "It is a draft again: wait for the organisation to sign it off and submit it again."
        ]
    if state != ReturnState.QUERIED or latest is None:
        return []
    reasons = []
    still_open = ReturnQuery.objects.filter(wres_return=return_, status=QueryStatus.OPEN).count()
    if still_open:
        reasons.append(open_queries_reason(still_open))
    changes = return_draft_changes(return_=return_, version=latest)
    if changes:
        reasons.append(draft_changed_reason(changes, latest.number))
    return reasons


@dataclass(frozen=True, slots=True)
class AcceptSummary:
    """What the reviewer confirms on accepting: the version's warnings and their verdicts, and
    the return's queries."""

    warnings: int = 0
    not_accepted: int = 0
    undecided: int = 0
    queries: int = 0
    open_queries: int = 0


def review_accept_summary(*, return_: Return, latest: ReturnVersion | None) -> AcceptSummary:
    """The accept confirmation's summary of ``latest`` (the version to accept): two queries."""
    queries = ReturnQuery.objects.filter(wres_return=return_).aggregate(
        raised=Count("pk"), still_open=Count("pk", filter=Q(status=QueryStatus.OPEN))
    )
    if latest is None:
        return AcceptSummary(queries=queries["raised"], open_queries=queries["still_open"])
    keys = {warning_key_of(issue) for issue in latest.issues}
    verdicts = dict(
        ExplanationVerdict.objects.filter(
            wres_return=return_, version_number=latest.number, warning_key__in=keys
        ).values_list("warning_key", "verdict")
    )
    return AcceptSummary(
        warnings=len(keys),
        not_accepted=sum(1 for verdict in verdicts.values() if verdict == Verdict.NOT_ACCEPTED),
        undecided=len(keys - set(verdicts)),
        queries=queries["raised"],
        open_queries=queries["still_open"],
    )


def review_reopening_standing(*, return_: Return) -> ReturnReopening | None:
    """NHS England's latest reopening of the return, while the return is still the draft it
    made (not submitted since): what the organisation is told at the top of its task list."""
    if return_.state != ReturnState.DRAFT:
        return None
    reopening = ReturnReopening.objects.filter(wres_return=return_).first()
    if reopening is None:
        return None
    submitted = return_.last_submitted_at
    return reopening if submitted is None or reopening.reopened_at > submitted else None


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
