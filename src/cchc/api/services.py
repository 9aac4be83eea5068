"""Writes of the API app: personal tokens (made, revoked, marked used), the responses
kept for idempotent retries and the rate limit's counts. Each checks who may act and
records its audit event, or says why it needs neither."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record

from .models import ApiToken, IdempotencyKey, RateCount

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOKEN_PREFIX = "cchc_"  # noqa: S105 - how a token starts, not a secret
MAX_DAYS = 365
# last_used_at is written at most this often: not one write per request.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def secret_hash(plain: str) -> str:
    """SHA-256 is enough: the secret is 32 random bytes, not a password to guess."""
    return hashlib.sha256(plain.encode()).hexdigest()


def _check(name: str, days: int) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = _("Hãy đặt tên cho mã truy cập (ví dụ: hệ thống báo cáo của đơn vị).")
    elif len(name.strip()) > 100:
        errors["name"] = _("Tên mã truy cập dài tối đa 100 ký tự.")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("Thời hạn phải từ 1 đến %(max)d ngày.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def token_create(
    *, actor: User | None, name: str, days: int, owner: User | None = None
) -> tuple[ApiToken, str]:
    """A token for `owner` (the actor, unless the system makes it: `cchc create_token`).
    Returns the row and the plain token, which is never seen again."""
    owner = owner or actor
    if owner is None or (actor is not None and actor.pk != owner.pk):
        raise PermissionDenied(_("Mỗi người chỉ tạo mã truy cập cho chính mình."))
    _check(name, days)
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        user=owner,
        name=name.strip(),
        prefix=prefix,
        secret_hash=secret_hash(plain),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api.token_create",
        obj=token,
        changes={
            "user": [None, owner.pk],
            "name": [None, token.name],
            "prefix": [None, prefix],
            "expires_at": [None, token.expires_at],
        },
    )
    return token, plain


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke one's own token (the system may revoke any); revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if actor is not None and actor.pk != token.user_id:
        raise PermissionDenied(_("Chỉ người sở hữu được thu hồi mã truy cập này."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api.token_revoke",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


def token_mark_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Note when a token was last used, at most once a minute. Not audited: it is a
    reading's trace, like a session's expiry, and the log would grow by one row a call."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotency_record(*, user: User, key: str, request_hash: str, status: int, body: dict) -> None:
    """Keep the answer to a write sent with an Idempotency-Key, in the write's own
    transaction (replacing an expired answer under the same key). Not audited apart: the
    write it answers was."""
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=idempotency_cutoff()).delete()
    IdempotencyKey.objects.create(
        user=user, key=key, request_hash=request_hash, response_status=status, response_body=body
    )


def idempotency_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Keys made before this instant are forgotten (CCHC_IDEMPOTENCY_HOURS)."""
    return (now or timezone.now()) - datetime.timedelta(hours=settings.CCHC_IDEMPOTENCY_HOURS)


def idempotency_expire(*, now: datetime.datetime | None = None) -> int:
    """Remove the kept answers older than CCHC_IDEMPOTENCY_HOURS (`cchc cleanup`, daily);
    returns how many. Not audited: the writes they answered were, and a key is only a
    client's retry handle."""
    expired = IdempotencyKey.objects.filter(created_at__lt=idempotency_cutoff(now))
    return expired.delete()[0]


def rate_count(*, token_id: int, minute: int) -> int:
    """Count one call of a token in a clock minute; returns the minute's calls so far,
    this one included. Exact when calls come at one instant: the UPDATE adds one in the
    database, its row lock holds the others until the count is read, and of two first calls
    the second finds the first's row through the unique constraint. Not audited: a trace of
    reading, like token_mark_used."""
    with transaction.atomic():
        row = RateCount.objects.filter(token_id=token_id, minute=minute)
        if not row.update(calls=F("calls") + 1):
            try:
                with transaction.atomic():
                    RateCount.objects.create(token_id=token_id, minute=minute)
            except IntegrityError:  # another call made the minute's row first
                row.update(calls=F("calls") + 1)
            else:
                # The minute's first call: the token's past minutes are done with.
                RateCount.objects.filter(token_id=token_id, minute__lt=minute).delete()
                return 1
        return row.values_list("calls", flat=True).get()


def rate_cutoff(now: float | None = None) -> int:
    """Counts of minutes before this one are past: no call adds to them any more (the
    minute before the current one is kept for a request that started in it)."""
    return int((time.time() if now is None else now) // 60) - 1


def rate_expire() -> int:
    """Remove the past minutes' counts (`cchc cleanup`: a token that stopped calling keeps
    its last minute's row until then); returns how many. Not audited, like the counting."""
    return RateCount.objects.filter(minute__lt=rate_cutoff()).delete()[0]
