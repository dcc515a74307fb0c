"""Gives the return's details (contact, narrative, publication links) their own field on drafts
and versions, moving them out of `explanations`, where they were kept under "detail:" keys."""

from typing import Any

from django.db import migrations, models

PREFIX = "detail:"
MODELS = ("Return", "ReturnVersion")


def _rewrite(apps: Any, rewrite: Any) -> None:
    for name in MODELS:
        model = apps.get_model("submissions", name)
        # Changes are collected first and written after: no update while a cursor is open.
        changed = []
        rows = model.objects.values_list("pk", "explanations", "details")
        for pk, explanations, details in rows.iterator(chunk_size=2000):
            new = rewrite(dict(explanations or {}), dict(details or {}))
            if new != (explanations, details):
                changed.append((pk, new))
        for pk, (explanations, details) in changed:
            # A queryset update: the historical model has no immutability guard, and a version
            # row keeps every other field exactly as submitted.
            model.objects.filter(pk=pk).update(explanations=explanations, details=details)


def _details_out(explanations: dict, details: dict) -> tuple[dict, dict]:
    moved = {
        k.removeprefix(PREFIX): text for k, text in explanations.items() if k.startswith(PREFIX)
    }
    kept = {key: text for key, text in explanations.items() if not key.startswith(PREFIX)}
    return kept, {**details, **moved}


def _details_back(explanations: dict, details: dict) -> tuple[dict, dict]:
    return {**explanations, **{PREFIX + name: text for name, text in details.items()}}, {}


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _details_out)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _details_back)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="return",
            name="details",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Detail name -> text: contact, narrative and publication links (draft).",
            ),
        ),
        migrations.AddField(
            model_name="returnversion",
            name="details",
            field=models.JSONField(
                blank=True, default=dict, help_text="Contact, narrative and links, as submitted."
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
