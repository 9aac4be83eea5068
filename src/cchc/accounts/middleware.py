"""The second factor: a person who needs one reaches nothing but the pages that ask for
it (or set it up) until it has been given in this session."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.lib.http import is_htmx
from cchc.orgs.access import access_for

from . import permissions

OPEN_URLS = ("accounts:second-factor-setup", "accounts:second-factor-verify", "logout")


def second_factor_target(user) -> str | None:
    """Where an unverified user must go first, or None when they need no second factor."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "accounts:second-factor-verify"
    if settings.CCHC_REQUIRE_2FA and permissions.needs_second_factor(access_for(user)):
        return "accounts:second-factor-setup"
    return None


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            open_paths = {reverse(name) for name in OPEN_URLS}
            target = None if request.path in open_paths else second_factor_target(user)
            if target:
                url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        return self.get_response(request)


# A session's idle time is counted from its last save; saving on every request cost an
# UPDATE and a COMMIT per page. Renewed at most this often, a session ends between 29
# and 30 idle minutes after the person's last request.
RENEW_EVERY_SECONDS = 60
RENEWED_AT = "_cchc_renewed_at"


def stamp_new_session(sender, request, user, **kwargs) -> None:
    """A session that logging in just wrote needs no renewal on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())


class SessionRenewalMiddleware:
    """Extends a signed-in person's session (SESSION_COOKIE_AGE from now) at most once a
    minute, instead of Django's SESSION_SAVE_EVERY_REQUEST write on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # No session (anonymous, logged out) is never created or extended here.
        if session.session_key and request.user.is_authenticated:
            now = int(time.time())
            renewed = session.get(RENEWED_AT)
            if not isinstance(renewed, int) or not 0 <= now - renewed < RENEW_EVERY_SECONDS:
                session[RENEWED_AT] = now
        return response
