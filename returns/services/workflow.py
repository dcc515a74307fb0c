"""The return's workflow: submit, query, accept, reopen. Illegal transitions are refused here.

    draft --submit--> submitted --accept--> accepted --reopen--> draft (new draft from it)
                      submitted --query--> queried --submit--> submitted
                                           queried --accept--> accepted (the submitted version,
                                                               if the draft still matches it)
                                           queried --reopen--> draft (the draft as it is)

Each transition takes the version the caller read (`ReturnConflict` if it has moved on) and
writes an audit event in the same transaction. Who may do what (submitter, approver, reviewer)
is the permission layer's decision, except the one rule the domain owns: once the collection
has closed, only a reviewer can reopen a return (``as_reviewer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from returns.exceptions import SubmissionBlocked, TransitionNotAllowed
from returns.models import EDITABLE_STATES, Return, ReturnState, ReturnVersion
from returns.selectors import (
    return_compute,
    return_previous_version,
    return_values_with_prefill,
    unexplained_warnings,
    warning_key,
)
from returns.services.rows import Actor, audit, return_advance, return_load, user_or_none

_HTTPS_URL = URLValidator(schemes=["https"])
MAX_MESSAGE_CHARS = 5000


def _refuse(return_: Return, action: str, allowed: set[ReturnState]) -> None:
    if return_.state not in allowed:
        states = " or ".join(sorted(ReturnState(s).label.lower() for s in allowed))
        raise TransitionNotAllowed(
            f"This return is {return_.get_state_display().lower()}; it can only be {action} "
            f"when it is {states}."
        )


def _https_problem(url: str, what: str) -> str | None:
    try:
        _HTTPS_URL(url)
    except ValidationError:
        return f"Give the web address where the {what} is published, starting https://."
    return None


def _submission_reasons(
    *,
    return_: Return,
    approver: User,
    board_approved_on: dt.date | None,
    report_url: str,
    action_plan_url: str,
    late: bool,
    late_reason: str,
) -> list[str]:
    reasons = []
    if not approver.is_active:
        reasons.append("The approver's account is not active.")
    if board_approved_on is None:
        reasons.append("Give the date the board or its committee approved the report.")
    elif board_approved_on > timezone.localdate():
        reasons.append("The board approval date cannot be in the future.")
    for url, what in ((report_url, "WRES report"), (action_plan_url, "action plan")):
        problem = _https_problem(url, what)
        if problem:
            reasons.append(problem)
    if late and not late_reason.strip():
        reasons.append(
            f"The deadline ({return_.collection.deadline:%d %B %Y}) has passed: "
            "give the reason the return is late."
        )
    return reasons


def return_submit(
    *,
    return_: Return,
    actor: User,
    expected_version: int,
    approver: User,
    approver_job_title: str,
    board_approved_on: dt.date | None,
    report_url: str,
    action_plan_url: str,
    late_reason: str = "",
) -> ReturnVersion:
    """Submits a draft (or resubmits a queried return) and freezes it as a new version.

    Refused with `SubmissionBlocked` listing every reason: any error from the engine's full
    checks (E001 included), a warning without an explanation, missing sign-off (approver, board
    approval date, https publication links), or, on a first submission after the deadline, no
    reason for lateness. After the collection has closed, only a return a reviewer sent back
    (queried or reopened) after closing can be submitted.
    """
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        collection = fresh.collection
        _refuse(fresh, "submitted", set(EDITABLE_STATES))
        if collection.opened_at is None:
            raise TransitionNotAllowed(f"{collection} is not open yet.")
        if collection.closed_at is not None and not (
            fresh.sent_back_at is not None and fresh.sent_back_at >= collection.closed_at
        ):
            raise TransitionNotAllowed(
                f"{collection} has closed. Only a reviewer can reopen this return now."
            )
        previous_version = return_previous_version(return_=fresh)
        previous = dict(previous_version.values) if previous_version is not None else None
        result = return_compute(return_=fresh, draft=False, previous=previous)
        errors = [issue for issue in result.issues if issue.severity == "error"]
        unexplained = unexplained_warnings(result.issues, fresh.explanations)
        reasons = []
        if errors:
            reasons.append(f"Correct the {len(errors)} error(s) in the figures.")
        if unexplained:
            reasons.append(f"Explain each of the {len(unexplained)} warning(s).")
        late = fresh.last_submitted_at is None and collection.is_past_deadline()
        reasons += _submission_reasons(
            return_=fresh,
            approver=approver,
            board_approved_on=board_approved_on,
            report_url=report_url,
            action_plan_url=action_plan_url,
            late=late,
            late_reason=late_reason,
        )
        if reasons:
            raise SubmissionBlocked(reasons, errors + unexplained)
        now = timezone.now()
        return_advance(
            return_=fresh,
            expected_version=expected_version,
            state=ReturnState.SUBMITTED,
            last_submitted_at=now,
        )
        last = ReturnVersion.objects.filter(wres_return=fresh).aggregate(n=Max("number"))["n"]
        warnings = [issue for issue in result.issues if issue.severity == "warning"]
        version = ReturnVersion.objects.create(
            wres_return=fresh,
            organisation_id=fresh.organisation_id,
            collection=collection,
            number=(last or 0) + 1,
            values=return_values_with_prefill(return_=fresh, previous=previous),
            metrics=result.metrics,
            issues=[issue.as_dict() for issue in warnings],
            explanations={
                warning_key(issue): fresh.explanations[warning_key(issue)] for issue in warnings
            },
            details=dict(fresh.details),
            previous_version=previous_version,
            submitted_at=now,
            submitted_by=actor,
            approver=approver,
            approver_name=approver.get_full_name(),
            approver_job_title=approver_job_title.strip(),
            board_approved_on=board_approved_on,
            report_url=report_url,
            action_plan_url=action_plan_url,
            is_late=late,
            late_reason=late_reason.strip() if late else "",
        )
        audit(
            action="return.submitted",
            actor=actor,
            target=fresh,
            detail={"version_number": version.number, "late": late, "warnings": len(warnings)},
        )
    return version


def _message(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(f"Write the {what}.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationError(f"The {what} must be {MAX_MESSAGE_CHARS:,} characters or fewer.")
    return text


def return_query(
    *,
    return_: Return,
    actor: Actor,
    expected_version: int,
    message: str,
    indicator: int | None = None,
) -> Return:
    """A reviewer sends a submitted return back with a question (submitted -> queried).

    The organisation can then amend it and resubmit, even after the collection has closed.
    The query's text is kept in the audit event until query threads arrive (issue 6).
    """
    message = _message(message, "query")
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        _refuse(fresh, "queried", {ReturnState.SUBMITTED})
        return_advance(
            return_=fresh,
            expected_version=expected_version,
            state=ReturnState.QUERIED,
            sent_back_at=timezone.now(),
        )
        audit(
            action="return.queried",
            actor=actor,
            target=fresh,
            detail={"indicator": indicator, "message": message[:1000]},
        )
    return fresh


def _texts(texts: dict[str, object], keys: Iterable[str] | None = None) -> dict[str, str]:
    """Explanations or details as a submission compares them: stripped, blanks dropped."""
    wanted = texts if keys is None else {key: texts.get(key, "") for key in keys}
    return {key: text for key, value in wanted.items() if (text := str(value or "").strip())}


def return_draft_changes(*, return_: Return, version: ReturnVersion) -> list[str]:
    """What of the draft differs from ``version``, i.e. what submitting now would change:
    "figures" (the values with their pre-fill, as `return_submit` freezes them), "explanations"
    (of the version's warnings) and "details" (contact, narrative, links). Empty: unchanged."""
    previous = version.previous_version
    values = return_values_with_prefill(
        return_=return_, previous=dict(previous.values) if previous is not None else None
    )
    changes = []
    if values != version.values:
        changes.append("figures")
    if _texts(return_.explanations, version.explanations) != _texts(version.explanations):
        changes.append("explanations")
    if _texts(return_.details) != _texts(version.details):
        changes.append("details")
    return changes


def return_accept(*, return_: Return, actor: Actor, expected_version: int) -> Return:
    """A reviewer accepts the latest submitted version (submitted -> accepted).

    A queried return can be accepted too, as the version it submitted, while its draft still
    matches that version (`return_draft_changes`): once the organisation has changed anything a
    submission would freeze, only a new submission can be accepted, so nothing it typed is lost.
    Whether the queries are settled is the review's rule (`review.services.review_accept`).
    """
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        _refuse(fresh, "accepted", {ReturnState.SUBMITTED, ReturnState.QUERIED})
        version = ReturnVersion.objects.filter(wres_return=fresh).order_by("-number").first()
        if version is None:  # a submitted return always has one; guard against bad data
            raise TransitionNotAllowed("This return has no submitted version to accept.")
        fresh_state = fresh.state
        if fresh_state == ReturnState.QUERIED:
            changed = return_draft_changes(return_=fresh, version=version)
            if changed:
                raise TransitionNotAllowed(draft_changed_reason(changed, version.number))
        return_advance(
            return_=fresh,
            expected_version=expected_version,
            state=ReturnState.ACCEPTED,
            accepted_version=version,
            accepted_at=timezone.now(),
            accepted_by=user_or_none(actor),
        )
        audit(
            action="return.accepted",
            actor=actor,
            target=fresh,
            detail={"version_number": version.number, "from_state": str(fresh_state)},
        )
    return fresh


def return_reopen(
    *,
    return_: Return,
    actor: Actor,
    expected_version: int,
    reason: str,
    as_reviewer: bool,
) -> Return:
    """Reopens an accepted return as a new draft starting from the accepted values, or sends a
    queried return back as a draft as it stands (a reviewer only: the organisation can already
    amend a queried return; what it has typed is kept).

    The accepted version stays as it was (and stays `accepted_version`) until a new one is
    accepted. ``as_reviewer`` says the actor acts as a national reviewer: once the collection
    has closed, only a reviewer can reopen.
    """
    reason = _message(reason, "reason for reopening")
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        _refuse(fresh, "reopened", {ReturnState.ACCEPTED, ReturnState.QUERIED})
        if fresh.state == ReturnState.QUERIED:
            if not as_reviewer:
                raise TransitionNotAllowed(
                    "This return is queried: only a reviewer can reopen it, and you can "
                    "already amend it and submit it again."
                )
            return _reopen_queried(fresh, actor, expected_version, reason)
        if fresh.collection.is_closed and not as_reviewer:
            raise TransitionNotAllowed(
                f"{fresh.collection} has closed: only a reviewer can reopen this return."
            )
        accepted = fresh.accepted_version
        assert accepted is not None  # an accepted return always has its version
        return_advance(
            return_=fresh,
            expected_version=expected_version,
            state=ReturnState.DRAFT,
            values=dict(accepted.values),
            filled_items=len(accepted.values),
            explanations=dict(accepted.explanations),
            details=dict(accepted.details),
            sent_back_at=timezone.now(),
        )
        audit(
            action="return.reopened",
            actor=actor,
            target=fresh,
            detail={
                "from_state": str(ReturnState.ACCEPTED),
                "from_version_number": accepted.number,
                "as_reviewer": as_reviewer,
                "reason": reason[:1000],
            },
        )
    return fresh


def _reopen_queried(fresh: Return, actor: Actor, expected_version: int, reason: str) -> Return:
    """Queried -> draft, keeping the draft (call inside `return_reopen`'s transaction)."""
    latest = ReturnVersion.objects.filter(wres_return=fresh).order_by("-number").first()
    return_advance(
        return_=fresh,
        expected_version=expected_version,
        state=ReturnState.DRAFT,
        sent_back_at=timezone.now(),
    )
    audit(
        action="return.reopened",
        actor=actor,
        target=fresh,
        detail={
            "from_state": str(ReturnState.QUERIED),
            "from_version_number": latest.number if latest is not None else None,
            "as_reviewer": True,
            "reason": reason[:1000],
        },
    )
    return fresh


def draft_changed_reason(changes: list[str], version_number: int) -> str:
    """Why a queried return whose draft has changed cannot be accepted, in plain words."""
    what = " and ".join([", ".join(changes[:-1]), changes[-1]] if len(changes) > 1 else changes)
    return (
        f"The organisation has changed its {what} since version {version_number}, the version "
        "it submitted, so that version can no longer be accepted: wait for the organisation to "
        "sign the return off and submit it again, then review the new version."
    )
