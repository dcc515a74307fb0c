"""The audit trail for national admins: browse, filter and download as CSV."""

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.actions import action_label
from audit.forms import AuditFilterForm
from audit.selectors import audit_actions, audit_event_list
from audit.services import audit_record

# The label is the last column, so that a sheet or script reading the columns by position still
# works with files downloaded before it was added.
CSV_COLUMNS = (
    "occurred_at", "action", "who", "object_type", "object_id", "object_label",
    "organisation", "ip_address", "request_id", "detail", "action_label",
)  # fmt: skip


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("audit.view_events"):
        raise PermissionDenied


@login_required
@require_safe
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """Audit events, newest first, 50 to a page."""
    _require_admin(request)
    form = AuditFilterForm(request.GET)
    form.is_valid()
    events = audit_event_list(**form.filters())  # type: ignore[arg-type]
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.jinja",
        {
            "form": form,
            "page": page,
            "actions": sorted(
                ((code, action_label(code)) for code in audit_actions()), key=lambda a: a[1]
            ),
            "query_string": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_safe(value: object) -> str:
    """A cell as text, with formula-looking text made inert for spreadsheets."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_safe
def audit_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered audit trail as CSV (the download is itself recorded)."""
    _require_admin(request)
    form = AuditFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    events = audit_event_list(**filters)  # type: ignore[arg-type]
    audit_record(
        action="audit_downloaded",
        actor=request.user,
        detail={k: str(v) for k, v in filters.items() if v},
        request=request,
    )
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _csv_safe(value)
                    for value in (
                        event.occurred_at.isoformat(),
                        event.action,
                        event.who,
                        event.object_type,
                        event.object_id,
                        event.object_label,
                        event.organisation.ods_code if event.organisation else "",
                        event.ip_address,
                        event.request_id,
                        event.detail,
                        event.action_label,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wres-audit.csv"'
    return response
