"""The reminders of one day, as (message, recipients) pairs: tasks due soon, overdue and
long overdue (to the unit head), period reports not yet sent, and inspection findings
still open before and after their deadline. Each carries a key made
of its rule, its subject and its day, so a day run twice sends nothing twice.

Only what is still open today is reminded: a task finished since the day being caught up
is not. For the same reason a day caught up is judged by today's deadline, not the one the
task had that day: the reminder is read today, and a deadline moved since would make the
old one's "1 day late" untrue. Recurring tasks and tasks without a due date have no
deadline to remind of."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.lib.dates import format_day
from cchc.notifications.models import Kind
from cchc.notifications.services import Message
from cchc.orgs.models import Role
from cchc.orgs.selectors import unit_contacts
from cchc.plans.models import PlanStatus, Task, TaskStatus
from cchc.reporting import data
from cchc.reporting.models import ReportingPeriod

from .models import Finding, FindingStatus, ReminderRules

Reminder = tuple[Message, list[User]]
# Periods whose deadline is this near the day are looked at for report reminders.
REPORT_WINDOW = datetime.timedelta(days=370)


def rules_for(unit_ids: set[int]) -> dict[int, ReminderRules]:
    """Each issuing unit's rules; the defaults (an unsaved row) where it set none."""
    saved = {r.unit_id: r for r in ReminderRules.objects.filter(unit_id__in=unit_ids)}
    return {pk: saved.get(pk) or ReminderRules(unit_id=pk) for pk in unit_ids}


@dataclass
class Trigger:
    kind: Kind
    key: str
    title: str
    heads_only: bool = False


def task_triggers(task: Task, rules: ReminderRules, day: datetime.date) -> list[Trigger]:
    if task.due_date is None:
        return []
    left = (task.due_date - day).days
    due = task.due_date.isoformat()
    found = []
    if left > 0 and left in rules.before_days():
        found.append(
            Trigger(
                Kind.TASK_DUE,
                f"task_due:{task.pk}:{due}:{left}",
                _("Còn %(n)d ngày đến hạn: %(title)s") % {"n": left, "title": task.title},
            )
        )
    over = -left
    every = rules.overdue_every
    if over >= 1 and (over == 1 or (every and (over - 1) % every == 0)):
        found.append(
            Trigger(
                Kind.TASK_OVERDUE,
                f"task_overdue:{task.pk}:{due}:{over}",
                _("Quá hạn %(n)d ngày: %(title)s") % {"n": over, "title": task.title},
            )
        )
    if rules.escalate_after and over == rules.escalate_after:
        found.append(
            Trigger(
                Kind.ESCALATION,
                f"task_escalation:{task.pk}:{due}",
                _("Nhiệm vụ quá hạn %(n)d ngày chưa hoàn thành: %(title)s")
                % {"n": over, "title": task.title},
                heads_only=True,
            )
        )
    return found


def _open_tasks(day: datetime.date) -> list[Task]:
    return list(
        Task.objects.filter(
            plan__status=PlanStatus.ISSUED,
            due_date__isnull=False,
            due_date__lte=day + datetime.timedelta(days=366),
            is_recurring=False,
        )
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .select_related("plan", "lead_unit")
        .only("id", "code", "title", "due_date", "plan__issuing_unit_id", "lead_unit")
        .order_by("due_date", "id")
    )


def task_reminders(day: datetime.date) -> Iterator[Reminder]:
    tasks = _open_tasks(day)
    rules = rules_for({t.plan.issuing_unit_id for t in tasks})
    due = [
        (t, trig) for t in tasks for trig in task_triggers(t, rules[t.plan.issuing_unit_id], day)
    ]
    units = {t.lead_unit_id: t.lead_unit for t, _trig in due}.values()
    contacts = unit_contacts(units=units)
    heads = unit_contacts(units=units, roles=[Role.UNIT_HEAD])
    for task, trigger in due:
        body = _("%(code)s %(title)s\nHạn hoàn thành: %(due)s. Đơn vị chủ trì: %(unit)s.") % {
            "code": task.code,
            "title": task.title,
            "due": format_day(task.due_date),
            "unit": task.lead_unit.name,
        }
        message = Message(
            kind=trigger.kind,
            title=trigger.title,
            body=body.strip(),
            url=reverse("plans:task-detail", args=[task.pk]),
            unit=task.lead_unit,
            key=trigger.key,
            subject=task,
        )
        yield message, (heads if trigger.heads_only else contacts)[task.lead_unit_id]


