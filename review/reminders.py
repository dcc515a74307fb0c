"""Reminder emails to organisations that have not submitted: on a schedule, or sent now.

At most once per organisation per reminder: each reminder is an outbox row (`EmailRecord`)
unique per (collection, organisation, reminder key), committed in its own transaction and sent
by the outbox after commit. A task run twice, or concurrently, finds the row and skips; a worker
killed after the commit leaves the row pending, and the outbox's sweep sends it (late, once).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailKind, EmailRecord
from returns.models import Collection, Return
from returns.services.rows import Actor, audit, user_or_none
from review.emails import email_enqueue, email_render, organisation_emails
from review.models import ReminderPlan, default_reminder_days

SYSTEM_ACTOR = "celery:reminders"


@dataclass(frozen=True, slots=True)
class DueReminder:
    key: str
    scheduled_on: dt.date
    days_to_deadline: int  # negative once late


def reminder_plan(collection: Collection) -> tuple[list[int], bool]:
    """The collection's days before the deadline, and whether to remind weekly once late."""
    plan = ReminderPlan.objects.filter(collection=collection).first()
    if plan is None:
        return default_reminder_days(), True
    days = sorted({int(day) for day in plan.days_before if int(day) >= 0}, reverse=True)
    return days, plan.weekly_when_late


def reminder_due(
    *, deadline: dt.date, days_before: Iterable[int], weekly_when_late: bool, today: dt.date
) -> DueReminder | None:
    """The most recent scheduled reminder on or before ``today`` (None before the first).

    Taking the most recent one (rather than only today's) means a day the scheduler missed is
    caught up the next day, and still only once.
    """
    points = [(deadline - dt.timedelta(days=day), f"before-{day}") for day in days_before]
    if weekly_when_late and today > deadline:
        weeks = (today - deadline).days // 7
        if weeks >= 1:
            points.append((deadline + dt.timedelta(days=7 * weeks), f"late-week-{weeks}"))
    past = [(when, key) for when, key in points if when <= today]
    if not past:
        return None
    when, key = max(past)
    return DueReminder(key=key, scheduled_on=when, days_to_deadline=(deadline - today).days)


def _not_submitted(collection: Collection) -> list[Return]:
    return list(
        Return.objects.filter(collection=collection, last_submitted_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__ods_code")
    )


def reminder_send(
    *,
    return_: Return,
    key: str,
    kind: str,
    actor: Actor,
    today: dt.date,
    base_url: str = "",
) -> EmailRecord | None:
    """Claims (commits) the reminder's outbox row for this organisation and key; the outbox
    sends it after commit.

    Returns None (and sends nothing) if the reminder was already claimed, by an earlier run or
    a concurrent one.
    """
    organisation = return_.organisation
    collection = return_.collection
    days = (collection.deadline - today).days
    subject = (
        f"WRES {collection.year}: {organisation.name}'s return is late"
        if days < 0
        else f"WRES {collection.year}: reminder, {organisation.name}'s return is due "
        f"{collection.deadline.day} {collection.deadline:%B %Y}"
    )
    path = reverse("returns:task_list", args=(organisation.ods_code, collection.year))
    body = email_render(
        "review/email/reminder.txt",
        {
            "organisation": organisation,
            "collection": collection,
            "days": days,
            "late_days": -days,
            "url": (base_url.rstrip("/") + path) if base_url else path,
        },
    )
    try:
        with transaction.atomic():
            # The unique row and the outbox row are one row: it commits, and the email is
            # queued, or neither happens (an earlier or concurrent run holds the key).
            record = email_enqueue(
                kind=kind,
                subject=subject,
                body=body,
                recipients=organisation_emails(organisation.pk),
                return_=return_,
                reminder_key=key,
                created_by=user_or_none(actor),
                system_actor=actor if isinstance(actor, str) else "",
            )
    except IntegrityError:
        return None
    return record


def reminders_send_scheduled(
    *, collection_id: int, today: dt.date | None = None, base_url: str = ""
) -> int:
    """Sends the reminder due today (if any) to every organisation of an open collection that
    has not submitted. Returns how many emails it queued; safe to run any number of times."""
    today = today or timezone.localdate()
    collection = Collection.objects.get(pk=collection_id)
    if collection.opened_at is None or collection.closed_at is not None:
        return 0
    days_before, weekly = reminder_plan(collection)
    due = reminder_due(
        deadline=collection.deadline, days_before=days_before, weekly_when_late=weekly, today=today
    )
    if due is None:
        return 0
    claimed = set(
        EmailRecord.objects.filter(collection=collection, reminder_key=due.key).values_list(
            "organisation_id", flat=True
        )
    )
    sent = 0
    for return_ in _not_submitted(collection):
        if return_.organisation_id in claimed:
            continue
        record = reminder_send(
            return_=return_,
            key=due.key,
            kind=EmailKind.REMINDER_SCHEDULED,
            actor=SYSTEM_ACTOR,
            today=today,
            base_url=base_url,
        )
        sent += 1 if record is not None and record.recipients else 0
    return sent


def reminders_send_now(
    *, returns: Iterable[Return], actor: User, token: str, base_url: str = ""
) -> tuple[int, int]:
    """A reviewer reminds a chosen set now: only returns never submitted are reminded.

    ``token`` comes from the form, so a form sent twice (a double click) reminds once.
    Returns (emails sent, organisations skipped because they have submitted or were reminded).
    """
    try:
        token = str(uuid.UUID(token))
    except (ValueError, TypeError, AttributeError):
        raise ValueError("The form was out of date: reload the page and try again.") from None
    today = timezone.localdate()
    sent = skipped = 0
    for return_ in returns:
        if return_.last_submitted_at is not None:
            skipped += 1
            continue
        record = reminder_send(
            return_=return_,
            key=f"now-{token}",
            kind=EmailKind.REMINDER_MANUAL,
            actor=actor,
            today=today,
            base_url=base_url,
        )
        if record is None:
            skipped += 1
        elif record.recipients:
            sent += 1
    with transaction.atomic():
        audit(
            action="review.reminders_sent",
            actor=actor,
            target=None,
            detail={"sent": sent, "skipped": skipped, "token": token},
        )
    return sent, skipped


def reminders_run(*, today: dt.date | None = None, base_url: str = "") -> dict[int, int]:
    """Every open collection's scheduled reminders (the beat task's body): year -> emails sent."""
    return {
        collection.year: reminders_send_scheduled(
            collection_id=collection.pk, today=today, base_url=base_url
        )
        for collection in Collection.objects.filter(opened_at__isnull=False, closed_at__isnull=True)
    }
