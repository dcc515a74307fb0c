"""EmailRecord, moved here from the `submissions` app with their tables (ADR 0015).

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
        ("returns", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="EmailRecord",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("query_raised", "Query raised"),
                                    ("query_message", "Query message"),
                                    ("reminder_scheduled", "Scheduled reminder"),
                                    ("reminder_manual", "Reminder sent by a reviewer"),
                                    ("submitted", "Return submitted"),
                                    ("approval_requested", "Sign-off requested"),
                                    ("return_accepted", "Return accepted"),
                                    ("return_reopened", "Return reopened"),
                                    ("invitation", "Invitation"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("reminder_key", models.CharField(blank=True, max_length=60)),
                        ("recipients", models.JSONField(default=list)),
                        ("subject", models.CharField(max_length=300)),
                        (
                            "body",
                            models.TextField(
                                blank=True,
                                help_text="Plain text; an invitation's is wiped once sent.",
                            ),
                        ),
                        ("system_actor", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "claimed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When a worker last took it to send.",
                                null=True,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "failed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Given up: no recipients, or too many failed attempts.",
                                null=True,
                            ),
                        ),
                        ("last_error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "submissions_emailrecord",
                        "ordering": ("-created_at", "-pk"),
                    },
                ),
                migrations.AddField(
                    model_name="emailrecord",
                    name="collection",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="returns.collection",
                    ),
                ),
                migrations.AddField(
                    model_name="emailrecord",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddField(
                    model_name="emailrecord",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AddField(
                    model_name="emailrecord",
                    name="wres_return",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="returns.return",
                    ),
                ),
                migrations.AddIndex(
                    model_name="emailrecord",
                    index=models.Index(
                        fields=["collection", "kind"], name="submissions_collect_ba6f39_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="emailrecord",
                    index=models.Index(
                        condition=models.Q(("failed_at__isnull", True), ("sent_at__isnull", True)),
                        fields=["created_at"],
                        name="email_pending",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="emailrecord",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("reminder_key", ""), _negated=True),
                        fields=("collection", "organisation", "reminder_key"),
                        name="one_reminder_per_organisation_and_key",
                    ),
                ),
            ],
        ),
    ]
