"""Timeliness: every row of the design's table and its boundaries, in Python and in SQL.

The design has one rule (`cchc.plans.timeliness`) in two forms: `timeliness()` judges one
task in Python, `timeliness_expression()` / `timeliness_q()` judge rows in the database.
Every case below is checked through all three on a real Task row, so the dashboard's counts,
the task list's filter and a task's badge can never disagree.
"""

import datetime
import itertools

import pytest
from django.db import connection

from cchc.orgs import services as org_services
from cchc.plans import selectors
from cchc.plans.models import Area, Plan, Task
from cchc.plans.timeliness import (
    OPEN_STATUSES,
    Timeliness,
    task_timeliness,
    timeliness,
    timeliness_expression,
    timeliness_q,
)

TODAY = datetime.date(2026, 6, 15)
ALL_CATEGORIES = [key for key, _ in Timeliness.choices] + [Timeliness.CANCELLED]

ON_TIME = Timeliness.DONE_ON_TIME
LATE = Timeliness.DONE_LATE
OVERDUE = Timeliness.OVERDUE
SOON = Timeliness.DUE_SOON
ON_TRACK = Timeliness.ON_TRACK
RECURRING = Timeliness.RECURRING
CANCELLED = Timeliness.CANCELLED


def day(offset: int | None) -> datetime.date | None:
    return None if offset is None else TODAY + datetime.timedelta(days=offset)


# (id, status, due date offset from today, completed_on offset, is_recurring, soon days,
#  expected). Offsets are days from TODAY; None means no date. `soon days` None means the
#  default (settings.CCHC_DUE_SOON_DAYS = 7).
CASES = [
    # --- overdue: not done, due date before today
    ("due-yesterday-overdue", "not_started", -1, None, False, None, OVERDUE),
    ("due-long-ago-in-progress-overdue", "in_progress", -90, None, False, None, OVERDUE),
    # --- due soon: not done, due within the next 7 days, today included
    ("due-today-is-soon-not-overdue", "not_started", 0, None, False, None, SOON),
    ("due-tomorrow-soon", "in_progress", 1, None, False, None, SOON),
    ("due-today+7-soon", "in_progress", 7, None, False, None, SOON),
    # --- on track: not done, due later
    ("due-today+8-on-track", "in_progress", 8, None, False, None, ON_TRACK),
    ("due-far-on-track", "not_started", 200, None, False, None, ON_TRACK),
    # --- no date named ("Theo hướng dẫn của Bộ Nội vụ", "Đột xuất"): never overdue
    ("no-due-date-on-track", "not_started", None, None, False, None, ON_TRACK),
    ("no-due-date-in-progress-on-track", "in_progress", None, None, False, None, ON_TRACK),
    # --- done on time: completed on or before the due date
    ("done-on-due-date-on-time", "done", 0, 0, False, None, ON_TIME),
    ("done-before-due-on-time", "done", 10, -5, False, None, ON_TIME),
    ("done-on-old-due-date-on-time", "done", -30, -30, False, None, ON_TIME),
    ("done-no-due-date-on-time", "done", None, -3, False, None, ON_TIME),
    ("done-no-dates-at-all-on-time", "done", None, None, False, None, ON_TIME),
    # --- done late: done after the due date
    ("done-one-day-after-due-late", "done", 0, 1, False, None, LATE),
    ("done-long-after-due-late", "done", -30, -1, False, None, LATE),
    ("done-late-but-due-in-future-of-today", "done", 5, 6, False, None, LATE),
    # done with a due date but no completion date: it cannot be shown to be on time
    ("done-without-completed-on-late", "done", -3, None, False, None, LATE),
    # --- recurring: carried on all year; not overdue whatever the date
    ("recurring-not-done", "not_started", None, None, True, None, RECURRING),
    ("recurring-in-progress", "in_progress", None, None, True, None, RECURRING),
    ("recurring-with-past-date-not-overdue", "in_progress", -10, None, True, None, RECURRING),
    ("recurring-done-on-time", "done", None, 0, True, None, ON_TIME),
    ("recurring-done-with-date-late", "done", -2, 0, True, None, LATE),
    # --- cancelled: outside every count, whatever the dates
    ("cancelled-overdue-date", "cancelled", -10, None, False, None, CANCELLED),
    ("cancelled-no-date", "cancelled", None, None, False, None, CANCELLED),
    ("cancelled-recurring", "cancelled", None, None, True, None, CANCELLED),
    ("cancelled-with-completion", "cancelled", 0, 0, False, None, CANCELLED),
    # --- configurable window, through the due_soon_days parameter
    ("soon-days-3-boundary-in", "in_progress", 3, None, False, 3, SOON),
    ("soon-days-3-boundary-out", "in_progress", 4, None, False, 3, ON_TRACK),
    ("soon-days-0-today-soon", "in_progress", 0, None, False, 0, SOON),
    ("soon-days-0-tomorrow-on-track", "in_progress", 1, None, False, 0, ON_TRACK),
    ("soon-days-0-yesterday-overdue", "in_progress", -1, None, False, 0, OVERDUE),
    ("soon-days-30-boundary-in", "not_started", 30, None, False, 30, SOON),
    ("soon-days-30-boundary-out", "not_started", 31, None, False, 30, ON_TRACK),
]


