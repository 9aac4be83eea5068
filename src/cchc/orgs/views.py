"""Pages of the organisation that the office uses (thin: one service call per write): what
a unit's documents carry, and the names its branch's plans use for units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest

from . import selectors, services
from .access import access_for
from .forms import (
    AliasCreateForm,
    AliasEditForm,
    GroupCreateForm,
    GroupEditForm,
    UnitDocumentsForm,
)
from .models import Role, Unit


def _back(request: HttpRequest) -> str:
    """Where the page was opened from (the plan page), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@login_required
@require_http_methods(["GET", "POST"])
def unit_documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The unit's symbol in document numbers and the signer of its plans."""
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk, is_active=True)
    # Answer 403 before showing the form, not only on saving it.
    if not services.can_edit_unit_documents(request.user, unit):
        raise PermissionDenied(
            _("Chỉ Văn phòng của đơn vị được sửa ký hiệu và người ký văn bản của đơn vị.")
        )
    back = _back(request)
    form = UnitDocumentsForm(request.POST or None, initial=UnitDocumentsForm.initial_for(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_document_settings_update(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã lưu ký hiệu và người ký văn bản của đơn vị."))
            return redirect(back or request.path)
    form.mark_errors()
    return render(
        request,
        "orgs/unit_documents.html",
        {"unit": unit, "form": form, "back": back, "plan_symbol": selectors.plan_symbol(unit)},
    )


# --- the names plans use for units: aliases and groups of the office's branch -------------


def _require_office(request: HttpRequest) -> None:
    if not access_for(request.user).has(Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng được xem và sửa tên gọi của đơn vị."))


def _owners(request: HttpRequest) -> list:
    """The units whose plans a new name may be for: the user's office units."""
    owners = selectors.office_units(user=request.user)
    if not owners:
        raise PermissionDenied(_("Chỉ Văn phòng được xem và sửa tên gọi của đơn vị."))
    return owners


def _posted(request: HttpRequest):
    """The form's data when posted, even empty (then every required field says so)."""
    return request.POST if request.method == "POST" else None


def _put_errors(form, exc: ValidationError) -> None:
    """A service's errors next to the fields they name."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_GET
def unit_names(request: HttpRequest) -> HttpResponse:
    """The aliases and groups of units the office's branch recorded for its plans."""
    _require_office(request)
    context = {
        "aliases": selectors.alias_list(user=request.user),
        "groups": selectors.group_list(user=request.user),
        "nav_section": "names",
    }
    return render(request, "orgs/unit_names.html", context)


def _edit(request: HttpRequest, form, write, done: str, context: dict) -> HttpResponse:
    """The edit page of a name: `write(cleaned_data)` calls the service on a valid post,
    then back to the list with `done`; errors stay next to their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("orgs:unit-names")
    context |= {"form": form, "nav_section": "names"}
    return render(request, "orgs/name_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def alias_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.alias_get(user=request.user, pk=pk)
    return _edit(
        request,
        AliasEditForm(_posted(request), record=record),
        lambda data: services.unit_alias_update(actor=request.user, record=record, **data),
        _("Đã lưu tên gọi khác."),
        {"title": _("Sửa tên gọi khác"), "owner": record.owner},
    )


@login_required
@require_http_methods(["GET", "POST"])
def alias_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    owners = _owners(request)
    return _edit(
        request,
        AliasCreateForm(_posted(request), owners=owners),
        lambda data: services.unit_alias_create(actor=request.user, **data),
        _("Đã thêm tên gọi khác."),
        {"title": _("Thêm tên gọi khác"), "owner": owners[0] if len(owners) == 1 else None},
    )


@login_required
@require_POST
def alias_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.alias_get(user=request.user, pk=pk)
    services.unit_alias_delete(actor=request.user, record=record)
    messages.success(request, _("Đã xóa tên gọi “%(alias)s”.") % {"alias": record.alias})
    return redirect("orgs:unit-names")


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, pk=pk)
    return _edit(
        request,
        GroupEditForm(_posted(request), group=group),
        lambda data: services.unit_group_define(
            actor=request.user, owner=group.owner, words=group.words, **data
        ),
        _("Đã lưu nhóm “%(words)s”.") % {"words": group.words},
        {"title": _("Sửa nhóm đơn vị"), "words": group.words, "owner": group.owner},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    owners = _owners(request)
    return _edit(
        request,
        GroupCreateForm(_posted(request), owners=owners),
        lambda data: services.unit_group_define(actor=request.user, new=True, **data),
        _("Đã thêm nhóm đơn vị."),
        {"title": _("Thêm nhóm đơn vị"), "owner": owners[0] if len(owners) == 1 else None},
    )


@login_required
@require_POST
def group_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(user=request.user, pk=pk)
    services.unit_group_delete(actor=request.user, group=group)
    messages.success(request, _("Đã xóa nhóm “%(words)s”.") % {"words": group.words})
    return redirect("orgs:unit-names")
