"""Every write to what a plan says (plans, sections, tasks): permission, transaction, audit.

What units report on their tasks (progress entries and evidence) is written in `progress`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.dates import format_day
from cchc.lib.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Unit

from . import notices, permissions
from .due_text import parse_due_text
from .models import (
    Area,
    DueDateChange,
    Plan,
    PlanStatus,
    Section,
    SupportingUnit,
    Task,
    TaskStatus,
)
from .permissions import require

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PLAN_FIELDS = [
    "year",
    "title",
    "issuing_unit_id",
    "document_number",
    "issued_on",
    "parent_id",
    "status",
    "purpose",
    "requirements",
    "implementation",
]
TASK_FIELDS = [
    "area_id",
    "section_id",
    "code",
    "title",
    "description",
    "lead_unit_id",
    "due_date",
    "due_text",
    "is_recurring",
    "deliverable",
    "notes",
    "lead_unit_text",
    "supporting_units_text",
    "parent_task_id",
    "status",
    "progress",
    "completed_on",
    "result",
]


def today() -> datetime.date:
    """Today where the state body works, read at each call (tests pin the clock)."""
    return timezone.localdate()


def _require_manager(actor: User | None, plan: Plan, message: str = "") -> None:
    """The plan's office (or leader) changes it; `actor=None` is the system."""
    if actor is not None:
        require(
            permissions.can_manage_plan(access_for(actor), plan),
            message or _("Không có quyền sửa kế hoạch."),
        )


def _branch(plan: Plan) -> str:
    return Unit.objects.only("path").get(pk=plan.issuing_unit_id).path


def _require_lead_in_branch(branch: str, lead_unit: Unit | None) -> None:
    """A plan's tasks are led by units of its issuing unit's branch (`branch`: that unit's
    path), as the bulk move of lead units checks. Supporting units may come from another
    branch: a department's plan may ask a unit of another department to help."""
    if lead_unit is not None and not lead_unit.path.startswith(branch):
        message = _("“%(unit)s” không thuộc cơ quan ban hành kế hoạch.")
        raise ValidationError({"lead_unit": message % {"unit": lead_unit.name}})


def task_search_text(task: Task) -> str:
    """What the task list's search box matches, folded (see `Task.search_text`)."""
    return fold(f"{task.code} {task.title} {task.deliverable} {task.due_text}")


# --- plans ---------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User | None,
    year: int,
    title: str,
    issuing_unit: Unit,
    parent: Plan | None = None,
    document_number: str = "",
    issued_on: datetime.date | None = None,
    purpose: str = "",
    requirements: str = "",
    implementation: str = "",
) -> Plan:
    """Create a draft plan. `actor=None` is the system (demo loader)."""
    if actor is not None:
        require(
            access_for(actor).covers(issuing_unit.path, "office"),
            _("Chỉ Văn phòng của cơ quan ban hành được lập kế hoạch."),
        )
    plan = Plan.objects.create(
        year=year,
        title=title,
        issuing_unit=issuing_unit,
        parent=parent,
        document_number=document_number,
        issued_on=issued_on,
        purpose=purpose,
        requirements=requirements,
        implementation=implementation,
    )
    audit_record(
        actor=actor,
        action="plan.create",
        obj=plan,
        changes={f: [None, getattr(plan, f)] for f in PLAN_FIELDS},
    )
    return plan


# What an edit may change. The status moves only through plan_issue (with its checks), and
# the issuing unit never: that would move the plan out of its own branch.
PLAN_EDITABLE = {
    "year",
    "title",
    "document_number",
    "issued_on",
    "parent",
    "parent_id",
    "purpose",
    "requirements",
    "implementation",
}


@transaction.atomic
def plan_update(*, actor: User | None, plan: Plan, **fields: Any) -> Plan:
    plan = Plan.objects.select_for_update().select_related("issuing_unit").get(pk=plan.pk)
    _require_manager(actor, plan)
    unknown = set(fields) - PLAN_EDITABLE
    if unknown:
        raise ValueError(f"Plan fields not editable here: {sorted(unknown)}")
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    changes = diff(plan, PLAN_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="plan.update", obj=plan, changes=changes)
    return plan


