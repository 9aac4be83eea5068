"""Migration plans 0016 gives each existing deadline move the day of the move before it."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

D = datetime.date
BEFORE = [("plans", "0015_task_open_by_due_index")]
AFTER = [("plans", "0016_due_change_span")]


def test_each_move_learns_the_day_of_the_move_before_it(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    from cchc.orgs.models import Unit

    Area = apps.get_model("plans", "Area")
    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    DueDateChange = apps.get_model("plans", "DueDateChange")
    unit = Unit.objects.create(code="U", name="Đơn vị", path="/00000001/")
    area, _ = Area.objects.get_or_create(code=1, defaults={"name": "Chỉ đạo"})
    plan = Plan.objects.create(year=2025, title="KH", issuing_unit_id=unit.pk)

    def moved(*days):
        task = Task.objects.create(plan=plan, area=area, title="t", lead_unit_id=unit.pk)
        for day in days:
            DueDateChange.objects.create(
                task=task, changed_on=day, is_recurring_before=False, is_recurring_after=False
            )
        return task

    # Written out of order: two moves on one day, then one before them.
    twice = moved(D(2025, 6, 1), D(2025, 6, 1), D(2025, 3, 1))
    once = moved(D(2025, 4, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    DueDateChange = executor.loader.project_state(AFTER).apps.get_model("plans", "DueDateChange")

    def spans(task):
        rows = DueDateChange.objects.filter(task_id=task.pk).order_by("changed_on", "id")
        return list(rows.values_list("before_from", "changed_on"))

    assert spans(twice) == [
        (None, D(2025, 3, 1)),
        (D(2025, 3, 1), D(2025, 6, 1)),
        (D(2025, 6, 1), D(2025, 6, 1)),
    ]
    assert spans(once) == [(None, D(2025, 4, 1))]
