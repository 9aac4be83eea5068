"""The state of a task as of a date, from its history (plans.history).

A year of history, 2025, built through the update service with the dates the units
reported; the state and timeliness as of every reporting period's cut-off are checked in
Python and in SQL against what the test itself reads from the updates, and against a table
written out by hand.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.plans import progress, selectors, services
from cchc.plans.history import annotate_state, state_q, task_state
from cchc.plans.models import Area, Task
from cchc.plans.timeliness import Timeliness, timeliness
from cchc.reporting import rules
from tests.web_helpers import on_day

D = datetime.date
T = Timeliness
CUTOFFS = {
    kind: rules.default_window(kind, 2025).ends_on
    for kind in (rules.QUY_1, rules.SIX_MONTHS, rules.QUY_3, rules.YEAR)
}
Q1, H1, Q3, YEAR = CUTOFFS.values()  # 14/03, 14/06, 14/09, 14/12/2025


def work(progress: int) -> dict:
    return {"status": "in_progress", "progress": progress}


# name: (due_date, due_text, [(reported_on, kwargs of task_update_post)])
STORIES = {
    "early": (D(2025, 6, 30), "", [(D(2025, 2, 1), work(40)),
        (D(2025, 3, 10), {"status": "done", "deliverable": "QĐ 12/QĐ-CT"})]),
    "late": (D(2025, 4, 30), "", [(D(2025, 3, 1), work(30)),
        (D(2025, 7, 20), {"status": "done", "deliverable": "KH 45/KH-CT"})]),
    "finished_in_november": (D(2025, 6, 30), "", [(D(2025, 5, 2), work(60)),
        (D(2025, 11, 28), {"status": "done", "deliverable": "QĐ 88/QĐ-CT",
                           "completed_on": D(2025, 11, 20)})]),
    "never_touched": (D(2025, 8, 31), "", []),
    "cancelled_in_may": (D(2025, 3, 31), "", [(D(2025, 5, 5), {"status": "cancelled",
                                                              "note": "Không thực hiện"})]),
    "recurring": (None, "Thường xuyên", [(D(2025, 1, 31), work(10)),
        (D(2025, 9, 30), work(70))]),
    "no_date": (None, "Theo hướng dẫn của Bộ Nội vụ", [(D(2025, 10, 1), work(50))]),
    "reopened": (D(2025, 12, 31), "", [(D(2025, 2, 10), {"status": "done", "deliverable": "BC 1"}),
        (D(2025, 4, 1), {"status": "in_progress", "progress": 80, "note": "Làm lại"}),
        (D(2025, 8, 1), {"status": "done", "deliverable": "BC 2"})]),
}  # fmt: skip

# What each task was at each cut-off, written out by hand from the stories above.
EXPECTED = {
    "early": {Q1: ("done", T.DONE_ON_TIME), H1: ("done", T.DONE_ON_TIME),
              Q3: ("done", T.DONE_ON_TIME), YEAR: ("done", T.DONE_ON_TIME)},
    "late": {Q1: ("in_progress", T.ON_TRACK), H1: ("in_progress", T.OVERDUE),
             Q3: ("done", T.DONE_LATE), YEAR: ("done", T.DONE_LATE)},
    "finished_in_november": {Q1: ("not_started", T.ON_TRACK), H1: ("in_progress", T.ON_TRACK),
                             Q3: ("in_progress", T.OVERDUE), YEAR: ("done", T.DONE_LATE)},
    "never_touched": {Q1: ("not_started", T.ON_TRACK), H1: ("not_started", T.ON_TRACK),
                      Q3: ("not_started", T.OVERDUE), YEAR: ("not_started", T.OVERDUE)},
    "cancelled_in_may": {Q1: ("not_started", T.ON_TRACK), H1: ("cancelled", T.CANCELLED),
                         Q3: ("cancelled", T.CANCELLED), YEAR: ("cancelled", T.CANCELLED)},
    "recurring": {Q1: ("in_progress", T.RECURRING), H1: ("in_progress", T.RECURRING),
                  Q3: ("in_progress", T.RECURRING), YEAR: ("in_progress", T.RECURRING)},
    "no_date": {Q1: ("not_started", T.ON_TRACK), H1: ("not_started", T.ON_TRACK),
                Q3: ("not_started", T.ON_TRACK), YEAR: ("in_progress", T.ON_TRACK)},
    "reopened": {Q1: ("done", T.DONE_ON_TIME), H1: ("in_progress", T.ON_TRACK),
                 Q3: ("done", T.DONE_ON_TIME), YEAR: ("done", T.DONE_ON_TIME)},
}  # fmt: skip


@pytest.fixture
def year(world):
    """A 2025 plan of TCCT, its tasks led by CTH and written to through the service."""
    plan = services.plan_create(
        actor=None, year=2025, title="Kế hoạch CCHC năm 2025", issuing_unit=world.units["TCCT"]
    )
    area = Area.objects.get(code=2)
    tasks = {}
    for order, (name, (due, text, _steps)) in enumerate(STORIES.items(), start=1):
        tasks[name] = services.task_create(
            actor=None,
            plan=plan,
            area=area,
            code=f"2.{order}",
            order=order,
            title=name,
            lead_unit=world.units["CTH"],
            due_date=due,
            due_text=text or (due.strftime("%d/%m/%Y") if due else ""),
        )
    services.plan_issue(actor=None, plan=plan, issued_on=D(2025, 1, 5))
    for name, (_due, _text, steps) in STORIES.items():
        for on, kwargs in steps:
            kwargs = {"note": "", **kwargs}
            progress.task_update_post(
                actor=world.users["focal_a"], task=tasks[name], reported_on=on, **kwargs
            )
    return plan, tasks


def read_from_updates(task: Task, on: datetime.date) -> tuple[str, str]:
    """(status, timeliness) as of `on`, read from the rows without plans.history."""
    rows = [u for u in task.updates.all() if u.reported_on <= on]
    last = max(rows, key=lambda u: (u.reported_on, u.pk), default=None)
    status = last.status_after if last else "not_started"
    category = timeliness(
        status=status,
        due_date=task.due_date,
        completed_on=last.completed_on if last else None,
        is_recurring=task.is_recurring,
        today=on,
    )
    return status, category


@pytest.mark.parametrize("cutoff", list(CUTOFFS.values()), ids=list(CUTOFFS))
def test_the_state_at_each_cutoff_is_the_same_in_python_in_sql_and_by_hand(year, cutoff):
    plan, tasks = year
    sql = {
        t.title: (t.state_status, t.timeliness)
        for t in annotate_state(Task.objects.filter(plan=plan), cutoff)
    }
    for name, task in tasks.items():
        python = task_state(task.updates.all(), cutoff)
        python_timeliness = timeliness(
            status=python.status,
            due_date=task.due_date,
            completed_on=python.completed_on,
            is_recurring=task.is_recurring,
            today=cutoff,
        )
        assert (python.status, python_timeliness) == EXPECTED[name][cutoff], name
        assert sql[name] == EXPECTED[name][cutoff], name
        assert read_from_updates(task, cutoff) == EXPECTED[name][cutoff], name


@pytest.mark.parametrize("cutoff", list(CUTOFFS.values()), ids=list(CUTOFFS))
def test_each_category_filter_selects_the_tasks_counted_by_hand(year, cutoff):
    plan, tasks = year
    annotated = annotate_state(Task.objects.filter(plan=plan), cutoff)
    for category in Timeliness.labels:
        selected = set(annotated.filter(state_q(category, cutoff)).values_list("title", flat=True))
        by_hand = {n for n, states in EXPECTED.items() if states[cutoff][1] == category}
        assert selected == by_hand, category


def test_progress_completion_date_and_result_as_of_a_date(year):
    plan, tasks = year
    tasks_then = annotate_state(Task.objects.filter(plan=plan), D(2025, 9, 1), with_result=True)
    rows = {t.title: t for t in tasks_then}
    late = rows["late"]
    assert (late.state_progress, late.state_completed_on, late.state_result) == (
        100,
        D(2025, 7, 20),
        "KH 45/KH-CT",
    )
    november = rows["finished_in_november"]
    # Done on 20/11 but reported on 28/11: on 1/9 only the May figure had been reported.
    assert (november.state_progress, november.state_completed_on, november.state_result) == (
        60,
        None,
        "",
    )
    reopened = rows["reopened"]
    assert reopened.state_result == "BC 2" and reopened.state_completed_on == D(2025, 8, 1)
    in_april = task_state(tasks["reopened"].updates.all(), D(2025, 4, 15))
    assert (in_april.status, in_april.progress, in_april.result) == ("in_progress", 80, "BC 1")


def test_the_task_fields_are_its_state_as_of_today(year):
    plan, tasks = year
    for task in Task.objects.filter(plan=plan).prefetch_related("updates"):
        now = task_state(task.updates.all(), timezone.localdate())
        assert (task.status, task.progress, task.completed_on, task.result) == (
            now.status,
            now.progress,
            now.completed_on,
            now.result,
        ), task.title
    assert tasks["finished_in_november"].completed_on is None  # the fixture's copy is stale
    assert Task.objects.get(pk=tasks["finished_in_november"].pk).completed_on == D(2025, 11, 20)


def test_a_late_entry_keeps_the_state_of_its_own_date(year, world):
    plan, tasks = year
    task = tasks["late"]
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=task,
        note="Bổ sung: đã họp triển khai",
        reported_on=D(2025, 4, 2),
    )
    task.refresh_from_db()
    assert (task.status, task.progress) == ("done", 100)  # today's state is unchanged
    entry = task.updates.get(reported_on=D(2025, 4, 2))
    assert (entry.status_after, entry.progress) == ("in_progress", 30)
    at = {t.title: t.timeliness for t in annotate_state(Task.objects.filter(plan=plan), H1)}
    assert at["late"] == T.OVERDUE


def test_a_late_entry_cannot_contradict_a_later_report(year, world):
    plan, tasks = year
    task = tasks["late"]
    before = task.updates.count()
    with pytest.raises(ValidationError) as caught:
        progress.task_update_post(
            actor=world.users["focal_a"],
            task=task,
            progress=90,
            note="Sửa tiến độ tháng 5",
            reported_on=D(2025, 5, 1),
        )
    assert "20/07/2025" in caught.value.message_dict["reported_on"][0]
    assert task.updates.count() == before


def test_a_completion_date_after_the_report_date_is_refused(year, world):
    plan, tasks = year
    with pytest.raises(ValidationError) as caught:
        progress.task_update_post(
            actor=world.users["focal_a"],
            task=tasks["never_touched"],
            status="done",
            deliverable="QĐ",
            reported_on=D(2025, 9, 1),
            completed_on=D(2025, 9, 5),
        )
    assert "completed_on" in caught.value.message_dict


def test_the_task_list_as_of_a_date_reads_the_history(year, world):
    plan, tasks = year
    office = world.users["office"]
    filters = selectors.TaskFilters(plan=plan.pk)
    rows = {t.title: t for t in selectors.task_list(user=office, filters=filters, today=H1)}
    assert (rows["late"].state_status, rows["late"].timeliness) == ("in_progress", T.OVERDUE)
    done = selectors.TaskFilters(plan=plan.pk, status="done")
    listed = selectors.task_list(user=office, filters=done, today=H1)
    assert {t.title for t in listed} == {"early"}
    summary = selectors.plan_summary(user=office, plan=plan, today=H1)
    assert summary.by_timeliness[T.DONE_ON_TIME] == 1
    assert summary.by_timeliness[T.OVERDUE] == 1
    assert summary.completion_rate == 50.0


@pytest.mark.parametrize("cutoff", list(CUTOFFS.values()), ids=list(CUTOFFS))
def test_the_dashboard_counts_every_category_as_the_table_says(year, world, cutoff):
    """plan_summary counts some categories and derives the others (on time, on track) from
    them: each figure of the plan, its area and its unit is the hand-written table's."""
    plan, _tasks = year
    summary = selectors.plan_summary(user=world.users["office"], plan=plan, today=cutoff)
    expected = dict.fromkeys(T.labels, 0)
    for states in EXPECTED.values():
        expected[states[cutoff][1]] += 1
    [area] = summary.by_area
    [unit] = summary.by_unit
    for row in (area, unit):
        assert row["by_timeliness"] == expected
        assert row["n"] == len(EXPECTED)
        assert row["done"] == expected[T.DONE_ON_TIME] + expected[T.DONE_LATE]
    assert summary.by_timeliness == {code: expected[code] for code, __ in T.choices}
    assert summary.total == len(EXPECTED) - expected[T.CANCELLED]


def test_the_state_of_a_list_takes_one_query_whatever_its_length(year, world):
    plan, tasks = year
    office = world.users["office"]
    filters = selectors.TaskFilters(plan=plan.pk)
    list(selectors.task_list(user=office, filters=filters, today=Q3))  # memberships, cached
    with CaptureQueriesContext(connection) as few:
        list(selectors.task_list(user=office, filters=filters, today=Q3))
    with on_day(D(2025, 1, 5)):  # added with the plan
        for index in range(20):
            services.task_create(
                actor=None,
                plan=plan,
                area=Area.objects.get(code=3),
                code=f"3.{index}",
                title=f"Thêm {index}",
                lead_unit=world.units["CTH"],
                due_text="Quý II/2025",
            )
    with CaptureQueriesContext(connection) as many:
        rows = list(selectors.task_list(user=office, filters=filters, today=Q3))
    assert len(rows) == len(STORIES) + 20
    assert len(many) == len(few) == 1
