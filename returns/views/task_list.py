"""The signed-in user's returns, a return's task list, its section forms, the check page and the
printable summary. Every view reaches the return through `return_for_user` (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from returns.answers import EMPTY, return_summary
from returns.exceptions import InvalidValues, ReturnConflict, TransitionNotAllowed
from returns.forms import SectionForm, field_name
from returns.models import Return, ReturnState
from returns.notices import return_notices
from returns.presenters import (
    SECTIONS,
    ReturnPicture,
    Section,
    Status,
    headline,
    issue_section,
    return_picture,
    section_figures,
    section_get,
    section_grids,
    value_text,
    warning_rows,
)
from returns.selectors import return_for_user, return_list_for_organisation, return_versions
from returns.services import return_save_draft

EDIT = "organisations.edit_return"
SUBMIT = "organisations.submit_return"


def read_only_reason(return_: Return) -> str:
    """Why a return's figures cannot be changed (its state), for the page and refused POSTs."""
    return (
        f"This return is {return_.get_state_display().lower()}, so its figures cannot be "
        "changed. Ask a reviewer to reopen it if it needs amending."
    )


def return_context(request: HttpRequest, return_: Return) -> dict[str, Any]:
    """What every page of one return shows: the return and what the user may do with it."""
    user = request.user
    organisation = return_.organisation
    can_edit = user.has_perm(EDIT, organisation) and return_.is_editable
    return {
        "return_": return_,
        "organisation": organisation,
        "year": return_.collection.year,
        "can_edit": can_edit,
        "may_edit": user.has_perm(EDIT, organisation),
        "may_submit": user.has_perm(SUBMIT, organisation),
        "read_only_reason": "" if return_.is_editable else read_only_reason(return_),
    }


def _url(name: str, return_: Return, *extra: Any) -> str:
    return reverse(
        f"returns:{name}", args=(return_.organisation.ods_code, return_.collection.year, *extra)
    )


@login_required
@require_safe
def return_list_view(request: HttpRequest) -> HttpResponse:
    """The returns of the organisations the user acts for, the current organisation first."""
    memberships = list(request.memberships)  # type: ignore[attr-defined]
    current = request.current_membership  # type: ignore[attr-defined]
    memberships.sort(key=lambda m: (current is None or m.pk != current.pk, m.organisation.name))
    groups = []
    for membership in memberships:
        returns = list(return_list_for_organisation(organisation=membership.organisation))
        groups.append(
            {
                "membership": membership,
                "returns": returns,
                "current": _current_return(returns),
                # Open queries and reopen reasons, for every return still in the workflow.
                "notices": {
                    r.pk: return_notices(r) for r in returns if r.state != ReturnState.ACCEPTED
                },
            }
        )
    return render(
        request,
        "returns/return_list.jinja",
        {
            "groups": groups,
            "next_step": _next_step,
            "is_national": bool(getattr(request.user, "national_role", "")),
        },
    )


def _current_return(returns: list[Return]) -> Return | None:
    """The return the organisation is working on: the newest one of an open collection."""
    return next((r for r in returns if r.collection.opened_at and not r.collection.closed_at), None)


def _next_step(return_: Return) -> str:
    """The button of the returns list: what the person does next with the return."""
    if return_.is_editable:
        return "Start" if return_.is_not_started else "Continue"
    return "View"


def _task_items(return_: Return, picture: ReturnPicture) -> list[dict[str, Any]]:
    items = []
    for section in SECTIONS:
        status = picture.status(section)
        items.append(
            {
                "title": {"text": section.title},
                "href": _url("section", return_, section.slug),
                "hint": headline(section, picture) if section.has_items else section.hint,
                "status": status.task_status,
            }
        )
    return items


def _check_status(return_: Return, picture: ReturnPicture) -> Status:
    """ "Has errors" only for errors to correct in what was typed: an empty answer is not one
    until the return is signed off (the sign-off page lists what is missing)."""
    if not return_.is_editable:
        return Status.COMPLETED
    started = {s.slug for s in SECTIONS if picture.status(s) is not Status.NOT_STARTED}
    for issue in picture.full.issues:
        if issue.severity != "error" or issue.code == EMPTY:
            continue
        section = issue_section(issue)
        if section is None or section.slug in started:
            return Status.HAS_ERRORS
    return Status.NOT_STARTED


