"""Every write of oversight: the office's reminder rules, and the daily run of reminders."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.notifications.services import notify_many
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit

from . import reminders
from .models import ReminderRules, ReminderRun

RULE_FIELDS = ["before_due", "overdue_every", "escalate_after", "report_before", "report_after"]
# The most days a late worker catches up; older days are past helping anyone.
CATCH_UP_DAYS = 31


def can_edit_rules(user: User, unit: Unit) -> bool:
    """The office whose branch holds the unit sets how its plans remind."""
    return access_for(user).covers(unit.path, Role.OFFICE)


@transaction.atomic
def reminder_rules_set(*, actor: User, unit: Unit, **values: Any) -> ReminderRules:
    if not can_edit_rules(actor, unit):
        raise PermissionDenied(_("Chỉ Văn phòng của đơn vị được sửa quy tắc nhắc việc."))
    rules, _created = ReminderRules.objects.select_for_update().get_or_create(unit=unit)
    before = snapshot(rules, RULE_FIELDS)
    for name in RULE_FIELDS:
        setattr(rules, name, values[name])
    rules.full_clean()
    rules.save()
    changes = diff(rules, RULE_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="reminder_rules.update", obj=rules, changes=changes)
    return rules


@transaction.atomic
def reminders_run(*, day: datetime.date) -> int:
    """Send the reminders of one day; returns how many notifications were made. A day run
    again sends only what it did not send before (each reminder has its key)."""
    sends = [(recipients, message) for message, recipients in reminders.for_day(day)]
    sent = len(notify_many(actor=None, sends=sends))
    run, created = ReminderRun.objects.select_for_update().get_or_create(day=day)
    run.sent += sent
    run.save()
    audit_record(
        actor=None,
        action="reminders.run",
        obj=run,
        changes={"day": [None, day.isoformat()], "sent": [None, sent]},
    )
    return sent


def reminders_catch_up(*, today: datetime.date) -> list[tuple[datetime.date, int]]:
    """Run every day since the last run up to today (today alone the first time), each in
    its own transaction, so a worker that stopped for days misses none of them."""
    last = ReminderRun.objects.aggregate(last=Max("day"))["last"]
    start = today if last is None else last + datetime.timedelta(days=1)
    start = max(start, today - datetime.timedelta(days=CATCH_UP_DAYS - 1))
    days = [start + datetime.timedelta(days=n) for n in range((today - start).days + 1)]
    return [(day, reminders_run(day=day)) for day in days]
