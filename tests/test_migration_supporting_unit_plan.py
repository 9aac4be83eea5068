"""Migration plans 0018 gives each existing supporting-unit link its task's plan."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0017_task_list_order")]
AFTER = [("plans", "0018_supporting_unit_plan")]


def test_each_link_learns_its_tasks_plan(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    from cchc.orgs.models import Unit

    Area = apps.get_model("plans", "Area")
    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    lead = Unit.objects.create(code="U", name="Đơn vị", path="/00000001/")
    helper = Unit.objects.create(code="H", name="Phối hợp", path="/00000001/00000002/")
    area, _ = Area.objects.get_or_create(code=1, defaults={"name": "Chỉ đạo"})
    plans = [
        Plan.objects.create(year=y, title=f"KH {y}", issuing_unit_id=lead.pk) for y in (2025, 2026)
    ]
    tasks = []
    for plan in plans:
        task = Task.objects.create(plan=plan, area=area, title="t", lead_unit_id=lead.pk)
        task.supporting_units.add(helper.pk)
        tasks.append(task)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    SupportingUnit = executor.loader.project_state(AFTER).apps.get_model("plans", "SupportingUnit")
    rows = SupportingUnit.objects.order_by("task_id").values_list("task_id", "unit_id", "plan_id")
    assert list(rows) == [(t.pk, helper.pk, p.pk) for t, p in zip(tasks, plans, strict=True)]
