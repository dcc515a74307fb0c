"""The collection's models leave this app for `returns`, `uploads`, `review`, `survey` and
`notifications` (ADR 0015), keeping their tables and rows.

State only for the models (their new apps' first migrations take them over, same tables). The
content types move with them, so permissions granted on them and admin history stay attached.
"""

from django.db import migrations

#: Each moved model (content type name) and the app it now belongs to.
MOVED = {
    "collection": "returns",
    "return": "returns",
    "returnversion": "returns",
    "upload": "uploads",
    "reviewassignment": "review",
    "returnquery": "review",
    "querymessage": "review",
    "explanationverdict": "review",
    "reminderplan": "review",
    "emailrecord": "notifications",
    "surveyload": "survey",
    "surveyresult": "survey",
}


def _move_content_types(apps, *, forward):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, new_label in MOVED.items():
        source, target = ("submissions", new_label) if forward else (new_label, "submissions")
        if content_type.objects.filter(app_label=target, model=model).exists():
            continue  # made already (by a post_migrate run): leave both rather than clash
        content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, forward=True)


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_initial"),
        ("returns", "0001_initial"),
        ("review", "0001_initial"),
        ("survey", "0001_initial"),
        ("uploads", "0001_initial"),
        ("extracts", "0002_models_from_returns"),
        ("submissions", "0007_upload_file_deleted_at"),
    ]

    operations = [
        migrations.RunPython(content_types_forward, content_types_backward),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="collection",
                    name="collection_dates_in_order",
                ),
                migrations.RemoveField(
                    model_name="reminderplan",
                    name="collection",
                ),
                migrations.RemoveIndex(
                    model_name="emailrecord",
                    name="submissions_collect_ba6f39_idx",
                ),
                migrations.RemoveIndex(
                    model_name="emailrecord",
                    name="email_pending",
                ),
                migrations.RemoveConstraint(
                    model_name="emailrecord",
                    name="one_reminder_per_organisation_and_key",
                ),
                migrations.RemoveConstraint(
                    model_name="explanationverdict",
                    name="one_verdict_per_warning_and_version",
                ),
                migrations.RemoveField(
                    model_name="querymessage",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="querymessage",
                    name="query",
                ),
                migrations.RemoveIndex(
                    model_name="return",
                    name="submissions_collect_a57738_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="return",
                    name="one_return_per_organisation_a_year",
                ),
                migrations.RemoveField(
                    model_name="reviewassignment",
                    name="wres_return",
                ),
                migrations.RemoveIndex(
                    model_name="returnquery",
                    name="submissions_wres_re_19a556_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="returnversion",
                    name="version_number_unique",
                ),
                migrations.RemoveField(
                    model_name="reviewassignment",
                    name="assigned_by",
                ),
                migrations.RemoveField(
                    model_name="reviewassignment",
                    name="reviewer",
                ),
                migrations.RemoveField(
                    model_name="surveyload",
                    name="loaded_by",
                ),
                migrations.RemoveIndex(
                    model_name="surveyresult",
                    name="submissions_year_70fb85_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="surveyresult",
                    name="one_survey_result_per_indicator_a_year",
                ),
                migrations.RemoveConstraint(
                    model_name="surveyresult",
                    name="survey_result_indicator_5_to_8",
                ),
                migrations.RemoveConstraint(
                    model_name="surveyresult",
                    name="survey_result_percentages_0_to_100",
                ),
                migrations.RemoveIndex(
                    model_name="upload",
                    name="submissions_wres_re_34a168_idx",
                ),
                migrations.DeleteModel(
                    name="ReminderPlan",
                ),
                migrations.RemoveField(
                    model_name="emailrecord",
                    name="collection",
                ),
                migrations.RemoveField(
                    model_name="emailrecord",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="emailrecord",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="emailrecord",
                    name="wres_return",
                ),
                migrations.RemoveField(
                    model_name="explanationverdict",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="explanationverdict",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="explanationverdict",
                    name="wres_return",
                ),
                migrations.DeleteModel(
                    name="QueryMessage",
                ),
                migrations.RemoveField(
                    model_name="return",
                    name="accepted_by",
                ),
                migrations.RemoveField(
                    model_name="return",
                    name="accepted_version",
                ),
                migrations.RemoveField(
                    model_name="return",
                    name="collection",
                ),
                migrations.RemoveField(
                    model_name="return",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="returnquery",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="returnquery",
                    name="raised_by",
                ),
                migrations.RemoveField(
                    model_name="returnquery",
                    name="resolved_by",
                ),
                migrations.RemoveField(
                    model_name="returnquery",
                    name="wres_return",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="approver",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="collection",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="previous_version",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="submitted_by",
                ),
                migrations.RemoveField(
                    model_name="returnversion",
                    name="wres_return",
                ),
                migrations.DeleteModel(
                    name="ReviewAssignment",
                ),
                migrations.RemoveField(
                    model_name="surveyresult",
                    name="load",
                ),
                migrations.RemoveField(
                    model_name="surveyresult",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="upload",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="upload",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="upload",
                    name="uploaded_by",
                ),
                migrations.RemoveField(
                    model_name="upload",
                    name="wres_return",
                ),
                migrations.DeleteModel(
                    name="EmailRecord",
                ),
                migrations.DeleteModel(
                    name="ExplanationVerdict",
                ),
                migrations.DeleteModel(
                    name="ReturnQuery",
                ),
                migrations.DeleteModel(
                    name="Collection",
                ),
                migrations.DeleteModel(
                    name="ReturnVersion",
                ),
                migrations.DeleteModel(
                    name="SurveyLoad",
                ),
                migrations.DeleteModel(
                    name="SurveyResult",
                ),
                migrations.DeleteModel(
                    name="Return",
                ),
                migrations.DeleteModel(
                    name="Upload",
                ),
            ],
        ),
    ]
