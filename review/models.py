"""National review: assignments, queries on an indicator, verdicts on explanations and reminder
plans (ADR 0008). The tables keep the names they had in the `submissions` app (ADR 0015).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewAssignment(models.Model):
    """Which national reviewer looks after a return (at most one; none when unassigned)."""

    wres_return = models.OneToOneField(
        "returns.Return", on_delete=models.CASCADE, related_name="assignment", verbose_name="return"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "submissions_reviewassignment"

    def __str__(self) -> str:
        return f"{self.wres_return} assigned to {self.reviewer or 'nobody'}"


class QueryStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class QuerySide(models.TextChoices):
    """Who wrote a message, and so who is expected to answer next."""

    REVIEWER = "reviewer", "NHS England"
    ORGANISATION = "organisation", "Organisation"


class ReturnQuery(models.Model):
    """A reviewer's question about one indicator (or the whole return): a thread of messages."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="return_queries"
    )
    wres_return = models.ForeignKey(
        "returns.Return", on_delete=models.PROTECT, related_name="queries", verbose_name="return"
    )
    indicator = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 9, or empty for the whole return."
    )
    version_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The submitted version the question was asked about."
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=QueryStatus.choices, default=QueryStatus.OPEN, db_index=True
    )
    awaiting = models.CharField(
        max_length=20,
        choices=QuerySide.choices,
        default=QuerySide.ORGANISATION,
        help_text="Whose answer the thread waits for (the other side wrote last).",
    )
    needs_change = models.BooleanField(
        default=False,
        help_text="The organisation must change the return and submit it again (not only reply).",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "submissions_returnquery"
        ordering = ("wres_return", "-created_at", "-pk")
        indexes = [models.Index(fields=("wres_return", "status"))]

    def __str__(self) -> str:
        return f"Query {self.pk} on {self.subject} of {self.wres_return}"

    @property
    def subject(self) -> str:
        return f"indicator {self.indicator}" if self.indicator else "the whole return"

    @property
    def is_open(self) -> bool:
        return self.status == QueryStatus.OPEN


class ReturnReopening(models.Model):
    """NHS England reopened a return (accepted or queried) as a draft, and why: what the
    organisation sees at the top of its task list until it submits again. Never changed."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    wres_return = models.ForeignKey(
        "returns.Return", on_delete=models.PROTECT, related_name="reopenings", verbose_name="return"
    )
    reason = models.TextField()
    from_state = models.CharField(max_length=20, help_text="The state it was reopened from.")
    version_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version that stood when it was reopened."
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("wres_return", "-reopened_at", "-pk")
        indexes = [models.Index(fields=("wres_return", "reopened_at"))]

    def __str__(self) -> str:
        return f"{self.wres_return} reopened {self.reopened_at:%Y-%m-%d}"


class QueryMessage(models.Model):
    """One message of a query thread, by a reviewer or by the organisation."""

    query = models.ForeignKey(ReturnQuery, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=20, choices=QuerySide.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "submissions_querymessage"
        ordering = ("query", "created_at", "pk")

    def __str__(self) -> str:
        return f"Message {self.pk} on query {self.query_id}"


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", "Explanation accepted"
    NOT_ACCEPTED = "not_accepted", "Explanation not accepted"


class ExplanationVerdict(models.Model):
    """A reviewer's verdict on the organisation's explanation of one warning of one version."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    wres_return = models.ForeignKey(
        "returns.Return", on_delete=models.PROTECT, related_name="verdicts", verbose_name="return"
    )
    version_number = models.PositiveIntegerField()
    warning_key = models.CharField(max_length=100)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "submissions_explanationverdict"
        ordering = ("wres_return", "version_number", "warning_key")
        constraints = [
            models.UniqueConstraint(
                fields=("wres_return", "version_number", "warning_key"),
                name="one_verdict_per_warning_and_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.warning_key} of version {self.version_number}"


def default_reminder_days() -> list[int]:
    return [28, 14, 7, 1]


class ReminderPlan(models.Model):
    """When a collection's reminders go out; a collection without one uses the defaults."""

    collection = models.OneToOneField(
        "returns.Collection", on_delete=models.CASCADE, related_name="reminder_plan"
    )
    days_before = models.JSONField(
        default=default_reminder_days, help_text="Days before the deadline, e.g. [28, 14, 7, 1]."
    )
    weekly_when_late = models.BooleanField(
        default=True, help_text="Then every 7 days after the deadline while not submitted."
    )

    class Meta:
        db_table = "submissions_reminderplan"

    def __str__(self) -> str:
        return f"Reminders for {self.collection}"
