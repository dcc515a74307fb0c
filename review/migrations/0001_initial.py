"""ReviewAssignment, ReturnQuery, QueryMessage, ExplanationVerdict and ReminderPlan, moved here from the `submissions` app with their tables (ADR 0015).

State only: the tables were made by `submissions`' migrations and keep their names
(`Meta.db_table`), so a database of the old layout keeps every row; on a new database the
`submissions` migrations make them first. `submissions.0008` then drops the old models' state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import review.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("submissions", "0007_upload_file_deleted_at"),
        ("organisations", "0002_membership"),
        ("returns", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ReminderPlan",
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
                        (
                            "days_before",
                            models.JSONField(
                                default=review.models.default_reminder_days,
                                help_text="Days before the deadline, e.g. [28, 14, 7, 1].",
                            ),
                        ),
                        (
                            "weekly_when_late",
                            models.BooleanField(
                                default=True,
                                help_text="Then every 7 days after the deadline while not submitted.",
                            ),
                        ),
                        (
                            "collection",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reminder_plan",
                                to="returns.collection",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_reminderplan",
                    },
                ),
                migrations.CreateModel(
                    name="ReturnQuery",
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
                        (
                            "indicator",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="1 to 9, or empty for the whole return.",
                                null=True,
                            ),
                        ),
                        (
                            "version_number",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="The submitted version the question was asked about.",
                                null=True,
                            ),
                        ),
                        ("due_on", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("resolved", "Resolved")],
                                db_index=True,
                                default="open",
                                max_length=20,
                            ),
                        ),
                        (
                            "awaiting",
                            models.CharField(
                                choices=[
                                    ("reviewer", "NHS England"),
                                    ("organisation", "Organisation"),
                                ],
                                default="organisation",
                                help_text="Whose answer the thread waits for (the other side wrote last).",
                                max_length=20,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="return_queries",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "raised_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "resolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "wres_return",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="queries",
                                to="returns.return",
                                verbose_name="return",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_returnquery",
                        "ordering": ("wres_return", "-created_at", "-pk"),
                    },
                ),
                migrations.CreateModel(
                    name="QueryMessage",
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
                        (
                            "side",
                            models.CharField(
                                choices=[
                                    ("reviewer", "NHS England"),
                                    ("organisation", "Organisation"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("text", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "query",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="review.returnquery",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_querymessage",
                        "ordering": ("query", "created_at", "pk"),
                    },
                ),
                migrations.CreateModel(
                    name="ReviewAssignment",
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
                        ("assigned_at", models.DateTimeField(auto_now=True)),
                        (
                            "assigned_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "wres_return",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignment",
                                to="returns.return",
                                verbose_name="return",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_reviewassignment",
                    },
                ),
                migrations.CreateModel(
                    name="ExplanationVerdict",
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
                        ("version_number", models.PositiveIntegerField()),
                        ("warning_key", models.CharField(max_length=100)),
                        (
                            "verdict",
                            models.CharField(
                                choices=[
                                    ("accepted", "Explanation accepted"),
                                    ("not_accepted", "Explanation not accepted"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("comment", models.TextField(blank=True)),
                        ("decided_at", models.DateTimeField(auto_now=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "wres_return",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="verdicts",
                                to="returns.return",
                                verbose_name="return",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_explanationverdict",
                        "ordering": ("wres_return", "version_number", "warning_key"),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("wres_return", "version_number", "warning_key"),
                                name="one_verdict_per_warning_and_version",
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="returnquery",
                    index=models.Index(
                        fields=["wres_return", "status"], name="submissions_wres_re_19a556_idx"
                    ),
                ),
            ],
        ),
    ]
