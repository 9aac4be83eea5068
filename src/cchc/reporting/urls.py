from django.urls import path

from . import consolidated_views, dashboard_views, views

cv = consolidated_views

app_name = "reporting"

REPORT = "periods/<int:pk>/units/<int:unit_pk>/"  # a unit's report in a period
CONSOLIDATED = "periods/<int:pk>/consolidated/"

urlpatterns = [
    path("", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period-edit"),
    path("periods/<int:pk>/nudge/", views.period_nudge, name="period-nudge"),
    path(REPORT, views.unit_report, name="unit-report"),
    path(REPORT + "save/", views.unit_report_save, name="unit-report-save"),
    path(REPORT + "submit/", views.unit_report_submit, name="unit-report-submit"),
    path(REPORT + "attach/", views.unit_report_attach, name="unit-report-attach"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version, name="report-version"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path(CONSOLIDATED, cv.consolidated_detail, name="consolidated"),
    path(CONSOLIDATED + "open/", cv.consolidated_open, name="consolidated-open"),
    path(CONSOLIDATED + "save/", cv.consolidated_save, name="consolidated-save"),
    path(
        CONSOLIDATED + "regenerate/",
        cv.consolidated_regenerate,
        name="consolidated-regenerate",
    ),
    path(CONSOLIDATED + "send/", cv.consolidated_send, name="consolidated-send"),
    path(CONSOLIDATED + "return/", cv.consolidated_return, name="consolidated-return"),
    path(
        CONSOLIDATED + "approve/",
        cv.consolidated_approve,
        name="consolidated-approve",
    ),
    path("periods/<int:pk>/exports/", cv.export_create, name="export-create"),
    path("exports/<int:pk>/", cv.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", cv.export_download, name="export-download"),
    path("periods/<int:pk>/templates/", cv.template_list, name="template-list"),
    path(
        "periods/<int:pk>/templates/<int:template_pk>/deactivate/",
        cv.template_deactivate,
        name="template-deactivate",
    ),
    path("templates/default.docx", cv.template_default, name="template-default"),
    path(
        "plans/<int:pk>/completeness/",
        dashboard_views.plan_completeness,
        name="plan-completeness",
    ),
]
