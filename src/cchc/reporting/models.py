"""Reporting periods, units' reports with their frozen submissions, and the consolidated report.

The names `ReportingPeriod` (plan, kind, starts_on, ends_on, due_on, units) and `UnitReport`
(period, unit, status, versions) are a contract other parts of the system rely on.
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.lib.dates import format_day
from cchc.lib.files import StoredFile, stored_file_field
from cchc.orgs.models import Unit
from cchc.plans.models import Plan

from . import rules

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class PeriodKind(models.TextChoices):
    QUY_1 = rules.QUY_1, _("quý I")
    SIX_MONTHS = rules.SIX_MONTHS, _("6 tháng")
    QUY_3 = rules.QUY_3, _("quý III / 9 tháng")
    YEAR = rules.YEAR, _("năm")
    AD_HOC = rules.AD_HOC, _("đột xuất")


# How each kind reads in a document's title: “… <kỳ> năm 2026”.
KIND_PHRASES: "dict[str, str | StrPromise]" = {
    PeriodKind.QUY_1: _("quý I"),
    PeriodKind.SIX_MONTHS: _("6 tháng đầu"),
    PeriodKind.QUY_3: _("quý III"),
    PeriodKind.YEAR: "",
    PeriodKind.AD_HOC: _("đột xuất"),
}


class ReportingPeriod(models.Model):
    """A period units report on: the data window `starts_on`–`ends_on`, the deadline `due_on`,
    and the units that must report (by default every unit that leads or supports a task)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="reporting_periods"
    )
    kind = models.CharField(_("kỳ báo cáo"), max_length=16, choices=PeriodKind.choices)
    title = models.CharField(_("tên kỳ (báo cáo đột xuất)"), max_length=255, blank=True)
    starts_on = models.DateField(_("số liệu từ ngày"))
    ends_on = models.DateField(_("số liệu đến ngày"))
    due_on = models.DateField(_("hạn gửi báo cáo"))
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("đơn vị phải báo cáo"),
        related_name="reporting_periods",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-plan__year", "plan_id", "ends_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="period_window_order"
            ),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=~Q(kind="ad_hoc"),
                name="period_one_per_kind",
            ),
        ]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")

    def __str__(self) -> str:
        return f"{self.label} – {self.plan}"

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def label(self) -> str:
        """“Quý I năm 2026”, “6 tháng đầu năm 2026”, “Năm 2026”, “Đột xuất: <tên>”."""
        phrase = self.title_phrase
        return phrase[:1].upper() + phrase[1:]

    @property
    def title_phrase(self) -> str:
        """The words after “cải cách hành chính” in the report's title."""
        if self.kind == PeriodKind.AD_HOC and self.title:
            return _("%(words)s năm %(year)s") % {"words": self.title, "year": self.year}
        words = str(KIND_PHRASES[self.kind])
        return (_("%(words)s năm %(year)s") % {"words": words, "year": self.year}).strip()

    def as_of(self, today: datetime.date) -> datetime.date:
        """The reference date of the period's figures: its window's end, or today before then."""
        return min(today, self.ends_on)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# The three things a unit writes for each area.
NARRATIVE_PARTS = [
    ("results", _("Kết quả đạt được")),
    ("limitations", _("Hạn chế, tồn tại")),
    ("causes", _("Nguyên nhân")),
]


