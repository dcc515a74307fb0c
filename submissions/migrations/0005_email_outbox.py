"""Makes `EmailRecord` the outbox: the body is stored with the row, which a worker claims,
sends and marks sent (or failed); emails outside a collection (invitations) are allowed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("submissions", "0004_return_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="emailrecord",
            name="body",
            field=models.TextField(
                blank=True, help_text="Plain text; an invitation's is wiped once sent."
            ),
        ),
        migrations.AddField(
            model_name="emailrecord",
            name="claimed_at",
            field=models.DateTimeField(
                blank=True, null=True, help_text="When a worker last took it to send."
            ),
        ),
        migrations.AddField(
            model_name="emailrecord",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="emailrecord",
            name="failed_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                help_text="Given up: no recipients, or too many failed attempts.",
            ),
        ),
        migrations.AddField(
            model_name="emailrecord",
            name="last_error",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="emailrecord",
            name="kind",
            field=models.CharField(
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
        migrations.AlterField(
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
        migrations.AlterField(
            model_name="emailrecord",
            name="collection",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="submissions.collection",
            ),
        ),
        # Rows written before the outbox were sent in process: those without `sent_at` were
        # lost or had nobody to send to. They have no body to send now, so close them.
        migrations.RunSQL(
            "UPDATE submissions_emailrecord SET failed_at = created_at, "
            "last_error = 'Recorded before the outbox; never sent.' WHERE sent_at IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="emailrecord",
            index=models.Index(
                condition=models.Q(("failed_at__isnull", True), ("sent_at__isnull", True)),
                fields=["created_at"],
                name="email_pending",
            ),
        ),
    ]
