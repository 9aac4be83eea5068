"""Figures as of a day see the plan as it stood that day: a task added to the issued plan
later is not counted, and a task whose deadline was moved later is judged by the deadline
it had that day (both were taken from today's state before)."""

import datetime

import pytest
from django.urls import reverse

from cchc.plans import selectors, services
from cchc.plans.models import DueDateChange
from cchc.plans.timeliness import Timeliness
from cchc.reporting import data
from tests.test_reporting_world import make_period
from tests.web_helpers import freeze_today

D = datetime.date
NOW = D(2026, 11, 5)


@pytest.fixture
def moved(world, monkeypatch):
    """a_soon is due 20/06; the office moves it to 30/09 on 01/07, to 31/10 on 01/08, and
    adds a task to the plan on 10/07. The suite then stands on 05/11."""
    office, task = world.users["office"], world.tasks["a_soon"]
    assert task.due_date == D(2026, 6, 20)
    freeze_today(monkeypatch, D(2026, 7, 1))
    services.tasks_set_due(actor=office, task_ids=[task.pk], due_date=D(2026, 9, 30))
    freeze_today(monkeypatch, D(2026, 7, 10))
    added = services.task_create(
        actor=office,
        plan=world.plan,
        area=task.area,
        title="Nhiệm vụ bổ sung tháng 7",
        lead_unit=world.units["CTH"],
        due_date=D(2026, 6, 30),
    )
    freeze_today(monkeypatch, D(2026, 8, 1))
    services.task_edit(actor=office, task=task, due_date=D(2026, 10, 31), due_text="Tháng 10/2026")
    freeze_today(monkeypatch, NOW)
    return {"task": task, "added": added}


def judged(world, day: D) -> dict[str, tuple[str, D | None]]:
    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(plan=world.plan.pk), today=day
    )
    return {t.title: (t.timeliness, t.state_due_date) for t in tasks}


def test_each_day_judges_by_the_deadline_of_that_day(world, moved):
    title = moved["task"].title
    assert judged(world, D(2026, 6, 18))[title] == (Timeliness.DUE_SOON, D(2026, 6, 20))
    assert judged(world, D(2026, 6, 25))[title] == (Timeliness.OVERDUE, D(2026, 6, 20))
    assert judged(world, D(2026, 7, 1))[title] == (Timeliness.ON_TRACK, D(2026, 9, 30))
    assert judged(world, D(2026, 7, 31))[title] == (Timeliness.ON_TRACK, D(2026, 9, 30))
    assert judged(world, D(2026, 8, 10))[title] == (Timeliness.ON_TRACK, D(2026, 10, 31))
    assert judged(world, NOW)[title] == (Timeliness.OVERDUE, D(2026, 10, 31))
    moves = DueDateChange.objects.filter(task=moved["task"]).order_by("changed_on")
    assert [(m.changed_on, m.due_date_before, m.due_date_after) for m in moves] == [
        (D(2026, 7, 1), D(2026, 6, 20), D(2026, 9, 30)),
        (D(2026, 8, 1), D(2026, 9, 30), D(2026, 10, 31)),
    ]


def test_a_task_added_later_is_not_in_the_figures_of_an_earlier_day(world, moved):
    added = moved["added"].title
    assert moved["added"].added_on == D(2026, 7, 10)
    assert added not in judged(world, D(2026, 7, 9))
    assert judged(world, D(2026, 7, 10))[added] == (Timeliness.OVERDUE, D(2026, 6, 30))
    assert added in judged(world, NOW)


def test_the_plans_tasks_count_from_its_issue_date(world):
    assert {t.added_on for t in world.plan.tasks.all()} == {D(2026, 1, 10)}
    assert not judged(world, D(2026, 1, 9))
    assert world.draft.tasks.get().added_on is None


def test_a_drafts_deadlines_keep_no_history(world):
    task = world.draft.tasks.get()
    services.task_edit(actor=world.users["office"], task=task, due_date=D(2027, 3, 31))
    assert not DueDateChange.objects.exists()


def test_the_pages_show_that_days_deadline_and_tasks(world, moved, client):
    client.force_login(world.users["office"])
    params = {"plan": world.plan.pk, "as_of": "25/06/2026", "timeliness": "overdue"}
    text = client.get(reverse("plans:task-list"), params).content.decode()
    assert moved["task"].title in text and "20/06/2026" in text
    assert "31/10/2026" not in text and moved["added"].title not in text
    dashboard = client.get(
        reverse("plans:dashboard"), {"plan": world.plan.pk, "as_of": "25/06/2026"}
    )
    assert 'aria-label="Quá hạn: 2"' in dashboard.content.decode()  # a_overdue and a_soon


def test_a_report_as_of_a_day_states_that_days_deadlines(world, moved):
    period = make_period(world)
    overdue = {row["title"]: row for row in data.overdue_tasks(period, D(2026, 6, 25))}
    row = overdue[moved["task"].title]
    assert (row["due_date"], row["days_overdue"]) == ("2026-06-20", 5)
    assert moved["added"].title not in overdue
    later = {row["title"] for row in data.overdue_tasks(period, D(2026, 7, 15))}
    assert moved["task"].title not in later and moved["added"].title in later


def test_moves_on_one_day_leave_one_deadline_for_every_day(world, monkeypatch):
    """Two moves on one day and a third later: each day before, between and after reads
    the deadline that held then, once (the moves' spans never overlap), in the list and
    in the dashboard's count."""
    office, task = world.users["office"], world.tasks["a_soon"]
    for day, due in [(D(2026, 7, 1), D(2026, 8, 31)), (D(2026, 7, 1), D(2026, 9, 30)),
                     (D(2026, 9, 15), D(2026, 12, 31))]:  # fmt: skip
        freeze_today(monkeypatch, day)
        services.task_edit(actor=office, task=task, due_date=due, due_text=f"{due:%d/%m/%Y}")
    freeze_today(monkeypatch, NOW)
    task.refresh_from_db()
    assert task.due_date == D(2026, 12, 31)
    moves = list(DueDateChange.objects.filter(task=task).order_by("changed_on", "id"))
    assert [m.before_from for m in moves] == [None, D(2026, 7, 1), D(2026, 7, 1)]
    day = D(2026, 6, 25)
    while day <= NOW:
        later = [m for m in moves if m.changed_on > day]
        expected = later[0].due_date_before if later else task.due_date
        rows = selectors.task_list(
            user=office, filters=selectors.TaskFilters(plan=world.plan.pk), today=day
        ).filter(pk=task.pk)
        assert [r.state_due_date for r in rows] == [expected], day
        summary = selectors.plan_summary(user=office, plan=world.plan, today=day)
        listed = selectors.task_list(
            user=office, filters=selectors.TaskFilters(plan=world.plan.pk), today=day
        )
        assert sum(row["n"] for row in summary.by_area) == listed.count(), day
        day += datetime.timedelta(days=6)
