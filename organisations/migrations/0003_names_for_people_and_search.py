"""Organisation names for people and for search (ADR 0017).

Adds ``register_name`` (the ODS register's name, as given) and ``search_name`` (the name reduced
for searching), then fills both for every existing row: a name in capitals came from the
register, so it is kept in ``register_name`` and ``name`` becomes its title case; a name with a
lower-case letter was written by a person and stays as it is. Every row is kept; reversing puts
the register's names back in ``name``.
"""

from django.db import migrations, models

from organisations.names import display_name, search_key

BATCH = 500


def fill_names(apps, schema_editor):
    organisation_model = apps.get_model("organisations", "Organisation")
    changed = []
    for organisation in organisation_model.objects.order_by("pk").iterator(chunk_size=BATCH):
        if not any(ch.islower() for ch in organisation.name):
            organisation.register_name = organisation.name
            organisation.name = display_name(organisation.name)
        organisation.search_name = search_key(organisation.name)[:500]
        changed.append(organisation)
    organisation_model.objects.bulk_update(
        changed, ["name", "register_name", "search_name"], batch_size=BATCH
    )


def restore_register_names(apps, schema_editor):
    organisation_model = apps.get_model("organisations", "Organisation")
    restored = []
    for organisation in organisation_model.objects.exclude(register_name="").order_by("pk"):
        organisation.name = organisation.register_name
        restored.append(organisation)
    organisation_model.objects.bulk_update(restored, ["name"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_membership"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="register_name",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                help_text="Exactly as the register gives it (in capitals), for reconciliation. "
                "Empty for organisations not in the register.",
                max_length=255,
                verbose_name="name in the ODS register",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="search_name",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                editable=False,
                help_text="The name reduced for searching (organisations.names.search_key), "
                "kept on save.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name",
            field=models.CharField(
                help_text="As people read it (title case). The ODS import sets it from the "
                "register's name when that changes; an admin may correct it.",
                max_length=255,
            ),
        ),
        migrations.RunPython(fill_names, restore_register_names, elidable=False),
    ]
