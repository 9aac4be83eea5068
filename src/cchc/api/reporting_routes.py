"""Reporting periods and one's own notifications, read through the web's selectors; a
notification marked read through the web's service."""

import datetime
from typing import Any

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from cchc.notifications import selectors as notification_selectors
from cchc.notifications import services as notification_services
from cchc.reporting import generation
from cchc.reporting import selectors as reporting_selectors
from cchc.reporting.models import ExportFormat

from .plans_routes import ID, READ_ERRORS, WRITE_ERRORS
from .schemas import ErrorOut, PeriodOut, Text

router = Router(tags=["Kỳ báo cáo, thông báo"])


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
