"""What the review tells an organisation at the top of its task list and on its returns list:
NHS England's open queries (how many, about what, due when, and whether to change the return or
reply), and why NHS England reopened the return until it is submitted again.

Registered with `returns.notices` by `ReviewConfig.ready` (returns cannot import the review,
ADR 0015). Reads only: at most two queries for a return.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from returns.models import Return
from returns.notices import ReturnNotice
from review.models import QuerySide, QueryStatus, ReturnQuery
from review.selectors import review_reopening_standing

TO_RESUBMIT = "Change your figures in the return, then sign it off and submit it again."
TO_REPLY = "Reply to this query."
ANSWERED = "You have answered: NHS England will reply or resolve it."


def _day(day: dt.date) -> str:
    """A date in words, as GOV.UK writes it: 12 February 2027."""
    return f"{day.day} {day:%B %Y}"


def _query_line(query: ReturnQuery, today: dt.date) -> str:
    subject = f"Indicator {query.indicator}" if query.indicator else "The whole return"
    due = (
        f"was due {_day(query.due_on)} (overdue)"
        if query.due_on < today
        else f"due {_day(query.due_on)}"
    )
    if query.awaiting == QuerySide.REVIEWER:
        todo = ANSWERED + (" " + TO_RESUBMIT if query.needs_change else "")
    else:
        todo = TO_RESUBMIT if query.needs_change else TO_REPLY
    return f"{subject}: {due}. {todo}"


def _queries_notice(return_: Return, queries: list[ReturnQuery]) -> ReturnNotice:
    count = len(queries)
    today = timezone.localdate()
    return ReturnNotice(
        heading=f"NHS England has {count} open {'query' if count == 1 else 'queries'} "
        "about this return",
        lines=tuple(_query_line(query, today) for query in queries),
        link_text="Read and answer the queries",
        href=reverse(
            "returns:queries", args=(return_.organisation.ods_code, return_.collection.year)
        ),
        action_needed=any(query.awaiting == QuerySide.ORGANISATION for query in queries),
    )


def _reopened_notice(return_: Return) -> ReturnNotice | None:
    reopening = review_reopening_standing(return_=return_)
    if reopening is None:
        return None
    day = timezone.localtime(reopening.reopened_at).date()
    stands = (
        " Until NHS England accepts a new version, the version it accepted stands."
        if reopening.from_state == "accepted"
        else ""
    )
    return ReturnNotice(
        heading=f"NHS England reopened this return on {_day(day)}",
        lines=(f"Reason: {reopening.reason}", TO_RESUBMIT + stands),
    )


def review_notices(return_: Return) -> list[ReturnNotice]:
    """The review's notices for the organisation's return, most urgent first: the open queries
    (due soonest first), then the reason for a reopening not yet answered by a submission."""
    queries = list(
        ReturnQuery.objects.filter(wres_return=return_, status=QueryStatus.OPEN).order_by(
            "due_on", "indicator", "pk"
        )
    )
    notices = [_queries_notice(return_, queries)] if queries else []
    reopened = _reopened_notice(return_)
    if reopened is not None:
        notices.append(reopened)
    return notices
