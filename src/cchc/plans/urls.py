from django.urls import path

from . import views

app_name = "plans"

# Paths and names are a contract: benchmarks and browser tests call them.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan-issue"),
    path("plans/<int:pk>/nudge/", views.plan_nudge, name="plan-nudge"),
    path("plans/<int:pk>/nudge/units/", views.plan_nudge_units, name="plan-nudge-units"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/mine/", views.task_mine, name="task-mine"),
    path("tasks/bulk/", views.task_bulk, name="task-bulk"),
    path("tasks/units/", views.unit_search, name="unit-search"),
    path("tasks/export.xlsx", views.task_export, name="task-export"),
    path("tasks/reviews/", views.task_reviews, name="task-reviews"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/confirm/", views.task_confirm, name="task-confirm"),
    path("tasks/<int:pk>/return/", views.task_return, name="task-return"),
    path("tasks/<int:pk>/update/", views.task_update, name="task-update"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
