"""Notifications (thông báo): a message to one person, in the application and, by their
choice, by email. Each row is also the record of what was sent to whom, when and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.orgs.models import Unit


class Kind(models.TextChoices):
    PLAN_ISSUED = "plan_issued", _("Kế hoạch được ban hành")
    NUDGE = "nudge", _("Đôn đốc")
    TASK_DUE = "task_due", _("Nhắc hạn nhiệm vụ")
    TASK_OVERDUE = "task_overdue", _("Nhiệm vụ quá hạn")
    ESCALATION = "escalation", _("Nhiệm vụ quá hạn lâu (báo thủ trưởng)")
    REPORT_DUE = "report_due", _("Nhắc gửi báo cáo")
    GUIDANCE = "guidance", _("Văn bản hướng dẫn")
    COMPLETION_CONFIRMED = "completion_confirmed", _("Văn phòng xác nhận hoàn thành")
    COMPLETION_RETURNED = "completion_returned", _("Văn phòng trả lại kết quả hoàn thành")
    INSPECTION = "inspection", _("Kiểm tra công tác CCHC")
    FINDING = "finding", _("Kiến nghị sau kiểm tra")
    FINDING_DUE = "finding_due", _("Nhắc hạn khắc phục kiến nghị")
    ASSESSMENT = "assessment", _("Tự đánh giá, thẩm định, chấm điểm CCHC")


class Channel(models.TextChoices):
    APP = "app", _("Chỉ trong ứng dụng")
    EMAIL = "email", _("Trong ứng dụng và qua thư điện tử")
    DIGEST = "digest", _("Trong ứng dụng và gộp một thư mỗi ngày")


class EmailStatus(models.TextChoices):
    NONE = "none", _("Không gửi thư")  # the person chose the application only, or has no address
    PENDING = "pending", _("Đang chờ gửi")
    DIGEST = "digest", _("Chờ thư gộp trong ngày")  # goes out in the day's digest
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Gửi thư không được")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)  # a path of this site
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, null=True, blank=True
    )
    # What it is about ("plans.task", 12), for the page of that thing to list what was sent.
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What makes two notifications the same one (a rule's reminder for a task and a day): a
    # second sending with the same key is not made.
    key = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_status = models.CharField(
        _("thư điện tử"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    # While its mail waits: when a job was last due to send it (queued, retried, claimed).
    # Long past, the job was lost with its worker, and `services.emails_requeue` queues
    # the mail again.
    email_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The daily mail that carries it, for those who chose a digest for its kind.
    digest = models.ForeignKey(
        "Digest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["email_due_at"],
                condition=Q(email_status=EmailStatus.PENDING),
                name="notification_mail_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Digest(models.Model):
    """One daily mail to one person, listing the notifications it claimed when it was made;
    a retry sends the same list again, and no notification is in two digests."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=EmailStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # As Notification.email_due_at, while the digest waits.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thư gộp thông báo")
        verbose_name_plural = _("thư gộp thông báo")

    def __str__(self) -> str:
        return f"{self.recipient} – {self.created_at:%d/%m/%Y}"


class Preference(models.Model):
    """How one person wants one kind of notification; without a row: by email too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("cách nhận"), max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}: {self.get_channel_display()}"
