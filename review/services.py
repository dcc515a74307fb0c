"""Writes of the review: queries and their messages, assignment, verdicts, accept and reopen.

Each service is keyword-only, runs in one transaction and writes an audit event in it. State
changes go through the workflow services (`return_query`, `return_accept`, `return_reopen`), so
the optimistic lock decides between two reviewers acting at once: one wins, the other gets
`ReturnConflict`.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailKind
from organisations.models import Role
from returns.exceptions import TransitionNotAllowed
from returns.models import Return, ReturnState, ReturnVersion
from returns.services import return_accept, return_query, return_reopen
from returns.services.rows import audit, return_load
from review.emails import email_enqueue, email_render, organisation_emails
from review.models import (
    ExplanationVerdict,
    QueryMessage,
    QuerySide,
    QueryStatus,
    ReturnQuery,
    ReturnReopening,
    ReviewAssignment,
    Verdict,
)
from review.selectors import issue_from_dict, open_queries_reason, warning_key_of

MAX_QUERY_CHARS = 5000
MAX_COMMENT_CHARS = 2000
INDICATORS = range(1, 10)

__all__ = ["issue_from_dict", "warning_key_of"]  # read helpers kept importable from here


def _text(text: str, what: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"Write the {what}.")
    if "\x00" in text:
        raise ValidationError(f"The {what} contains characters that are not allowed.")
    if len(text) > limit:
        raise ValidationError(f"The {what} must be {limit:,} characters or fewer.")
    return text


def _latest_version(return_: Return) -> ReturnVersion | None:
    return ReturnVersion.objects.filter(wres_return=return_).order_by("-number").first()


def query_raise(
    *,
    return_: Return,
    actor: User,
    expected_version: int,
    text: str,
    due_on: dt.date,
    indicator: int | None,
    needs_change: bool = False,
    return_url: str = "",
) -> ReturnQuery:
    """A reviewer asks the organisation about one indicator (or the whole return).

    ``needs_change`` says the answer must be a change to the return, signed off and submitted
    again, not only a reply; the organisation is told which. A submitted return moves to
    queried (`return_query`, with the lock); a return already queried gets another thread
    without changing state. Any other state is refused. The organisation's submitters and
    approvers are emailed once the transaction commits.
    """
    text = _text(text, "query", MAX_QUERY_CHARS)
    if indicator is not None and indicator not in INDICATORS:
        raise ValidationError("Choose an indicator from 1 to 9, or the whole return.")
    if due_on < timezone.localdate():
        raise ValidationError("The date for an answer cannot be in the past.")
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        if fresh.state == ReturnState.SUBMITTED:
            fresh = return_query(
                return_=fresh,
                actor=actor,
                expected_version=expected_version,
                message=text,
                indicator=indicator,
            )
        elif fresh.state != ReturnState.QUERIED:
            raise TransitionNotAllowed(
                f"This return is {fresh.get_state_display().lower()}; you can only raise a query "
                "on a submitted (or already queried) return."
            )
        version = _latest_version(fresh)
        query = ReturnQuery.objects.create(
            organisation_id=fresh.organisation_id,
            wres_return=fresh,
            indicator=indicator,
            version_number=version.number if version else None,
            due_on=due_on,
            needs_change=needs_change,
            raised_by=actor,
        )
        QueryMessage.objects.create(query=query, author=actor, side=QuerySide.REVIEWER, text=text)
        audit(
            action="review.query_raised",
            actor=actor,
            target=fresh,
            detail={
                "query": query.pk,
                "indicator": indicator,
                "due_on": due_on.isoformat(),
                "needs_change": needs_change,
            },
        )
        _email_query(fresh, query, actor, text, EmailKind.QUERY_RAISED, return_url)
    return_.__dict__.update({k: getattr(fresh, k) for k in ("state", "version", "sent_back_at")})
    return query


def _email_query(
    return_: Return, query: ReturnQuery, actor: User, text: str, kind: str, url: str
) -> None:
    organisation = return_.organisation
    to_organisation = kind == EmailKind.QUERY_RAISED or query.awaiting == QuerySide.ORGANISATION
    if to_organisation:
        recipients = organisation_emails(organisation.pk)
        subject = (
            f"WRES {return_.collection.year}: a question from NHS England about "
            f"{query.subject} of {organisation.name}'s return"
        )
    else:
        assigned = ReviewAssignment.objects.filter(wres_return=return_).first()
        reviewer = assigned.reviewer if assigned and assigned.reviewer else query.raised_by
        recipients = [reviewer.email] if reviewer.is_active else []
        subject = f"WRES {return_.collection.year}: {organisation.name} answered your query"
    body = email_render(
        "review/email/query.txt",
        {
            "organisation": organisation,
            "return_": return_,
            "query": query,
            "text": text,
            "author": actor,
            "to_organisation": to_organisation,
            "url": url,
            "task_list_url": _sibling_url(url, "task_list", return_),
        },
    )
    email_enqueue(
        kind=kind,
        subject=subject,
        body=body,
        recipients=recipients,
        return_=return_,
        created_by=actor,
    )


def _sibling_url(url: str, name: str, return_: Return) -> str:
    """Another page of the return, on the same site as ``url`` (absolute if ``url`` is)."""
    path = reverse(f"returns:{name}", args=(return_.organisation.ods_code, return_.collection.year))
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")) if parts.netloc else path


def _query_for(return_: Return, query_id: int) -> ReturnQuery:
    query = ReturnQuery.objects.filter(pk=query_id, wres_return=return_).first()
    if query is None:
        raise ValidationError("That query is not one of this return's.")
    return query


def query_reply(
    *,
    return_: Return,
    query_id: int,
    actor: User,
    side: QuerySide,
    text: str,
    url: str = "",
) -> QueryMessage:
    """Adds a message to an open query thread; the other side is emailed after commit.

    ``side`` says whom the actor speaks for (the permission layer decides who may). A resolved
    query takes no more messages.
    """
    text = _text(text, "answer" if side == QuerySide.ORGANISATION else "message", MAX_QUERY_CHARS)
    with transaction.atomic():
        query = _query_for(return_, query_id)
        other = QuerySide.REVIEWER if side == QuerySide.ORGANISATION else QuerySide.ORGANISATION
        updated = ReturnQuery.objects.filter(pk=query.pk, status=QueryStatus.OPEN).update(
            awaiting=other
        )
        if not updated:
            raise TransitionNotAllowed("This query has been resolved, so it takes no more replies.")
        query.awaiting = other
        message = QueryMessage.objects.create(query=query, author=actor, side=side, text=text)
        audit(
            action="review.query_answered"
            if side == QuerySide.ORGANISATION
            else "review.query_message",
            actor=actor,
            target=return_,
            detail={"query": query.pk, "message": message.pk},
        )
        _email_query(return_, query, actor, text, EmailKind.QUERY_MESSAGE, url)
    return message


def query_resolve(*, return_: Return, query_id: int, actor: User) -> ReturnQuery:
    """A reviewer marks a query resolved (it keeps its history)."""
    with transaction.atomic():
        query = _query_for(return_, query_id)
        now = timezone.now()
        updated = ReturnQuery.objects.filter(pk=query.pk, status=QueryStatus.OPEN).update(
            status=QueryStatus.RESOLVED, resolved_at=now, resolved_by=actor
        )
        if not updated:
            raise TransitionNotAllowed("This query is already resolved.")
        audit(
            action="review.query_resolved", actor=actor, target=return_, detail={"query": query.pk}
        )
    query.refresh_from_db()
    return query


def review_assign(*, return_: Return, actor: User, reviewer: User | None) -> ReviewAssignment:
    """Assigns the return to a national reviewer (or to nobody)."""
    if reviewer is not None and not (
        reviewer.is_active and reviewer.has_perm("review.review_returns")
    ):
        raise ValidationError("Choose a reviewer from the list.")
    with transaction.atomic():
        assignment, _ = ReviewAssignment.objects.update_or_create(
            wres_return=return_, defaults={"reviewer": reviewer, "assigned_by": actor}
        )
        audit(
            action="review.assigned",
            actor=actor,
            target=return_,
            detail={"reviewer": reviewer.email if reviewer else None},
        )
    return assignment


def explanation_verdict_set(
    *,
    return_: Return,
    actor: User,
    version_number: int,
    key: str,
    verdict: str,
    comment: str = "",
) -> ExplanationVerdict:
    """Records whether the reviewer accepts the explanation of one warning of one version.

    Not accepting needs a comment. The warning must be one the version carries.
    """
    if verdict not in Verdict.values:
        raise ValidationError("Choose whether the explanation is accepted.")
    comment = (comment or "").strip()
    if verdict == Verdict.NOT_ACCEPTED:
        comment = _text(comment, "reason the explanation is not accepted", MAX_COMMENT_CHARS)
    elif comment:
        comment = _text(comment, "comment", MAX_COMMENT_CHARS)
    version = ReturnVersion.objects.filter(wres_return=return_, number=version_number).first()
    if version is None:
        raise ValidationError("That version does not exist.")
    if key not in {warning_key_of(issue) for issue in version.issues}:
        raise ValidationError("That warning is not one of this version's.")
    with transaction.atomic():
        record, _ = ExplanationVerdict.objects.update_or_create(
            wres_return=return_,
            version_number=version_number,
            warning_key=key,
            defaults={
                "organisation_id": return_.organisation_id,
                "verdict": verdict,
                "comment": comment,
                "decided_by": actor,
            },
        )
        audit(
            action="review.explanation_verdict",
            actor=actor,
            target=return_,
            detail={"version_number": version_number, "warning": key, "verdict": verdict},
        )
    return record


def _portal_url(name: str, return_: Return) -> str:
    """An absolute link for an email built outside a request (`PORTAL_BASE_URL`)."""
    path = reverse(f"returns:{name}", args=(return_.organisation.ods_code, return_.collection.year))
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + path


def _email_decision(
    return_: Return, actor: User, kind: str, reason: str = "", reopened_from: str = ""
) -> None:
    """Tells everyone who acts for the organisation that its return was accepted or reopened."""
    organisation = return_.organisation
    year = return_.collection.year
    accepted = kind == EmailKind.RETURN_ACCEPTED
    subject = (
        f"WRES {year}: {organisation.name}'s return has been accepted"
        if accepted
        else f"WRES {year}: {organisation.name}'s return has been reopened"
    )
    body = email_render(
        "review/email/accepted.txt" if accepted else "review/email/reopened.txt",
        {
            "organisation": organisation,
            "return_": return_,
            "version": return_.accepted_version,
            "reason": reason,
            "reopened_from": reopened_from,
            "url": _portal_url("summary" if accepted else "task_list", return_),
        },
    )
    email_enqueue(
        kind=kind,
        subject=subject,
        body=body,
        recipients=organisation_emails(organisation.pk, Role.values),
        return_=return_,
        created_by=actor,
    )


def review_accept(*, return_: Return, actor: User, expected_version: int) -> Return:
    """Accepts the latest submitted version (locks it) and resolves the return's open queries.

    A submitted return's open queries are answered by that submission, so accepting resolves
    them. A queried return is accepted as the version it submitted only once no query is open
    (`TransitionNotAllowed` says how many are) and its draft still matches that version (the
    workflow's rule, `return_accept`). The organisation's members are emailed once the
    transaction commits.
    """
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        if fresh.state == ReturnState.QUERIED:
            still_open = ReturnQuery.objects.filter(
                wres_return=fresh, status=QueryStatus.OPEN
            ).count()
            if still_open:
                raise TransitionNotAllowed(open_queries_reason(still_open))
        fresh = return_accept(return_=fresh, actor=actor, expected_version=expected_version)
        resolved = ReturnQuery.objects.filter(wres_return=fresh, status=QueryStatus.OPEN).update(
            status=QueryStatus.RESOLVED, resolved_at=timezone.now(), resolved_by=actor
        )
        if resolved:
            audit(
                action="review.queries_resolved_on_acceptance",
                actor=actor,
                target=fresh,
                detail={"queries": resolved},
            )
        _email_decision(fresh, actor, EmailKind.RETURN_ACCEPTED)
    return fresh


def review_reopen(*, return_: Return, actor: User, expected_version: int, reason: str) -> Return:
    """Reopens an accepted return as a new draft, or a queried one as the draft it is (as a
    reviewer: allowed after closing too), and keeps the reason (`ReturnReopening`) for the
    organisation's task list until it submits again.

    The organisation's members are emailed the reason once the transaction commits.
    """
    with transaction.atomic():
        before = return_load(return_=return_, expected_version=expected_version)
        from_state = before.state
        latest = _latest_version(before)
        fresh = return_reopen(
            return_=before,
            actor=actor,
            expected_version=expected_version,
            reason=reason,
            as_reviewer=True,
        )
        ReturnReopening.objects.create(
            organisation_id=fresh.organisation_id,
            wres_return=fresh,
            reason=reason.strip(),
            from_state=from_state,
            version_number=latest.number if latest is not None else None,
            reopened_by=actor,
        )
        _email_decision(fresh, actor, EmailKind.RETURN_REOPENED, reason.strip(), from_state)
    return fresh
