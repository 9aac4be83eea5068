"""The office's oversight pages (thin: one selector or service call each)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cchc.lib.http import AuthenticatedHttpRequest
from cchc.orgs.models import Unit

from . import selectors, services
from .forms import ReminderRulesForm


@login_required
@require_GET
def reminders_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rules of the office's own unit (the highest it works for)."""
    unit = selectors.office_unit(user=request.user)
    if unit is None:
        raise PermissionDenied(_("Chỉ Văn phòng được đặt quy tắc nhắc việc."))
    return redirect("oversight:reminder-rules", pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def reminder_rules(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk, is_active=True)
    if not services.can_edit_rules(request.user, unit):
        raise PermissionDenied(_("Chỉ Văn phòng của đơn vị được sửa quy tắc nhắc việc."))
    form = ReminderRulesForm(request.POST or None, instance=selectors.rules_of(unit=unit))
    if request.method == "POST" and form.is_valid():
        services.reminder_rules_set(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã lưu quy tắc nhắc việc."))
        return redirect("oversight:reminder-rules", pk=unit.pk)
    context = {
        "unit": unit,
        "form": form,
        "runs": selectors.recent_runs(),
        "nav_section": "reminders",
    }
    return render(request, "oversight/reminder_rules.html", context)
