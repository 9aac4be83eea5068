"""Migration oversight 0004 folds the number and title of the guidance written before it,
so that the list's search finds them without diacritics."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("oversight", "0003_inspections")]
AFTER = [("oversight", "0004_guidance_search_text")]


def test_existing_guidance_is_found_without_diacritics(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Unit = apps.get_model("orgs", "Unit")
    Guidance = apps.get_model("oversight", "Guidance")
    unit = Unit.objects.create(code="VP", name="Văn phòng", path="/00000001/")
    author = apps.get_model("auth", "User").objects.create(username="vp")
    Guidance.objects.create(
        issuing_unit=unit, number="3/HD-VP", title="Đôn đốc CẢI CÁCH", created_by=author
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Guidance = executor.loader.project_state(AFTER).apps.get_model("oversight", "Guidance")
    assert list(Guidance.objects.values_list("search_text", flat=True)) == [
        "3/hd-vp don doc cai cach"
    ]
