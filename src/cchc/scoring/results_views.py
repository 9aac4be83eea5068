"""The set's own settings (title and note of a draft; cut-off and classification; closing)
and its results: the table, its chart, and the files (the table as XLSX, DOCX, PDF; each
unit's score sheet as XLSX, DOCX)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.documents.pdf import PdfUnavailable
from cchc.lib.http import AuthenticatedHttpRequest
from cchc.lib.replica import reads_from_replica

from . import results, results_files, selectors, services
from .models import SetStatus
from .results_forms import SetEditForm, SetSettingsForm, settings_initial
from .views import SECTION, _managed, form_page, set_action


@login_required
@require_http_methods(["GET", "POST"])
def set_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = _managed(request, pk)
    form = SetSettingsForm(request.POST or None, initial=settings_initial(criteria_set))
    return form_page(
        request,
        "scoring/set_settings.html",
        form,
        criteria_set,
        lambda data: services.criteria_set_settings_update(
            actor=request.user, criteria_set=criteria_set, values=data
        ),
        _("Đã lưu ngày chốt số liệu và cách xếp loại."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = _managed(request, pk)
    initial = {"title": criteria_set.title, "note": criteria_set.note}
    form = SetEditForm(request.POST or None, initial=initial)
    return form_page(
        request,
        "scoring/set_edit.html",
        form,
        criteria_set,
        lambda data: services.criteria_set_update(
            actor=request.user, criteria_set=criteria_set, **data
        ),
        _("Đã lưu tên và ghi chú của bộ tiêu chí."),
    )


@login_required
@require_POST
def set_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return set_action(
        request,
        pk,
        lambda s: services.criteria_set_close(actor=request.user, criteria_set=s),
        _("Chưa kết thúc được bộ tiêu chí:"),
        _("Đã kết thúc bộ tiêu chí: kết quả không thay đổi nữa."),
    )


@login_required
@require_GET
def set_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = selectors.criteria_set_get(user=request.user, pk=pk)
    found = results.results_get(user=request.user, criteria_set=criteria_set)
    context = {
        "found": found,
        "criteria_set": criteria_set,
        "chart": results_files.chart(found),
        "can_manage": services.can_manage(request.user, criteria_set.unit),
        "closed": criteria_set.status == SetStatus.CLOSED,
        **SECTION,
    }
    return render(request, "scoring/results.html", context)


def _download(made: results_files.File) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


# The files only read, and a second's lag is theirs to bear: on the replica, if any.
@login_required
@require_GET
@reads_from_replica()
def results_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The result table as XLSX, DOCX or PDF; without LibreOffice, the PDF is refused with a
    message and the DOCX offered instead."""
    try:
        made = results_files.results_file(user=request.user, pk=pk, fmt=fmt)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("scoring:set-results", pk=pk)
    return _download(made)


@login_required
@require_GET
@reads_from_replica()
def score_sheet(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One unit's score sheet, for whoever may open its assessment."""
    return _download(results_files.score_sheet_file(user=request.user, pk=pk, fmt=fmt))
