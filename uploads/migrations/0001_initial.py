"""Upload, moved here from the `submissions` app with their tables (ADR 0015).

State only: the tables were made by `submissions`' migrations and keep their names
(`Meta.db_table`), so a database of the old layout keeps every row; on a new database the
`submissions` migrations make them first. `submissions.0008` then drops the old models' state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import uploads.models


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
                    name="Upload",
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
                        (
                            "file",
                            models.FileField(
                                max_length=255, storage=uploads.models.upload_storage, upload_to=""
                            ),
                        ),
                        ("size", models.PositiveIntegerField()),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("checking", "Checking"),
                                    ("ready", "Ready to apply"),
                                    ("applied", "Applied"),
                                    ("rejected", "Rejected"),
                                ],
                                db_index=True,
                                default="received",
                                max_length=20,
                            ),
                        ),
                        ("result", models.JSONField(blank=True, editable=False, null=True)),
                        (
                            "return_version",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="The return's version the result was worked out against.",
                                null=True,
                            ),
                        ),
                        ("error_count", models.PositiveIntegerField(default=0)),
                        ("warning_count", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("checked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        (
                            "decided_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                help_text="When it was applied or discarded.",
                                null=True,
                            ),
                        ),
                        (
                            "file_deleted_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                help_text="When the retention policy deleted the stored file (the row and result stay).",
                                null=True,
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="uploads",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
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
                                related_name="uploads",
                                to="returns.return",
                                verbose_name="return",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_upload",
                        "ordering": ("-created_at", "-pk"),
                        "indexes": [
                            models.Index(
                                fields=["wres_return", "created_at"],
                                name="submissions_wres_re_34a168_idx",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
