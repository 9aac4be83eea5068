from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period-edit"),
    path("periods/<int:pk>/nudge/", views.period_nudge, name="period-nudge"),
    path("periods/<int:pk>/units/<int:unit_pk>/", views.unit_report, name="unit-report"),
    path(
        "periods/<int:pk>/units/<int:unit_pk>/save/",
        views.unit_report_save,
        name="unit-report-save",
    ),
    path(
        "periods/<int:pk>/units/<int:unit_pk>/submit/",
        views.unit_report_submit,
        name="unit-report-submit",
    ),
    path(
        "periods/<int:pk>/units/<int:unit_pk>/attach/",
        views.unit_report_attach,
        name="unit-report-attach",
    ),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version, name="report-version"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("periods/<int:pk>/consolidated/", views.consolidated_detail, name="consolidated"),
    path(
        "periods/<int:pk>/consolidated/open/",
        views.consolidated_open,
        name="consolidated-open",
    ),
    path(
        "periods/<int:pk>/consolidated/save/",
        views.consolidated_save,
        name="consolidated-save",
    ),
    path(
        "periods/<int:pk>/consolidated/regenerate/",
        views.consolidated_regenerate,
        name="consolidated-regenerate",
    ),
    path(
        "periods/<int:pk>/consolidated/send/",
        views.consolidated_send,
        name="consolidated-send",
    ),
    path(
        "periods/<int:pk>/consolidated/return/",
        views.consolidated_return,
        name="consolidated-return",
    ),
    path(
        "periods/<int:pk>/consolidated/approve/",
        views.consolidated_approve,
        name="consolidated-approve",
    ),
    path("periods/<int:pk>/exports/", views.export_create, name="export-create"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("periods/<int:pk>/templates/", views.template_list, name="template-list"),
    path(
        "periods/<int:pk>/templates/<int:template_pk>/deactivate/",
        views.template_deactivate,
        name="template-deactivate",
    ),
    path("templates/default.docx", views.template_default, name="template-default"),
]