@pytest.fixture
def task_row(db):
    """One real Task row, whose fields each case overwrites."""
    unit = org_services.unit_create(actor=None, code="U", name="Đơn vị thử")
    plan = Plan.objects.create(year=2026, title="Kế hoạch thử", issuing_unit=unit)
    return Task.objects.create(
        plan=plan, area=Area.objects.get(code=1), title="Nhiệm vụ thử", lead_unit=unit
    )


def _set(task: Task, status, due, completed, recurring) -> Task:
    Task.objects.filter(pk=task.pk).update(
        status=status, due_date=day(due), completed_on=day(completed), is_recurring=recurring
    )
    task.refresh_from_db()
    return task


def _sql_category(task: Task, soon_days) -> str:
    return (
        Task.objects.filter(pk=task.pk)
        .annotate(t=timeliness_expression(TODAY, soon_days))
        .values_list("t", flat=True)
        .get()
    )


def _q_categories(task: Task, soon_days) -> list[str]:
    """Every category whose Q selects the row: exactly one, or the rule is not a partition."""
    return [
        c
        for c in ALL_CATEGORIES
        if Task.objects.filter(pk=task.pk).filter(timeliness_q(c, TODAY, soon_days)).exists()
    ]


def _assert_all_forms(task: Task, soon_days, expected: str) -> None:
    python = timeliness(
        status=task.status,
        due_date=task.due_date,
        completed_on=task.completed_on,
        is_recurring=task.is_recurring,
        today=TODAY,
        due_soon_days=soon_days,
    )
    assert python == expected, "timeliness()"
    assert task_timeliness(task, TODAY, soon_days) == expected, "task_timeliness()"
    assert _sql_category(task, soon_days) == expected, "timeliness_expression()"
    assert _q_categories(task, soon_days) == [expected], "timeliness_q()"


