"""Building the consolidated report's files."""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.orgs.models import Unit

from . import consolidation
from .models import (
    ConsolidatedReport,
    ExportFormat,
    ExportStatus,
    ReportExport,
    ReportTemplate,
)


def active_template(unit: Unit) -> ReportTemplate | None:
    return ReportTemplate.objects.filter(unit=unit, is_active=True).first()


def _progress(export_id: int, progress: int, stage: str, **extra) -> None:
    # Progress is bookkeeping for the page that polls, written at once (outside the
    # final transaction) so the page sees it while the work goes on.
    ReportExport.objects.filter(pk=export_id).update(progress=progress, stage=stage, **extra)


def export_run(*, export_id: int, today: datetime.date | None = None) -> ReportExport:
    """Build the file of one export request (run by the background task). A file already
    built from identical inputs is reused: the same inputs give the same bytes."""
    from django.core.files.base import ContentFile

    from . import documents

    export = ReportExport.objects.select_related("period__plan__issuing_unit").get(pk=export_id)
    if export.status == ExportStatus.DONE:
        return export
    _progress(export.pk, 5, _("Đang tổng hợp số liệu"), status=ExportStatus.RUNNING)
    try:
        period = export.period
        consolidated = ConsolidatedReport.objects.filter(period=period).first()
        if export.final and consolidated is not None and consolidated.approved_data:
            payload = consolidated.approved_data
            template = consolidated.template
        else:
            payload = consolidation.document_data(
                period, consolidated, today=today or timezone.localdate()
            )
            template = active_template(period.plan.issuing_unit)
        template_bytes = None
        if template is not None and export.format != ExportFormat.XLSX:
            with template.file.open("rb") as fh:
                template_bytes = fh.read()
        input_hash = hashlib.sha256(
            json.dumps(
                [consolidation.data_hash(payload), export.format, template and template.sha256]
            ).encode()
        ).hexdigest()
        same = (
            ReportExport.objects.filter(
                period=period,
                format=export.format,
                input_hash=input_hash,
                status=ExportStatus.DONE,
            )
            .exclude(file="")
            .first()
        )
        filename = consolidation.filename(payload, export.format)
        if same is not None:
            content = None
        else:
            content = documents.render(
                payload,
                export.format,
                template=template_bytes,
                on_progress=lambda pct, stage: _progress(export.pk, pct, stage),
            )
        with transaction.atomic():
            export = ReportExport.objects.select_for_update().get(pk=export.pk)
            if same is not None:
                export.file.name = same.file.name
            else:
                export.file.save(
                    f"{input_hash[:16]}.{export.format}", ContentFile(content), save=False
                )
            export.filename = filename
            export.input_hash = input_hash
            export.status = ExportStatus.DONE
            export.progress = 100
            export.stage = _("Đã xong")
            export.finished_at = timezone.now()
            export.save()
            audit_record(
                actor=export.requested_by,
                action="report_export.done",
                obj=export,
                changes={"hash": [None, input_hash], "reused": [None, same is not None]},
            )
    except documents.PdfUnavailable as exc:
        _fail(export.pk, str(exc))
    except Exception as exc:
        _fail(export.pk, _("Lỗi khi tạo tệp: %(error)s") % {"error": exc})
        raise
    export.refresh_from_db()
    return export


def _fail(export_id: int, message: str) -> None:
    with transaction.atomic():
        ReportExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            error=message,
            stage=_("Không tạo được"),
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action="report_export.failed",
            object_type="reporting.reportexport",
            object_id=export_id,
            changes={"error": [None, message]},
        )
