"""Whether a query needs a change to the return, and NHS England's reasons for reopening (issue 14).

`ReturnQuery.needs_change` is added with a default (False: "reply to this query", what every
query asked until now), so every row stays. `ReturnReopening` is a new table, filled from the
audit trail's `return.reopened` events made by a reviewer (the only record of a reason so far,
kept there to 1,000 characters): a return reopened before this migration shows its reason too.
Going back drops the new column and table; the audit events are untouched either way.
"""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def reopenings_from_audit(apps: Any, schema_editor: Any) -> None:
    """One `ReturnReopening` per reviewer's `return.reopened` event whose return still exists."""
    events = apps.get_model("audit", "AuditEvent").objects.filter(
        action="return.reopened", object_type__in=("returns.return", "submissions.return")
    )
    returns = apps.get_model("returns", "Return").objects
    reopening = apps.get_model("review", "ReturnReopening")
    rows = []
    for event in events.order_by("occurred_at", "pk").iterator():
        detail = event.detail if isinstance(event.detail, dict) else {}
        if detail.get("as_reviewer") is not True or not str(event.object_id).isdigit():
            continue
        found = returns.filter(pk=int(event.object_id)).values("pk", "organisation_id").first()
        if found is None:
            continue
        number = detail.get("from_version_number")
        rows.append(
            reopening(
                organisation_id=found["organisation_id"],
                wres_return_id=found["pk"],
                reason=str(detail.get("reason") or ""),
                from_state=str(detail.get("from_state") or "accepted"),
                version_number=number if isinstance(number, int) and number > 0 else None,
                reopened_by_id=event.actor_id,
                reopened_at=event.occurred_at,
            )
        )
    reopening.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("organisations", "0002_membership"),
        ("returns", "0001_initial"),
        ("review", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="returnquery",
            name="needs_change",
            field=models.BooleanField(
                default=False,
                help_text="The organisation must change the return and submit it again (not only reply).",
            ),
        ),
        migrations.CreateModel(
            name="ReturnReopening",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField()),
                (
                    "from_state",
                    models.CharField(help_text="The state it was reopened from.", max_length=20),
                ),
                (
                    "version_number",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The version that stood when it was reopened.",
                        null=True,
                    ),
                ),
                ("reopened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "reopened_by",
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
                        related_name="reopenings",
                        to="returns.return",
                        verbose_name="return",
                    ),
                ),
            ],
            options={
                "ordering": ("wres_return", "-reopened_at", "-pk"),
                "indexes": [
                    models.Index(
                        fields=["wres_return", "reopened_at"], name="review_retu_wres_re_9d77d8_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(reopenings_from_audit, migrations.RunPython.noop, elidable=True),
    ]
