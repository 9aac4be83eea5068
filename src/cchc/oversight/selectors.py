"""Reads of oversight, scoped to the user."""

from django.db.models import QuerySet

from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit

from .models import ReminderRules, ReminderRun


def office_unit(*, user) -> Unit | None:
    """The highest unit the user works for as its office."""
    paths = sorted(access_for(user).paths.get(Role.OFFICE, ()), key=len)
    return Unit.objects.filter(path=paths[0], is_active=True).first() if paths else None


def rules_of(*, unit: Unit) -> ReminderRules:
    """The unit's saved rules, or the defaults (unsaved) it works by until it sets them."""
    return ReminderRules.objects.filter(unit=unit).first() or ReminderRules(unit=unit)


def recent_runs(limit: int = 14) -> QuerySet[ReminderRun]:
    return ReminderRun.objects.all()[:limit]
