"""The office's oversight: the rules by which units are reminded, and the days they ran."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.lib.files import StoredFile, stored_file_field
from cchc.orgs.models import Unit

DAYS = [MinValueValidator(0), MaxValueValidator(365)]


class ReminderRules(models.Model):
    """How the plans a unit issues remind the units that carry them out. A unit without a
    row uses the defaults below. 0 days turns a rule off."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="reminder_rules")
    before_due = models.CharField(
        _("nhắc trước hạn (ngày)"),
        max_length=64,
        default="7, 1",
        validators=[RegexValidator(r"^\s*\d{1,3}(\s*,\s*\d{1,3}){0,4}\s*$")],
        help_text=_("Tối đa 5 số, cách nhau bằng dấu phẩy, ví dụ: 7, 1."),
    )
    overdue_every = models.PositiveSmallIntegerField(
        _("nhắc lại khi quá hạn, mỗi (ngày)"), default=7, validators=DAYS
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("báo thủ trưởng đơn vị khi quá hạn (ngày)"), default=14, validators=DAYS
    )
    report_before = models.PositiveSmallIntegerField(
        _("nhắc gửi báo cáo trước hạn (ngày)"), default=3, validators=DAYS
    )
    report_after = models.PositiveSmallIntegerField(
        _("nhắc báo cáo chưa gửi sau hạn (ngày)"), default=1, validators=DAYS
    )

    class Meta:
        verbose_name = _("quy tắc nhắc việc")
        verbose_name_plural = _("quy tắc nhắc việc")

    def __str__(self) -> str:
        return str(self.unit)

    def before_days(self) -> list[int]:
        return sorted({int(part) for part in self.before_due.split(",") if int(part) > 0})


class ReminderRun(models.Model):
    """A day the reminders were run for: the next run catches up the days after the last."""

    day = models.DateField(unique=True)
    ran_at = models.DateTimeField(auto_now=True)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class GuidanceKind(models.TextChoices):
    GUIDE = "guide", _("Văn bản hướng dẫn")
    TEMPLATE = "template", _("Biểu mẫu")


class GuidanceStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã gửi")


class Guidance(models.Model):
    """A guidance document or template the office sends to chosen units. The receiving
    units are the chosen ones, and with `include_below` every active unit below them,
    worked out again each time it is delivered (so a unit created later is reached by the
    next version). A new version is delivered again and asks for new acknowledgements."""

    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("loại"), max_length=16, choices=GuidanceKind.choices, default=GuidanceKind.GUIDE
    )
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_on = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    summary = models.TextField(_("tóm tắt"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=GuidanceStatus.choices, default=GuidanceStatus.DRAFT
    )
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị nhận"), related_name="+")
    include_below = models.BooleanField(_("gồm cả các đơn vị trực thuộc"), default=False)
    tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("nhiệm vụ áp dụng"), blank=True, related_name="+"
    )
    periods = models.ManyToManyField(
        "reporting.ReportingPeriod",
        verbose_name=_("kỳ báo cáo áp dụng"),
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Number and title folded (lower case, no diacritics) for the list's search box.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("văn bản hướng dẫn")
        verbose_name_plural = _("văn bản hướng dẫn")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_draft(self) -> bool:
        return self.status == GuidanceStatus.DRAFT


def guidance_path(instance: "GuidanceFile", filename: str) -> str:
    return f"guidance/{instance.guidance_id}/v{instance.version}/{filename}"


class GuidanceFile(StoredFile):
    """A file of one version of a guidance; kept when a new version comes, as its history."""

    guidance = models.ForeignKey(Guidance, on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField()
    file = stored_file_field(guidance_path)

    class Meta:
        ordering = ["-version", "uploaded_at", "id"]
        verbose_name = _("tệp văn bản hướng dẫn")
        verbose_name_plural = _("tệp văn bản hướng dẫn")


class Acknowledgement(models.Model):
    """A receiving unit's word that it received (đã nhận) and read (đã đọc) one version."""

    guidance = models.ForeignKey(Guidance, on_delete=models.CASCADE, related_name="acks")
    version = models.PositiveIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    nudged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["guidance", "version", "unit"], name="guidance_ack_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.guidance_id} v{self.version} {self.unit_id}"


# --- inspections (kiểm tra công tác CCHC) ----------------------------------------------


class InspectionPlan(models.Model):
    """The year's inspection plan of an issuing unit (kế hoạch kiểm tra CCHC năm): it lists
    the inspections its office runs that year. One per issuing unit and year."""

    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "issuing_unit__path"]
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "year"], name="inspection_plan_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.number}".strip()


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Theo kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang kiểm tra")
    CONCLUDED = "concluded", _("Đã kết luận")
    CLOSED = "closed", _("Đã kết thúc")


