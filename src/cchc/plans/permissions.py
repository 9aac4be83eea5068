"""Access rules for plans, tasks and evidence (built on orgs.access)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from cchc.orgs.access import OVERSIGHT_ROLES, UNIT_ROLES, Access
from cchc.orgs.models import Role

from .models import Evidence, Plan, PlanStatus, SupportingUnit, Task

MANAGERS = (Role.OFFICE, Role.LEADER)


def require(allowed: bool, message: str) -> None:
    """Refuse (403, with `message`) unless `allowed`: how a service says no."""
    if not allowed:
        raise PermissionDenied(message)


def _ancestor_ids(access: Access) -> set[int]:
    """Ids of every unit on the way from the root to each of the user's units."""
    return {
        int(i) for paths in access.paths.values() for p in paths for i in p.strip("/").split("/")
    }


def plan_q(access: Access) -> Q:
    """Plans the user may read: drafts only for the office and leader of the issuing unit's
    branch; issued plans also for every unit below the issuing unit."""
    if access.is_superuser:
        return Q()
    drafts = Q(status=PlanStatus.DRAFT) & access.unit_q("issuing_unit", *MANAGERS)
    published = ~Q(status=PlanStatus.DRAFT) & (
        access.unit_q("issuing_unit", *OVERSIGHT_ROLES)
        | Q(issuing_unit_id__in=_ancestor_ids(access))
    )
    return drafts | published


def supported_in_scope_q(access: Access, *roles: str, plan: int | None = None) -> Q:
    """Tasks that a unit in scope of these roles supports (`plan`: in that plan).

    An IN over the link table filtered by unit path uses its indexes; a correlated
    EXISTS made the database visit every task.
    """
    if access.is_superuser:
        return Q()
    return Q(pk__in=_supported_ids(access, *roles, plan=plan))


def _supported_ids(access: Access, *roles: str, plan: int | None = None) -> QuerySet:
    """The ids of the tasks that a unit in scope of these roles supports (`plan`: in that
    plan, found by the link's (unit, plan) index, not among every year's links)."""
    links = SupportingUnit.objects.filter(access.unit_q("unit", *roles))
    if plan is not None:
        links = links.filter(plan_id=plan)
    return links.order_by().values("task_id")


def unit_work_q(access: Access, *roles: str, plan: int | None = None) -> Q:
    """Tasks that a unit in scope of these roles leads or supports: one IN over the union
    of the two, which each side's index answers. As an OR of the two, PostgreSQL read
    every task of the plan to check the second (a focal officer's list of this year's
    plan, 60,000 tasks).

    `plan`: only that plan's tasks, each side found by its (plan, unit) index, not among
    every year's of the units (a focal officer's list of this year's plan with ten years
    of plans: its led side 74–97 → 56–73 ms on SQLite)."""
    if access.is_superuser:
        return Q() if plan is None else Q(plan_id=plan)
    led = Task.objects.filter(access.unit_q("lead_unit", *roles))
    if plan is not None:
        led = led.filter(plan_id=plan)
    supported = _supported_ids(access, *roles, plan=plan)
    work = Q(pk__in=led.order_by().values("pk").union(supported))
    return work if plan is None else work & Q(plan_id=plan)


def task_q(access: Access, *, plan: int | None = None) -> Q:
    """Tasks the user may read (`plan`: of that plan; see `unit_work_q`)."""
    if access.is_superuser:
        return Q()
    draft = Q(plan__status=PlanStatus.DRAFT)
    oversight = ~draft & (
        access.unit_q("lead_unit", *OVERSIGHT_ROLES)
        | access.unit_q("plan__issuing_unit", *OVERSIGHT_ROLES)
    )
    if access.has(*OVERSIGHT_ROLES):
        # Overseeing a branch covers what its units work on, supporting work included: a
        # leader sees every task that a unit below them sees.
        oversight |= ~draft & supported_in_scope_q(access, *OVERSIGHT_ROLES, plan=plan)
    managers_drafts = draft & access.unit_q("plan__issuing_unit", *MANAGERS)
    q = oversight | managers_drafts
    if access.has(*UNIT_ROLES):
        q |= ~draft & unit_work_q(access, *UNIT_ROLES, plan=plan)
    return q if plan is None else q & Q(plan_id=plan)


def reads_whole_plan(access: Access, plan: Plan) -> bool:
    """Whether `task_q` grants every task of this plan: overseeing the issuing unit's branch
    (an issued plan), or managing it (a draft). Lists of such a plan need no scope per task."""
    path = plan.issuing_unit.path
    if plan.status == PlanStatus.DRAFT:
        return access.covers(path, *MANAGERS)
    return access.covers(path, *OVERSIGHT_ROLES)


