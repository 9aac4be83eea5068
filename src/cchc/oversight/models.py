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
