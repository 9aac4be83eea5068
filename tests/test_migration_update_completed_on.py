"""Migration plans 0004 gives existing updates the completion date the task had after them."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

D = datetime.date
BEFORE = [("plans", "0003_task_unit_texts")]
AFTER = [("plans", "0004_update_completed_on")]


def test_backfill_reads_each_tasks_history(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    # Units and users as they are today: only the plans app is taken back.
    from django.contrib.auth import get_user_model

    from cchc.orgs.models import Unit

    User = get_user_model()
    Area = apps.get_model("plans", "Area")
    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    TaskUpdate = apps.get_model("plans", "TaskUpdate")
    user = User.objects.create(username="old")
    unit = Unit.objects.create(code="U", name="Đơn vị", path="/00000001/")
    unit_id = unit.pk
    area, _ = Area.objects.get_or_create(code=1, defaults={"name": "Chỉ đạo"})
    plan = Plan.objects.create(year=2025, title="KH", issuing_unit_id=unit_id)

    def task(status, completed_on, *updates):
        made = Task.objects.create(
            plan=plan, area=area, title=status, lead_unit_id=unit_id, status=status,
            completed_on=completed_on,
        )  # fmt: skip
        for on, after in updates:
            TaskUpdate.objects.create(
                task=made, reported_on=on, progress=100 if after == "done" else 50,
                status_before="not_started", status_after=after, author_id=user.pk, unit_id=unit_id,
            )  # fmt: skip
        return made

    # Done on 3/3 (the task says so), reported 5/3, a note on 9/3 keeps it done.
    done = task("done", D(2025, 3, 3), (D(2025, 3, 5), "done"), (D(2025, 3, 9), "done"))
    # Done in February, reopened in March, done again in May.
    again = task(
        "done", D(2025, 5, 2),
        (D(2025, 2, 1), "done"), (D(2025, 3, 1), "in_progress"), (D(2025, 5, 2), "done"),
    )  # fmt: skip
    open_ = task("in_progress", None, (D(2025, 4, 1), "in_progress"))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    TaskUpdate = apps.get_model("plans", "TaskUpdate")

    def dates(task):
        rows = TaskUpdate.objects.filter(task_id=task.pk).order_by("reported_on")
        return list(rows.values_list("completed_on", flat=True))

    assert dates(done) == [D(2025, 3, 3), D(2025, 3, 3)]
    assert dates(again) == [D(2025, 2, 1), None, D(2025, 5, 2)]
    assert dates(open_) == [None]
