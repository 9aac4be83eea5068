"""What every reporting write shares: the actor's permission, the version it was written
against, the period it belongs to."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cchc.lib.text import person_name
from cchc.orgs.access import access_for

from .models import ReportingPeriod


class StaleVersion(ValidationError):
    """A save named an older version than the one stored: someone saved in between.
    `current` is the stored row, so the page can show the newer text."""

    def __init__(self, message: str, current):
        super().__init__(message, code="stale")
        self.current = current


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _system_or(actor, check) -> None:
    """The system (actor None) may do anything; a person needs `check(access)`."""
    if actor is not None:
        _require(check(access_for(actor)), _("Bạn không có quyền thực hiện thao tác này."))


def _name(user) -> str:
    if user is None:
        return "system"
    return person_name(user)


def _period(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)
