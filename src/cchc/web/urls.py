from django.urls import path
from django.views.generic import RedirectView

from cchc.accounts.views import LoginView, LogoutView

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

# Login and logout keep Django's standard names so settings.LOGIN_URL works.
auth_urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    # One door in: the admin's own login page would skip the audit and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
]