class UnitReport(models.Model):
    """What one unit reports for one period. `version` counts saves (optimistic locking):
    a save that names an older number is refused."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="unit_reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="unit_reports"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # {"<area code>": {"results": "...", "limitations": "...", "causes": "..."}}
    narrative = models.JSONField(_("nội dung theo lĩnh vực"), default=dict, blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    next_tasks = models.TextField(_("nhiệm vụ kỳ tới"), blank=True)
    version = models.PositiveIntegerField(default=0)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    return_comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    accepted_version = models.ForeignKey(
        "UnitReportVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unit_report_unique")
        ]
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")

    def __str__(self) -> str:
        return f"{self.unit} – {self.period.label}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def part(self, area_code: int | str, part: str) -> str:
        return (self.narrative or {}).get(str(area_code), {}).get(part, "")


class UnitReportVersion(models.Model):
    """One submission, frozen: the text, the figures and the task data as they were then.

    Nothing updates a row once written; later edits make a new submission.
    """

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("lần gửi"))
    # The report's `version` the submitter saw; a retry naming it again finds this row.
    based_on_version = models.PositiveIntegerField()
    narrative = models.JSONField(default=dict)
    proposals = models.TextField(blank=True)
    next_tasks = models.TextField(blank=True)
    # {"as_of": ..., "by_timeliness": {...}, "by_area": {...}, "completion_rate": ...}
    figures = models.JSONField(default=dict)
    # [{"code", "title", "area", "role", "status", "timeliness", "progress", "updates": [...]}]
    tasks = models.JSONField(default=list)
    attachments = models.JSONField(default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_by_name = models.CharField(max_length=255, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number"),
            models.UniqueConstraint(
                fields=["report", "based_on_version"], name="report_version_once"
            ),
        ]
        verbose_name = _("bản đã gửi")
        verbose_name_plural = _("các bản đã gửi")

    def __str__(self) -> str:
        return _("%(report)s – lần %(number)s") % {"report": self.report, "number": self.number}

    def part(self, area_code: int | str, part: str) -> str:
        return (self.narrative or {}).get(str(area_code), {}).get(part, "")


def attachment_path(instance: "UnitReportAttachment", filename: str) -> str:
    return f"reporting/{instance.report.period_id}/{instance.report_id}/{filename}"


class UnitReportAttachment(StoredFile):
    """Evidence a unit attaches to its report. Kept once added, so old submissions that list
    it can still be opened."""

    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="attachments")
    file = stored_file_field(attachment_path)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu kèm báo cáo")
        verbose_name_plural = _("tài liệu kèm báo cáo")


class ReportNudge(models.Model):
    """The office urged a unit to send its report. The reminders part delivers it."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="nudges")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_nudges")
    message = models.TextField(_("nội dung đôn đốc"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    # Set by the reminders part once it has mailed and posted the nudge.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["period", "unit"])]
        verbose_name = _("đôn đốc báo cáo")
        verbose_name_plural = _("đôn đốc báo cáo")

    def __str__(self) -> str:
        return f"{self.unit} – {format_day(self.sent_at)}"


def template_path(instance: "ReportTemplate", filename: str) -> str:
    return f"reporting/templates/{instance.unit_id}/{filename}"


class ReportTemplate(models.Model):
    """A DOCX the office uploads to replace the built-in layout. Paragraphs holding
    {{placeholders}} are filled; see documents.PLACEHOLDERS."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="report_templates"
    )
    name = models.CharField(_("tên mẫu"), max_length=255)
    file = models.FileField(_("tệp mẫu (DOCX)"), upload_to=template_path, max_length=500)
    sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("mẫu báo cáo tổng hợp")
        verbose_name_plural = _("mẫu báo cáo tổng hợp")

    def __str__(self) -> str:
        return self.name


class ConsolidatedStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SENT = "sent", _("Đã trình Thủ trưởng")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Thủ trưởng trả lại")


CONSOLIDATED_EDITABLE_STATUSES = (ConsolidatedStatus.DRAFT, ConsolidatedStatus.RETURNED)


class ConsolidatedReport(models.Model):
    """The office's report for a period. Its narrative is generated from the accepted unit
    reports, then edited; once approved, `approved_data` holds every input of the document,
    frozen, and the period offers that document ever after."""

    period = models.OneToOneField(
        ReportingPeriod, on_delete=models.CASCADE, related_name="consolidated"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ConsolidatedStatus.choices,
        default=ConsolidatedStatus.DRAFT,
    )
    # {"direction": ..., "area_1".."area_7": ..., "strengths", "limitations", "causes",
    #  "next_tasks", "proposals"}
    narrative = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    document_number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=64, default="Hà Nội")
    signer_authority = models.CharField(_("quyền hạn ký"), max_length=64, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=255, blank=True)
    recipients = models.TextField(_("nơi nhận (mỗi dòng một nơi)"), blank=True)
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("ý kiến của Thủ trưởng"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_data = models.JSONField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")

    def __str__(self) -> str:
        return _("Báo cáo tổng hợp – %(period)s") % {"period": self.period.label}

    @property
    def is_editable(self) -> bool:
        return self.status in CONSOLIDATED_EDITABLE_STATUSES


class ExportFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


def export_path(instance: "ReportExport", filename: str) -> str:
    return f"reporting/exports/{instance.period_id}/{filename}"


class ReportExport(models.Model):
    """One generation of the consolidated report's file, run by a background task.

    `progress` and `stage` are what the page shows while it polls; `input_hash` names the
    inputs, so a request whose inputs have not changed reuses the finished file.
    """

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    # True: built from the approved, frozen data.
    final = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=255, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=export_path, max_length=500, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # The worker writes `heartbeat_at` every few seconds while it runs; a running export
    # whose heartbeat stopped lost its worker (killed mid-job) and is run again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["period", "format", "input_hash"])]
        verbose_name = _("tệp báo cáo tổng hợp")
        verbose_name_plural = _("tệp báo cáo tổng hợp")

    def __str__(self) -> str:
        return f"{self.period} – {self.format} – {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    def lost_worker(self, now: datetime.datetime | None = None) -> bool:
        """Running, but no heartbeat for CCHC_JOB_STALE_SECONDS: its worker is gone."""
        if self.status != ExportStatus.RUNNING:
            return False
        if self.heartbeat_at is None:
            return True
        now = now or timezone.now()
        return (now - self.heartbeat_at).total_seconds() > settings.CCHC_JOB_STALE_SECONDS
