"""What plans tell people: when a plan is issued, each unit that leads or supports one of
its tasks hears which; when the office nudges (đôn đốc) chosen tasks or units, each lead
unit hears which of its tasks, through its focal officers and head."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.audit.services import audit_record
from cchc.lib.dates import format_day
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify_many
from cchc.orgs.access import access_for
from cchc.orgs.models import Unit
from cchc.orgs.selectors import unit_contacts

from . import permissions
from .models import Nudge, Plan, PlanStatus, SupportingUnit, Task, TaskStatus
from .permissions import require
from .timeliness import Timeliness, timeliness_q

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _task_counts(plan: Plan) -> dict[int, list[int]]:
    """unit id -> [tasks it leads, tasks it supports], cancelled tasks left out."""
    tasks = Task.objects.filter(plan=plan).exclude(status=TaskStatus.CANCELLED)
    counts: dict[int, list[int]] = {}
    for row in tasks.values("lead_unit_id").annotate(n=Count("id")):
        counts.setdefault(row["lead_unit_id"], [0, 0])[0] = row["n"]
    supports = SupportingUnit.objects.filter(plan=plan, task__in=tasks)
    for row in supports.values("unit_id").annotate(n=Count("id")):
        counts.setdefault(row["unit_id"], [0, 0])[1] = row["n"]
    return counts


def plan_issued(*, actor: User | None, plan: Plan) -> int:
    """Notify every responsible unit of a plan just issued; returns how many were sent."""
    counts = _task_counts(plan)
    units = Unit.objects.filter(pk__in=counts).order_by("path")
    contacts = unit_contacts(units=units)
    name = plan.document_number or plan.title
    url = f"{reverse('plans:task-mine')}?{urlencode({'plan': plan.pk})}"
    sends = []
    for unit in units:
        lead, support = counts[unit.pk]
        message = Message(
            kind=Kind.PLAN_ISSUED,
            title=_("Kế hoạch %(plan)s giao nhiệm vụ cho %(unit)s")
            % {"plan": name, "unit": unit.name},
            body=_("%(title)s\n%(unit)s chủ trì %(lead)d nhiệm vụ, phối hợp %(support)d nhiệm vụ.")
            % {"title": plan.title, "unit": unit.name, "lead": lead, "support": support},
            url=url,
            unit=unit,
            key=f"plan_issued:{plan.pk}:{unit.pk}",
        )
        sends.append((contacts[unit.pk], message))
    return len(notify_many(actor=actor, sends=sends))


# --- nudges (đôn đốc) ---------------------------------------------------------------------

NUDGE_MESSAGE_MAX = 2000


def nudge_message(text: str) -> str:
    """The message as sent: required, and no longer than a letter (the field is named)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"message": _("Nội dung đôn đốc: hãy nhập lời nhắn gửi đơn vị.")})
    if len(text) > NUDGE_MESSAGE_MAX:
        raise ValidationError(
            {
                "message": _(
                    "Nội dung đôn đốc: tối đa %(max)d ký tự (đang có %(n)d), hãy viết ngắn lại."
                )
                % {"max": NUDGE_MESSAGE_MAX, "n": len(text)}
            }
        )
    return text


@transaction.atomic
def task_nudge(*, actor: User, task_ids: Iterable[int], message: str) -> list[Nudge]:
    """The office nudges the lead units of the chosen tasks: one nudge per unit naming its
    tasks, one notification to each of its focal officers and head, one audit event. Only
    the office of each task's plan branch may (as for reorganising the plan)."""
    text = nudge_message(message)
    ids = sorted(set(task_ids))
    if not ids:
        raise ValidationError(_("Chưa chọn nhiệm vụ nào."))
    tasks = list(
        Task.objects.select_related("plan__issuing_unit", "lead_unit")
        .filter(pk__in=ids)
        .order_by("lead_unit__path", "plan_id", "area__code", "order", "id")
    )
    access = access_for(actor)
    require(
        len(tasks) == len(ids) and all(permissions.can_manage_plan(access, t.plan) for t in tasks),
        _("Có nhiệm vụ không thuộc phạm vi quản lý của bạn."),
    )
    if any(t.plan.status != PlanStatus.ISSUED for t in tasks):
        raise ValidationError(_("Chỉ đôn đốc được nhiệm vụ của kế hoạch đã ban hành."))
    by_unit: dict[int, list[Task]] = {}
    for task in tasks:
        by_unit.setdefault(task.lead_unit_id, []).append(task)
    units = [group[0].lead_unit for group in by_unit.values()]
    return _nudge_all(actor, [(unit, by_unit[unit.pk], None) for unit in units], text)


