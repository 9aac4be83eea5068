"""One's own notifications: the list, opening one, marking all read, how each kind arrives."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest

from . import selectors, services
from .forms import NotificationFilterForm, PreferenceForm
from .models import Kind


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    form = NotificationFilterForm(request.GET)
    kind, unread = form.values()
    rows = selectors.notification_list(user=request.user, kind=kind, unread=unread)
    page = Paginator(rows, settings.CCHC_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "kind": kind,
        "query": query.urlencode(),
        "nav_section": "notifications",
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and leads to what it is about."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    # Only a path of this site is followed (the rows are written by the services).
    url = notification.url
    if url.startswith("/") and not url.startswith("//"):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """“Đã xem”: marked read where it is shown, and back to that page."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    count = services.notification_read_all(
        actor=request.user, kind=kind if kind in Kind.values else ""
    )
    messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = selectors.channels(user=request.user)
    form = PreferenceForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, channel in form.cleaned_data.items():
            services.preference_set(actor=request.user, kind=kind, channel=channel)
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "email_on": services.email_on(),
        "address": request.user.email,
        "nav_section": "notifications",
    }
    return render(request, "notifications/preferences.html", context)
