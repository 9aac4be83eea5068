"""An index on the supporting units by unit, then task: the scope of a unit's officers (the
tasks their branch supports) reads it alone. With only the unit's own index, PostgreSQL
read the whole table for it, which grows with every year of plans (a focal officer's
dashboard: 41 of its 77 ms with ten years). The table is Django's own for the
many-to-many field, so the index is made here rather than declared on a model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("plans", "0012_search_trigram_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX supporting_unit_task ON plans_task_supporting_units (unit_id, task_id)",
            "DROP INDEX supporting_unit_task",
        )
    ]
