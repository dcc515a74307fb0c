"""The email outbox: one row per email the portal sends (ADR 0014).

The table keeps the name it had in the `submissions` app (ADR 0015).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EmailKind(models.TextChoices):
    QUERY_RAISED = "query_raised", "Query raised"
    QUERY_MESSAGE = "query_message", "Query message"
    REMINDER_SCHEDULED = "reminder_scheduled", "Scheduled reminder"
    REMINDER_MANUAL = "reminder_manual", "Reminder sent by a reviewer"
    SUBMITTED = "submitted", "Return submitted"
    APPROVAL_REQUESTED = "approval_requested", "Sign-off requested"
    RETURN_ACCEPTED = "return_accepted", "Return accepted"
    RETURN_REOPENED = "return_reopened", "Return reopened"
    INVITATION = "invitation", "Invitation"


class EmailRecord(models.Model):
    """The outbox: one email the portal sends, written in the transaction that causes it.

    A Celery task sends it after commit (`notifications.services`); a periodic sweep queues any
    still pending, so an email whose task could not be queued is late, never lost. The task
    claims the row (`claimed_at`, by a conditional UPDATE) before sending, so two runs never
    both send; `sent_at` is set once it has gone, `failed_at` once the portal gives up.

    For reminders the row is also the guard against duplicates: one row per (collection,
    organisation, reminder key), so a reminder run twice, or rerun after a worker died, never
    creates the same reminder for an organisation again.
    """

    kind = models.CharField(max_length=30, choices=EmailKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collection = models.ForeignKey(
        "returns.Collection", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wres_return = models.ForeignKey(
        "returns.Return", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_key = models.CharField(max_length=60, blank=True)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Plain text; an invitation's is wiped once sent.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    system_actor = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last took it to send."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up: no recipients, or too many failed attempts."
    )
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "submissions_emailrecord"
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("collection", "organisation", "reminder_key"),
                condition=~models.Q(reminder_key=""),
                name="one_reminder_per_organisation_and_key",
            )
        ]
        indexes = [
            models.Index(fields=("collection", "kind")),
            # The sweep's question: what is still waiting to be sent?
            models.Index(
                fields=("created_at",),
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="email_pending",
            ),
        ]

    def __str__(self) -> str:
        where = f" to {self.organisation_id}" if self.organisation_id else ""
        return f"{self.get_kind_display()}{where} ({self.created_at:%Y-%m-%d})"
