"""The guidance list searches number and title folded (lower case, no diacritics): the
column, and its value for the guidance written before it."""

from django.db import migrations, models

from cchc.lib.text import fold


def fill(apps, schema_editor):
    Guidance = apps.get_model("oversight", "Guidance")
    rows = list(Guidance.objects.only("number", "title"))
    for guidance in rows:
        guidance.search_text = fold(f"{guidance.number} {guidance.title}")
    Guidance.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0003_inspections"),
    ]

    operations = [
        migrations.AddField(
            model_name="guidance",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
