"""Migration orgs 0005 gives each existing alias an owner: the root of its unit's tree."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orgs", "0004_unit_document_settings")]
AFTER = [("orgs", "0005_unit_alias_owner")]


def test_an_existing_alias_belongs_to_the_root_of_its_units_tree(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Unit = apps.get_model("orgs", "Unit")
    UnitAlias = apps.get_model("orgs", "UnitAlias")
    root = Unit.objects.create(code="BQP", name="Bộ", path="")
    root.path = f"/{root.pk:08d}/"
    root.save()
    below = Unit.objects.create(code="TCCT", name="Tổng cục", parent=root)
    below.path = f"{root.path}{below.pk:08d}/"
    below.save()
    UnitAlias.objects.create(unit=below, alias="TC", folded="tc")
    UnitAlias.objects.create(unit=root, alias="Bộ QP", folded="bo qp")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    owners = dict(apps.get_model("orgs", "UnitAlias").objects.values_list("alias", "owner_id"))
    assert owners == {"TC": root.pk, "Bộ QP": root.pk}
