"""The review's emails: each is recorded (`EmailRecord`) in the caller's transaction, then sent.

Bodies are plain text rendered from `submissions/email_*.txt`. Query emails are sent once the
transaction commits, so a refused action sends nothing; reminders are sent by
`reminders.reminder_send`, after their own row has committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from organisations.models import Membership, Role
from submissions.models import EmailRecord

#: Who acts on a return, and so gets its queries and reminders.
EDITOR_ROLES = (Role.SUBMITTER, Role.APPROVER)


def organisation_emails(organisation_id: int, roles: Iterable[str] = EDITOR_ROLES) -> list[str]:
    """Active members' addresses, in a stable order."""
    return sorted(
        Membership.objects.filter(
            organisation_id=organisation_id, role__in=list(roles), user__is_active=True
        ).values_list("user__email", flat=True)
    )


def email_render(template: str, context: dict[str, Any]) -> str:
    return render_to_string(f"submissions/{template}", context)


def email_deliver(record: EmailRecord, body: str) -> bool:
    """Sends a recorded email and marks it sent; a record without recipients sends nothing."""
    if not record.recipients:
        return False
    send_mail(record.subject, body, settings.DEFAULT_FROM_EMAIL, list(record.recipients))
    EmailRecord.objects.filter(pk=record.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def email_after_commit(record: EmailRecord, body: str) -> None:
    """Sends the recorded email once the current transaction commits (never if it rolls back)."""
    transaction.on_commit(lambda: email_deliver(record, body))
