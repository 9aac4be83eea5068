"""Every error the API answers has one shape:
`{"error": {"code": ..., "message": ..., "fields": {name: [messages]}}}`, in Vietnamese,
naming the field when there is one. No client input reaches a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cchc.lib.refusals import STATE

if TYPE_CHECKING:
    from ninja import NinjaAPI

CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "idempotency_key_reused",
    429: "rate_limited",
}
# A service's refusal with one of these codes and no field is a conflict with the object as
# it is now (409), not bad input: saved by someone else since it was read (stale), or not
# in a state that allows the write (lib.refusals.WrongState).
CONFLICT_CODES = {"stale", STATE}
# Where a parameter came from, which is not part of its name.
SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
# The names of the endpoints' schema parameters (payload: UpdateIn, query: TaskQuery).
WRAPPERS = {"payload", "query"}


class ApiError(Exception):
    """An answer other than success, raised anywhere under the API."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str = "",
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status, self.message = status, message
        self.fields = fields or {}
        self.code = code or CODES.get(status, "error")
        self.headers = headers or {}


def body(status: int, message: str, fields: dict | None = None, code: str = "") -> dict:
    return {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": str(message),
            "fields": fields or {},
        }
    }


def field_name(loc) -> str:
    """`["body", "payload", "progress"]` → "progress", `["file", "file"]` → "file": the
    source, then the schema's parameter name when a field follows it, are not the field."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in WRAPPERS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def pydantic_message(error: dict, name: str) -> str:
    """A Vietnamese sentence for one of pydantic's error types, naming the field."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Thiếu trường “%(name)s”.") % {"name": name}
    if kind.startswith("int_") or kind == "int_type":
        return _("Trường “%(name)s” phải là một số nguyên.") % {"name": name}
    if kind.startswith(("date_", "datetime_")):
        return _("Trường “%(name)s” phải là một ngày dạng yyyy-mm-dd, ví dụ 2026-06-30.") % {
            "name": name
        }
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": _("không nhỏ hơn"),
            "greater_than": _("lớn hơn"),
            "less_than_equal": _("không lớn hơn"),
            "less_than": _("nhỏ hơn"),
        }[kind]
        return _("Trường “%(name)s” phải %(words)s %(limit)s.") % {
            "name": name,
            "words": words,
            "limit": limit,
        }
    if kind in ("literal_error", "enum"):
        return _("Trường “%(name)s” phải là một trong: %(choices)s.") % {
            "name": name,
            "choices": str(ctx.get("expected", "")).replace(" or ", ", "),
        }
    if kind in ("string_too_long", "too_long"):
        return _("Trường “%(name)s” dài quá %(max)s ký tự.") % {
            "name": name,
            "max": ctx.get("max_length", ""),
        }
    if kind.startswith(("string_", "bool_", "bytes_")):
        return _("Giá trị của trường “%(name)s” không đúng kiểu.") % {"name": name}
    return _("Giá trị của trường “%(name)s” không hợp lệ.") % {"name": name}


def invalid_message(fields: dict) -> str:
    names = ", ".join(n for n in fields if n != "__all__")
    if not names:
        return " ".join(m for msgs in fields.values() for m in msgs) or _("Dữ liệu không hợp lệ.")
    return _("Dữ liệu không hợp lệ ở: %(names)s.") % {"names": names}


def from_django(exc: DjangoValidationError) -> ApiError:
    """A service's or a form's ValidationError, its messages kept, by field."""
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    if fields.keys() == {"__all__"}:
        return ApiError(400, " ".join(fields["__all__"]), fields=fields)
    return ApiError(400, invalid_message(fields), fields=fields)


def _answer(api, request: HttpRequest, status: int, data: dict, headers=None) -> HttpResponse:
    response = api.create_response(request, data, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _api_error(api, request, exc: ApiError):
    data = body(exc.status, exc.message, exc.fields, exc.code)
    return _answer(api, request, exc.status, data, exc.headers)


def _validation(api, request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = field_name(error.get("loc", ()))
        fields.setdefault(name, []).append(pydantic_message(error, name))
    return _answer(api, request, 400, body(400, invalid_message(fields), fields))


def _is_conflict(exc: DjangoValidationError) -> bool:
    return not hasattr(exc, "error_dict") and any(e.code in CONFLICT_CODES for e in exc.error_list)


def _django_validation(api, request, exc: DjangoValidationError):
    if _is_conflict(exc):
        return _api_error(api, request, ApiError(409, " ".join(exc.messages)))
    return _api_error(api, request, from_django(exc))


def _http_error(api, request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        message = _("Cần mã truy cập hợp lệ: Authorization: Bearer <mã>.")
        return _answer(api, request, 401, body(401, message), {"WWW-Authenticate": "Bearer"})
    if exc.status_code == 400:
        message = _("Không đọc được nội dung gửi lên (JSON hoặc multipart/form-data).")
    else:
        message = str(exc)
    return _answer(api, request, exc.status_code, body(exc.status_code, message))


def _forbidden(api, request, exc: PermissionDenied):
    return _answer(api, request, 403, body(403, str(exc) or _("Không có quyền.")))


def _not_found(api, request, exc: Http404):
    return _answer(api, request, 404, body(404, str(exc) or _("Không tìm thấy.")))


def _suspicious(api, request, exc: SuspiciousOperation):
    if isinstance(exc, RequestDataTooBig):
        return _answer(api, request, 413, body(413, _("Nội dung gửi lên quá lớn.")))
    return _answer(api, request, 400, body(400, _("Yêu cầu không hợp lệ.")))


HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (ApiError, _api_error),
    (NinjaValidationError, _validation),
    (DjangoValidationError, _django_validation),
    (HttpError, _http_error),
    (PermissionDenied, _forbidden),
    (Http404, _not_found),
    (SuspiciousOperation, _suspicious),
]


def install(api: NinjaAPI) -> None:
    """Replace ninja's error answers with the one shape."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, partial(handler, api))
