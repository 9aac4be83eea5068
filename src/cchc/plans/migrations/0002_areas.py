from django.db import migrations

from cchc.plans.areas import seed_areas


def seed(apps, schema_editor):
    seed_areas(apps.get_model("plans", "Area"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
