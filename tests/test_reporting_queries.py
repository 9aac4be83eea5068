"""The unit's report page and the period list issue as many queries with many tasks,
updates and periods as with few."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.plans.history import history_refresh
from cchc.plans.models import Area, Task, TaskUpdate
from cchc.plans.services import task_search_text
from tests.test_reporting_world import make_period, write
from tests.world import sign_in


def _more_tasks(world, n: int) -> None:
    areas = list(Area.objects.all())
    tasks = Task.objects.bulk_create(
        Task(
            plan=world.plan,
            area=areas[i % 7],
            code=f"9.{i}",
            title=f"Nhiệm vụ thêm {i}",
            lead_unit=world.units["CTH"],
            due_date=datetime.date(2026, 5, 1 + i % 28),
            search_text=task_search_text(Task(code=f"9.{i}", title=f"Nhiem vu them {i}")),
        )
        for i in range(n)
    )
    TaskUpdate.objects.bulk_create(
        TaskUpdate(
            task=task,
            reported_on=datetime.date(2026, 4, 10),
            progress=40,
            status_before="not_started",
            status_after="in_progress",
            note="Đang triển khai",
            author=world.users["focal_a"],
            unit=world.units["CTH"],
        )
        for task in tasks
    )
    history_refresh(task.pk for task in tasks)  # as the update service keeps it


def _count(client, url: str, shows: str = "") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert shows in response.content.decode()
    return len(ctx.captured_queries)


def test_the_unit_report_page_does_not_grow_with_tasks(world, client):
    period = make_period(world)
    write(world, period, "CTH", "focal_a", results="Kết quả")
    sign_in(client, "focal_a")
    url = f"/reporting/periods/{period.pk}/units/{world.units['CTH'].pk}/"
    _more_tasks(world, 3)
    small = _count(client, url)
    _more_tasks(world, 60)
    assert _count(client, url, shows="Nhiệm vụ thêm 59") == small


def test_the_period_list_does_not_grow_with_periods(world, client):
    sign_in(client, "office")
    make_period(world, "quy_1")
    small = _count(client, "/reporting/")
    make_period(world, "six_months")
    make_period(world, "quy_3")
    make_period(world, "year")
    assert _count(client, "/reporting/", shows="Năm 2026") == small
