"""NHS Staff Survey results loaded nationally, which pre-fill indicators 5 to 8 (ADR 0013).

The tables keep the names they had in the `submissions` app (ADR 0015).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SurveyLoad(models.Model):
    """One national Staff Survey results file loaded by an NHS England admin.

    Written once by `survey.services.survey_load`; a later load of the same
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
        db_table = "submissions_surveyload"
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
        db_table = "submissions_surveyresult"
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
