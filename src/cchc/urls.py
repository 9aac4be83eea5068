from django.contrib import admin
from django.urls import include, path

from cchc.api.api import api
from cchc.web.urls import auth_urlpatterns

urlpatterns = [
    *auth_urlpatterns,
    path("", include("cchc.web.urls")),
    path("", include("cchc.plans.urls")),
    path("plans/", include("cchc.plans.imports.urls")),
    path("reporting/", include("cchc.reporting.urls")),
    path("", include("cchc.orgs.urls")),
    path("account/tokens/", include("cchc.api.urls")),
    path("account/", include("cchc.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("cchc.notifications.urls")),
    path("", include("cchc.oversight.urls")),
    path("scoring/", include("cchc.scoring.urls")),
    path("admin/", admin.site.urls),
]
