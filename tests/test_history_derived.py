"""The history's derived columns (plans.history.history_refresh) against the rules in Python.

Random histories of one task, written through the services day after day (progress, done
reports, backdated entries, the office's confirmations and returns, cancelling): the state
and the review as of every day, read in SQL through the derived columns, must equal what
`task_state` and `review_status` read from the rows, and the task's `current_review` must be
the review as of today after every write.
"""

import contextlib
import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.plans import progress, review
from cchc.plans.history import annotate_review, annotate_state, review_status, task_state
from cchc.plans.models import Task, TaskStatus, TaskUpdate
from tests.test_completion_review import at

D = datetime.date
START, END = D(2026, 2, 2), D(2026, 6, 30)


def _act(rng: random.Random, world, task: Task, day: datetime.date) -> None:
    """One thing a unit or the office might do on `day`; refusals are part of the game."""
    focal, office = world.users["focal_a"], world.users["office"]
    task.refresh_from_db()
    post = {"actor": focal, "task": task}
    moves = {
        "progress": lambda: progress.task_update_post(
            **post, status="in_progress", progress=rng.randrange(0, 100), note="Tiến độ"
        ),
        "done": lambda: progress.task_update_post(
            **post, status="done", deliverable=f"QĐ {rng.randrange(1, 99)}/QĐ-CT"
        ),
        "backdated": lambda: progress.task_update_post(
            **post,
            note="Báo cáo bổ sung",
            progress=rng.randrange(0, 100),
            status="in_progress",
            reported_on=day - datetime.timedelta(days=rng.randrange(1, 20)),
        ),
        "note": lambda: progress.task_update_post(**post, note="Ghi chú"),
        "confirm": lambda: review.completion_confirm(
            actor=office, task=task, rating=rng.choice(["met", "not_met"])
        ),
        "return": lambda: review.completion_return(actor=office, task=task, reason="Thiếu"),
        "cancel": lambda: progress.task_update_post(**post, status="cancelled", note="Hủy"),
    }
    weights = {"progress": 4, "done": 3, "backdated": 2, "note": 2, "confirm": 3, "return": 2}
    weights["cancel"] = 1
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    with contextlib.suppress(ValidationError):  # refused as a user would be: nothing written
        moves[kind]()


def _sql(task: Task, day: datetime.date):
    rows = annotate_review(annotate_state(Task.objects.filter(pk=task.pk), day), day)
    return rows.values("state_status", "state_progress", "state_completed_on", "review_state")


@pytest.mark.parametrize("seed", range(8))
def test_the_derived_history_answers_as_the_rules_do_on_every_day(world, monkeypatch, seed):
    rng = random.Random(seed)  # noqa: S311  # a story, not a secret
    task = world.tasks["a_soon"]
    day = START
    while day < END:
        at(monkeypatch, day, hour=rng.randrange(8, 18))
        for _ in range(rng.choice((1, 1, 2))):
            _act(rng, world, task, day)
        updates = list(TaskUpdate.objects.filter(task=task))
        reviews = list(task.completion_reviews.all())
        fresh = Task.objects.get(pk=task.pk)
        assert fresh.current_review == review_status(updates, reviews, day).state, day
        day += datetime.timedelta(days=rng.randrange(1, 9))
    at(monkeypatch, END)
    assert len(updates) > 5, "the story wrote too little to test anything"
    assert any(r.decision == "confirmed" for r in reviews), "no review to test"
    for offset in range((END - START).days + 3):
        on = START - datetime.timedelta(days=2) + datetime.timedelta(days=offset)
        state = task_state(updates, on)
        python = {
            "state_status": state.status,
            "state_progress": state.progress,
            "state_completed_on": state.completed_on,
            "review_state": review_status(updates, reviews, on).state,
        }
        assert [python] == list(_sql(task, on)), on


def test_a_day_before_the_history_begins_reads_not_started(world, monkeypatch):
    at(monkeypatch, D(2026, 3, 2))
    progress.task_update_post(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], status="done",
        deliverable="QĐ 1/QĐ-CT",
    )  # fmt: skip
    [row] = _sql(world.tasks["a_soon"], D(2026, 3, 1))
    assert row == {
        "state_status": TaskStatus.NOT_STARTED,
        "state_progress": 0,
        "state_completed_on": None,
        "review_state": "",
    }
    [row] = _sql(world.tasks["a_soon"], timezone.localdate())
    assert (row["state_status"], row["review_state"]) == ("done", "awaiting")


@pytest.mark.parametrize(
    "as_of",
    ["01/01/0001", "31/12/9999", "29/02/2023", "1/1/1", "32/13/2026", "x" * 5000, "", "0"],
)
@pytest.mark.parametrize("path", ["plans:dashboard", "plans:task-list"])
def test_extreme_and_malformed_days_never_fail_a_page(world, client, as_of, path):
    """A day long before any history, far ahead, impossible or not a date: the page answers
    (the figures of that day, or today's with the form's error), never a 500."""
    from django.urls import reverse

    client.force_login(world.users["office"])
    params = {"plan": world.plan.pk, "as_of": as_of, "nudge": "1' OR 1=1"}
    response = client.get(reverse(path), params)
    assert response.status_code == 200, as_of


def test_figures_as_of_a_day_before_every_entry_count_every_task_not_started(world, client):
    from cchc.plans import selectors

    summary = selectors.plan_summary(
        user=world.users["office"], plan=world.plan, today=D(2026, 1, 11)
    )
    tasks = Task.objects.filter(plan=world.plan).exclude(added_on__gt=D(2026, 1, 11))
    assert sum(row["n"] for row in summary.by_area) == tasks.count() > 0
    assert summary.by_timeliness["done_on_time"] + summary.by_timeliness["done_late"] == 0
    assert summary.reviews == {"awaiting": 0, "confirmed": 0, "returned": 0}
