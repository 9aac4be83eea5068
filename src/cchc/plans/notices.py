"""What plans tell people: when a plan is issued, each unit that leads or supports one of
its tasks hears which, through its focal officers and head."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify
from cchc.orgs.models import Unit
from cchc.orgs.selectors import unit_contacts

from .models import Plan, Task, TaskStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _task_counts(plan: Plan) -> dict[int, list[int]]:
    """unit id -> [tasks it leads, tasks it supports], cancelled tasks left out."""
    tasks = Task.objects.filter(plan=plan).exclude(status=TaskStatus.CANCELLED)
    counts: dict[int, list[int]] = {}
    for row in tasks.values("lead_unit_id").annotate(n=Count("id")):
        counts.setdefault(row["lead_unit_id"], [0, 0])[0] = row["n"]
    supports = Task.supporting_units.through.objects.filter(task__in=tasks)
    for row in supports.values("unit_id").annotate(n=Count("id")):
        counts.setdefault(row["unit_id"], [0, 0])[1] = row["n"]
    return counts


def plan_issued(*, actor: User | None, plan: Plan) -> int:
    """Notify every responsible unit of a plan just issued; returns how many were sent."""
    counts = _task_counts(plan)
    units = Unit.objects.filter(pk__in=counts).order_by("path")
    contacts = unit_contacts(units=units)
    name = plan.document_number or plan.title
    sent = 0
    for unit in units:
        lead, support = counts[unit.pk]
        url = f"{reverse('plans:task-mine')}?{urlencode({'plan': plan.pk})}"
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
        sent += len(notify(actor=actor, recipients=contacts[unit.pk], message=message))
    return sent
