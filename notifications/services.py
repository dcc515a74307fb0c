"""The email outbox: every email the portal sends is a row written in the caller's transaction.

`email_enqueue` writes the row and, once the transaction commits, queues the `email_send` task
with its id (nothing is queued if the transaction rolls back). If the broker cannot take the
task, the row stays pending and `email_sweep_run`, run by Celery beat, queues it later. A worker
claims a row with a conditional UPDATE before sending, so however often a row is queued it is
sent once; a worker that dies holding a claim is covered by the sweep, which takes back claims
older than `STALE_CLAIM` (such a row may then go twice if the worker died after handing the
email to the mail server and before marking it sent: late or twice, never lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Model, Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import EmailKind, EmailRecord
from organisations.models import Membership
from wres_portal.celery import task_named

#: The Celery task that sends one row (its name: services queue tasks by name, ADR 0015).
EMAIL_SEND_TASK = "submissions.email_send"
#: The beat task that queues rows still pending.
EMAIL_SWEEP_TASK = "submissions.email_sweep"

logger = logging.getLogger(__name__)

#: After this many failed sends the portal gives up on an email (it keeps the error).
MAX_ATTEMPTS = 5
#: The sweep leaves rows this young alone: their own task is probably on its way.
SWEEP_GRACE = dt.timedelta(minutes=2)
#: A claim older than this belongs to a worker that died (the task's time limit is far shorter).
STALE_CLAIM = dt.timedelta(minutes=15)
#: At most this many rows queued by one sweep (the next sweep takes the rest).
SWEEP_BATCH = 500
#: Publishing to a broker that does not answer: two quick retries, then leave it to the sweep.
QUEUE_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
#: Kinds whose body holds a secret (an invitation's one-time link): wiped once sent or given up.
SECRET_BODY_KINDS = frozenset({EmailKind.INVITATION})


def organisation_emails(organisation_id: int, roles: Iterable[str]) -> list[str]:
    """The addresses of an organisation's active members with these roles, in a stable order."""
    return sorted(
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=list(roles), user__is_active=True
        ).values_list("user__email", flat=True)
    )


def email_render(template: str, context: dict[str, Any]) -> str:
    """A plain-text body from the sending app's template, e.g. ``review/email/query.txt``."""
    return render_to_string(template, context)


def email_enqueue(
    *,
    kind: str,
    subject: str,
    body: str,
    recipients: Iterable[str],
    organisation: Any = None,
    collection: Model | None = None,
    return_: Any = None,
    reminder_key: str = "",
    created_by: Any = None,
    system_actor: str = "",
) -> EmailRecord:
    """Writes one email to the outbox in the current transaction; it is queued after commit.

    ``return_`` is a `returns.models.Return` (the outbox sits below returns and does not import
    it, ADR 0015): its organisation and collection are taken from it where not given.

    An email with nobody to send to is recorded as given up at once (and never queued). A
    reminder's row may raise IntegrityError (already claimed): call this inside the caller's
    `transaction.atomic` so that nothing else of that transaction survives either.
    """
    recipients = sorted({address for address in recipients if address})
    organisation_id: int | None = getattr(organisation, "pk", organisation)
    collection_id: int | None = collection.pk if collection else None
    if return_ is not None:
        organisation_id = organisation_id or return_.organisation_id
        collection_id = collection_id or return_.collection_id
    now = timezone.now()
    record = EmailRecord.objects.create(
        kind=kind,
        organisation_id=organisation_id,
        collection_id=collection_id,
        wres_return=return_,
        reminder_key=reminder_key,
        recipients=recipients,
        subject=" ".join(subject.split())[:300],
        body="" if not recipients and kind in SECRET_BODY_KINDS else body,
        created_by=created_by,
        system_actor=system_actor,
        failed_at=None if recipients else now,
        last_error="" if recipients else "Nobody to send it to.",
    )
    if recipients:
        transaction.on_commit(lambda: email_queue(record.pk))
    return record


def email_queue(record_id: int) -> bool:
    """Queues the send task for one row; if the broker refuses, logs it and leaves it pending."""
    try:
        # A short retry: the request that wrote the email waits for this, and the sweep is the
        # real retry.
        task_named(EMAIL_SEND_TASK).apply_async(
            args=(record_id,), retry=True, retry_policy=QUEUE_RETRY_POLICY
        )
    except Exception:  # the broker is down or unreachable: the sweep will queue it later
        logger.warning(
            "Email %s could not be queued; it stays in the outbox for the sweep.",
            record_id,
            exc_info=True,
        )
        return False
    return True


def email_deliver(*, record_id: int) -> bool:
    """Claims one pending row, sends it through Django's mail and marks it sent.

    Returns True if this call sent it. A row already sent, given up, or claimed by another
    worker (recently) is left alone. A failure records the error and releases the claim for
    the sweep to retry, until `MAX_ATTEMPTS`.
    """
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM)
    with transaction.atomic():
        claimed = (
            EmailRecord.objects.filter(pk=record_id, sent_at__isnull=True, failed_at__isnull=True)
            .filter(claimable)
            .update(claimed_at=now, attempts=F("attempts") + 1)
        )
    if not claimed:
        return False
    record = EmailRecord.objects.get(pk=record_id)
    secret = record.kind in SECRET_BODY_KINDS
    message = EmailMessage(
        subject=record.subject,
        body=record.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(record.recipients),
    )
    try:
        message.send()
    except Exception as error:  # any failure of the mail server or backend
        give_up = record.attempts >= MAX_ATTEMPTS
        EmailRecord.objects.filter(pk=record_id, claimed_at=now).update(
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            failed_at=timezone.now() if give_up else None,
            **({"body": ""} if give_up and secret else {}),
        )
        logger.warning(
            "Email %s failed (attempt %s of %s)%s.",
            record_id,
            record.attempts,
            MAX_ATTEMPTS,
            ": giving up" if give_up else "",
            exc_info=True,
        )
        return False
    EmailRecord.objects.filter(pk=record_id).update(
        sent_at=timezone.now(), last_error="", **({"body": ""} if secret else {})
    )
    return True


def email_pending() -> Any:
    """Rows the sweep should queue: unsent, not given up, past the grace period, unclaimed
    (or claimed by a worker that has evidently died)."""
    now = timezone.now()
    return EmailRecord.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, created_at__lt=now - SWEEP_GRACE
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))


def email_sweep_run() -> int:
    """Queues every row still pending (oldest first, at most `SWEEP_BATCH`); how many queued.

    Stops at the first refusal from the broker: the rest wait for the next sweep.
    """
    pending = email_pending()
    # A row whose every attempt died with its worker would otherwise come back for ever.
    pending.filter(attempts__gte=MAX_ATTEMPTS).update(
        failed_at=timezone.now(), last_error="Gave up: every attempt's worker stopped."
    )
    ids = list(
        pending.filter(attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    queued = 0
    for record_id in ids:
        if not email_queue(record_id):
            break
        queued += 1
    return queued
