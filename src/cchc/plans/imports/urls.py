"""Plan import (upload, preview, confirm), and the plan downloads (views in plans.views,
named here as they always were). Included under "plans/":

path("plans/", include("cchc.plans.imports.urls")),
"""

from django.urls import path

from cchc.plans import views as plan_views

from . import views

app_name = "imports"

urlpatterns = [
    path("import/", views.upload, name="upload"),
    path("import/template.xlsx", views.template, name="template"),
    path("import/<str:token>/", views.preview, name="preview"),
    path("import/<str:token>/alias/", views.alias, name="alias"),
    path("import/<str:token>/group/", views.group, name="group"),
    path("import/<str:token>/area/", views.area, name="area"),
    path("import/<str:token>/confirm/", views.confirm, name="confirm"),
    path("import/<str:token>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/export.docx", plan_views.plan_export_docx, name="plan-export-docx"),
    path("<int:pk>/export.xlsx", plan_views.plan_export_xlsx, name="plan-export-xlsx"),
]