@transaction.atomic
def plan_issue(
    *,
    actor: User | None,
    plan: Plan,
    document_number: str = "",
    issued_on: datetime.date | None = None,
) -> Plan:
    """Issue a draft plan: from now on its units see and work on their tasks."""
    plan = Plan.objects.select_for_update().select_related("issuing_unit").get(pk=plan.pk)
    _require_manager(actor, plan, _("Không có quyền ban hành."))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Kế hoạch đã được ban hành."))
    if not plan.tasks.exists():
        raise ValidationError(_("Kế hoạch chưa có nhiệm vụ nào."))
    before = snapshot(plan, PLAN_FIELDS)
    plan.status = PlanStatus.ISSUED
    plan.document_number = document_number or plan.document_number
    plan.issued_on = issued_on or plan.issued_on or today()
    plan.save()
    # Its tasks are the plan's from the day it bears; figures as of an earlier day omit them.
    plan.tasks.filter(added_on__isnull=True).update(added_on=plan.issued_on)
    audit_record(
        actor=actor, action="plan.issue", obj=plan, changes=diff(plan, PLAN_FIELDS, before)
    )
    notices.plan_issued(actor=actor, plan=plan)
    return plan


@transaction.atomic
def section_create(
    *, actor: User | None, plan: Plan, area: Area, title: str, order: int = 0
) -> Section:
    _require_manager(actor, plan)
    section = Section.objects.create(plan=plan, area=area, title=title, order=order)
    audit_record(
        actor=actor, action="section.create", obj=section, changes={"title": [None, title]}
    )
    return section


# --- tasks ---------------------------------------------------------------------------


@dataclass
class TaskSpec:
    """One task to add (the arguments of `task_create`, many at once for
    `tasks_create_many`). The due date and whether the task is recurring are read from
    `due_text` unless given."""

    area: Area
    title: str
    lead_unit: Unit
    code: str = ""
    order: int = 0
    section: Section | None = None
    supporting_units: Sequence[Unit] = ()
    due_text: str = ""
    due_date: datetime.date | None = None
    is_recurring: bool | None = None
    deliverable: str = ""
    notes: str = ""
    description: str = ""
    parent_task: Task | None = None
    lead_unit_text: str = ""
    supporting_units_text: str = ""


def _added_on(plan: Plan) -> datetime.date | None:
    """A task added to an issued plan is part of it from today (read from the database: a
    caller's plan object may predate the issue); a draft's tasks join it when it is issued."""
    issued = Plan.objects.filter(pk=plan.pk).exclude(status=PlanStatus.DRAFT).exists()
    return today() if issued else None


def _new_task(plan: Plan, spec: TaskSpec, added_on: datetime.date | None) -> Task:
    """The task `spec` describes in `plan`, not saved yet."""
    parsed = parse_due_text(spec.due_text, plan.year)
    task = Task(
        plan=plan,
        area=spec.area,
        section=spec.section,
        code=spec.code,
        order=spec.order,
        title=spec.title,
        description=spec.description,
        lead_unit=spec.lead_unit,
        due_text=spec.due_text,
        due_date=parsed.due_date if spec.due_date is None else spec.due_date,
        is_recurring=parsed.is_recurring if spec.is_recurring is None else spec.is_recurring,
        deliverable=spec.deliverable,
        notes=spec.notes,
        parent_task=spec.parent_task,
        lead_unit_text=spec.lead_unit_text,
        supporting_units_text=spec.supporting_units_text,
        added_on=added_on,
    )
    task.search_text = task_search_text(task)
    return task


def _record_due_change(actor: User | None, task: Task, before: dict) -> None:
    """Keep the deadline a task had before this change, so that figures as of an earlier
    day judge it by the deadline of that day. A draft's tasks have no such days yet."""
    if task.added_on is None:
        return
    if (task.due_date, task.is_recurring) == (before["due_date"], before["is_recurring"]):
        return
    day = today()
    # The task is locked by the caller: the move before this one is the latest.
    latest = task.due_changes.order_by("-changed_on", "-id")
    DueDateChange.objects.create(
        task=task,
        changed_on=day,
        before_from=latest.values_list("changed_on", flat=True).first(),
        due_date_before=before["due_date"],
        is_recurring_before=before["is_recurring"],
        due_text_before=before["due_text"],
        due_date_after=task.due_date,
        is_recurring_after=task.is_recurring,
        due_text_after=task.due_text,
        changed_by=actor,
    )
    if task.due_changed_on is None:
        task.due_changed_on = day
        task.save(update_fields=["due_changed_on"])


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    plan: Plan,
    area: Area,
    title: str,
    lead_unit: Unit,
    code: str = "",
    order: int = 0,
    description: str = "",
    supporting_units: Iterable[Unit] = (),
    due_text: str = "",
    due_date: datetime.date | None = None,
    is_recurring: bool | None = None,
    deliverable: str = "",
    notes: str = "",
    section: Section | None = None,
    parent_task: Task | None = None,
    lead_unit_text: str = "",
    supporting_units_text: str = "",
) -> Task:
    """Add a task to a plan. The due date is read from `due_text` unless given.

    `lead_unit_text` and `supporting_units_text` keep the unit columns as an imported plan
    wrote them ("Các cơ quan, đơn vị")."""
    _require_manager(actor, plan)
    supporting = list(supporting_units)
    _require_lead_in_branch(_branch(plan), lead_unit)
    spec = TaskSpec(
        area=area,
        title=title,
        lead_unit=lead_unit,
        code=code,
        order=order,
        section=section,
        supporting_units=supporting,
        due_text=due_text,
        due_date=due_date,
        is_recurring=is_recurring,
        deliverable=deliverable,
        notes=notes,
        description=description,
        parent_task=parent_task,
        lead_unit_text=lead_unit_text,
        supporting_units_text=supporting_units_text,
    )
    task = _new_task(plan, spec, _added_on(plan))
    task.save()
    task.supporting_units.set(supporting, through_defaults={"plan_id": task.plan_id})
    changes = {f: [None, getattr(task, f)] for f in TASK_FIELDS}
    changes["supporting_units"] = [None, [u.pk for u in supporting]]
    audit_record(actor=actor, action="task.create", obj=task, changes=changes)
    return task


