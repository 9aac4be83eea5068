from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("units/<int:pk>/documents/", views.unit_documents, name="unit-documents"),
    path("units/names/", views.unit_names, name="unit-names"),
    path("units/aliases/new/", views.alias_create, name="alias-create"),
    path("units/aliases/<int:pk>/", views.alias_edit, name="alias-edit"),
    path("units/aliases/<int:pk>/delete/", views.alias_delete, name="alias-delete"),
    path("units/groups/new/", views.group_create, name="group-create"),
    path("units/groups/<int:pk>/", views.group_edit, name="group-edit"),
    path("units/groups/<int:pk>/delete/", views.group_delete, name="group-delete"),
]
