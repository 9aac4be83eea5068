from django.db import migrations


def repath(apps, schema_editor):
    # Paths become zero-padded so that ordering by path walks the tree in order.
    Unit = apps.get_model("orgs", "Unit")
    paths = {}
    pending = list(Unit.objects.order_by("id").values_list("id", "parent_id"))
    while pending:
        rest = []
        for pk, parent_id in pending:
            if parent_id is None or parent_id in paths:
                paths[pk] = f"{paths.get(parent_id, '/')}{pk:08d}/"
            else:
                rest.append((pk, parent_id))
        if len(rest) == len(pending):
            raise RuntimeError("the unit tree has a cycle")
        pending = rest
    for pk, path in paths.items():
        Unit.objects.filter(pk=pk).update(path=path)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_unit_alias_group")]
    operations = [migrations.RunPython(repath, migrations.RunPython.noop)]
