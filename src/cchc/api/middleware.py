"""Under /api/, a path no endpoint has (404) and a method an endpoint does not take (405)
answer the API's one JSON error shape, never the site's HTML page or ninja's plain text."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import body

PREFIX = "/api"


def _under_api(request: HttpRequest) -> bool:
    path = request.path_info
    return path == PREFIX or path.startswith(PREFIX + "/")


def _json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _answer(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    status = response.status_code
    if status == 404:
        message = _("Không có địa chỉ này trong API: %(path)s. Xem /api/v1/docs.") % {
            "path": request.path
        }
    else:
        allowed = response.get("Allow", "")
        message = _("Địa chỉ này không nhận phương thức %(method)s; dùng: %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
    answer = JsonResponse(
        body(status, message), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if response.has_header("Allow"):
        answer["Allow"] = response["Allow"]
    return answer


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (404, 405) and _under_api(request) and not _json(response):
            return _answer(request, response)
        return response
