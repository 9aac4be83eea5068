from django.urls import path

from . import guidance_views, inspection_views, views

iv = inspection_views

app_name = "oversight"

urlpatterns = [
    path("reminders/", views.reminders_home, name="reminders"),
    path("units/<int:pk>/reminders/", views.reminder_rules, name="reminder-rules"),
    path("guidance/", guidance_views.guidance_list, name="guidance-list"),
    path("guidance/new/", guidance_views.guidance_create, name="guidance-create"),
    path("guidance/<int:pk>/", guidance_views.guidance_detail, name="guidance-detail"),
    path("guidance/<int:pk>/edit/", guidance_views.guidance_edit, name="guidance-edit"),
    path("guidance/<int:pk>/files/", guidance_views.guidance_file_add, name="guidance-file-add"),
    path("guidance/<int:pk>/publish/", guidance_views.guidance_publish, name="guidance-publish"),
    path("guidance/<int:pk>/revise/", guidance_views.guidance_revise, name="guidance-revise"),
    path("guidance/<int:pk>/nudge/", guidance_views.guidance_nudge, name="guidance-nudge"),
    path(
        "guidance/acks/<int:pk>/received/",
        guidance_views.acknowledgement_mark,
        {"what": "received"},
        name="guidance-ack-received",
    ),
    path(
        "guidance/acks/<int:pk>/read/",
        guidance_views.acknowledgement_mark,
        {"what": "read"},
        name="guidance-ack-read",
    ),
    path(
        "guidance/files/<int:pk>/",
        guidance_views.guidance_file_download,
        name="guidance-file-download",
    ),
    path("inspections/", iv.inspection_home, name="inspection-home"),
    path("inspections/plans/new/", iv.inspection_plan_create, name="inspection-plan-create"),
    path("inspections/plans/<int:pk>/", iv.inspection_plan_detail, name="inspection-plan-detail"),
    path("inspections/plans/<int:pk>/edit/", iv.inspection_plan_edit, name="inspection-plan-edit"),
    path("inspections/plans/<int:pk>/new/", iv.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", iv.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", iv.inspection_edit, name="inspection-edit"),
    path("inspections/<int:pk>/team/", iv.inspection_member_add, name="inspection-member-add"),
    path(
        "inspections/members/<int:pk>/remove/",
        iv.inspection_member_remove,
        name="inspection-member-remove",
    ),
    path("inspections/<int:pk>/start/", iv.inspection_start, name="inspection-start"),
    path("inspections/<int:pk>/conclude/", iv.inspection_conclude, name="inspection-conclude"),
    path("inspections/<int:pk>/close/", iv.inspection_close, name="inspection-close"),
    path("inspections/<int:pk>/records/", iv.inspection_records, name="inspection-records"),
    path("inspections/<int:pk>/checklist/", iv.checklist_save, name="checklist-save"),
    path("inspections/<int:pk>/checklist/add/", iv.checklist_add, name="checklist-add"),
    path("inspections/<int:pk>/findings/new/", iv.finding_create, name="finding-create"),
    path("inspections/findings/<int:pk>/", iv.finding_detail, name="finding-detail"),
    path("inspections/findings/<int:pk>/edit/", iv.finding_edit, name="finding-edit"),
    path("inspections/findings/<int:pk>/answer/", iv.finding_answer, name="finding-answer"),
    path("inspections/findings/<int:pk>/accept/", iv.finding_accept, name="finding-accept"),
    path("inspections/findings/<int:pk>/reopen/", iv.finding_reopen, name="finding-reopen"),
    path(
        "inspections/finding-files/<int:pk>/",
        iv.finding_file_download,
        name="finding-file-download",
    ),
    path(
        "inspections/<int:pk>/minutes.<str:fmt>",
        iv.inspection_document,
        {"kind": "minutes"},
        name="inspection-minutes",
    ),
    path(
        "inspections/<int:pk>/conclusion.<str:fmt>",
        iv.inspection_document,
        {"kind": "conclusion"},
        name="inspection-conclusion",
    ),
]
