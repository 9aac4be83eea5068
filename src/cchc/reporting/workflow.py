"""What every reporting write shares: who may write (`authorize`), against which version
(`check_version`, `StaleVersion`), and the moves from one status to the next (`Move`, made
by `transition` and, for a return with its comment, `send_back`) with their audit events,
for units' reports and the consolidated report alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.audit.services import audit_record
from cchc.lib.dates import format_day_time
from cchc.lib.refusals import WrongState
from cchc.lib.text import person_name
from cchc.orgs.access import Access, access_for

from .models import (
    CONSOLIDATED_EDITABLE_STATUSES,
    EDITABLE_STATUSES,
    ConsolidatedReport,
    ConsolidatedStatus,
    ReportingPeriod,
    ReportStatus,
    UnitReport,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrPromise

# What moves through statuses and is saved against a version.
Report = TypeVar("Report", UnitReport, ConsolidatedReport)


class StaleVersion(ValidationError):
    """A save named an older version than the one stored: someone saved in between.
    `current` is the stored row, so the page can show the newer text."""

    def __init__(self, message: str, current: UnitReport | ConsolidatedReport):
        super().__init__(message, code="stale")
        self.current = current


def authorize(actor: User | None, check: Callable[[Access], bool]) -> None:
    """The system (actor None) may do anything; a person needs `check(access)`."""
    if actor is not None and not check(access_for(actor)):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def actor_name(user: User | None) -> str:
    if user is None:
        return "system"
    return person_name(user)


def reload_period(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)


def check_version(
    obj: UnitReport | ConsolidatedReport, expected_version: int, message: str | StrPromise
) -> None:
    """Refuse a write made on an older version than the stored one. `message` says who
    (%(who)s) saved since and when (%(when)s); StaleVersion carries the stored row."""
    if obj.version != expected_version:
        names = {"who": actor_name(obj.updated_by), "when": format_day_time(obj.updated_at)}
        raise StaleVersion(message % names, obj)


@dataclass(frozen=True)
class Move:
    """One step of a report's life: from which statuses, to which, the audit event's action,
    and what a report in any other status is told (it may name that status, %(status)s)."""

    allowed_from: tuple[str, ...]
    to: str
    action: str
    refusal: str | StrPromise


# Every move there is. A unit's report: the unit submits, the office returns or accepts.
UNIT_REPORT_SUBMIT = Move(
    EDITABLE_STATUSES,
    ReportStatus.SUBMITTED,
    "unit_report.submit",
    gettext_lazy("Báo cáo đang ở trạng thái “%(status)s”, không gửi lại được."),
)
UNIT_REPORT_RETURN = Move(
    (ReportStatus.SUBMITTED,),
    ReportStatus.RETURNED,
    "unit_report.return",
    gettext_lazy("Chỉ trả lại được báo cáo đã gửi và chưa tiếp nhận."),
)
UNIT_REPORT_ACCEPT = Move(
    (ReportStatus.SUBMITTED,),
    ReportStatus.ACCEPTED,
    "unit_report.accept",
    gettext_lazy("Chỉ tiếp nhận được báo cáo đã gửi."),
)
# How the draft moves: the office sends it, the leader returns or approves it.
CONSOLIDATED_SEND = Move(
    CONSOLIDATED_EDITABLE_STATUSES,
    ConsolidatedStatus.SENT,
    "consolidated.send",
    gettext_lazy("Báo cáo tổng hợp đã được phê duyệt."),
)
CONSOLIDATED_RETURN = Move(
    (ConsolidatedStatus.SENT,),
    ConsolidatedStatus.RETURNED,
    "consolidated.return",
    gettext_lazy("Chỉ trả lại được báo cáo đã trình."),
)
CONSOLIDATED_APPROVE = Move(
    (ConsolidatedStatus.SENT,),
    ConsolidatedStatus.APPROVED,
    "consolidated.approve",
    gettext_lazy("Chỉ phê duyệt được báo cáo đã trình."),
)


@contextmanager
def transition(obj: Report, move: Move, *, actor: User | None) -> Iterator[dict[str, Any]]:
    """Make `move` on `obj`: refused unless `obj` is in one of its statuses. The `with` body
    makes its own checks, sets its own fields and adds its own audit changes to the dict it
    gets; then the status is set, the version bumped, the row saved and the move's event
    recorded. A refusal in the body writes nothing; one for the status is WrongState."""
    if obj.status not in move.allowed_from:
        raise WrongState(move.refusal % {"status": obj.get_status_display()})
    changes = {"status": [obj.status, move.to]}
    yield changes
    obj.status = move.to
    obj.version += 1
    obj.save()
    audit_record(actor=actor, action=move.action, obj=obj, changes=changes)


def send_back(obj: Report, move: Move, *, actor: User | None, comment: str, missing: str) -> Report:
    """Make `move`, which returns `obj` to those who wrote it, with the comment (required:
    `missing` says so) that tells them what to change."""
    with transition(obj, move, actor=actor) as changes:
        if not comment.strip():
            raise ValidationError({"comment": missing})
        obj.return_comment = comment.strip()
        obj.decided_by, obj.decided_at = actor, timezone.now()
        changes["comment"] = [None, comment]
    return obj
