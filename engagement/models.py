"""Engagements with organisations, the actions agreed at them, and the practice library."""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import models

from organisations.models import Organisation

#: The WRES indicators an engagement may address (1-9), and those with relative likelihoods.
INDICATORS: Final[tuple[int, ...]] = tuple(range(1, 10))
RL_INDICATORS: Final[tuple[int, ...]] = (2, 3, 4)
INDICATOR_NAMES: Final[dict[int, str]] = {
    1: "Workforce by pay band",
    2: "Appointment from shortlisting",
    3: "Formal disciplinary process",
    4: "Non-mandatory training and CPD",
    5: "Harassment from patients and the public",
    6: "Harassment from staff",
    7: "Belief in equal opportunities for career progression",
    8: "Discrimination from a manager or colleague",
    9: "Board membership",
}


class EngagementKind(models.TextChoices):
    BOARD = "board", "Board session"
    EXECUTIVE = "executive", "Executive team"
    STAFF_NETWORK = "staff_network", "Staff network"
    REGIONAL = "regional", "Regional event"


class Origin(models.TextChoices):
    REQUESTED = "requested", "Requested by the organisation"
    TARGETED = "targeted", "Targeted by need (from the data)"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Engagement(models.Model):
    """One engagement of the WRES team with an organisation's leaders or staff."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="engagements"
    )
    held_on = models.DateField("date")
    kind = models.CharField(max_length=20, choices=EngagementKind.choices)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    indicators = models.JSONField(
        default=list, blank=True, help_text="The WRES indicators addressed: a sorted list of 1-9."
    )
    people_present = models.TextField(
        blank=True, help_text="Roles, not names (for example: chair, chief people officer)."
    )
    follow_up = models.TextField("follow-up notes", blank=True)
    figures = models.JSONField(
        default=dict,
        blank=True,
        help_text="The organisation's figures from 'where to engage' when the engagement was "
        "started from there (unsuppressed: for the WRES team).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements_recorded",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-held_on", "-pk")
        indexes = [models.Index(fields=("organisation", "held_on"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.organisation.ods_code} on {self.held_on}"

    @property
    def wres_year(self) -> int:
        """The WRES year the engagement falls in: the 12 months to 31 March of that year."""
        return self.held_on.year + (1 if self.held_on.month >= 4 else 0)


class Action(models.Model):
    """An action agreed at an engagement, owned by a role at the organisation."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="actions")
    # The organisation key on the row it owns, so that every query can be scoped by it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="engagement_actions"
    )
    description = models.TextField()
    owner_role = models.CharField("owner (role)", max_length=200)
    due_on = models.DateField("due date")
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_actions_updated",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return f"Action for {self.organisation.ods_code} due {self.due_on}"


class CaseStudy(models.Model):
    """What a sustained improver did on one indicator, for others to learn from."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_studies"
    )
    indicator = models.PositiveSmallIntegerField(
        choices=[(k, f"Indicator {k}: {INDICATOR_NAMES[k]}") for k in RL_INDICATORS]
    )
    summary = models.TextField(help_text="What the organisation did, in a few paragraphs.")
    contact_role = models.CharField(max_length=200, help_text="A role, not a name.")
    report_url = models.URLField("published WRES report", max_length=500, blank=True)
    action_plan_url = models.URLField("published action plan", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_studies_recorded",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_studies_updated",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("indicator", "organisation__name")
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return f"Case study: {self.organisation.ods_code}, indicator {self.indicator}"
