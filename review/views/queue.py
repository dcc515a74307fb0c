"""The national review's list pages: the queue (filters, sort, pages, CSV), completeness, and
reminders sent now to a filtered set. Reviewers and national admins only
(`review.review_returns`); everyone else gets 403."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from audit.services import audit_record
from organisations.models import OrganisationType, Region
from returns.models import Collection, Return, ReturnVersion
from review.forms import QueueFilterForm, ReminderForm
from review.reminders import reminders_send_now
from review.selectors import (
    QUEUE_STATES,
    latest_versions_for,
    not_submitted_returns,
    review_completeness,
    review_current_collection,
    review_queue,
    review_queue_counts,
    reviewer_list,
)

REVIEW = "review.review_returns"
PAGE_SIZE = 50
#: The query-string keys of the queue's filters (carried into the CSV and reminder links).
FILTER_KEYS = ("q", "state", "region", "org_type", "sector", "has_warnings", "reviewer",
               "unanswered", "late", "sort")  # fmt: skip


def require_reviewer(request: HttpRequest) -> None:
    """403 unless the user may review returns (national reviewers and admins)."""
    if not request.user.has_perm(REVIEW):
        raise PermissionDenied


def queue_state(return_: Return, today: Any) -> tuple[str, bool]:
    """The queue's state key of a return and whether it is late."""
    state = "not_started" if return_.is_not_started else str(return_.state)
    late = return_.last_submitted_at is None and return_.collection.deadline < today
    return state, late


def _filters_query(data: Any) -> str:
    query = data.copy()
    for key in list(query):
        if key not in FILTER_KEYS:
            query.pop(key)
    return str(query.urlencode())


def _queue(request: HttpRequest, data: Any) -> tuple[QueueFilterForm, Collection | None, Any]:
    reviewers = list(reviewer_list())
    form = QueueFilterForm(data, reviewers=reviewers)
    form.is_valid()  # a bad parameter is reported; the valid ones still filter
    collection = review_current_collection()
    returns = (
        review_queue(
            collection=collection, filters=form.filters(), user=request.user, sort=form.sort_order()
        )
        if collection is not None
        else Return.objects.none()
    )
    return form, collection, returns


def _rows(returns: list[Return], versions: dict[int, ReturnVersion]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for return_ in returns:
        state, late = queue_state(return_, today)
        version = versions.get(return_.pk)
        assignment = getattr(return_, "assignment", None)
        rows.append(
            {
                "return_": return_,
                "organisation": return_.organisation,
                "state": state,
                "state_label": QUEUE_STATES[state],
                "late": late,
                "version": version,
                "warnings": len(version.issues) if version is not None else None,
                "unanswered": return_.has_unanswered,  # type: ignore[attr-defined]
                "replied": return_.has_reply,  # type: ignore[attr-defined]
                "reviewer": assignment.reviewer if assignment is not None else None,
            }
        )
    return rows


@login_required
@require_safe
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """The current collection's returns: counts by state, filters, sort, pages."""
    require_reviewer(request)
    form, collection, returns = _queue(request, request.GET)
    page = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    query_string = _filters_query(request.GET)
    return render(
        request,
        "review/review_queue.jinja",
        {
            "form": form,
            "collection": collection,
            "counts": review_queue_counts(collection=collection) if collection else {},
            "states": QUEUE_STATES,
            "page": page,
            "rows": _rows(on_page, latest_versions_for(on_page)),
            "query_string": query_string,
            "filters_data": [
                (key, value)
                for key, values in request.GET.lists()
                if key in FILTER_KEYS
                for value in values
            ],
            "reminder_form": ReminderForm(initial={"token": uuid.uuid4()}),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_safe(value: object) -> str:
    """A cell as text, with formula-looking text made inert for spreadsheets."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = ("ods_code", "organisation", "region", "type", "sector", "state", "late",
               "version", "submitted_at", "warnings", "unanswered_queries", "reviewer")  # fmt: skip


@login_required
@require_safe
def review_queue_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV (every page); the download is recorded."""
    require_reviewer(request)
    form, collection, returns = _queue(request, request.GET)
    audit_record(
        action="review.queue_downloaded",
        actor=request.user,
        # The validated filters only: raw parameters may hold anything (NULs, megabytes).
        detail={key: str(value) for key, value in asdict(form.filters()).items() if value},
        request=request,
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        chunk: list[Return] = []
        for return_ in returns.iterator(chunk_size=500):
            chunk.append(return_)
            if len(chunk) == 500:
                yield from _csv_lines(writer, chunk)
                chunk = []
        yield from _csv_lines(writer, chunk)

    name = f"wres-{collection.year}-review-queue.csv" if collection else "wres-review-queue.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_lines(writer: Any, returns: list[Return]) -> Iterator[str]:
    for row in _rows(returns, latest_versions_for(returns)):
        organisation = row["organisation"]
        version = row["version"]
        reviewer = row["reviewer"]
        yield writer.writerow(
            [
                csv_safe(value)
                for value in (
                    organisation.ods_code,
                    organisation.name,
                    organisation.get_region_display(),
                    organisation.get_org_type_display(),
                    organisation.get_sector_display() if organisation.sector else "",
                    row["state_label"],
                    "yes" if row["late"] else "no",
                    version.number if version else "",
                    version.submitted_at.isoformat() if version else "",
                    row["warnings"] if row["warnings"] is not None else "",
                    "yes" if row["unanswered"] else "no",
                    reviewer.email if reviewer else "",
                )
            ]
        )


@login_required
@require_POST
def review_remind_view(request: HttpRequest) -> HttpResponse:
    """Emails a reminder now to every organisation in the filtered queue that has not submitted."""
    require_reviewer(request)
    back = reverse("returns:review_queue")
    query = _filters_query(request.POST)
    form = ReminderForm(request.POST)
    filters, collection, returns = _queue(request, request.POST)
    if not form.is_valid() or filters.errors:
        messages.error(request, "The form was out of date: reload the page and try again.")
        return redirect(back + ("?" + query if query else ""))
    if collection is None or collection.closed_at is not None:
        messages.error(request, "There is no open collection to send reminders for.")
        return redirect(back)
    sent, skipped = reminders_send_now(
        returns=returns.filter(last_submitted_at__isnull=True),
        actor=request.user,  # type: ignore[arg-type]
        token=str(form.cleaned_data["token"]),
        base_url=request.build_absolute_uri("/"),
    )
    messages.success(
        request,
        f"Reminder sent to {sent} organisation(s) that have not submitted."
        + (f" {skipped} already had this reminder." if skipped else ""),
    )
    return redirect(back + ("?" + query if query else ""))


@login_required
@require_safe
def review_completeness_view(request: HttpRequest) -> HttpResponse:
    """Who has not submitted, by region and type, against the same point last year."""
    require_reviewer(request)
    collection = review_current_collection()
    rows, compared_on = review_completeness(collection=collection) if collection else ([], None)
    missing = list(not_submitted_returns(collection=collection)) if collection else []
    totals = {
        "in_scope": sum(row.in_scope for row in rows),
        "submitted": sum(row.submitted for row in rows),
        "last_year_in_scope": sum(row.last_year_in_scope or 0 for row in rows),
        "last_year_submitted": sum(row.last_year_submitted or 0 for row in rows),
    }
    return render(
        request,
        "review/review_completeness.jinja",
        {
            "collection": collection,
            "rows": rows,
            "totals": totals,
            "compared_on": compared_on,
            "missing": missing,
            "today": timezone.localdate(),
            "regions": dict(Region.choices),
            "types": dict(OrganisationType.choices),
        },
    )