def branch_task_q(access: Access, path: str) -> Q | None:
    """`task_q` for the tasks led in the branch at `path`, when the user works in or oversees
    that branch: every issued task led there is theirs to read, so no task is checked
    against their scope (the scope's supporting-unit part made the database read every
    task). None when the branch is not wholly theirs."""
    if not access.covers(path, *OVERSIGHT_ROLES, *UNIT_ROLES):
        return None
    return _issued_or_managed_q(access)


def _issued_or_managed_q(access: Access) -> Q:
    """Tasks of issued plans, and of the drafts the user manages."""
    draft = Q(plan__status=PlanStatus.DRAFT)
    return ~draft | (draft & access.unit_q("plan__issuing_unit", *MANAGERS))


def mine_q(access: Access, *, plan: int | None = None) -> Q:
    """`task_q` narrowed to the tasks the user's own units lead or support (“Việc của
    tôi”): those tasks are in the scope's unit part already, so the union is read once,
    not once for the scope and again for the filter. `plan`: of that plan."""
    return unit_work_q(access, *UNIT_ROLES, plan=plan) & (
        Q() if access.is_superuser else _issued_or_managed_q(access)
    )


def tree_task_q(access: Access, root_paths: list[str]) -> Q | None:
    """`branch_task_q` for the whole tree (its roots at `root_paths`): the user who works
    in or oversees every root reads every issued task, none checked against the scope.
    None otherwise."""
    if not root_paths or not all(
        access.covers(path, *OVERSIGHT_ROLES, *UNIT_ROLES) for path in root_paths
    ):
        return None
    return branch_task_q(access, root_paths[0])


def can_manage_plan(access: Access, plan: Plan) -> bool:
    """The office of the issuing unit's branch edits, issues and reorganises the plan."""
    return access.covers(plan.issuing_unit.path, Role.OFFICE)


def can_review_completion(access: Access, task: Task) -> bool:
    """Confirming or returning a reported completion: the office that reorganises the plan
    (of the issuing unit's branch), on an issued plan."""
    return task.plan.status == PlanStatus.ISSUED and can_manage_plan(access, task.plan)


def review_q(access: Access) -> Q:
    """Tasks whose completions the user reviews (`can_review_completion` as a filter)."""
    return Q(plan__status=PlanStatus.ISSUED) & access.unit_q("plan__issuing_unit", Role.OFFICE)


def can_report_progress(access: Access, task: Task) -> bool:
    """Progress and status: the lead unit's focal officer and head, or the office."""
    if task.plan.status != PlanStatus.ISSUED:
        return False
    return access.covers(task.lead_unit.path, *UNIT_ROLES) or can_office_task(access, task)


def can_office_task(access: Access, task: Task) -> bool:
    return access.covers(task.lead_unit.path, Role.OFFICE) or access.covers(
        task.plan.issuing_unit.path, Role.OFFICE
    )


def supporting_unit_of(access: Access, task: Task):
    """The supporting unit through which the user works on the task, or None."""
    for unit in task.supporting_units.all():
        if access.covers(unit.path, *UNIT_ROLES):
            return unit
    return None


def can_add_note(access: Access, task: Task) -> bool:
    """Supporting units add notes and evidence, but do not move the task's status."""
    if task.plan.status != PlanStatus.ISSUED:
        return False
    return can_report_progress(access, task) or supporting_unit_of(access, task) is not None


def evidence_q(access: Access) -> Q:
    """Evidence the user may read: oversight of the task, its lead unit, or the uploader's unit
    (for oversight roles: any uploader's unit in their branch)."""
    if access.is_superuser:
        return Q()
    return (
        ~Q(task__plan__status=PlanStatus.DRAFT)
        & (
            access.unit_q("task__lead_unit", *OVERSIGHT_ROLES, *UNIT_ROLES)
            | access.unit_q("task__plan__issuing_unit", *OVERSIGHT_ROLES)
            | access.unit_q("unit", *OVERSIGHT_ROLES, *UNIT_ROLES)
        )
    ) | (
        Q(task__plan__status=PlanStatus.DRAFT)
        & access.unit_q("task__plan__issuing_unit", *MANAGERS)
    )


def can_view_evidence(access: Access, evidence: Evidence) -> bool:
    return Evidence.objects.filter(evidence_q(access), pk=evidence.pk).exists()
