"""Why an upload's file was deleted: under the retention policy, or at once because checking
refused it (ADR 0021). Every row is kept; files deleted before this were deleted by retention."""

from django.db import migrations, models


def mark_retention(apps, schema_editor):
    Upload = apps.get_model("uploads", "Upload")
    Upload.objects.filter(file_deleted_at__isnull=False).update(file_deleted_reason="retention")


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="file_deleted_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("retention", "Deleted under the retention policy"),
                    ("refused", "Deleted because checking refused it"),
                ],
                default="",
                editable=False,
                help_text="Why the stored file was deleted: retention, or refused by the check.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="upload",
            name="file_deleted_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the stored file was deleted (the row and result stay).",
                null=True,
            ),
        ),
        migrations.RunPython(mark_retention, migrations.RunPython.noop),
    ]