@transaction.atomic
def tasks_create_many(*, actor: User | None, plan: Plan, specs: Sequence[TaskSpec]) -> list[Task]:
    """Add many tasks to a plan at once (a plan imported from a file).

    The same rules as `task_create`, in a fixed number of queries: one permission check,
    the tasks and their supporting units inserted in bulk, and one audit event listing
    every task created with its fields."""
    _require_manager(actor, plan)
    branch = _branch(plan)
    for spec in specs:
        _require_lead_in_branch(branch, spec.lead_unit)
    added_on = _added_on(plan)
    tasks = [_new_task(plan, spec, added_on) for spec in specs]
    Task.objects.bulk_create(tasks, batch_size=500)
    SupportingUnit.objects.bulk_create(
        [
            SupportingUnit(task_id=task.pk, unit_id=unit.pk, plan_id=plan.pk)
            for task, spec in zip(tasks, specs, strict=True)
            for unit in {u.pk: u for u in spec.supporting_units}.values()
        ],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        action="task.create_many",
        obj=plan,
        changes={
            "tasks": [
                None,
                [
                    {"id": task.pk}
                    | {f: getattr(task, f) for f in TASK_FIELDS}
                    | {"supporting_units": sorted({u.pk for u in spec.supporting_units})}
                    for task, spec in zip(tasks, specs, strict=True)
                ],
            ]
        },
    )
    return tasks


def _bulk_tasks(actor: User, task_ids: Iterable[int]) -> list[Task]:
    ids = sorted(set(task_ids))
    if not ids:
        raise ValidationError(_("Chưa chọn nhiệm vụ nào."))
    tasks = list(
        Task.objects.select_for_update()
        .select_related("plan__issuing_unit", "lead_unit")
        .filter(pk__in=ids)
    )
    access = access_for(actor)
    # Changing a task's lead unit or deadline changes the plan: the office of the plan's
    # issuing unit decides it, not the office of whichever unit leads the task.
    require(
        len(tasks) == len(ids) and all(permissions.can_manage_plan(access, t.plan) for t in tasks),
        _("Có nhiệm vụ không thuộc phạm vi quản lý của bạn."),
    )
    return tasks


