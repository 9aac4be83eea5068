from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password-change"),
    path("logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("second-factor/setup/", views.second_factor_setup, name="second-factor-setup"),
    path("second-factor/verify/", views.second_factor_verify, name="second-factor-verify"),
    path("second-factor/codes/", views.recovery_codes_renew, name="recovery-codes-renew"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/password/", views.member_password, name="member-password"),
    path("members/<int:pk>/unlock/", views.member_unlock, name="member-unlock"),
    path(
        "members/<int:pk>/second-factor/reset/",
        views.member_second_factor_reset,
        name="member-second-factor-reset",
    ),
]
