"""Pages of the organisation that the office uses (thin: one service call per write)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import UnitDocumentsForm
from .models import Unit


def _back(request: HttpRequest) -> str:
    """Where the page was opened from (the plan page), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@login_required
@require_http_methods(["GET", "POST"])
def unit_documents(request: HttpRequest, pk: int) -> HttpResponse:
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
