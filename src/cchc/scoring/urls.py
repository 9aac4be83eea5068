from django.urls import path

from . import assessment_views, views

app_name = "scoring"

urlpatterns = [
    path("criteria/", views.set_list, name="set-list"),
    path("criteria/new/", views.set_create, name="set-create"),
    path("criteria/example/", views.set_example, name="set-example"),
    path("criteria/import/", views.set_import, name="set-import"),
    path("criteria/<int:pk>/", views.set_detail, name="set-detail"),
    path("criteria/<int:pk>/export/", views.set_export, name="set-export"),
    path("criteria/<int:pk>/copy/", views.set_copy, name="set-copy"),
    path("criteria/<int:pk>/in-use/", views.set_in_use, name="set-in-use"),
    path("criteria/<int:pk>/add/", views.criterion_create, name="criterion-create"),
    path("criteria/items/<int:pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path("criteria/items/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment-detail"),
]