class Inspection(models.Model):
    """An inspection of one unit of the plan's branch: the decision that orders it, the
    team, the scope (areas and chosen tasks) and its checklist, the findings, and the
    conclusion. Planned → in progress → concluded → closed (when every finding is)."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("kế hoạch kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị được kiểm tra"), on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("số quyết định kiểm tra"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    starts_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    note = models.TextField(_("nội dung, ghi chú"), blank=True)
    areas = models.ManyToManyField(
        "plans.Area", verbose_name=_("lĩnh vực kiểm tra"), blank=True, related_name="+"
    )
    tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("nhiệm vụ kiểm tra"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField(_("kết luận kiểm tra"), blank=True)
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    # What the minutes and the conclusion notice print beyond the rest: their numbers in the
    # office's register of documents, and the opinion the unit gave at the closing meeting.
    minutes_number = models.CharField(_("số biên bản"), max_length=64, blank=True)
    notice_number = models.CharField(_("số thông báo kết luận"), max_length=64, blank=True)
    inspected_opinion = models.TextField(_("ý kiến của đơn vị được kiểm tra"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")

    def __str__(self) -> str:
        return f"{self.plan.year} · {self.unit}"

    @property
    def is_draft(self) -> bool:
        """Planned and no decision yet: the office's alone."""
        return self.status == InspectionStatus.PLANNED and not self.decision_number


class InspectionMember(models.Model):
    """A member of the inspection team (đoàn kiểm tra); one of them heads it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thành viên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("chức vụ, đơn vị"), max_length=255, blank=True)
    is_head = models.BooleanField(_("trưởng đoàn"), default=False)

    class Meta:
        ordering = ["-is_head", "id"]
        verbose_name = _("thành viên đoàn kiểm tra")
        verbose_name_plural = _("thành viên đoàn kiểm tra")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="inspection_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.user_id}"


class ChecklistResult(models.TextChoices):
    PASSED = "passed", _("Đạt")
    FAILED = "failed", _("Chưa đạt")


class ChecklistItem(models.Model):
    """One line the team checks. Lines made from the scope name their area or task, so a
    change of scope adds and removes them; the team adds its own."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("nội dung kiểm tra"), max_length=1000)
    result = models.CharField(
        _("kết quả"), max_length=16, choices=ChecklistResult.choices, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    area = models.ForeignKey(
        "plans.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        "plans.Task", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("nội dung kiểm tra")
        verbose_name_plural = _("nội dung kiểm tra")

    def __str__(self) -> str:
        return self.text


class FindingSeverity(models.TextChoices):
    SERIOUS = "serious", _("Nghiêm trọng")
    MEDIUM = "medium", _("Trung bình")
    MINOR = "minor", _("Nhẹ")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


class Finding(models.Model):
    """What an inspection found, and what it asks the responsible unit to fix by when.
    Open → answered (the unit says what it did) → closed (the office accepts), or back to
    open with the office's reason."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(_("số thứ tự"), default=1)
    description = models.TextField(_("nội dung phát hiện"))
    area = models.ForeignKey(
        "plans.Area",
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    severity = models.CharField(
        _("mức độ"), max_length=16, choices=FindingSeverity.choices, default=FindingSeverity.MEDIUM
    )
    recommendation = models.TextField(_("kiến nghị"))
    deadline = models.DateField(_("thời hạn khắc phục"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị khắc phục"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "number", "id"]
        verbose_name = _("phát hiện, kiến nghị")
        verbose_name_plural = _("phát hiện, kiến nghị")
        indexes = [models.Index(fields=["status", "deadline"], name="finding_open_deadline")]

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:60]}"


class AnswerOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Chấp nhận, đóng kiến nghị")
    REOPENED = "reopened", _("Mở lại")


class FindingAnswer(models.Model):
    """The unit's answer to a finding: what it did, with evidence files."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("kết quả khắc phục"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now_add=True)
    # What the office (or the team head) decided on this answer.
    outcome = models.CharField(
        _("ý kiến"), max_length=16, choices=AnswerOutcome.choices, blank=True
    )
    reason = models.TextField(_("lý do mở lại"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "id"]
        verbose_name = _("trả lời kiến nghị")
        verbose_name_plural = _("trả lời kiến nghị")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.answered_at:%Y-%m-%d}"


def finding_file_path(instance: "FindingFile", filename: str) -> str:
    return f"findings/{instance.answer.finding_id}/{instance.answer_id}/{filename}"


class FindingFile(StoredFile):
    """Evidence (tài liệu kiểm chứng) attached to an answer."""

    answer = models.ForeignKey(FindingAnswer, on_delete=models.CASCADE, related_name="files")
    file = stored_file_field(finding_file_path)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tệp trả lời kiến nghị")
        verbose_name_plural = _("tệp trả lời kiến nghị")
