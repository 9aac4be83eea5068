"""`Idempotency-Key` on writes: a retry with the same key and the same request gets the
first answer and writes nothing; the same key with another request is refused (422).
Only successful answers are kept, so a refused request may be sent again, corrected."""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import selectors, services
from .errors import ApiError

HEADER = "Idempotency-Key"
MAX_KEY = 255


def fingerprint(request, data: dict) -> str:
    """The request as the server understood it (method, path, parsed fields, files by
    content), so that a client re-encoding the same body is not taken for another."""
    text = json.dumps(
        {"method": request.method, "path": request.path, "data": data},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ApiError(
            400,
            _("Idempotency-Key phải có từ 1 đến %(n)d ký tự in được.") % {"n": MAX_KEY},
            fields={HEADER: [_("Giá trị không hợp lệ.")]},
        )
    return key


def _replay(stored, digest: str) -> tuple[int, dict]:
    if stored.request_hash != digest:
        raise ApiError(
            422,
            _(
                "Idempotency-Key này đã dùng cho một yêu cầu khác: hãy dùng khoá mới cho "
                "mỗi yêu cầu mới."
            ),
        )
    return stored.response_status, stored.response_body


def run(request, data: dict, write: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Do `write` once per key; `write` returns the status and the JSON body to answer."""
    key = _key(request)
    if key is None:
        return write()
    user, digest = request.auth, fingerprint(request, data)
    try:
        with transaction.atomic():
            stored = selectors.idempotency_find(user=user, key=key, lock=True)
            # An expired key is forgotten: the request is a new one (its row is replaced).
            if stored is not None and not selectors.idempotency_expired(stored):
                return _replay(stored, digest)
            status, body = write()
            services.idempotency_record(
                user=user, key=key, request_hash=digest, status=status, body=body
            )
            return status, body
    except IntegrityError:
        # A request with the same key committed first: everything here was rolled back.
        stored = selectors.idempotency_find(user=user, key=key)
        if stored is None:
            raise
        return _replay(stored, digest)
