from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.lib.dates import format_day_time


class AuditEvent(models.Model):
    """One write, appended and never changed. `hash` covers the row and the previous hash."""

    created_at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=64)
    object_type = models.CharField(_("loại đối tượng"), max_length=64)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    changes = models.JSONField(_("thay đổi"), default=dict)
    ip_address = models.GenericIPAddressField(_("địa chỉ máy"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    # The key (in the key file outside the database) whose HMAC `hash` is.
    key_id = models.CharField(max_length=16, default="")
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")

    def __str__(self) -> str:
        return (
            f"{format_day_time(self.created_at)} {self.action} {self.object_type}#{self.object_id}"
        )


class AuditHead(models.Model):
    """A single row locked by every writer, so the chain grows one event at a time."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"
