"""Timeliness of a task: the design's table, decided here and nowhere else.

`timeliness()` judges one task in Python; `timeliness_expression()` is the same rule as a
SQL CASE so lists, counts and exports can filter and group in the database. A test walks
every row of the table through both and requires the same answer.
"""

import datetime

from django.conf import settings
from django.db.models import Case, CharField, F, Lookup, Q, Value, When
from django.utils.translation import gettext_lazy as _

# The statuses of a task still to be done, in the order of the partial index of open tasks
# (`task_open_by_due`), which `OpenStatus` must repeat word for word.
OPEN_STATUSES = ("not_started", "in_progress")


@CharField.register_lookup
class OpenStatus(Lookup):
    """`status__open=True`: the status is an open one, with the statuses written into the
    SQL rather than bound. SQLite uses a partial index only when the query's terms imply
    the index's condition, and it does not read bound values inside an IN list: with them,
    the overdue tasks of ten years were counted without `task_open_by_due` (60 ms, not 10)."""

    lookup_name = "open"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if self.rhs is not True:
            raise ValueError("The open lookup takes True.")
        lhs, params = self.process_lhs(compiler, connection)
        # Constants of this module, never a user's input.
        statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
        return f"{lhs} IN ({statuses})", params


class Timeliness:
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    RECURRING = "recurring"
    # Cancelled tasks are outside every count.
    CANCELLED = "cancelled"

    choices = [
        (DONE_ON_TIME, _("Hoàn thành đúng hạn")),
        (DONE_LATE, _("Hoàn thành quá hạn")),
        (OVERDUE, _("Quá hạn")),
        (DUE_SOON, _("Sắp đến hạn")),
        (ON_TRACK, _("Đang thực hiện trong hạn")),
        (RECURRING, _("Thường xuyên")),
    ]
    labels = dict(choices) | {CANCELLED: _("Đã hủy")}
    # Bootstrap colour of each badge; the badge always carries its text too.
    colours = {
        DONE_ON_TIME: "success",
        DONE_LATE: "warning",
        OVERDUE: "danger",
        DUE_SOON: "info",
        ON_TRACK: "primary",
        RECURRING: "secondary",
        CANCELLED: "light",
    }


def soon_days() -> int:
    return settings.CCHC_DUE_SOON_DAYS


def timeliness(
    *,
    status: str,
    due_date: datetime.date | None,
    completed_on: datetime.date | None,
    is_recurring: bool,
    today: datetime.date,
    due_soon_days: int | None = None,
) -> str:
    """The category of one task as of `today` (the reference date)."""
    days = soon_days() if due_soon_days is None else due_soon_days
    if status == "cancelled":
        return Timeliness.CANCELLED
    if status == "done":
        if due_date is None or (completed_on is not None and completed_on <= due_date):
            return Timeliness.DONE_ON_TIME
        return Timeliness.DONE_LATE
    if is_recurring:
        return Timeliness.RECURRING
    if due_date is None:
        # Words that name no date ("Theo hướng dẫn của Bộ Nội vụ"): never overdue.
        return Timeliness.ON_TRACK
    if due_date < today:
        return Timeliness.OVERDUE
    if due_date <= today + datetime.timedelta(days=days):
        return Timeliness.DUE_SOON
    return Timeliness.ON_TRACK


def task_timeliness(task, today: datetime.date, due_soon_days: int | None = None) -> str:
    return timeliness(
        status=task.status,
        due_date=task.due_date,
        completed_on=task.completed_on,
        is_recurring=task.is_recurring,
        today=today,
        due_soon_days=due_soon_days,
    )


def timeliness_q(
    category: str,
    today: datetime.date,
    due_soon_days: int | None = None,
    *,
    status: str = "status",
    completed_on: str = "completed_on",
    due_date: str = "due_date",
    is_recurring: str = "is_recurring",
) -> Q:
    """Q selecting the tasks of one category; the same rule as `timeliness()`.

    The field names say what to judge: the task's own (its state today) or the state as of
    a date annotated by `plans.history.annotate_state` (status, completion date, deadline)."""
    days = soon_days() if due_soon_days is None else due_soon_days
    soon = today + datetime.timedelta(days=days)

    def is_(value: str) -> Q:
        return Q(**{status: value})

    def open_() -> Q:
        # Named, not "not done nor cancelled": an index on (plan, status, due_date) then
        # reaches a plan's open tasks without reading the others.
        return Q(**{f"{status}__in": list(OPEN_STATUSES)})

    def open_by_due() -> Q:
        # With a range of deadlines, the partial index of open tasks by deadline serves
        # (SQLite sees it only with the statuses written out); without, SQLite would scan
        # that whole index rather than seek a plan's or a unit's tasks.
        return Q(**{f"{status}__open": True})

    def due(lookup: str, value) -> Q:
        return Q(**{f"{due_date}__{lookup}": value})

    recurring, not_recurring = Q(**{is_recurring: True}), Q(**{is_recurring: False})
    dated = open_by_due() & not_recurring & due("isnull", False)
    return {
        Timeliness.CANCELLED: is_("cancelled"),
        Timeliness.DONE_ON_TIME: is_("done")
        & (due("isnull", True) | Q(**{f"{completed_on}__lte": F(due_date)})),
        Timeliness.DONE_LATE: is_("done")
        & due("isnull", False)
        & (Q(**{f"{completed_on}__isnull": True}) | Q(**{f"{completed_on}__gt": F(due_date)})),
        Timeliness.RECURRING: open_() & recurring,
        Timeliness.OVERDUE: dated & due("lt", today),
        Timeliness.DUE_SOON: dated & due("gte", today) & due("lte", soon),
        Timeliness.ON_TRACK: open_() & not_recurring & (due("isnull", True) | due("gt", soon)),
    }[category]


def timeliness_expression(
    today: datetime.date,
    due_soon_days: int | None = None,
    *,
    status: str = "status",
    completed_on: str = "completed_on",
    due_date: str = "due_date",
    is_recurring: str = "is_recurring",
) -> Case:
    """CASE expression naming each row's category, for `.annotate(timeliness=...)`."""
    order = [
        Timeliness.CANCELLED,
        Timeliness.DONE_ON_TIME,
        Timeliness.DONE_LATE,
        Timeliness.RECURRING,
        Timeliness.OVERDUE,
        Timeliness.DUE_SOON,
        Timeliness.ON_TRACK,
    ]
    fields = {
        "status": status,
        "completed_on": completed_on,
        "due_date": due_date,
        "is_recurring": is_recurring,
    }
    return Case(
        *(When(timeliness_q(c, today, due_soon_days, **fields), then=Value(c)) for c in order),
        default=Value(Timeliness.ON_TRACK),
        output_field=CharField(),
    )
