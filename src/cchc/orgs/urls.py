from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("units/<int:pk>/documents/", views.unit_documents, name="unit-documents"),
]
