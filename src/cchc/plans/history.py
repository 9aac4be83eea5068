"""The state of a task as of any date, read from its history.

A task's updates are its history: each one records the whole state after it (status,
progress, completion date) and may carry a deliverable. The state as of a date D is that
of the latest update reported on or before D (latest by `reported_on`, then by id); before
the first update a task is not started. The result as of D is the latest deliverable
written on or before D. `Task.status`, `progress`, `completed_on` and `result` are a cache
of the state as of today, kept by the update service.

What the plan said is dated too: a task counts as of D only if it was part of the issued
plan by then (`Task.added_on`), and it is judged by the deadline it had on D (the moves of
its deadline are `DueDateChange` rows; a task never moved needs no lookup).

`task_state()` answers in Python, `annotate_state()` in SQL (one correlated subquery per
field, on the index of `(task, reported_on, id)`), and a test holds the two to the same
answer on every task of a year's history. Timeliness as of D is `plans.timeliness` with
today = D over the state as of D.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import DueDateChange, TaskStatus, TaskUpdate
from .timeliness import timeliness_expression, timeliness_q


class StateNames(TypedDict):
    status: str
    completed_on: str
    due_date: str
    is_recurring: str


# The names `annotate_state()` gives the state as of its date; filters and templates read
# these, never the task's own fields, whenever a date is named.
STATE: StateNames = {
    "status": "state_status",
    "completed_on": "state_completed_on",
    "due_date": "state_due_date",
    "is_recurring": "state_is_recurring",
}


@dataclass(frozen=True)
class TaskState:
    status: str = TaskStatus.NOT_STARTED
    progress: int = 0
    completed_on: datetime.date | None = None
    result: str = ""


def _key(update) -> tuple:
    return (update.reported_on, update.pk)


def task_state(updates: Iterable, on: datetime.date) -> TaskState:
    """The state as of `on` from a task's updates (any order, any dates)."""
    known = sorted((u for u in updates if u.reported_on <= on), key=_key)
    if not known:
        return TaskState()
    last = known[-1]
    result = next((u.deliverable.strip() for u in reversed(known) if u.deliverable.strip()), "")
    return TaskState(
        status=last.status_after,
        progress=last.progress,
        completed_on=last.completed_on if last.status_after == TaskStatus.DONE else None,
        result=result,
    )


def is_today(on: datetime.date | None) -> bool:
    return on is None or on >= timezone.localdate()


def _latest(on: datetime.date, field: str, *extra: Q):
    rows = TaskUpdate.objects.filter(*extra, task_id=OuterRef("pk"), reported_on__lte=on)
    return Subquery(rows.order_by("-reported_on", "-id").values(field)[:1])


def _deadline(on: datetime.date, field: str, output) -> Case:
    """The task's `due_date`, `due_text` or `is_recurring` as it stood on `on`: its own when never
    moved; before the first move, the value that move replaced; after, the latest move's."""
    moves = DueDateChange.objects.filter(task_id=OuterRef("pk"))
    first = moves.order_by("changed_on", "id").values(f"{field}_before")[:1]
    latest = moves.filter(changed_on__lte=on).order_by("-changed_on", "-id")
    return Case(
        When(due_changed_on__isnull=True, then=F(field)),
        When(due_changed_on__gt=on, then=Subquery(first)),
        default=Subquery(latest.values(f"{field}_after")[:1]),
        output_field=output,
    )


def state_annotations(on: datetime.date, *, from_history: bool = False) -> dict:
    """`state_status`, `state_progress`, `state_completed_on`, `state_result` and the
    deadline (`state_due_date`, `state_due_text`, `state_is_recurring`) as of `on`.

    For today (or later: no update may be dated ahead of today) they are the task's own
    fields, so the database can use their indexes; for a past date, or with
    `from_history`, the history."""
    if is_today(on) and not from_history:
        return {
            "state_status": F("status"),
            "state_progress": F("progress"),
            "state_completed_on": F("completed_on"),
            "state_result": F("result"),
            "state_due_date": F("due_date"),
            "state_due_text": F("due_text"),
            "state_is_recurring": F("is_recurring"),
        }
    return {
        "state_due_date": _deadline(on, "due_date", DateField()),
        "state_due_text": _deadline(on, "due_text", CharField()),
        "state_is_recurring": _deadline(on, "is_recurring", BooleanField()),
        "state_status": Coalesce(
            _latest(on, "status_after"), Value(TaskStatus.NOT_STARTED), output_field=CharField()
        ),
        "state_progress": Coalesce(
            _latest(on, "progress"), Value(0), output_field=PositiveSmallIntegerField()
        ),
        # An update stores a completion date only when it leaves the task done.
        "state_completed_on": _latest(on, "completed_on"),
        "state_result": Coalesce(
            _latest(on, "deliverable", ~Q(deliverable="")), Value(""), output_field=TextField()
        ),
    }


def annotate_state(
    qs: QuerySet, on: datetime.date | None, *, from_history: bool = False
) -> QuerySet:
    """The tasks that were part of their plan on `on` (today when None), with their state
    and `timeliness` as of that day."""
    day = timezone.localdate() if on is None else on
    if not is_today(day):
        qs = qs.filter(Q(added_on__isnull=True) | Q(added_on__lte=day))
    fields = state_annotations(day, from_history=from_history)
    return qs.annotate(**fields).annotate(timeliness=timeliness_expression(day, **STATE))


def state_q(category: str, on: datetime.date | None) -> Q:
    """Tasks of one timeliness category as of `on`; on a queryset from `annotate_state`."""
    day = timezone.localdate() if on is None else on
    return timeliness_q(category, day, **STATE)


def not_cancelled(qs: QuerySet) -> QuerySet:
    """Drop the tasks cancelled as of the state's date (from `annotate_state`)."""
    return qs.exclude(state_status=TaskStatus.CANCELLED)
