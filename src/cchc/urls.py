from django.contrib import admin
from django.urls import include, path, register_converter

from cchc.lib.urls import IdConverter

# Before the apps' URLs are read: they write ids as <id:pk>.
register_converter(IdConverter, "id")

from cchc.web.urls import auth_urlpatterns  # noqa: E402

urlpatterns = [
    *auth_urlpatterns,
    path("", include("cchc.web.urls")),
    path("", include("cchc.plans.urls")),
    path("plans/", include("cchc.plans.imports.urls")),
    path("reporting/", include("cchc.reporting.urls")),
    path("", include("cchc.orgs.urls")),
    path("account/", include("cchc.accounts.urls")),
    path("admin/", admin.site.urls),
]
