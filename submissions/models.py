"""Collections (one a year), returns (one per organisation per collection) and their versions.

State changes happen only in `submissions.services`; these models hold data, derived
properties and the rules that keep a version immutable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property


class CollectionStatus(models.TextChoices):
    """Derived from when the collection was opened and closed (never stored)."""

    NOT_YET_OPEN = "not_yet_open", "Not yet open"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Collection(models.Model):
    """One year's WRES collection: its dates and which organisation types must submit."""

    name = models.CharField(max_length=100, unique=True, help_text='For example "WRES 2026".')
    year = models.PositiveSmallIntegerField(unique=True, help_text="The year of the snapshot.")
    snapshot_date = models.DateField(help_text="The workforce snapshot: 31 March of the year.")
    opens_on = models.DateField()
    deadline = models.DateField(help_text="Submissions after this day need a reason for lateness.")
    closes_on = models.DateField()
    organisation_types = models.JSONField(
        default=list, help_text="Codes of the organisation types that must submit."
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-year",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("deadline"))
                & models.Q(deadline__lte=models.F("closes_on")),
                name="collection_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> CollectionStatus:
        """Not yet open, open or closed, from the open and close actions (not the dates)."""
        if self.closed_at is not None:
            return CollectionStatus.CLOSED
        if self.opened_at is not None:
            return CollectionStatus.OPEN
        return CollectionStatus.NOT_YET_OPEN

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_past_deadline(self, today: dt.date | None = None) -> bool:
        """Whether the deadline day has ended (in the portal's time zone, Europe/London)."""
        return (today or timezone.localdate()) > self.deadline


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    QUERIED = "queried", "Queried"
    ACCEPTED = "accepted", "Accepted"


#: States in which the organisation may change values, explanations and details.
EDITABLE_STATES = frozenset({ReturnState.DRAFT, ReturnState.QUERIED})


class ReturnQuerySet(models.QuerySet["Return"]):
    def not_started(self) -> ReturnQuerySet:
        """Drafts with no values entered."""
        return self.filter(state=ReturnState.DRAFT, filled_items=0)

    def late(self, today: dt.date | None = None) -> ReturnQuerySet:
        """Never submitted, and the collection's deadline has passed."""
        return self.filter(
            last_submitted_at__isnull=True, collection__deadline__lt=today or timezone.localdate()
        )


class Return(models.Model):
    """An organisation's return for one collection: the working draft and its workflow state.

    `version` is the optimistic lock: every write is an UPDATE ... WHERE version = n that sets
    n + 1 (see `submissions.services.rows`). Frozen submissions are `ReturnVersion` rows.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="returns"
    )
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(
        max_length=20, choices=ReturnState.choices, default=ReturnState.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    values = models.JSONField(default=dict, blank=True, help_text="Item code -> value (draft).")
    filled_items = models.PositiveSmallIntegerField(default=0, editable=False)
    explanations = models.JSONField(
        default=dict, blank=True, help_text="Warning key -> the organisation's explanation."
    )
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="Detail name -> text: contact, narrative and publication links (draft).",
    )
    latest_check = models.JSONField(
        null=True, blank=True, editable=False, help_text="Metrics and issues of the last check."
    )
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    last_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_back_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a reviewer last queried or reopened it (allows submission after close).",
    )
    accepted_version = models.ForeignKey(
        "ReturnVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version last accepted; it stays when the return is reopened.",
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ("collection", "organisation")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "collection"), name="one_return_per_organisation_a_year"
            )
        ]
        indexes = [models.Index(fields=("collection", "state"))]

    def __str__(self) -> str:
        return f"{self.collection} return of {self.organisation}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_not_started(self) -> bool:
        """A draft with no values: derived, not a state."""
        return self.state == ReturnState.DRAFT and self.filled_items == 0

    def is_late(self, today: dt.date | None = None) -> bool:
        """Not yet submitted and the deadline has passed: derived, not a state."""
        return self.last_submitted_at is None and self.collection.is_past_deadline(today)

    @property
    def check_is_current(self) -> bool:
        """Whether `latest_check` describes the values as they are now."""
        return self.checked_version is not None and self.checked_version == self.version


class ReturnVersionQuerySet(models.QuerySet["ReturnVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Return versions are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Return versions are immutable")


class ReturnVersion(models.Model):
    """A frozen submission: what was submitted, what it computed to, and who signed it off.

    Created by `return_submit` (or the demo history) and never updated or deleted.
    """

    wres_return = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="versions", verbose_name="return"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="return_versions"
    )
    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, related_name="return_versions"
    )
    number = models.PositiveIntegerField(help_text="1, 2, ... within the return.")
    values = models.JSONField(help_text="As submitted, with pre-filled previous-year items.")
    metrics = models.JSONField()
    issues = models.JSONField(help_text="Warnings at submission (errors block submission).")
    explanations = models.JSONField(default=dict, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="Contact, narrative and links, as submitted."
    )
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Last year's accepted version the checks compared against.",
    )
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver_name = models.CharField(max_length=200)
    approver_job_title = models.CharField(max_length=200, blank=True)
    board_approved_on = models.DateField(null=True, blank=True)
    report_url = models.URLField(max_length=500, blank=True)
    action_plan_url = models.URLField(max_length=500, blank=True)
    is_late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False, help_text="Made-up demo data.")

    objects = ReturnVersionQuerySet.as_manager()

    class Meta:
        ordering = ("wres_return", "number")
        constraints = [
            models.UniqueConstraint(fields=("wres_return", "number"), name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.wres_return} version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Return versions are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Return versions are immutable")


# -- Uploads (issue 5: spreadsheet template and upload; see ADR 0005) ----------------------------


class UploadStatus(models.TextChoices):
    """An upload's own status; it never changes the return's state."""

    RECEIVED = "received", "Received"
    CHECKING = "checking", "Checking"
    READY = "ready", "Ready to apply"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"


class PrivateUploadStorage(FileSystemStorage):
    """Uploaded files under ``MEDIA_ROOT/uploads``, with no URL: they are never served.

    The location follows ``MEDIA_ROOT`` (also when tests override it). In full mode the web and
    worker processes must share it (a shared volume, or a ``STORAGES["uploads"]`` backend).
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @cached_property
    def base_location(self) -> str:  # type: ignore[override]
        return str(Path(settings.MEDIA_ROOT) / "uploads")

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Uploaded files are private and have no URL")


def upload_storage() -> Storage:
    """The storage of uploaded files: ``STORAGES["uploads"]`` if configured, else private files."""
    if "uploads" in settings.STORAGES:
        return storages["uploads"]
    return PrivateUploadStorage()


class Upload(models.Model):
    """One uploaded template or CSV file for a return, and what checking it found.

    The file is stored unchanged; `result` holds the parsed values, located problems, computed
    metrics and the changes applying it would make, worked out against `return_version`.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="uploads"
    )
    wres_return = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="uploads", verbose_name="return"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    file = models.FileField(storage=upload_storage, max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=UploadStatus.choices, default=UploadStatus.RECEIVED, db_index=True
    )
    result = models.JSONField(null=True, blank=True, editable=False)
    return_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The return's version the result was worked out against."
    )
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was applied or discarded."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the retention policy deleted the stored file (the row and result stay).",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("wres_return", "created_at"))]

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.original_filename}) for {self.wres_return}"

    @property
    def is_done(self) -> bool:
        """Checked (ready, applied or rejected): nothing more will happen by itself."""
        return self.status not in (UploadStatus.RECEIVED, UploadStatus.CHECKING)

    @property
    def file_is_deleted(self) -> bool:
        """The stored file was deleted under the retention policy (see `submissions.retention`)."""
        return self.file_deleted_at is not None


# -- National review (issue 6: queue, queries, verdicts, reminders; see ADR 0008) ---------------


class ReviewAssignment(models.Model):
    """Which national reviewer looks after a return (at most one; none when unassigned)."""

    wres_return = models.OneToOneField(
        Return, on_delete=models.CASCADE, related_name="assignment", verbose_name="return"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

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
        Return, on_delete=models.PROTECT, related_name="queries", verbose_name="return"
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
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
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


class QueryMessage(models.Model):
    """One message of a query thread, by a reviewer or by the organisation."""

    query = models.ForeignKey(ReturnQuery, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=20, choices=QuerySide.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        Return, on_delete=models.PROTECT, related_name="verdicts", verbose_name="return"
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
        Collection, on_delete=models.CASCADE, related_name="reminder_plan"
    )
    days_before = models.JSONField(
        default=default_reminder_days, help_text="Days before the deadline, e.g. [28, 14, 7, 1]."
    )
    weekly_when_late = models.BooleanField(
        default=True, help_text="Then every 7 days after the deadline while not submitted."
    )

    def __str__(self) -> str:
        return f"Reminders for {self.collection}"


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

    A Celery task sends it after commit (`submissions.emails`); a periodic sweep queues any
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
        Collection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wres_return = models.ForeignKey(
        Return, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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


# -- NHS Staff Survey results (issue 5: indicators 5 to 8 pre-filled; see submissions/survey) ----


class SurveyLoad(models.Model):
    """One national Staff Survey results file loaded by an NHS England admin.

    Written once by `submissions.survey.services.survey_load`; a later load of the same
    organisations and years replaces their results (the rows point at the load they came from).
    """

    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    row_count = models.PositiveIntegerField(help_text="Figure rows in the file.")
    organisation_count = models.PositiveIntegerField()
    years = models.JSONField(default=list, help_text="The years the file held, e.g. [2026].")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-loaded_at", "-pk")

    def __str__(self) -> str:
        return f"Staff Survey load {self.pk} ({self.original_filename})"


class SurveyResult(models.Model):
    """One organisation's Staff Survey percentages for one indicator (5 to 8) of one year.

    A percentage is empty where the survey published none (too few responses in the group).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="survey_results"
    )
    year = models.PositiveSmallIntegerField()
    indicator = models.PositiveSmallIntegerField(help_text="5, 6, 7 or 8.")
    white_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    bme_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    load = models.ForeignKey(SurveyLoad, on_delete=models.PROTECT, related_name="results")

    class Meta:
        ordering = ("year", "organisation", "indicator")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "year", "indicator"),
                name="one_survey_result_per_indicator_a_year",
            ),
            models.CheckConstraint(
                condition=models.Q(indicator__gte=5) & models.Q(indicator__lte=8),
                name="survey_result_indicator_5_to_8",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(white_pct__isnull=True)
                    | (models.Q(white_pct__gte=0) & models.Q(white_pct__lte=100))
                )
                & (
                    models.Q(bme_pct__isnull=True)
                    | (models.Q(bme_pct__gte=0) & models.Q(bme_pct__lte=100))
                ),
                name="survey_result_percentages_0_to_100",
            ),
        ]
        indexes = [models.Index(fields=("year", "organisation"))]

    def __str__(self) -> str:
        return f"Staff Survey {self.year} indicator {self.indicator} of {self.organisation_id}"
