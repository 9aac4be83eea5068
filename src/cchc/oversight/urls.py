from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("reminders/", views.reminders_home, name="reminders"),
    path("units/<int:pk>/reminders/", views.reminder_rules, name="reminder-rules"),
]
