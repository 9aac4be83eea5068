"""Plan import (upload, preview, confirm) and plan downloads. Included under "plans/":

path("plans/", include("cchc.plans.import_urls")),
"""

from django.urls import path

from . import import_views

app_name = "imports"

urlpatterns = [
    path("import/", import_views.upload, name="upload"),
    path("import/<str:token>/", import_views.preview, name="preview"),
    path("import/<str:token>/alias/", import_views.alias, name="alias"),
    path("import/<str:token>/group/", import_views.group, name="group"),
    path("import/<str:token>/confirm/", import_views.confirm, name="confirm"),
    path("import/<str:token>/cancel/", import_views.cancel, name="cancel"),
    path("<int:pk>/export.docx", import_views.export_docx, name="plan-export-docx"),
    path("<int:pk>/export.xlsx", import_views.export_xlsx, name="plan-export-xlsx"),
]
