"""“Nhiệm vụ của đơn vị” as a work queue: what the user's units must do next comes first.

Open tasks lead, by urgency as of the day shown (overdue, the most overdue first; due soon;
then by due date; tasks with no date, or carried on all year, last); finished tasks
(done or cancelled) are only counted, and the latest few folded below. Tasks of several
plans are grouped by plan. Everything is ordered and counted in SQL on the scoped list.
"""

import datetime
from dataclasses import dataclass, replace

from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from cchc.orgs.access import UNIT_ROLES, access_for

from .models import Task, TaskStatus
from .selectors import TaskFilters, task_list
from .timeliness import Timeliness

# The user's units' part in a task, shown as a badge on each row.
LEAD = "lead"
SUPPORT = "support"
FINISHED = [TaskStatus.DONE, TaskStatus.CANCELLED]
# Finished tasks shown under the queue; the rest are a link away.
FOLDED_FINISHED = 10


class Urgency(Expression):
    """The urgency rank of a task as of the day shown: overdue 0, due soon 1, on track with
    a deadline 2, on track without one or recurring 3, finished 4.

    A simple CASE on the category, which the SQL then holds once: a CASE of
    When(timeliness=…) wrote the category's own CASE into each of its arms, four times."""

    output_field = IntegerField()
    RANKS = (Timeliness.OVERDUE, Timeliness.DUE_SOON, Timeliness.ON_TRACK, Timeliness.RECURRING)

    def __init__(self, category: str = "timeliness", due: str = "state_due_date"):
        super().__init__()
        self.category, self.due = F(category), F(due)

    def get_source_expressions(self) -> list:
        return [self.category, self.due]

    def set_source_expressions(self, exprs) -> None:
        self.category, self.due = exprs

    def as_sql(self, compiler, connection):
        category, category_params = compiler.compile(self.category)
        due, due_params = compiler.compile(self.due)
        overdue, soon, on_track, recurring = (str(rank) for rank in self.RANKS)
        sql = (
            f"CASE {category} WHEN %s THEN 0 WHEN %s THEN 1 "
            f"WHEN %s THEN (CASE WHEN {due} IS NULL THEN 3 ELSE 2 END) WHEN %s THEN 3 ELSE 4 END"
        )
        params = (*category_params, overdue, soon, on_track, *due_params, recurring)
        return sql, params


# Plans in the order people read them: this year's first, the higher issuer first.
PLAN_ORDER = ("-plan__year", "plan__issuing_unit__path", "plan_id")


@dataclass
class WorkQueue:
    """The queue's list (paginated by the page), and its folded finished tasks."""

    tasks: QuerySet[Task]
    count: int  # of `tasks`: the page's paginator need not count them again
    several_plans: bool
    # Whether finished tasks are folded below (no status or timeliness filter), and which.
    folded: bool
    finished: list[Task]
    done_count: int = 0
    cancelled_count: int = 0

    @property
    def finished_count(self) -> int:
        return self.done_count + self.cancelled_count


def _role(user) -> Case | Value:
    access = access_for(user)
    if access.is_superuser:
        return Value(LEAD)
    return Case(
        When(access.unit_q("lead_unit", *UNIT_ROLES), then=Value(LEAD)),
        default=Value(SUPPORT),
        output_field=CharField(),
    )


def work_queue(*, user, filters: TaskFilters, today: datetime.date) -> WorkQueue:
    """The tasks the user's units lead or support, as a queue as of `today`.

    A status or timeliness filter names what to list (finished tasks included, last);
    without one, the list holds the open tasks and the finished ones are folded.
    """
    tasks = task_list(user=user, filters=replace(filters, mine=True), today=today)
    tasks = tasks.annotate(unit_role=_role(user), urgency=Urgency())
    fold = not filters.status and not filters.timeliness
    finished_q = Q(state_status__in=FINISHED)
    listed = tasks.exclude(finished_q) if fold else tasks
    listed = listed.order_by(
        *PLAN_ORDER,
        "urgency",
        F("state_completed_on").desc(nulls_last=True),
        F("state_due_date").asc(nulls_last=True),
        "area__code",
        "order",
        "id",
    )
    # The list's count, its plans and the finished tasks' counts in one scan of the scope.
    listed_q = ~finished_q if fold else None
    counts = tasks.order_by().aggregate(
        listed=Count("id", filter=listed_q),
        plans=Count("plan_id", distinct=True, filter=listed_q),
        done=Count("id", filter=Q(state_status=TaskStatus.DONE)),
        cancelled=Count("id", filter=Q(state_status=TaskStatus.CANCELLED)),
    )
    queue = WorkQueue(
        tasks=listed,
        count=counts["listed"],
        several_plans=counts["plans"] > 1,
        folded=fold,
        finished=[],
    )
    if fold:
        queue.done_count, queue.cancelled_count = counts["done"], counts["cancelled"]
        if queue.finished_count:
            latest = tasks.filter(finished_q).order_by(
                F("state_completed_on").desc(nulls_last=True), "-id"
            )
            queue.finished = list(latest[:FOLDED_FINISHED])
    return queue
