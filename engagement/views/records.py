"""The WRES team's engagement records: the list and its CSV, recording and changing an
engagement, its page and its actions."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import audit_record
from engagement import selectors, services
from engagement.forms import (
    ActionForm,
    ActionStatusForm,
    EngagementFilterForm,
    EngagementForm,
)
from engagement.models import INDICATOR_NAMES, Action, Engagement
from engagement.views.common import (
    REVIEW,
    _action,
    _date_initial,
    _engagement,
    _filters_query,
    _require_team,
)
from organisations.models import Organisation

# The WRES team's list, its CSV and recording an engagement.


@login_required
@require_safe
def engagement_list_view(request: HttpRequest) -> HttpResponse:
    """Every engagement, newest first, with filters."""
    _require_team(request)
    form = EngagementFilterForm(request.GET)
    form.is_valid()  # a bad filter is reported; the valid ones still filter
    rows = selectors.engagement_list(filters=form.filters())
    return render(
        request,
        "engagement/list.jinja",
        {
            "form": form,
            "engagements": rows,
            "query_string": _filters_query(request.GET),
            "indicator_names": INDICATOR_NAMES,
        },
    )


@login_required
@require_safe
def engagement_csv_view(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (one row per engagement); the download is audited."""
    _require_team(request)
    form = EngagementFilterForm(request.GET)
    form.is_valid()
    rows = selectors.engagement_list(filters=form.filters())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["date", "ods_code", "organisation", "region", "organisation_type", "kind", "origin",
         "indicators", "people_present", "actions", "actions_open", "actions_in_progress",
         "actions_done", "follow_up"]
    )  # fmt: skip
    for e in rows:
        actions = list(e.actions.all())
        writer.writerow(
            [
                e.held_on.isoformat(),
                e.organisation.ods_code,
                _cell(e.organisation.name),
                e.organisation.get_region_display(),
                e.organisation.get_org_type_display(),
                e.get_kind_display(),
                e.get_origin_display(),
                " ".join(str(k) for k in e.indicators),
                _cell(e.people_present),
                len(actions),
                *(sum(a.status == s for a in actions) for s in ("open", "in_progress", "done")),
                _cell(e.follow_up),
            ]
        )
    audit_record(
        action="engagement.list_downloaded",
        actor=request.user,
        detail={"filters": form.filters(), "rows": len(rows)},
        request=request,
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wres-engagements.csv"'
    return response


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def engagement_create_view(request: HttpRequest) -> HttpResponse:
    """Records an engagement. From "where to engage" (``?organisation=ODS&indicator=K``) the
    organisation and indicator are filled in and its figures there are attached."""
    _require_team(request)
    code = request.GET.get("organisation", "")[:10].upper()
    started_from = Organisation.objects.filter(ods_code=code).first() if code else None
    figures = selectors.engage_figures(ods_code=code) if started_from is not None else {}
    if request.method == "POST":
        form = EngagementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            organisation = data["organisation"]
            engagement = services.engagement_record(
                actor=request.user,
                organisation=organisation,
                held_on=data["held_on"],
                kind=data["kind"],
                origin=data["origin"],
                indicators=data["indicators"],
                people_present=data["people_present"],
                follow_up=data["follow_up"],
                figures=figures if organisation == started_from else None,
            )
            messages.success(request, "Engagement recorded. Add the actions agreed.")
            return redirect(_detail_url(engagement))
    else:
        initial: dict[str, Any] = {}
        if started_from is not None:
            initial["organisation"] = started_from.ods_code
            initial["origin"] = "targeted" if figures else ""
            indicator = request.GET.get("indicator", "")
            if indicator in {str(k) for k in INDICATOR_NAMES}:
                initial["indicators"] = [indicator]
        form = EngagementForm(initial=initial)
    return render(
        request,
        "engagement/engagement_form.jinja",
        {
            "form": form,
            "title": "Record an engagement",
            "action_url": request.get_full_path(),
            "figures": figures,
            "organisation": None,
        },
    )


def _detail_url(engagement: Engagement) -> str:
    return reverse("engagement:detail", args=[engagement.organisation.ods_code, engagement.pk])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def engagement_edit_view(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    """Changes an engagement's details (the WRES team)."""
    _require_team(request)
    organisation, engagement = _engagement(request, ods_code, pk)
    if request.method == "POST":
        form = EngagementForm(request.POST, with_organisation=False)
        if form.is_valid():
            data = form.cleaned_data
            services.engagement_update(
                actor=request.user,
                engagement=engagement,
                changes={
                    name: data[name]
                    for name in (
                        "held_on",
                        "kind",
                        "origin",
                        "indicators",
                        "people_present",
                        "follow_up",
                    )
                },
            )
            messages.success(request, "Engagement saved.")
            return redirect(_detail_url(engagement))
    else:
        form = EngagementForm(
            with_organisation=False,
            initial={
                **_date_initial("held_on", engagement.held_on),
                "kind": engagement.kind,
                "origin": engagement.origin,
                "indicators": [str(k) for k in engagement.indicators],
                "people_present": engagement.people_present,
                "follow_up": engagement.follow_up,
            },
        )
    return render(
        request,
        "engagement/engagement_form.jinja",
        {
            "form": form,
            "title": "Change the engagement",
            "action_url": request.get_full_path(),
            "figures": {},
            "organisation": organisation,
            "engagement": engagement,
        },
    )


# One engagement: its page, its actions.


def _detail(
    request: HttpRequest,
    organisation: Organisation,
    engagement: Engagement,
    *,
    failed: tuple[int, ActionStatusForm] | None = None,
) -> HttpResponse:
    team = request.user.has_perm(REVIEW)
    may_update = request.user.has_perm("engagement.update_action_status", organisation)
    actions = []
    for action in engagement.actions.all().select_related("updated_by"):
        if failed is not None and failed[0] == action.pk:
            status_form = failed[1]
        else:
            status_form = ActionStatusForm(
                initial={"status": action.status}, prefix=f"action-{action.pk}"
            )
        actions.append({"action": action, "form": status_form})
    context: dict[str, Any] = {
        "organisation": organisation,
        "engagement": engagement,
        "actions": actions,
        "team": team,
        "may_update": may_update,
        "indicator_names": INDICATOR_NAMES,
    }
    if failed is not None:
        context["form"] = failed[1]
        context["failed_action"] = failed[0]
    return render(request, "engagement/detail.jinja", context, status=200)


@login_required
@require_safe
def engagement_detail_view(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    """One engagement and its actions (the WRES team; the organisation's members)."""
    organisation, engagement = _engagement(request, ods_code, pk)
    return _detail(request, organisation, engagement)


@login_required
@require_POST
def action_status_view(
    request: HttpRequest, ods_code: str, pk: int, action_pk: int
) -> HttpResponse:
    """The organisation (submitters, approvers) or the WRES team updates an action's status."""
    organisation, engagement = _engagement(request, ods_code, pk)
    if not request.user.has_perm("engagement.update_action_status", organisation):
        raise PermissionDenied
    action = _action(engagement, action_pk)
    form = ActionStatusForm(request.POST, prefix=f"action-{action.pk}")
    if not form.is_valid():
        return _detail(request, organisation, engagement, failed=(action.pk, form))
    changed = services.action_update(
        actor=request.user, action=action, changes={"status": form.cleaned_data["status"]}
    )
    if changed:
        messages.success(request, f"Action marked {action.get_status_display().lower()}.")
    else:
        messages.info(request, "The status was already that: nothing changed.")
    return redirect(_detail_url(engagement) + f"#action-{action.pk}")


def _action_form_page(
    request: HttpRequest,
    organisation: Organisation,
    engagement: Engagement,
    form: ActionForm,
    action: Action | None,
) -> HttpResponse:
    return render(
        request,
        "engagement/action_form.jinja",
        {
            "form": form,
            "organisation": organisation,
            "engagement": engagement,
            "action": action,
            "title": "Change an action" if action else "Add an action",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_add_view(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    """Adds an action agreed at the engagement (the WRES team)."""
    _require_team(request)
    organisation, engagement = _engagement(request, ods_code, pk)
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.action_add(
                actor=request.user,
                engagement=engagement,
                description=data["description"],
                owner_role=data["owner_role"],
                due_on=data["due_on"],
                status=data["status"],
            )
            messages.success(request, "Action added.")
            return redirect(_detail_url(engagement))
    else:
        form = ActionForm(initial={"status": "open"})
    return _action_form_page(request, organisation, engagement, form, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit_view(request: HttpRequest, ods_code: str, pk: int, action_pk: int) -> HttpResponse:
    """Changes an action (the WRES team)."""
    _require_team(request)
    organisation, engagement = _engagement(request, ods_code, pk)
    action = _action(engagement, action_pk)
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            changed = services.action_update(
                actor=request.user,
                action=action,
                changes={n: data[n] for n in ("description", "owner_role", "due_on", "status")},
            )
            messages.success(request, "Action saved." if changed else "Nothing changed.")
            return redirect(_detail_url(engagement) + f"#action-{action.pk}")
    else:
        form = ActionForm(
            initial={
                "description": action.description,
                "owner_role": action.owner_role,
                **_date_initial("due_on", action.due_on),
                "status": action.status,
            }
        )
    return _action_form_page(request, organisation, engagement, form, action)
