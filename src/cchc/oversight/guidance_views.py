"""The guidance library's pages: the office's library and a guidance's page (files,
acknowledgements, nudges), which a receiving unit also opens to acknowledge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest

from . import guidance_selectors as selectors
from . import guidance_services as services
from .guidance_forms import (
    GuidanceFileForm,
    GuidanceFilterForm,
    GuidanceForm,
    GuidanceReviseForm,
    initial_of,
)
from .models import Guidance
from .selectors import office_unit

SECTION = {"nav_section": "guidance"}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def guidance_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = GuidanceFilterForm(request.GET or None)
    rows = selectors.guidance_list(user=request.user, **filters.values())
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    mine = selectors.my_acks(user=request.user, guidance_ids=[g.pk for g in page])
    context = {
        "page": page,
        "filters": filters,
        "mine": mine,
        "office": office_unit(user=request.user),
        **SECTION,
    }
    return render(request, "oversight/guidance_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def guidance_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = office_unit(user=request.user)
    if unit is None:
        raise PermissionDenied(_("Chỉ Văn phòng được soạn văn bản hướng dẫn."))
    form = GuidanceForm(request.POST or None, issuing_unit=unit)
    if request.method == "POST" and form.is_valid():
        values, links = form.split()
        guidance = services.guidance_create(
            actor=request.user, issuing_unit=unit, values=values, **links
        )
        messages.success(request, _("Đã lưu dự thảo. Hãy đính kèm tệp rồi gửi."))
        return redirect("oversight:guidance-detail", pk=guidance.pk)
    return render(request, "oversight/guidance_form.html", {"form": form, "unit": unit, **SECTION})


def _managed(request, pk: int) -> Guidance:
    guidance = selectors.guidance_get(user=request.user, pk=pk)
    if not services.can_manage(request.user, guidance.issuing_unit):
        raise PermissionDenied(_("Chỉ Văn phòng của đơn vị ban hành được làm việc này."))
    return guidance


@login_required
@require_http_methods(["GET", "POST"])
def guidance_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guidance = _managed(request, pk)
    unit = guidance.issuing_unit
    form = GuidanceForm(request.POST or None, issuing_unit=unit, initial=initial_of(guidance))
    if request.method == "POST" and form.is_valid():
        values, links = form.split()
        services.guidance_update(actor=request.user, guidance=guidance, values=values, **links)
        messages.success(request, _("Đã lưu."))
        return redirect("oversight:guidance-detail", pk=guidance.pk)
    context = {"form": form, "unit": unit, "guidance": guidance, **SECTION}
    return render(request, "oversight/guidance_form.html", context)


def _detail(request, guidance: Guidance, *, file_form=None, revise_form=None, status=200):
    page = selectors.guidance_page(user=request.user, guidance=guidance)
    context = {
        "page": page,
        "guidance": page.guidance,
        "file_form": file_form or GuidanceFileForm(),
        "revise_form": revise_form or GuidanceReviseForm(),
        **SECTION,
    }
    return render(request, "oversight/guidance_detail.html", context, status=status)


@login_required
@require_GET
def guidance_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.guidance_get(user=request.user, pk=pk))


@login_required
@require_POST
def guidance_file_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guidance = _managed(request, pk)
    form = GuidanceFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.guidance_file_add(actor=request.user, guidance=guidance, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
            return _detail(request, guidance, file_form=form)
        messages.success(request, _("Đã đính kèm tệp."))
        return redirect("oversight:guidance-detail", pk=guidance.pk)
    return _detail(request, guidance, file_form=form)


@login_required
@require_POST
def guidance_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guidance = _managed(request, pk)
    try:
        sent = services.guidance_publish(actor=request.user, guidance=guidance)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã gửi văn bản; %(n)d thông báo.") % {"n": sent})
    return redirect("oversight:guidance-detail", pk=guidance.pk)


@login_required
@require_POST
def guidance_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guidance = _managed(request, pk)
    form = GuidanceReviseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.guidance_revise(actor=request.user, guidance=guidance, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
            return _detail(request, guidance, revise_form=form)
        messages.success(request, _("Đã gửi phiên bản mới; các đơn vị xác nhận lại."))
        return redirect("oversight:guidance-detail", pk=guidance.pk)
    return _detail(request, guidance, revise_form=form)


@login_required
@require_POST
def guidance_nudge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guidance = _managed(request, pk)
    units = services.guidance_nudge(actor=request.user, guidance=guidance)
    if units:
        names = ", ".join(u.short_name or u.name for u in units)
        messages.success(request, _("Đã đôn đốc: %(units)s.") % {"units": names})
    else:
        messages.info(request, _("Mọi đơn vị nhận đã đọc văn bản."))
    return redirect("oversight:guidance-detail", pk=guidance.pk)


@login_required
@require_POST
def acknowledgement_mark(request: AuthenticatedHttpRequest, pk: int, what: str) -> HttpResponse:
    ack = selectors.ack_get(user=request.user, pk=pk)
    services.acknowledgement_mark(actor=request.user, ack=ack, read=what == "read")
    done = _("Đã xác nhận đã đọc.") if what == "read" else _("Đã xác nhận đã nhận.")
    messages.success(request, done)
    return redirect("oversight:guidance-detail", pk=ack.guidance_id)


@login_required
@require_GET
def guidance_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    stored = selectors.file_get(user=request.user, pk=pk)
    response = stored_file_response(stored)
    services.file_opened(actor=request.user, stored=stored)
    return response
