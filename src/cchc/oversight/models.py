"""The office's oversight: the rules by which units are reminded, and the days they ran."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
