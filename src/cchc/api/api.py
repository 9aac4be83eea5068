"""The REST API under /api/v1/: its OpenAPI description at /api/v1/openapi.json and an
interactive page at /api/v1/docs (Swagger UI from ninja's own static files, no CDN)."""

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from . import errors
from .auth import BearerToken
from .oversight_routes import router as oversight_router
from .plans_routes import router as plans_router
from .reporting_routes import router as reporting_router
from .review_routes import router as review_router
from .scoring_routes import router as scoring_router


class Utf8Json(JSONRenderer):
    """Vietnamese as letters, not \\u escapes: readable in curl and in logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8Json(),
    title="CCHC API",
    version="1",
    description=(
        "Kế hoạch, nhiệm vụ và tiến độ cải cách hành chính. Xác thực: "
        "`Authorization: Bearer <mã truy cập>` (tạo tại /account/tokens/). Lỗi: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
    auth=BearerToken(),
    # No call to the public validator: the page loads nothing from outside.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", plans_router)
api.add_router("/", reporting_router)
api.add_router("/", review_router)
api.add_router("/", oversight_router)
api.add_router("/", scoring_router)
