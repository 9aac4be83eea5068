"""`Authorization: Bearer <token>`: the token acts as its user, with that user's
memberships and nothing more; a limit on calls per token and minute."""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from . import selectors, services
from .errors import ApiError


def _rate_limit(token_id: int) -> None:
    """At most CCHC_API_RATE_PER_MINUTE calls per token in each clock minute, counted
    exactly where every process sees the count: in the cache (settings.CACHES) with Redis,
    whose INCR is atomic; with the database cache, whose incr is a read then a write (two
    calls at one instant would count once), in the api app's RateCount rows instead."""
    limit = settings.CCHC_API_RATE_PER_MINUTE
    if limit <= 0:
        return
    minute = int(time.time() // 60)
    calls = _count(token_id, minute)
    if calls > limit:
        wait = 60 - int(time.time()) % 60
        raise ApiError(
            429,
            _("Quá %(n)d yêu cầu trong một phút với mã truy cập này: hãy thử lại sau %(s)d giây.")
            % {"n": limit, "s": wait},
            headers={"Retry-After": str(wait)},
        )


def _count(token_id: int, minute: int) -> int:
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        return services.rate_count(token_id=token_id, minute=minute)
    key = f"cchc-api-rate:{token_id}:{minute}"
    try:
        return cache.incr(key)
    except ValueError:  # the minute's first call (or its count evicted)
        return 1 if cache.add(key, 1, timeout=120) else cache.incr(key)


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
