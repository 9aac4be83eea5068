"""What every reporting write shares: who may write (`authorize`), against which version
(`check_version`, `StaleVersion`), and the move from one status to the next with its audit
event (`transition`), for units' reports and the consolidated report alike."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.lib.dates import format_day_time
from cchc.lib.text import person_name
from cchc.orgs.access import access_for

from .models import ReportingPeriod


class StaleVersion(ValidationError):
    """A save named an older version than the one stored: someone saved in between.
    `current` is the stored row, so the page can show the newer text."""

    def __init__(self, message: str, current):
        super().__init__(message, code="stale")
        self.current = current


def authorize(actor, check) -> None:
    """The system (actor None) may do anything; a person needs `check(access)`."""
    if actor is not None and not check(access_for(actor)):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def actor_name(user) -> str:
    if user is None:
        return "system"
    return person_name(user)


def reload_period(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)


def check_version(obj, expected_version: int, message: str) -> None:
    """Refuse a write made on an older version than the stored one. `message` says who
    (%(who)s) saved since and when (%(when)s); StaleVersion carries the stored row."""
    if obj.version != expected_version:
        names = {"who": actor_name(obj.updated_by), "when": format_day_time(obj.updated_at)}
        raise StaleVersion(message % names, obj)


@contextmanager
def transition(obj, *, actor, allowed_from, to: str, action: str, refusal: str) -> Iterator[dict]:
    """Move `obj` from one of the statuses `allowed_from` to `to`; any other status is
    refused with `refusal`. The `with` body makes its own checks, sets its own fields and adds
    its own audit changes to the dict it gets; then the status is set, the version bumped,
    the row saved and the event `action` recorded. A refusal in the body writes nothing."""
    if obj.status not in allowed_from:
        raise ValidationError(refusal)
    changes = {"status": [obj.status, to]}
    yield changes
    obj.status = to
    obj.version += 1
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, changes=changes)
