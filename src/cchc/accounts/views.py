"""The account pages: one's own password, sessions and second factor; the office's list
of its people, to reset a password, lift a lockout or remove a lost authenticator."""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from cchc.lib.http import AuthenticatedHttpRequest

from . import forms, selectors, services
from .middleware import second_factor_target


class LoginView(auth_views.LoginView):
    """Django's login, with every success and failure in the audit log."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_record(user=form.get_user())
        return response

    def form_invalid(self, form):
        locked = getattr(self.request, "axes_locked_out", False)
        services.login_failed_record(username=form.data.get("username", ""), locked=locked)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.logout_record(user=request.user)
        return super().post(request, *args, **kwargs)


def locked_out(request: HttpRequest, response, credentials) -> HttpResponse:
    """What django-axes answers once an account is locked (AXES_LOCKOUT_CALLABLE)."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if cooloff else None
    context = {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked.html", context, status=429)


def _next(request: HttpRequest, default: str = "web:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else default


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {"second_factor": selectors.second_factor(request.user), "nav_section": "account"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.password_change(
            actor=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)  # this session stays; the others end
        messages.success(request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.sessions_end_all(actor=request.user)
    logout(request)
    messages.success(request, _("Đã đăng xuất khỏi mọi thiết bị."))
    return redirect(settings.LOGIN_URL)


def _qr_data_uri(url: str) -> str:
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    # A link, not a redirect: the default is a path, not a URL name.
    context = {"codes": codes, "next": _next(request, "/")}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    device = services.second_factor_device(actor=request.user)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm(
                actor=request.user, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            otp_login(request, device)
            return _codes_page(request, codes)
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next(request, ""),
    }
    return render(request, "accounts/second_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if second_factor_target(request.user) != "accounts:second-factor-verify":
        return redirect(_next(request))
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_check(actor=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("Mã không đúng, đã hết hạn hoặc đã dùng. Xin nhập lại."))
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request, "")}
    )


@login_required
@require_POST
def recovery_codes_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_renew(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:account")
    return _codes_page(request, codes)


@login_required
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = forms.MemberSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    people = selectors.members(request.user, q)
    page = Paginator(people, settings.CCHC_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "q": q, "nav_section": "members"}
    return render(request, "accounts/member_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.member(request.user, pk)
    form = forms.MemberPasswordForm(member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.member_password_set(
            actor=request.user, member=member, new_password=form.cleaned_data["new_password1"]
        )
        messages.success(
            request, _("Đã đặt mật khẩu mới cho %(name)s.") % {"name": member.username}
        )
        return redirect("accounts:member-list")
    return render(request, "accounts/member_password.html", {"form": form, "member": member})


@login_required
@require_POST
def member_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.member(request.user, pk)
    services.member_unlock(actor=request.user, member=member)
    messages.success(request, _("Đã mở khóa tài khoản %(name)s.") % {"name": member.username})
    return redirect("accounts:member-list")


@login_required
@require_POST
def member_second_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.member(request.user, pk)
    services.member_second_factor_reset(actor=request.user, member=member)
    messages.success(
        request,
        _("Đã gỡ ứng dụng xác thực của %(name)s; lần đăng nhập tới người này thiết lập lại.")
        % {"name": member.username},
    )
    return redirect("accounts:member-list")