@transaction.atomic
def unit_nudge(
    *, actor: User, plan: Plan, unit_ids: Iterable[int], message: str, today: datetime.date
) -> list[Nudge]:
    """The office nudges chosen units about a plan: each about its open tasks of the plan
    that are overdue or due soon as of `today`, or, having none, with the message alone."""
    text = nudge_message(message)
    require(
        permissions.can_manage_plan(access_for(actor), plan),
        _("Chỉ Văn phòng của cơ quan ban hành kế hoạch được đôn đốc."),
    )
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Chỉ đôn đốc được nhiệm vụ của kế hoạch đã ban hành."))
    ids = set(unit_ids)
    units = list(
        Unit.objects.filter(pk__in=ids, path__startswith=plan.issuing_unit.path).order_by("path")
    )
    if not ids or len(units) != len(ids):
        raise ValidationError({"units": _("Đơn vị: hãy chọn đơn vị thuộc phạm vi kế hoạch.")})
    urgent = timeliness_q(Timeliness.OVERDUE, today) | timeliness_q(Timeliness.DUE_SOON, today)
    tasks: dict[int, list[Task]] = {}
    rows = (
        Task.objects.filter(urgent, plan=plan, lead_unit__in=units)
        .select_related("plan", "lead_unit")
        .order_by("area__code", "order", "id")
    )
    for task in rows:
        tasks.setdefault(task.lead_unit_id, []).append(task)
    return _nudge_all(actor, [(unit, tasks.get(unit.pk, []), plan) for unit in units], text)


def _nudge_all(actor: User, rows: list[tuple[Unit, list[Task], Plan | None]], text: str) -> list:
    """A nudge to each unit about its tasks (of `plan`, when given), and the notices to
    each unit's contacts, sent together."""
    contacts = unit_contacts(units=[row[0] for row in rows])
    nudges, sends = [], []
    for unit, tasks, plan in rows:
        nudge = _nudge(actor, unit, tasks, text, plan)
        nudges.append(nudge)
        sends.append((contacts[unit.pk], _nudge_message(nudge, unit, tasks)))
    notify_many(actor=actor, sends=sends)
    return nudges


def _nudge(actor: User, unit: Unit, tasks: list[Task], text: str, plan: Plan | None) -> Nudge:
    plans = {t.plan_id for t in tasks}
    plan = plan or (tasks[0].plan if len(plans) == 1 else None)
    nudge = Nudge.objects.create(unit=unit, plan=plan, message=text, sent_by=actor)
    nudge.tasks.set(tasks)
    audit_record(
        actor=actor,
        action="nudge.send",
        obj=nudge,
        changes={
            "unit": [None, unit.pk],
            "tasks": [None, [t.pk for t in tasks]],
            "message": [None, text],
        },
    )
    return nudge


def _nudge_message(nudge: Nudge, unit: Unit, tasks: list[Task]) -> Message:
    if tasks:
        title = ngettext(
            "Văn phòng đôn đốc %(unit)s: %(n)d nhiệm vụ",
            "Văn phòng đôn đốc %(unit)s: %(n)d nhiệm vụ",
            len(tasks),
        ) % {"unit": unit.name, "n": len(tasks)}
        lines = [_nudge_line(t) for t in tasks]
        body = nudge.message + "\n\n" + _("Nhiệm vụ:") + "\n" + "\n".join(lines)
    else:
        title, body = _("Văn phòng đôn đốc %(unit)s") % {"unit": unit.name}, nudge.message
    if len(tasks) == 1:
        url = reverse("plans:task-detail", args=[tasks[0].pk])
    elif nudge.plan_id:
        url = f"{reverse('plans:task-mine')}?{urlencode({'plan': nudge.plan_id})}"
    else:
        url = reverse("plans:task-mine")
    return Message(
        kind=Kind.NUDGE,
        title=title,
        body=body,
        url=url,
        unit=unit,
        key=f"nudge:{nudge.pk}",
        subject=nudge,
    )


def _nudge_line(task: Task) -> str:
    due = task.due_text or (format_day(task.due_date) if task.due_date else "")
    title = task.title if len(task.title) <= 200 else task.title[:199] + "…"
    line = f"- {task.code} {title}".replace("-  ", "- ")
    return f"{line} ({_('hạn')}: {due})" if due else line