@transaction.atomic
def tasks_set_lead_unit(*, actor: User, task_ids: Iterable[int], lead_unit: Unit) -> int:
    """Office bulk action: give the selected tasks another lead unit; one event per task.
    Returns how many tasks changed."""
    tasks = _bulk_tasks(actor, task_ids)
    outside = [t for t in tasks if not lead_unit.path.startswith(t.plan.issuing_unit.path)]
    if outside:
        raise ValidationError(
            {
                "lead_unit": _(
                    "“%(unit)s” không thuộc cơ quan ban hành kế hoạch của nhiệm vụ %(task)s."
                )
                % {"unit": lead_unit.name, "task": outside[0].code or outside[0].pk}
            }
        )
    changed = 0
    for task in tasks:
        if task.lead_unit_id == lead_unit.pk:
            continue
        changed += 1
        before = snapshot(task, TASK_FIELDS)
        task.lead_unit = lead_unit
        # The words the plan wrote named the old units.
        task.lead_unit_text = task.supporting_units_text = ""
        task.save(
            update_fields=["lead_unit", "lead_unit_text", "supporting_units_text", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="task.set_lead_unit",
            obj=task,
            changes=diff(task, TASK_FIELDS, before),
        )
    return changed


@transaction.atomic
def tasks_set_due(
    *, actor: User, task_ids: Iterable[int], due_date: datetime.date, due_text: str = ""
) -> int:
    """Office bulk action: move the deadline of the selected open tasks; one event per task.
    Done and cancelled tasks keep theirs (moving it would rewrite whether they were on
    time). Returns how many tasks changed."""
    tasks = _bulk_tasks(actor, task_ids)
    text = due_text or format_day(due_date)
    changed = 0
    for task in tasks:
        if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            continue
        before = snapshot(task, TASK_FIELDS)
        task.due_date, task.due_text, task.is_recurring = due_date, text, False
        task.search_text = task_search_text(task)
        task.save(
            update_fields=["due_date", "due_text", "is_recurring", "search_text", "updated_at"]
        )
        changes = diff(task, TASK_FIELDS, before)
        if changes:
            changed += 1
            _record_due_change(actor, task, before)
            audit_record(actor=actor, action="task.set_due", obj=task, changes=changes)
    return changed


# Fields of a task that belong to the plan's text (not to its progress).
EDITABLE_TASK_FIELDS = {
    "area",
    "section",
    "code",
    "order",
    "title",
    "description",
    "lead_unit",
    "due_text",
    "due_date",
    "is_recurring",
    "deliverable",
    "notes",
    "lead_unit_text",
    "supporting_units_text",
    "parent_task",
}


@transaction.atomic
def task_edit(
    *,
    actor: User | None,
    task: Task,
    supporting_units: Iterable[Unit] | None = None,
    **fields: Any,
) -> Task:
    """Change what the plan says about a task (title, units, deadline...), not its progress.

    A new `due_text` is read into the due date unless `due_date` is given too. The words the
    plan wrote for the units (`lead_unit_text`, `supporting_units_text`) describe the lead
    and supporting units together: changing either without new words clears both.
    """
    task = (
        Task.objects.select_for_update()
        .select_related("plan__issuing_unit", "lead_unit")
        .get(pk=task.pk)
    )
    _require_manager(actor, task.plan)
    unknown = set(fields) - EDITABLE_TASK_FIELDS
    if unknown:
        raise ValueError(f"Unknown task fields: {sorted(unknown)}")
    before = snapshot(task, TASK_FIELDS)
    old_order = task.order
    old_supporting = sorted(task.supporting_units.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(task, name, value)
    if "due_text" in fields and "due_date" not in fields:
        parsed = parse_due_text(task.due_text, task.plan.year)
        task.due_date = parsed.due_date
        if "is_recurring" not in fields:
            task.is_recurring = parsed.is_recurring
    new_words = "lead_unit_text" in fields or "supporting_units_text" in fields
    units = None if supporting_units is None else list(supporting_units)
    _require_lead_in_branch(task.plan.issuing_unit.path, fields.get("lead_unit"))
    moved = task.lead_unit_id != before["lead_unit_id"] or (
        units is not None and sorted(u.pk for u in units) != old_supporting
    )
    if moved and not new_words:
        task.lead_unit_text = task.supporting_units_text = ""
    if not task.title.strip():
        raise ValidationError({"title": _("Nội dung nhiệm vụ không được để trống.")})
    task.search_text = task_search_text(task)
    changes = diff(task, TASK_FIELDS, before)
    if task.order != old_order:
        changes["order"] = [old_order, task.order]
    if units is not None:
        new_supporting = sorted(u.pk for u in units)
        if new_supporting != old_supporting:
            task.supporting_units.set(units, through_defaults={"plan_id": task.plan_id})
            changes["supporting_units"] = [old_supporting, new_supporting]
    if changes:
        task.save()
        _record_due_change(actor, task, before)
        audit_record(actor=actor, action="task.edit", obj=task, changes=changes)
    return task


@transaction.atomic
def task_delete(*, actor: User | None, task: Task) -> None:
    """Remove a task from a draft plan. Tasks of an issued plan are cancelled, not deleted."""
    task = Task.objects.select_for_update().select_related("plan__issuing_unit").get(pk=task.pk)
    _require_manager(actor, task.plan)
    if task.plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Chỉ xóa được nhiệm vụ của kế hoạch dự thảo."))
    changes = {f: [getattr(task, f), None] for f in TASK_FIELDS}
    changes["supporting_units"] = [
        sorted(task.supporting_units.values_list("pk", flat=True)),
        None,
    ]
    pk = task.pk
    task.delete()
    audit_record(
        actor=actor, action="task.delete", object_type="plans.task", object_id=pk, changes=changes
    )
