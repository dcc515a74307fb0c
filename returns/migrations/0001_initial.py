"""Collection, Return and ReturnVersion, moved here from the `submissions` app with their tables (ADR 0015).

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
                    name="Collection",
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
                            "name",
                            models.CharField(
                                help_text='For example "WRES 2026".', max_length=100, unique=True
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                help_text="The year of the snapshot.", unique=True
                            ),
                        ),
                        (
                            "snapshot_date",
                            models.DateField(
                                help_text="The workforce snapshot: 31 March of the year."
                            ),
                        ),
                        ("opens_on", models.DateField()),
                        (
                            "deadline",
                            models.DateField(
                                help_text="Submissions after this day need a reason for lateness."
                            ),
                        ),
                        ("closes_on", models.DateField()),
                        (
                            "organisation_types",
                            models.JSONField(
                                default=list,
                                help_text="Codes of the organisation types that must submit.",
                            ),
                        ),
                        ("opened_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "submissions_collection",
                        "ordering": ("-year",),
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("opens_on__lte", models.F("deadline")),
                                    ("deadline__lte", models.F("closes_on")),
                                ),
                                name="collection_dates_in_order",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Return",
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
                            "state",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("submitted", "Submitted"),
                                    ("queried", "Queried"),
                                    ("accepted", "Accepted"),
                                ],
                                db_index=True,
                                default="draft",
                                max_length=20,
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        (
                            "values",
                            models.JSONField(
                                blank=True, default=dict, help_text="Item code -> value (draft)."
                            ),
                        ),
                        (
                            "filled_items",
                            models.PositiveSmallIntegerField(default=0, editable=False),
                        ),
                        (
                            "explanations",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Warning key -> the organisation's explanation.",
                            ),
                        ),
                        (
                            "details",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Detail name -> text: contact, narrative and publication links (draft).",
                            ),
                        ),
                        (
                            "latest_check",
                            models.JSONField(
                                blank=True,
                                editable=False,
                                help_text="Metrics and issues of the last check.",
                                null=True,
                            ),
                        ),
                        ("checked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        (
                            "checked_version",
                            models.PositiveIntegerField(blank=True, editable=False, null=True),
                        ),
                        (
                            "last_submitted_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        (
                            "sent_back_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                help_text="When a reviewer last queried or reopened it (allows submission after close).",
                                null=True,
                            ),
                        ),
                        (
                            "accepted_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "collection",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="returns",
                                to="returns.collection",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="returns",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_return",
                        "ordering": ("collection", "organisation"),
                    },
                ),
                migrations.CreateModel(
                    name="ReturnVersion",
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
                            "number",
                            models.PositiveIntegerField(help_text="1, 2, ... within the return."),
                        ),
                        (
                            "values",
                            models.JSONField(
                                help_text="As submitted, with pre-filled previous-year items."
                            ),
                        ),
                        ("metrics", models.JSONField()),
                        (
                            "issues",
                            models.JSONField(
                                help_text="Warnings at submission (errors block submission)."
                            ),
                        ),
                        ("explanations", models.JSONField(blank=True, default=dict)),
                        (
                            "details",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Contact, narrative and links, as submitted.",
                            ),
                        ),
                        ("submitted_at", models.DateTimeField()),
                        ("approver_name", models.CharField(max_length=200)),
                        ("approver_job_title", models.CharField(blank=True, max_length=200)),
                        ("board_approved_on", models.DateField(blank=True, null=True)),
                        ("report_url", models.URLField(blank=True, max_length=500)),
                        ("action_plan_url", models.URLField(blank=True, max_length=500)),
                        ("is_late", models.BooleanField(default=False)),
                        ("late_reason", models.TextField(blank=True)),
                        (
                            "synthetic",
                            models.BooleanField(default=False, help_text="Made-up demo data."),
                        ),
                        (
                            "approver",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "collection",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="return_versions",
                                to="returns.collection",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="return_versions",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "previous_version",
                            models.ForeignKey(
                                blank=True,
                                help_text="Last year's accepted version the checks compared against.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="returns.returnversion",
                            ),
                        ),
                        (
                            "submitted_by",
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
                                related_name="versions",
                                to="returns.return",
                                verbose_name="return",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_returnversion",
                        "ordering": ("wres_return", "number"),
                    },
                ),
                migrations.AddField(
                    model_name="return",
                    name="accepted_version",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The version last accepted; it stays when the return is reopened.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="returns.returnversion",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="returnversion",
                    constraint=models.UniqueConstraint(
                        fields=("wres_return", "number"), name="version_number_unique"
                    ),
                ),
                migrations.AddIndex(
                    model_name="return",
                    index=models.Index(
                        fields=["collection", "state"], name="submissions_collect_a57738_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="return",
                    constraint=models.UniqueConstraint(
                        fields=("organisation", "collection"),
                        name="one_return_per_organisation_a_year",
                    ),
                ),
            ],
        ),
    ]
