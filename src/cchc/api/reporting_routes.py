"""Reporting periods and one's own notifications, read through the web's selectors; a
notification marked read through the web's service."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cchc.lib.replica import reads_from_replica
from cchc.notifications import selectors as notification_selectors
from cchc.notifications import services as notification_services
from cchc.reporting import generation
from cchc.reporting import selectors as reporting_selectors
from cchc.reporting import services as reporting_services
from cchc.reporting.models import NARRATIVE_PARTS, ExportFormat

from . import idempotency
from .errors import ApiError
from .plans_routes import ID, READ_ERRORS, WRITE_ERRORS
from .schemas import ErrorOut, PeriodOut, Text

router = Router(tags=["Kỳ báo cáo, thông báo"])
PARTS = [key for key, _label in NARRATIVE_PARTS]


def _period(p) -> dict:
    return {
        "id": p.pk,
        "plan_id": p.plan_id,
        "kind": p.kind,
        "label": p.label,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "due_on": p.due_on,
        "units_due": p.units_due,
        "units_submitted": p.units_submitted,
    }


@router.get("/periods", response={200: list[PeriodOut], **READ_ERRORS})
def period_list(request):
    """Reporting periods of the plans the user may read (the web's list), newest first."""
    return [_period(p) for p in reporting_selectors.period_rows(user=request.auth)]


@router.get("/periods/{period_id}", response={200: PeriodOut, **READ_ERRORS})
def period_detail(request, period_id: int = ID):
    period = reporting_selectors.period_list(user=request.auth).filter(pk=period_id).first()
    if period is None:  # the same scope and answer as period_get
        reporting_selectors.period_get(user=request.auth, pk=period_id)
    return _period(period)


class ConsolidatedOut(Schema):
    """The consolidated report's every figure and text, as its DOCX and XLSX are built
    from: frozen at the leader's approval, else live as of the period's cut-off."""

    approved: bool
    approved_hash: str
    data: dict[str, Any]


@router.get(
    "/periods/{period_id}/consolidated",
    response={200: ConsolidatedOut, frozenset({403}): ErrorOut, **READ_ERRORS},
)
def consolidated_figures(request, period_id: int = ID):
    """What a ministry's own system pulls instead of retyping the report: for those who may
    read the consolidated report (the oversight roles of the issuing branch)."""
    # Only reads: on the replica if there is one; the report and its figures from the same
    # server, so that an approval a second old is missing from both, not from one.
    with reads_from_replica():
        period = reporting_selectors.period_get(user=request.auth, pk=period_id)
        report = reporting_selectors.consolidated_get(user=request.auth, period=period)
        # The same choice as the files': the approved data when there is some.
        inputs = generation.inputs(period, ExportFormat.XLSX, today=timezone.localdate())
    approved = bool(report and report.approved_data)
    return {
        "approved": approved,
        "approved_hash": report.approved_hash if report and approved else "",
        "data": inputs.payload,
    }


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    unit_id: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationQuery(Schema):
    unread: bool = False
    kind: Text = Field("", max_length=32)
    limit: int = Field(50, ge=1, le=200)


def _notification(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "unit_id": n.unit_id,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS})
def notification_list(request, query: Query[NotificationQuery]):
    """One's own notifications, newest first."""
    rows = notification_selectors.notification_list(
        user=request.auth, kind=query.kind, unread=query.unread
    ).order_by("-created_at", "-id")[: query.limit]
    return [_notification(n) for n in rows]


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS}
)
def notification_read(request, notification_id: int = ID):
    """Mark one's own notification read (reading twice changes nothing)."""
    notification = notification_selectors.notification_get(user=request.auth, pk=notification_id)
    done = notification_services.notification_read(actor=request.auth, notification=notification)
    return _notification(done)


# --- a unit's report ----------------------------------------------------------------------


class UnitReportOut(Schema):
    """A unit's report in a period with its live figures as of the period's cut-off. Send
    `version` back with a draft or a submission: if someone saved since, 409."""

    period_id: int
    unit_id: int
    unit_name: str
    status: str
    version: int
    as_of: datetime.date
    narrative: dict[str, dict[str, str]]
    proposals: str
    next_tasks: str
    figures: dict[str, Any]
    submissions: int
    can_write: bool
    can_submit: bool


class UnitReportIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    narrative: dict[str, dict[str, Text]] = Field(
        default_factory=dict,
        description='Theo lĩnh vực: {"1": {"results": …, "limitations": …, "causes": …}}.',
    )
    proposals: Text = ""
    next_tasks: Text = ""


def _report(page) -> dict:
    report = page.report
    return {
        "period_id": page.period.pk,
        "unit_id": page.unit.pk,
        "unit_name": page.unit.name,
        "status": report.status if report else "none",
        "version": report.version if report else 0,
        "as_of": page.as_of,
        "narrative": {
            str(b.area.code): {key: text for key, _l, text in b.parts} for b in page.areas
        },
        "proposals": report.proposals if report else "",
        "next_tasks": report.next_tasks if report else "",
        "figures": page.figures,
        "submissions": len(page.versions),
        "can_write": page.abilities.can_write,
        "can_submit": page.abilities.can_submit,
    }


def _report_json(user, period_id: int, unit_id: int) -> dict:
    """The report as sent, JSON-ready: an idempotent retry is answered from it."""
    page = _report_page(user, period_id, unit_id)
    return UnitReportOut.model_validate(_report(page)).model_dump(mode="json")


def _report_page(user, period_id: int, unit_id: int):
    period = reporting_selectors.period_get(user=user, pk=period_id)
    unit = reporting_selectors.report_unit_get(user=user, period=period, pk=unit_id)
    return reporting_selectors.unit_report_page(
        user=user, period=period, unit=unit, today=timezone.localdate()
    )


def _content(payload: UnitReportIn) -> dict:
    """The web form's content (reporting.forms.UnitReportForm.content): every area's three
    parts, empty where not sent; an unknown area or part is refused by name."""
    codes = {str(a.code) for a in reporting_selectors.areas()}
    unknown = [
        f"narrative.{code}.{part}" if code in codes else f"narrative.{code}"
        for code, parts in payload.narrative.items()
        for part in (parts if code in codes else [""])
        if code not in codes or part not in PARTS
    ]
    if unknown:
        raise ApiError(
            400,
            _("Không có lĩnh vực hoặc phần nội dung này: %(names)s.")
            % {"names": ", ".join(unknown)},
            fields={name: [_("Không có trong báo cáo.")] for name in unknown},
        )
    return {
        "expected_version": payload.version,
        "narrative": {
            code: {part: payload.narrative.get(code, {}).get(part, "") for part in PARTS}
            for code in sorted(codes, key=int)
        },
        "proposals": payload.proposals,
        "next_tasks": payload.next_tasks,
    }


@router.get("/periods/{period_id}/reports/{unit_id}", response={200: UnitReportOut, **READ_ERRORS})
def unit_report_detail(request, period_id: int = ID, unit_id: int = ID):
    """A unit's report, for the unit's own people and oversight of the plan."""
    return _report(_report_page(request.auth, period_id, unit_id))


@router.post(
    "/periods/{period_id}/reports/{unit_id}/draft", response={200: UnitReportOut, **WRITE_ERRORS}
)
def unit_report_save(request, payload: UnitReportIn, period_id: int = ID, unit_id: int = ID):
    """Save the draft (reporting.services.unit_report_save, as the web's form)."""
    page = _report_page(request.auth, period_id, unit_id)
    content = _content(payload)

    def write() -> tuple[int, dict]:
        reporting_services.unit_report_save(
            actor=request.auth, period=page.period, unit=page.unit, **content
        )
        return 200, _report_json(request.auth, period_id, unit_id)

    return Status(*idempotency.run(request, payload.model_dump(mode="json"), write))


@router.post(
    "/periods/{period_id}/reports/{unit_id}/submit", response={200: UnitReportOut, **WRITE_ERRORS}
)
def unit_report_submit(request, payload: UnitReportIn, period_id: int = ID, unit_id: int = ID):
    """Submit the report with this text (its head, or its focal officer where it has none);
    a repeat with the same `version` returns the submission already made."""
    page = _report_page(request.auth, period_id, unit_id)
    content = _content(payload)

    def write() -> tuple[int, dict]:
        report = reporting_services.unit_report_open(
            actor=request.auth, period=page.period, unit=page.unit
        )
        reporting_services.unit_report_submit(actor=request.auth, report=report, **content)
        return 200, _report_json(request.auth, period_id, unit_id)

    return Status(*idempotency.run(request, payload.model_dump(mode="json"), write))
