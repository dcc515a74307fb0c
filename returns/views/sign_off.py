"""Sign-off and submission: the approver signs off and submits; a submitter asks the approvers.

Emails go through the outbox (`notifications.services`): written in the action's transaction and
sent by Celery once it commits, with plain-text bodies rendered from templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from audit.services import audit_record
from notifications.models import EmailKind
from notifications.services import email_enqueue
from organisations.models import Membership, Role
from returns.answers import EMPTY, return_summary
from returns.changes import version_changes
from returns.exceptions import ReturnConflict, SubmissionBlocked, TransitionNotAllowed
from returns.forms import AskApproverForm, SignOffForm
from returns.models import Return, ReturnState, ReturnVersion
from returns.presenters import return_picture
from returns.selectors import return_for_user, return_versions, unexplained_warnings
from returns.services import return_submit
from returns.views.task_list import EDIT, SUBMIT, _url, read_only_reason, return_context


def _is_late(return_: Return) -> bool:
    return return_.last_submitted_at is None and return_.collection.is_past_deadline()


def _emails(return_: Return, roles: Iterable[str]) -> list[str]:
    return sorted(
        Membership.objects.filter(
            organisation_id=return_.organisation_id, role__in=list(roles), user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _email(
    request: HttpRequest,
    return_: Return,
    *,
    kind: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    to: list[str],
) -> None:
    """Writes one plain-text email to the outbox; it is sent once the transaction commits."""
    if not to:
        return
    email_enqueue(
        kind=kind,
        subject=subject,
        body=render_to_string(template, context),
        recipients=to,
        return_=return_,
        created_by=request.user,
    )


def _blockers(return_: Return) -> list[str]:
    """What still stops submission: answers still to give (by section), errors in the figures,
    unexplained warnings. Empty answers are reported here, when the return is to be submitted,
    not while it is being filled in."""
    picture = return_picture(return_)
    reasons = []
    for summary in return_summary(picture, full_errors=True):
        if summary.missing:
            reasons.append(
                f"{summary.section.title}: give the {summary.missing} answer"
                f"{'s' if summary.missing != 1 else ''} still missing."
            )
    errors = [i for i in picture.full.issues if i.severity == "error" and i.code != EMPTY]
    if errors:
        reasons.append(f"Correct the {len(errors)} error(s) in the figures.")
    unexplained = unexplained_warnings(picture.full.issues, return_.explanations)
    if unexplained:
        reasons.append(f"Explain each of the {len(unexplained)} warning(s).")
    return reasons


def _sign_off_form(return_: Return, data: Any = None, *, user: Any = None) -> SignOffForm:
    """The sign-off form, with what is known already: the publication links from the return's
    details and, when this approver signed off an earlier version, their job title and the
    board's approval date (an approver is not asked to type them again on a resubmission)."""
    details = return_.details
    initial: dict[str, Any] = {
        "expected_version": return_.version,
        "report_url": details.get("report_url", ""),
        "action_plan_url": details.get("action_plan_url", ""),
    }
    last = return_versions(return_=return_).filter(approver=user).last() if user else None
    if last is not None:
        initial["job_title"] = last.approver_job_title
        if last.board_approved_on is not None:
            approved = last.board_approved_on
            initial |= {
                "board_day": approved.day,
                "board_month": approved.month,
                "board_year": approved.year,
            }
    return SignOffForm(data, late=_is_late(return_), initial=initial)


def _render_sign_off(
    request: HttpRequest, return_: Return, form: SignOffForm, *, status: int = 200
) -> HttpResponse:
    picture = return_picture(return_)
    last = return_versions(return_=return_).last()
    return render(
        request,
        "returns/sign_off.jinja",
        {
            **return_context(request, return_),
            "form": form,
            # The whole return, as the approver signs it: answers, figures, warnings and their
            # explanations, and what changed since the version last submitted.
            "summaries": return_summary(picture),
            "picture": picture,
            "last_version": last,
            "changes": version_changes(last, return_) if last is not None else [],
            "section_href": lambda section: _url("section", return_, section.slug),
            "blockers": _blockers(return_) if return_.is_editable else [],
            "late": _is_late(return_),
            "ask_form": AskApproverForm(initial={"expected_version": return_.version}),
        },
        status=status,
    )