@login_required
@require_safe
def return_task_list_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The return's tasks and the status of each."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    picture = return_picture(return_)
    check_status = _check_status(return_, picture)
    tasks = _task_items(return_, picture)
    completed = sum(1 for section in SECTIONS if picture.status(section) is Status.COMPLETED)
    final = [
        {
            "title": {"text": "Check answers and explain warnings"},
            "href": _url("check", return_),
            "status": check_status.task_status,
        },
        {
            "title": {"text": "Sign off and submit"},
            "href": _url("sign_off", return_),
            "status": (
                Status.COMPLETED if not return_.is_editable else Status.NOT_STARTED
            ).task_status,
        },
    ]
    return render(
        request,
        "returns/task_list.jinja",
        {
            **return_context(request, return_),
            "tasks": tasks,
            "final_tasks": final,
            "notices": return_notices(return_),
            "completed": completed,
            "total": len(SECTIONS),
        },
    )


def _section_form(
    section: Section, picture: ReturnPicture, data: Any = None, *, version: int | None = None
) -> SectionForm:
    return_ = picture.return_
    return SectionForm(
        data,
        items=section.items,
        details=section.details,
        warnings=picture.warnings_of(section),
        values=picture.values,
        detail_values=picture.details(section),
        explanations=return_.explanations,
        version=version or return_.version,
    )


def _conflict_differences(form: SectionForm, current: Return) -> list[str]:
    """Where the latest saved figures differ from what the person typed."""
    differences = []
    for name, code in form.item_names.items():
        typed = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        saved = current.values.get(code)
        if typed != saved:
            label = form.fields[name].label
            differences.append(f"{label}: now {value_text(saved) or 'empty'}")
    return differences


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_section_view(
    request: HttpRequest, ods_code: str, year: int, section: str
) -> HttpResponse:
    """One section's form (items, details, explanations), with the computed figures beside it."""
    chosen = section_get(section)
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if request.method == "POST" and not request.user.has_perm(EDIT, return_.organisation):
        raise PermissionDenied
    picture = return_picture(return_)
    form = _section_form(chosen, picture, request.POST if request.method == "POST" else None)
    status = 200
    conflict: list[str] = []
    if request.method == "POST":
        if not return_.is_editable:
            form.is_valid()
            form.add_error(None, read_only_reason(return_))
            status = 409
        elif form.is_valid():
            values = _values_to_save(form, picture)
            try:
                return_save_draft(
                    return_=return_,
                    actor=request.user,  # type: ignore[arg-type]
                    expected_version=form.cleaned_data["expected_version"],
                    values=values,
                    explanations=form.explanation_values(),
                    details=form.detail_values(),
                )
            except ReturnConflict as error:
                return_.refresh_from_db()
                conflict = _conflict_differences(form, return_)
                data = request.POST.copy()
                data["expected_version"] = str(return_.version)
                form = _section_form(chosen, return_picture(return_), data)
                form.is_valid()
                form.add_error(None, str(error))
                status = 409
            except TransitionNotAllowed as error:
                form.add_error(None, str(error))
                status = 409
            except (InvalidValues, ValidationError) as error:
                form.add_error(None, getattr(error, "messages", None) or str(error))
            else:
                return _after_save(request, return_, chosen)
    context = return_context(request, return_)
    return render(
        request,
        "returns/section.jinja",
        {
            **context,
            "section": chosen,
            "form": form,
            "picture": picture,
            "grids": section_grids(chosen, picture) if chosen.has_items else [],
            "figures": section_figures(chosen, picture) if chosen.has_items else [],
            "errors": picture.errors_of(chosen),
            "warnings": warning_rows(picture.warnings_of(chosen), return_.explanations),
            "prefilled": set(picture.prefill),
            "conflict": conflict,
            "field_name": field_name,
            "value_text": value_text,
        },
        status=status,
    )


def _values_to_save(form: SectionForm, picture: ReturnPicture) -> dict[str, object]:
    """The form's values, leaving out pre-filled items typed back unchanged (so they stay lazy)."""
    saved = picture.return_.values
    return {
        code: value
        for code, value in form.item_values().items()
        if code in saved or picture.prefill.get(code) != value
    }


