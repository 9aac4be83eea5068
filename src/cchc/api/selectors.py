"""Reads of the API app: one's own tokens, and the token a request presents."""

import hmac

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from cchc.plans.models import Task, TaskUpdate

from .models import ApiToken, IdempotencyKey
from .services import TOKEN_PREFIX, idempotency_cutoff, secret_hash


def token_list(*, user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def token_get(*, user, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404(_("Không tìm thấy mã truy cập."))
    return token


def token_find(plain: str) -> ApiToken | None:
    """The active or inactive token whose secret this is; None for anything else."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    prefix, _sep, rest = plain[len(TOKEN_PREFIX) :].partition("_")
    if not rest:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, secret_hash(plain)):
        return None
    return token


def idempotency_find(*, user, key: str, lock: bool = False):
    qs = IdempotencyKey.objects.filter(user=user, key=key)
    return (qs.select_for_update() if lock else qs).first()


def idempotency_expired(stored: IdempotencyKey) -> bool:
    """Kept longer than CCHC_IDEMPOTENCY_HOURS: a request with its key is a new one, even
    before the daily cleanup removes it."""
    return stored.created_at < idempotency_cutoff()


def task_latest_update_id(*, task, lock: bool = False) -> int | None:
    """The id of the task's last posted update; with `lock`, the task is locked first so
    that none is posted before this transaction ends (the service locks it the same way)."""
    if lock:
        list(Task.objects.select_for_update().filter(pk=task.pk).values_list("pk"))
    return TaskUpdate.objects.filter(task_id=task.pk).aggregate(m=Max("id"))["m"]
