"""Building the consolidated report's files: the one path that both the background task
(`export_run`, for an export request) and the `consolidate` command (`inputs` and
`render`) take. The file is built from the approved, frozen data once the leader approved
the report, else from the live data; identical inputs give identical bytes."""

import datetime
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.documents import consolidated as documents
from cchc.orgs.models import Unit

from . import consolidation
from .models import (
    ConsolidatedReport,
    ExportFormat,
    ExportStatus,
    ReportExport,
    ReportingPeriod,
    ReportTemplate,
)


@dataclass(frozen=True)
class Inputs:
    """Everything one file is built from."""

    payload: dict
    fmt: str
    template: ReportTemplate | None
    template_bytes: bytes | None

    @cached_property
    def digest(self) -> str:
        """Names the inputs: a file already built with the same digest is the same file."""
        sha = self.template and self.template.sha256
        parts = [consolidation.data_hash(self.payload), self.fmt, sha]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    @property
    def filename(self) -> str:
        return consolidation.filename(self.payload, self.fmt)


def active_template(unit: Unit) -> ReportTemplate | None:
    return ReportTemplate.objects.filter(unit=unit, is_active=True).first()


def inputs(
    period: ReportingPeriod, fmt: str, *, today: datetime.date, final: bool = True
) -> Inputs:
    """The approved report's frozen data and template when `final` asks for them and the
    leader approved it; otherwise the data as of `today` with the active template."""
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    if final and consolidated is not None and consolidated.approved_data:
        payload, template = consolidated.approved_data, consolidated.template
    else:
        payload = consolidation.document_data(period, consolidated, today=today)
        template = active_template(period.plan.issuing_unit)
    template_bytes = None
    if template is not None and fmt != ExportFormat.XLSX:
        with template.file.open("rb") as fh:
            template_bytes = fh.read()
    return Inputs(payload=payload, fmt=fmt, template=template, template_bytes=template_bytes)


def _unwatched(progress: int, stage: str) -> None:
    """Nobody polls the command's progress."""


def render(built: Inputs, *, on_progress: Callable[[int, str], None] = _unwatched) -> bytes:
    """The file's bytes; documents.PdfUnavailable when a PDF cannot be made here."""
    return documents.render(
        built.payload, built.fmt, template=built.template_bytes, on_progress=on_progress
    )


# --- an export request, run by the background task ------------------------------------


def _progress(export_id: int, progress: int, stage: str, **extra) -> None:
    # Progress is bookkeeping for the page that polls, written at once (outside the
    # final transaction) so the page sees it while the work goes on.
    ReportExport.objects.filter(pk=export_id).update(progress=progress, stage=stage, **extra)


@contextmanager
def _heartbeat(export_id: int) -> Iterator[None]:
    """Beat while the work runs, from a thread of its own, also while the main thread
    waits on LibreOffice: a page can then tell slow work from a dead worker."""
    stop = threading.Event()
    interval = max(1, settings.CCHC_JOB_STALE_SECONDS // 4)

    def beat() -> None:
        try:
            while not stop.wait(interval):
                ReportExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{export_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def export_run(*, export_id: int, today: datetime.date | None = None) -> ReportExport:
    """Build the file of one export request (run by the background task). A file already
    built from identical inputs is reused: the same inputs give the same bytes."""
    # On the primary, never the replica (no reads_from_replica() here): the job is queued as
    # the request's transaction commits, and a replica a second behind may lack the export's
    # row or the approval frozen in that transaction, and build a "final" file from the live
    # figures. Falling back when a row is missing would not catch a stale approval.
    export = ReportExport.objects.select_related("period__plan__issuing_unit").get(pk=export_id)
    if export.status == ExportStatus.DONE:
        return export
    _progress(
        export.pk,
        5,
        _("Đang tổng hợp số liệu"),
        status=ExportStatus.RUNNING,
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    with _heartbeat(export.pk):
        _build(export, today)
    export.refresh_from_db()
    return export


def _build(export: ReportExport, today: datetime.date | None) -> None:
    try:
        built = inputs(
            export.period, export.format, today=today or timezone.localdate(), final=export.final
        )
        same = (
            ReportExport.objects.filter(
                period=export.period,
                format=export.format,
                input_hash=built.digest,
                status=ExportStatus.DONE,
            )
            .exclude(file="")
            .first()
        )
        made = same or render(
            built, on_progress=lambda pct, stage: _progress(export.pk, pct, stage)
        )
        _finish(export.pk, built, made)
    except documents.PdfUnavailable as exc:
        _fail(export.pk, str(exc))
    except Exception as exc:
        _fail(export.pk, _("Lỗi khi tạo tệp: %(error)s") % {"error": exc})
        raise


@transaction.atomic
def _finish(export_id: int, built: Inputs, made: ReportExport | bytes) -> None:
    """Store the file, or point at the identical one built before (`made` is that export),
    and say it is done."""
    export = ReportExport.objects.select_for_update().get(pk=export_id)
    reused = isinstance(made, ReportExport)
    if isinstance(made, ReportExport):
        export.file.name = made.file.name
    else:
        export.file.save(f"{built.digest[:16]}.{built.fmt}", ContentFile(made), save=False)
    export.filename = built.filename
    export.input_hash = built.digest
    export.status = ExportStatus.DONE
    export.progress = 100
    export.stage = _("Đã xong")
    export.finished_at = timezone.now()
    export.save()
    audit_record(
        actor=export.requested_by,
        action="report_export.done",
        obj=export,
        changes={"hash": [None, built.digest], "reused": [None, reused]},
    )


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