def _count(number: int, noun: str) -> str:
    return f"the {noun}" if number == 1 else f"the {number} {noun}s"


def _after_save(request: HttpRequest, return_: Return, section: Section) -> HttpResponse:
    return_.refresh_from_db()
    fresh = return_picture(return_)
    unexplained = [
        issue
        for _, issue, text in warning_rows(fresh.warnings_of(section), return_.explanations)
        if not text.strip()
    ]
    errors = fresh.errors_of(section)
    if section.has_items and (unexplained or errors):
        # Stays on the section, and says why at the top of the page (where the message shows).
        todo = []
        if errors:
            todo.append(f"correct {_count(len(errors), 'error')}")
        if unexplained:
            todo.append(f"explain {_count(len(unexplained), 'warning')}")
        messages.info(
            request,
            f"Your figures are saved, but this section is not finished: {' and '.join(todo)} "
            "below, then continue.",
        )
        return redirect(_url("section", return_, section.slug))
    if request.POST.get("action") == "stay":
        messages.success(request, "Your changes are saved.")
        return redirect(_url("section", return_, section.slug))
    messages.success(request, f"{section.title}: saved.")
    return redirect(_url("task_list", return_))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_check_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """Check answers: every section's status, the errors that block submission (as on submission)
    and every warning with its explanation box."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if request.method == "POST" and not request.user.has_perm(EDIT, return_.organisation):
        raise PermissionDenied
    picture = return_picture(return_)
    warnings = [issue for issue in picture.result.issues if issue.severity == "warning"]
    data = request.POST if request.method == "POST" else None
    form = SectionForm(
        data, warnings=warnings, explanations=return_.explanations, version=return_.version
    )
    status = 200
    if request.method == "POST":
        if not return_.is_editable:
            form.is_valid()
            form.add_error(None, read_only_reason(return_))
            status = 409
        elif form.is_valid():
            expected = form.cleaned_data["expected_version"]
            try:
                saved = return_save_draft(
                    return_=return_,
                    actor=request.user,  # type: ignore[arg-type]
                    expected_version=expected,
                    explanations=form.explanation_values(),
                )
            except (ReturnConflict, TransitionNotAllowed) as error:
                form.add_error(None, str(error))
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return _after_check_save(request, saved, changed=saved.version != expected)
    summaries = return_summary(picture, full_errors=True)
    other_errors = [
        i for i in picture.full.issues if i.severity == "error" and not i.items and i.code != EMPTY
    ]
    missing = [summary for summary in summaries if summary.missing]
    return render(
        request,
        "returns/check.jinja",
        {
            **return_context(request, return_),
            "form": form,
            "summaries": summaries,
            "section_href": lambda section: _url("section", return_, section.slug),
            "other_errors": other_errors,
            "has_errors": bool(other_errors) or any(s.errors for s in summaries),
            "missing": missing,
            "ready": not picture.full.has_errors,
            "picture": picture,
        },
        status=status,
    )


def _after_check_save(request: HttpRequest, return_: Return, *, changed: bool) -> HttpResponse:
    """After the check page's form: its primary button continues to sign-off (saving first),
    the secondary one stays; each says what happened to the explanations."""
    if changed:
        messages.success(request, "Your explanations are saved.")
    if request.POST.get("action") == "continue":
        return redirect(_url("sign_off", return_))
    if not changed:
        messages.info(
            request, "You have not changed any explanation, so there was nothing to save."
        )
    return redirect(_url("check", return_))


@login_required
@require_safe
def return_summary_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """Every value and computed figure of the return on one printable page (for a board paper)."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    picture = return_picture(return_)
    sections = []
    for section in SECTIONS:
        sections.append(
            {
                "section": section,
                "grids": section_grids(section, picture) if section.has_items else [],
                "figures": section_figures(section, picture) if section.has_items else [],
                "details": [
                    (detail, picture.details(section)[detail.name]) for detail in section.details
                ],
                "warnings": warning_rows(picture.warnings_of(section), return_.explanations),
            }
        )
    versions = list(return_versions(return_=return_))
    return render(
        request,
        "returns/summary.jinja",
        {
            **return_context(request, return_),
            "sections": sections,
            "picture": picture,
            "values": picture.values,
            "value_text": value_text,
            "latest_version": versions[-1] if versions else None,
        },
    )