@login_required
@require_safe
def return_sign_off_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The approver's sign-off form; others see who can sign off and may ask them."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    return _render_sign_off(request, return_, _sign_off_form(return_, user=request.user))


@login_required
@require_POST
def return_submit_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """Submits the return with the approver's sign-off; refusals show in the error summary."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if not request.user.has_perm(SUBMIT, return_.organisation):
        raise PermissionDenied
    form = _sign_off_form(return_, request.POST)
    if not form.is_valid():
        return _render_sign_off(request, return_, form)
    if not return_.is_editable:
        form.add_error(None, read_only_reason(return_))
        return _render_sign_off(request, return_, form, status=409)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            version = return_submit(
                return_=return_,
                actor=request.user,  # type: ignore[arg-type]
                expected_version=data["expected_version"],
                approver=request.user,  # type: ignore[arg-type]
                approver_job_title=data["job_title"],
                board_approved_on=data["board_approved_on"],
                report_url=data["report_url"],
                action_plan_url=data["action_plan_url"],
                late_reason=data.get("late_reason", ""),
            )
            _notify_submitted(request, return_, version)
    except SubmissionBlocked as error:
        for reason in error.reasons:
            form.add_error(None, reason)
        return _render_sign_off(request, return_, form)
    except (ReturnConflict, TransitionNotAllowed) as error:
        form.add_error(None, str(error))
        return _render_sign_off(request, return_, form, status=409)
    return redirect(_url("confirmation", return_))


def _notify_submitted(request: HttpRequest, return_: Return, version: ReturnVersion) -> None:
    organisation = return_.organisation
    _email(
        request,
        return_,
        kind=EmailKind.SUBMITTED,
        subject=f"WRES {return_.collection.year} return submitted for {organisation.name}",
        template="returns/email/submitted.txt",
        context={
            "organisation": organisation,
            "return_": return_,
            "version": version,
            "summary_url": request.build_absolute_uri(_url("summary", return_)),
        },
        to=_emails(return_, Role.values),
    )


@login_required
@require_POST
def return_ask_approver_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """A submitter (or approver) emails the organisation's approvers that the return is ready."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if not request.user.has_perm(EDIT, return_.organisation):
        raise PermissionDenied
    form = AskApproverForm(request.POST)
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(problems) or "Reload the page and try again.")
        return redirect(_url("sign_off", return_))
    if not return_.is_editable:
        messages.error(request, read_only_reason(return_))
        return redirect(_url("sign_off", return_))
    approvers = _emails(return_, [Role.APPROVER])
    if not approvers:
        messages.error(
            request,
            f"{return_.organisation.name} has no approver yet. Ask NHS England to invite one.",
        )
        return redirect(_url("sign_off", return_))
    with transaction.atomic():
        audit_record(
            action="return.approval_requested",
            actor=request.user,
            target=return_,
            organisation=return_.organisation,
            detail={"approvers": len(approvers)},
            request=request,
        )
        _email(
            request,
            return_,
            kind=EmailKind.APPROVAL_REQUESTED,
            subject=f"WRES {return_.collection.year} return for {return_.organisation.name}: "
            "ready for your sign-off",
            template="returns/email/ask_approver.txt",
            context={
                "organisation": return_.organisation,
                "return_": return_,
                "requested_by": request.user,
                "sign_off_url": request.build_absolute_uri(_url("sign_off", return_)),
            },
            to=approvers,
        )
    messages.success(
        request, f"We have emailed {len(approvers)} approver(s) to ask them to sign off the return."
    )
    return redirect(_url("sign_off", return_))


@login_required
@require_safe
def return_confirmation_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The confirmation after submission (a return never submitted goes back to its task list)."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    version = return_versions(return_=return_).last()
    if version is None or return_.state not in (ReturnState.SUBMITTED, ReturnState.ACCEPTED):
        return redirect(_url("task_list", return_))
    return render(
        request,
        "returns/confirmation.jinja",
        {**return_context(request, return_), "version": version},
    )
