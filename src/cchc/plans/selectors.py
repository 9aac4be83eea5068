"""Every read the web pages, exports and API share, already scoped to the user."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from cchc.core.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Unit

from . import permissions
from .models import Evidence, Plan, PlanStatus, Task, TaskUpdate
from .timeliness import Timeliness, timeliness_expression, timeliness_q


def plan_list(*, user) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(permissions.plan_q(access_for(user)))
        .select_related("issuing_unit", "parent")
        .order_by("-year", "issuing_unit__path", "id")
    )


def plan_get(*, user, pk: int) -> Plan:
    plan = plan_list(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    return plan


def default_plan(*, user) -> Plan | None:
    """The plan a user lands on: this year's issued plan nearest to their unit."""
    plans = list(plan_list(user=user).exclude(status=PlanStatus.DRAFT)[:50])
    if not plans:
        return None
    return max(plans, key=lambda p: (p.year, p.issuing_unit.path.count("/")))


@dataclass
class TaskFilters:
    plan: int | None = None
    area: int | None = None
    unit: int | None = None  # lead unit and every unit below it
    timeliness: str | None = None
    status: str | None = None
    q: str = ""
    mine: bool = False  # only tasks the user's own units lead or support
    ids: list[int] = field(default_factory=list)


def task_list(*, user, filters: TaskFilters, today: datetime.date) -> QuerySet[Task]:
    """Tasks the user may read, filtered, each annotated with its `timeliness`."""
    access = access_for(user)
    qs = Task.objects.filter(permissions.task_q(access))
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.area:
        qs = qs.filter(area_id=filters.area)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).only("path").first()
        qs = qs.filter(lead_unit__path__startswith=unit.path) if unit else qs.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.timeliness and filters.timeliness in Timeliness.labels:
        qs = qs.filter(timeliness_q(filters.timeliness, today))
    if filters.q:
        for word in fold(filters.q).split():
            qs = qs.filter(search_text__contains=word)
    if filters.mine:
        through = Task.supporting_units.through
        own = access.unit_q("lead_unit", "unit_head", "focal")
        supports = Exists(
            through.objects.filter(task_id=OuterRef("pk")).filter(
                access.unit_q("unit", "unit_head", "focal")
            )
        )
        qs = qs.filter(own | supports)
    if filters.ids:
        qs = qs.filter(pk__in=filters.ids)
    return (
        qs.annotate(timeliness=timeliness_expression(today))
        .select_related("plan", "area", "lead_unit", "section")
        .order_by("plan_id", "area__code", "order", "id")
    )


def task_get(*, user, pk: int) -> Task:
    task = (
        Task.objects.filter(permissions.task_q(access_for(user)), pk=pk)
        .select_related("plan__issuing_unit", "plan__parent", "area", "lead_unit", "section")
        .prefetch_related("supporting_units")
        .first()
    )
    if task is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    return task


def task_updates(*, user, task: Task) -> list[TaskUpdate]:
    """The task's updates, each with only the evidence this user may read."""
    visible = Evidence.objects.filter(permissions.evidence_q(access_for(user)))
    return list(
        task.updates.select_related("author", "unit").prefetch_related(
            Prefetch(
                "evidence", queryset=visible.select_related("unit"), to_attr="visible_evidence"
            )
        )
    )


def task_evidence(*, user, task: Task) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(permissions.evidence_q(access_for(user)), task=task)
        .select_related("unit", "uploaded_by")
        .order_by("-effective_on", "-id")
    )


def evidence_get(*, user, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(permissions.evidence_q(access_for(user)), pk=pk)
        .select_related("task")
        .first()
    )
    if evidence is None:
        raise Http404("Không tìm thấy tài liệu.")
    return evidence


@dataclass
class CascadeRow:
    task: Task
    timeliness: str


def child_tasks(*, user, task: Task, today: datetime.date) -> QuerySet[Task]:
    """Tasks of child plans that carry this task out, as far as the user may see them."""
    return task_list(user=user, filters=TaskFilters(), today=today).filter(parent_task=task)


def combined_progress(rows) -> int | None:
    rows = list(rows)
    if not rows:
        return None
    return round(sum(r.progress for r in rows) / len(rows))


def uncovered_parent_tasks(*, user, plan: Plan, today: datetime.date) -> QuerySet[Task]:
    """Parent-plan tasks assigned to this plan's unit that no task of this plan carries out."""
    if not plan.parent_id:
        return Task.objects.none()
    covered = Task.objects.filter(plan=plan, parent_task_id=OuterRef("pk"))
    return (
        task_list(user=user, filters=TaskFilters(plan=plan.parent_id), today=today)
        .filter(Q(lead_unit=plan.issuing_unit) | Q(supporting_units=plan.issuing_unit))
        .exclude(Exists(covered))
        .distinct()
    )


def covered_parent_tasks(*, user, plan: Plan, today: datetime.date) -> QuerySet[Task]:
    if not plan.parent_id:
        return Task.objects.none()
    covered = Task.objects.filter(plan=plan, parent_task_id=OuterRef("pk"))
    return task_list(user=user, filters=TaskFilters(plan=plan.parent_id), today=today).filter(
        Exists(covered)
    )


@dataclass
class PlanSummary:
    """The dashboard's numbers for one plan, over the tasks the user may read."""

    total: int
    by_timeliness: dict[str, int]
    by_area: list[dict]
    by_unit: list[dict]
    completion_rate: float | None


def plan_summary(*, user, plan: Plan, today: datetime.date, unit: int | None = None) -> PlanSummary:
    """Counts in a fixed number of queries, whatever the number of tasks."""
    tasks = task_list(user=user, filters=TaskFilters(plan=plan.pk, unit=unit), today=today)
    tasks = tasks.order_by()
    by_timeliness = {key: 0 for key, _ in Timeliness.choices}
    for row in tasks.values("timeliness").annotate(n=Count("id")):
        by_timeliness[row["timeliness"]] = row["n"]
    by_timeliness.pop(Timeliness.CANCELLED, None)
    overdue_filter = timeliness_q(Timeliness.OVERDUE, today)
    by_area = list(
        tasks.values("area_id", "area__code", "area__name")
        .annotate(
            n=Count("id"),
            progress=Avg("progress"),
            done=Count("id", filter=Q(status="done")),
            overdue=Count("id", filter=overdue_filter),
        )
        .order_by("area__code")
    )
    by_unit = list(
        tasks.values("lead_unit_id", "lead_unit__name", "lead_unit__short_name", "lead_unit__path")
        .annotate(
            n=Count("id"),
            progress=Avg("progress"),
            done=Count("id", filter=Q(status="done")),
            overdue=Count("id", filter=overdue_filter),
        )
        .order_by("lead_unit__path")
    )
    done = by_timeliness[Timeliness.DONE_ON_TIME] + by_timeliness[Timeliness.DONE_LATE]
    counted = done + by_timeliness[Timeliness.OVERDUE]
    return PlanSummary(
        total=sum(by_timeliness.values()),
        by_timeliness=by_timeliness,
        by_area=by_area,
        by_unit=by_unit,
        completion_rate=round(100 * done / counted, 2) if counted else None,
    )
