"""Publications point at `returns.Collection` and `returns.ReturnVersion`, moved from
`submissions` with their tables (ADR 0015): state only, the foreign keys already reference them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("extracts", "0001_initial"),
        ("returns", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="publication",
                    name="collection",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publications",
                        to="returns.collection",
                    ),
                ),
                migrations.AlterField(
                    model_name="publishedreturn",
                    name="version",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="returns.returnversion",
                    ),
                ),
            ],
        ),
    ]
