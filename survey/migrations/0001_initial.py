"""SurveyLoad and SurveyResult, moved here from the `submissions` app with their tables (ADR 0015).

State only: the tables were made by `submissions`' migrations and keep their names
(`Meta.db_table`), so a database of the old layout keeps every row; on a new database the
`submissions` migrations make them first. `submissions.0008` then drops the old models' state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("submissions", "0007_upload_file_deleted_at"),
        ("organisations", "0002_membership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="SurveyLoad",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("original_filename", models.CharField(max_length=255)),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveIntegerField()),
                        (
                            "row_count",
                            models.PositiveIntegerField(help_text="Figure rows in the file."),
                        ),
                        ("organisation_count", models.PositiveIntegerField()),
                        (
                            "years",
                            models.JSONField(
                                default=list, help_text="The years the file held, e.g. [2026]."
                            ),
                        ),
                        ("loaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "loaded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_surveyload",
                        "ordering": ("-loaded_at", "-pk"),
                    },
                ),
                migrations.CreateModel(
                    name="SurveyResult",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField()),
                        ("indicator", models.PositiveSmallIntegerField(help_text="5, 6, 7 or 8.")),
                        (
                            "white_pct",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=5, null=True
                            ),
                        ),
                        (
                            "bme_pct",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=5, null=True
                            ),
                        ),
                        (
                            "load",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="results",
                                to="survey.surveyload",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="survey_results",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_surveyresult",
                        "ordering": ("year", "organisation", "indicator"),
                        "indexes": [
                            models.Index(
                                fields=["year", "organisation"], name="submissions_year_70fb85_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "year", "indicator"),
                                name="one_survey_result_per_indicator_a_year",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("indicator__gte", 5), ("indicator__lte", 8)),
                                name="survey_result_indicator_5_to_8",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("white_pct__isnull", True),
                                        models.Q(("white_pct__gte", 0), ("white_pct__lte", 100)),
                                        _connector="OR",
                                    ),
                                    models.Q(
                                        ("bme_pct__isnull", True),
                                        models.Q(("bme_pct__gte", 0), ("bme_pct__lte", 100)),
                                        _connector="OR",
                                    ),
                                ),
                                name="survey_result_percentages_0_to_100",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
