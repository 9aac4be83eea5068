from django.urls import path

from . import guidance_views, views

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
]
