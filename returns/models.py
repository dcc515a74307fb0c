"""Collections (one a year), returns (one per organisation per collection) and their versions.

State changes happen only in `returns.services`; these models hold data, derived
properties and the rules that keep a version immutable. The tables keep the names they had in
the `submissions` app (ADR 0015).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        db_table = "submissions_collection"
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
    n + 1 (see `returns.services.rows`). Frozen submissions are `ReturnVersion` rows.
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
        db_table = "submissions_return"
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
        db_table = "submissions_returnversion"
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
