"""`Authorization: Bearer <token>`: the token acts as its user, with that user's
memberships and nothing more; a limit on calls per token and minute."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from . import selectors, services
from .errors import ApiError


def _rate_limit(token_id: int) -> None:
    """At most CCHC_API_RATE_PER_MINUTE calls per token in each clock minute, counted in
    the cache that every process shares (settings.CACHES). Redis counts each call; the
    database cache may count two calls at the same instant as one, which a limit allows."""
    limit = settings.CCHC_API_RATE_PER_MINUTE
    if limit <= 0:
        return
    minute = int(time.time() // 60)
    key = f"cchc-api-rate:{token_id}:{minute}"
    try:
        calls = cache.incr(key)
    except ValueError:  # the minute's first call (or its count evicted)
        calls = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    if calls > limit:
        wait = 60 - int(time.time()) % 60
        raise ApiError(
            429,
            _("Quá %(n)d yêu cầu trong một phút với mã truy cập này: hãy thử lại sau %(s)d giây.")
            % {"n": limit, "s": wait},
            headers={"Retry-After": str(wait)},
        )


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = selectors.token_find(token.strip())
        now = timezone.now()
        if found is None or not found.is_active(now) or not found.user.is_active:
            # One answer for unknown, expired and revoked: the caller learns nothing more.
            raise ApiError(
                401, _("Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."), headers=WWW
            )
        _rate_limit(found.pk)
        services.token_mark_used(token=found, now=now)
        request.api_token = found
        return found.user


WWW = {"WWW-Authenticate": "Bearer"}
