"""Personal API tokens, the responses kept for writes sent with an Idempotency-Key, and
the per-token call counts of the rate limit when the shared cache is the database."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal token: `prefix` finds the row, `secret_hash` (SHA-256 of the whole
    token) proves it. The plain token is shown once and never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotencyKey(models.Model):
    """The first response to a write sent with this key: a retry gets it back and writes
    nothing; the same key with another request is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")
        ]
        # The cleanup removes the expired ones by age.
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return self.key


class RateCount(models.Model):
    """A token's calls in one clock minute (`minute`: minutes since 1970, UTC), counted by
    an atomic UPDATE when the shared cache is the database (auth.py: Django's database cache
    counts two calls at one instant once). Rows of past minutes are removed as they end."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.PositiveIntegerField()
    calls = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="api_rate_token_minute")
        ]
        # The cleanup removes the past minutes of every token by age.
        indexes = [models.Index(fields=["minute"], name="api_rate_minute")]

    def __str__(self) -> str:
        return f"{self.token_id}@{self.minute}: {self.calls}"
