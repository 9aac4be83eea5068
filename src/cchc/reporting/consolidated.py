"""Every write to the consolidated report of a period: its narrative and particulars, the
leader's decision, and the requests for its files. One transaction, one audit event each."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.refusals import WrongState

from . import consolidation, permissions
from .generation import active_template
from .models import (
    ConsolidatedReport,
    ConsolidatedStatus,
    ExportFormat,
    ExportStatus,
    ReportExport,
    ReportingPeriod,
)
from .tasks import generate_report_file
from .workflow import (
    CONSOLIDATED_APPROVE,
    CONSOLIDATED_RETURN,
    CONSOLIDATED_SEND,
    authorize,
    check_version,
    reload_period,
    send_back,
    transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CONSOLIDATED_FIELDS = [
    "document_number",
    "issued_on",
    "place",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
]


def _locked_consolidated(report: ConsolidatedReport) -> ConsolidatedReport:
    return (
        ConsolidatedReport.objects.select_for_update()
        .select_related("period__plan__issuing_unit")
        .get(pk=report.pk)
    )


@transaction.atomic
def consolidated_open(
    *, actor: User | None, period: ReportingPeriod, today: datetime.date | None = None
) -> ConsolidatedReport:
    """The period's consolidated report, created on first use with a narrative generated
    from the accepted unit reports and the task data."""
    period = reload_period(period)
    authorize(actor, lambda a: permissions.can_manage_periods(a, period.plan))
    existing = ConsolidatedReport.objects.filter(period=period).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    report, created = ConsolidatedReport.objects.get_or_create(
        period=period,
        defaults={
            "narrative": consolidation.default_narrative(period, today),
            "recipients": consolidation.default_recipients(period),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="consolidated.open",
            obj=report,
            changes={"period": [None, period.pk]},
        )
    return report


STALE = gettext_lazy(
    "Báo cáo tổng hợp vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. "
    "Bản mới nhất hiện bên dưới; hãy đối chiếu rồi lưu lại."
)


def _locked_draft(
    report: ConsolidatedReport, *, actor: User | None, expected_version: int
) -> ConsolidatedReport:
    """The report, locked, if the actor may edit it, it may still be edited and it is the
    version they loaded."""
    report = _locked_consolidated(report)
    authorize(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if not report.is_editable:
        raise WrongState(
            _("Báo cáo tổng hợp đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )
    check_version(report, expected_version, STALE)
    return report


def _save_edit(
    report: ConsolidatedReport, *, actor: User | None, action: str, changes: dict[str, Any]
) -> None:
    report.version += 1
    report.updated_by, report.updated_at = actor, timezone.now()
    report.save()
    audit_record(actor=actor, action=action, obj=report, changes=changes)


@transaction.atomic
def consolidated_save(
    *,
    actor: User | None,
    report: ConsolidatedReport,
    expected_version: int,
    narrative: dict,
    **fields: Any,
) -> ConsolidatedReport:
    """The office edits the generated narrative and the document's particulars."""
    report = _locked_draft(report, actor=actor, expected_version=expected_version)
    unknown = set(fields) - set(CONSOLIDATED_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    before = snapshot(report, CONSOLIDATED_FIELDS)
    keys = consolidation.narrative_keys()
    cleaned = {k: (narrative.get(k) or "").strip() for k in keys if k in narrative}
    new_narrative = {**report.narrative, **cleaned}
    changes = {}
    if new_narrative != report.narrative:
        changes["narrative"] = [
            {k: report.narrative.get(k) for k in cleaned},
            {k: cleaned[k] for k in cleaned},
        ]
        report.narrative = new_narrative
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    changes |= diff(report, CONSOLIDATED_FIELDS, before)
    if changes:
        _save_edit(report, actor=actor, action="consolidated.save", changes=changes)
    return report


@transaction.atomic
def consolidated_regenerate(
    *,
    actor: User | None,
    report: ConsolidatedReport,
    expected_version: int,
    today: datetime.date | None = None,
) -> ConsolidatedReport:
    """Replace the narrative with one generated afresh from the accepted unit reports."""
    report = _locked_draft(report, actor=actor, expected_version=expected_version)
    report.narrative = consolidation.default_narrative(report.period, today or timezone.localdate())
    _save_edit(report, actor=actor, action="consolidated.regenerate", changes={"narrative": True})
    return report


@transaction.atomic
def consolidated_send(*, actor: User | None, report: ConsolidatedReport) -> ConsolidatedReport:
    """The office sends the draft to the leader for approval."""
    report = _locked_consolidated(report)
    authorize(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if report.status == ConsolidatedStatus.SENT:
        return report
    with transition(report, CONSOLIDATED_SEND, actor=actor):
        report.sent_by, report.sent_at = actor, timezone.now()
    return report


@transaction.atomic
def consolidated_return(
    *, actor: User | None, report: ConsolidatedReport, comment: str
) -> ConsolidatedReport:
    """The leader sends the draft back to the office with a comment."""
    report = _locked_consolidated(report)
    authorize(actor, lambda a: permissions.can_approve_consolidated(a, report.period))
    missing = _("Cần ghi ý kiến khi trả lại.")
    return send_back(report, CONSOLIDATED_RETURN, actor=actor, comment=comment, missing=missing)


@transaction.atomic
def consolidated_approve(
    *,
    actor: User | None,
    report: ConsolidatedReport,
    document_number: str,
    issued_on: datetime.date,
) -> ConsolidatedReport:
    """The leader approves: the document's every input is frozen with its number and date,
    and the final DOCX and XLSX are generated in the background."""
    report = _locked_consolidated(report)
    authorize(actor, lambda a: permissions.can_approve_consolidated(a, report.period))
    with transition(report, CONSOLIDATED_APPROVE, actor=actor) as changes:
        if not document_number.strip():
            raise ValidationError({"document_number": _("Cần ghi số, ký hiệu của báo cáo.")})
        report.document_number = document_number.strip()
        report.issued_on = issued_on
        report.template = active_template(report.period.plan.issuing_unit)
        frozen = consolidation.document_data(report.period, report, today=issued_on)
        report.approved_data = frozen
        report.approved_hash = consolidation.data_hash(frozen)
        report.decided_by, report.decided_at = actor, timezone.now()
        changes["document_number"] = [None, report.document_number]
        changes["issued_on"] = [None, issued_on]
        changes["hash"] = [None, report.approved_hash]
    for fmt in (ExportFormat.DOCX, ExportFormat.XLSX):
        _queue_export(actor=actor, period=report.period, fmt=fmt, final=True)
    return report


def _queue_export(
    *, actor: User | None, period: ReportingPeriod, fmt: str, final: bool
) -> ReportExport:
    export = ReportExport.objects.create(
        period=period, format=fmt, final=final, requested_by=actor, stage=_("Đang chờ xử lý")
    )
    audit_record(
        actor=actor,
        action="report_export.request",
        obj=export,
        changes={"period": [None, period.pk], "format": [None, fmt], "final": [None, final]},
    )

    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    result = generate_report_file.enqueue(export_id)
    ReportExport.objects.filter(pk=export_id).update(task_result_id=str(result.id)[:64])


@transaction.atomic
def export_recover(*, export_id: int, now: datetime.datetime | None = None) -> ReportExport:
    """A running export whose worker stopped beating (killed mid-job) is queued again, up
    to CCHC_JOB_MAX_ATTEMPTS runs, then failed with a message; the page that polls asks.
    The system acts here, so the audit event names no one."""
    export = ReportExport.objects.select_for_update().get(pk=export_id)
    if not export.lost_worker(now):
        return export
    if export.attempts >= settings.CCHC_JOB_MAX_ATTEMPTS:
        export.status = ExportStatus.FAILED
        export.error = _(
            "Máy chạy nền dừng giữa chừng %(n)d lần nên đã ngừng thử lại. Hãy tạo tệp lại; "
            "nếu vẫn lỗi, báo quản trị hệ thống."
        ) % {"n": export.attempts}
        action = "report_export.abandoned"
    else:
        export.status = ExportStatus.QUEUED
        export.progress = 0
        export.stage = _("Máy chạy nền bị gián đoạn; đã xếp hàng chạy lại (lần %(n)d).") % {
            "n": export.attempts + 1
        }
        action = "report_export.requeued"
        transaction.on_commit(lambda: _enqueue(export.pk))
    export.save(update_fields=["status", "progress", "stage", "error"])
    audit_record(actor=None, action=action, obj=export, changes={"attempts": export.attempts})
    return export


@transaction.atomic
def export_request(*, actor: User | None, period: ReportingPeriod, fmt: str) -> ReportExport:
    """Ask for the consolidated report's file; a background task builds it. Once the report
    is approved, the file is built from the approved, frozen data."""
    period = reload_period(period)
    authorize(actor, lambda a: permissions.can_read_consolidated(a, period))
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Định dạng không hợp lệ.")})
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    final = consolidated is not None and consolidated.status == ConsolidatedStatus.APPROVED
    if not final:
        # Only the office drafts; everyone else reads what the leader approved.
        authorize(actor, lambda a: permissions.can_manage_periods(a, period.plan))
        if consolidated is None:
            consolidated_open(actor=actor, period=period)
    return _queue_export(actor=actor, period=period, fmt=fmt, final=final)