def report_reminders(day: datetime.date) -> Iterator[Reminder]:
    periods = list(
        ReportingPeriod.objects.filter(
            plan__status=PlanStatus.ISSUED,
            due_on__gte=day - REPORT_WINDOW,
            due_on__lte=day + REPORT_WINDOW,
        ).select_related("plan")
    )
    rules = rules_for({p.plan.issuing_unit_id for p in periods})
    for period in periods:
        rule = rules[period.plan.issuing_unit_id]
        left = (period.due_on - day).days
        if rule.report_before and left == rule.report_before:
            tag = "before"
            title = _("Còn %(n)d ngày đến hạn gửi báo cáo %(period)s") % {
                "n": left,
                "period": period.title_phrase,
            }
        elif rule.report_after and -left == rule.report_after:
            tag = "after"
            title = _("Quá hạn gửi báo cáo %(period)s") % {"period": period.title_phrase}
        else:
            continue
        missing = [r["unit"] for r in data.report_rows(period) if r["submission"] == data.MISSING]
        contacts = unit_contacts(units=missing)
        for unit in missing:
            message = Message(
                kind=Kind.REPORT_DUE,
                title=title,
                body=_("Hạn gửi báo cáo: %(due)s. Đơn vị: %(unit)s.")
                % {"due": format_day(period.due_on), "unit": unit.name},
                url=reverse("reporting:unit-report", args=[period.pk, unit.pk]),
                unit=unit,
                key=f"report_due:{period.pk}:{unit.pk}:{tag}",
                subject=period,
            )
            yield message, contacts[unit.pk]


def finding_triggers(finding: Finding, rules: ReminderRules, day: datetime.date) -> list[Trigger]:
    """A finding the unit has not answered: the task rules' days before its deadline, the
    day it becomes overdue, then every `overdue_every` days."""
    left = (finding.deadline - day).days
    due = finding.deadline.isoformat()
    over, every = -left, rules.overdue_every
    if left > 0 and left in rules.before_days():
        key = f"finding_due:{finding.pk}:{due}:{left}"
        title = _("Còn %(n)d ngày đến hạn khắc phục kiến nghị: %(text)s")
    elif over >= 1 and (over == 1 or (every and (over - 1) % every == 0)):
        key = f"finding_overdue:{finding.pk}:{due}:{over}"
        title = _("Quá hạn %(n)d ngày khắc phục kiến nghị: %(text)s")
        left = over
    else:
        return []
    text = finding.recommendation[:120]
    return [Trigger(Kind.FINDING_DUE, key, title % {"n": left, "text": text})]


def finding_reminders(day: datetime.date) -> Iterator[Reminder]:
    findings = list(
        Finding.objects.filter(
            status=FindingStatus.OPEN, deadline__lte=day + datetime.timedelta(days=366)
        )
        .select_related("inspection__plan", "inspection__unit", "responsible_unit")
        .order_by("deadline", "id")
    )
    rules = rules_for({f.inspection.plan.issuing_unit_id for f in findings})
    due = [
        (f, trig)
        for f in findings
        for trig in finding_triggers(f, rules[f.inspection.plan.issuing_unit_id], day)
    ]
    contacts = unit_contacts(units={f.responsible_unit for f, _t in due})
    for finding, trigger in due:
        body = _("%(text)s\nHạn khắc phục: %(due)s. Đơn vị: %(unit)s. Kiểm tra tại %(where)s.") % {
            "text": finding.recommendation,
            "due": format_day(finding.deadline),
            "unit": finding.responsible_unit.name,
            "where": finding.inspection.unit.name,
        }
        message = Message(
            kind=trigger.kind,
            title=trigger.title,
            body=body,
            url=reverse("oversight:finding-detail", args=[finding.pk]),
            unit=finding.responsible_unit,
            key=trigger.key,
            subject=finding,
        )
        yield message, contacts[finding.responsible_unit_id]


def for_day(day: datetime.date) -> Iterator[Reminder]:
    yield from task_reminders(day)
    yield from report_reminders(day)
    yield from finding_reminders(day)