@pytest.mark.parametrize(
    "status,due,completed,recurring,soon_days,expected",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_timeliness_table(task_row, status, due, completed, recurring, soon_days, expected):
    task = _set(task_row, status, due, completed, recurring)
    _assert_all_forms(task, soon_days, expected)


# The window set in settings (CCHC_DUE_SOON_DAYS) is the default for every form.
SETTINGS_CASES = [
    ("settings-14-today+8-is-now-soon", 14, 8, SOON),
    ("settings-14-boundary-in", 14, 14, SOON),
    ("settings-14-boundary-out", 14, 15, ON_TRACK),
    ("settings-2-today+3-on-track", 2, 3, ON_TRACK),
    ("settings-2-boundary-in", 2, 2, SOON),
    ("settings-2-yesterday-still-overdue", 2, -1, OVERDUE),
]


@pytest.mark.parametrize(
    "setting,due,expected",
    [case[1:] for case in SETTINGS_CASES],
    ids=[case[0] for case in SETTINGS_CASES],
)
def test_due_soon_window_from_settings(task_row, settings, setting, due, expected):
    settings.CCHC_DUE_SOON_DAYS = setting
    task = _set(task_row, "in_progress", due, None, False)
    _assert_all_forms(task, None, expected)


def test_explicit_parameter_wins_over_settings(task_row, settings):
    settings.CCHC_DUE_SOON_DAYS = 30
    task = _set(task_row, "in_progress", 10, None, False)
    _assert_all_forms(task, 7, ON_TRACK)
    _assert_all_forms(task, None, SOON)


def test_python_and_sql_agree_on_every_combination(task_row):
    """A grid over status × due date × completion × recurring, all rows judged at once."""
    statuses = ["not_started", "in_progress", "done", "cancelled"]
    dues = [None, -8, -1, 0, 1, 7, 8, 30]
    completions = [None, -9, -1, 0, 1, 8]
    rows = []
    for status, due, completed, recurring in itertools.product(
        statuses, dues, completions, [False, True]
    ):
        rows.append(
            Task(
                plan=task_row.plan,
                area=task_row.area,
                lead_unit=task_row.lead_unit,
                title=f"{status} {due} {completed} {recurring}",
                status=status,
                due_date=day(due),
                completed_on=day(completed),
                is_recurring=recurring,
            )
        )
    Task.objects.bulk_create(rows)
    tasks = Task.objects.exclude(pk=task_row.pk).annotate(t=timeliness_expression(TODAY))
    assert tasks.count() == len(rows)
    mismatches = [
        (task.title, task.t, task_timeliness(task, TODAY))
        for task in tasks
        if task.t != task_timeliness(task, TODAY)
    ]
    assert mismatches == []
    # The Q forms partition the rows, and each part is what Python says.
    for category in ALL_CATEGORIES:
        by_q = set(
            Task.objects.exclude(pk=task_row.pk)
            .filter(timeliness_q(category, TODAY))
            .values_list("pk", flat=True)
        )
        by_python = {t.pk for t in tasks if task_timeliness(t, TODAY) == category}
        assert by_q == by_python, category


def test_labels_are_the_designs_vietnamese_words():
    assert dict(Timeliness.choices) == {
        ON_TIME: "Hoàn thành đúng hạn",
        LATE: "Hoàn thành quá hạn",
        OVERDUE: "Quá hạn",
        SOON: "Sắp đến hạn",
        ON_TRACK: "Đang thực hiện trong hạn",
        RECURRING: "Thường xuyên",
    }
    # Every category, cancelled included, has a text for its badge (colour never alone).
    assert set(Timeliness.labels) == set(ALL_CATEGORIES)
    assert set(Timeliness.colours) == set(ALL_CATEGORIES)


def test_world_tasks_have_the_categories_their_names_say(world):
    tasks = selectors.task_list(
        user=world.users["office"],
        filters=selectors.TaskFilters(plan=world.plan.pk),
        today=world.today,
    )
    assert {t.code: t.timeliness for t in tasks} == {
        "1.1": OVERDUE,  # a_overdue: due 3 days ago
        "2.1": SOON,  # a_soon: due in 5 days
        "3.1": ON_TRACK,  # b_track: due in 60 days
        "5.1": RECURRING,  # b_recurring: "Thường xuyên"
        "7.1": ON_TRACK,  # p1_task: due in 30 days
    }


@pytest.mark.parametrize("category", ALL_CATEGORIES)
def test_task_list_filter_matches_python(world, category):
    """The list's timeliness filter returns exactly the tasks Python puts in the category."""
    user = world.users["office"]
    every = selectors.task_list(user=user, filters=selectors.TaskFilters(), today=world.today)
    filtered = selectors.task_list(
        user=user, filters=selectors.TaskFilters(timeliness=category), today=world.today
    )
    assert {t.pk for t in filtered} == {
        t.pk for t in every if task_timeliness(t, world.today) == category
    }


def test_the_open_lookup_repeats_the_partial_index_condition(db):
    """SQLite matches a partial index's condition word for word: the open lookup must list
    the statuses of `task_open_by_due` as the migrated index does, in its order."""
    sql, params = Task.objects.filter(status__open=True).values("pk").query.sql_with_params()
    written = "IN ('not_started', 'in_progress')"
    assert written in sql and not params and list(OPEN_STATUSES) == ["not_started", "in_progress"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'task_open_by_due'")
            assert written in cursor.fetchone()[0]
    with pytest.raises(ValueError, match="True"):
        str(Task.objects.filter(status__open=False).query)


@pytest.mark.parametrize("category", [OVERDUE, SOON])
def test_tasks_due_in_a_range_are_found_through_the_index_of_open_tasks(task_row, category):
    """The overdue and due-soon tasks of every plan come from the partial index of open
    tasks by deadline (with the statuses bound, SQLite could not use it and read every
    plan's open tasks instead)."""
    tasks = Task.objects.filter(timeliness_q(category, TODAY)).order_by()
    if connection.vendor == "sqlite":
        sql, params = tasks.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            assert "task_open_by_due" in " ".join(str(row) for row in cursor.fetchall())
    _set(task_row, "in_progress", -3 if category == OVERDUE else 2, None, False)
    assert list(tasks.values_list("pk", flat=True)) == [task_row.pk]
