"""Pages of the consolidated report: its draft and its moves, the files built from it,
and the office's templates.

Thin: objects and what the user may do with them (`abilities`) come from selectors scoped
to the user (a guessed id answers 404), every action has its own URL and is one service
call (403 when refused), and files are built by a background task.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest, is_htmx

from . import consolidated, forms, pages, selectors, services

# --- the consolidated report -----------------------------------------------------------


def _consolidated_page(request, period, form=None, conflict=None) -> HttpResponse:
    """Everyone who may read it reads it; the office edits, regenerates and sends the
    draft; the leader approves it (number and date) or returns it."""
    page = selectors.consolidated_page(user=request.user, period=period)
    if form is None and page.report is not None:
        initial = forms.consolidated_initial(page.report)
        form = forms.ConsolidatedForm(initial=initial, areas=page.areas)
    return render(
        request,
        "reporting/consolidated.html",
        pages.context(
            period,
            period=period,
            report=page.report,
            abilities=page.abilities,
            form=form,
            conflict=conflict,
            approve_form=forms.ApproveForm(initial={"issued_on": timezone.localdate()}),
            return_form=forms.CommentForm(),
            exports=page.exports,
            pdf_available=page.pdf_available,
        ),
    )


def _drafted(request: AuthenticatedHttpRequest, pk: int):
    """The period and its consolidated report, drafted first if the office has not yet."""
    period = selectors.period_get(user=request.user, pk=pk)
    report = selectors.consolidated_get(user=request.user, period=period)
    return period, report or consolidated.consolidated_open(actor=request.user, period=period)


@login_required
@require_GET
def consolidated_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    return _consolidated_page(request, period)


@login_required
@require_POST
def consolidated_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    consolidated.consolidated_open(actor=request.user, period=period)
    messages.success(request, _("Đã lập dự thảo báo cáo tổng hợp."))
    return redirect("reporting:consolidated", pk=period.pk)


def _post_consolidated(request: AuthenticatedHttpRequest, pk: int, write) -> HttpResponse:
    """Save or regenerate with `write(report, form)`: back to the page when done, else the
    page again with what the user typed."""
    period, report = _drafted(request, pk)
    areas = selectors.areas()
    outcome = pages.write(
        request,
        forms.ConsolidatedForm(request.POST, areas=areas),
        lambda form: write(report, form),
        lambda data: forms.ConsolidatedForm(data, areas=areas),
    )
    if outcome.done:
        return redirect("reporting:consolidated", pk=period.pk)
    return _consolidated_page(request, period, outcome.form, outcome.conflict)


@login_required
@require_POST
def consolidated_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def save(report, form) -> str:
        consolidated.consolidated_save(actor=request.user, report=report, **form.content())
        return _("Đã lưu báo cáo tổng hợp.")

    return _post_consolidated(request, pk, save)


@login_required
@require_POST
def consolidated_regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def regenerate(report, form) -> str:
        consolidated.consolidated_regenerate(
            actor=request.user, report=report, expected_version=form.cleaned_data["version"]
        )
        return _("Đã tạo lại nội dung từ báo cáo của đơn vị.")

    return _post_consolidated(request, pk, regenerate)


@login_required
@require_POST
def consolidated_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period, report = _drafted(request, pk)
    try:
        consolidated.consolidated_send(actor=request.user, report=report)
    except ValidationError as exc:
        pages.show_errors(request, exc)
        return _consolidated_page(request, period)
    messages.success(request, _("Đã trình Thủ trưởng."))
    return redirect("reporting:consolidated", pk=period.pk)


def _decide(request: HttpRequest, pk: int, form_class, refusal, decide) -> HttpResponse:
    """The leader's decision on the sent draft: `decide(report, data)` once the form is
    valid (else `refusal`, or the form's own errors when None); back to the page."""
    period = selectors.period_get(user=request.user, pk=pk)
    report = selectors.consolidated_get(user=request.user, period=period, required=True)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(refusal or [e for errors in form.errors.values() for e in errors])
        messages.success(request, decide(report, form.cleaned_data))
    except ValidationError as exc:
        pages.show_errors(request, exc)
    return redirect("reporting:consolidated", pk=period.pk)


@login_required
@require_POST
def consolidated_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def approve(report, data) -> str:
        consolidated.consolidated_approve(actor=request.user, report=report, **data)
        return _("Đã phê duyệt báo cáo tổng hợp.")

    return _decide(request, pk, forms.ApproveForm, None, approve)


@login_required
@require_POST
def consolidated_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def send_back(report, data) -> str:
        consolidated.consolidated_return(actor=request.user, report=report, comment=data["comment"])
        return _("Đã trả lại báo cáo cho Văn phòng.")

    return _decide(request, pk, forms.CommentForm, _("Cần ghi ý kiến khi trả lại."), send_back)


@login_required
@require_POST
def export_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: queue the consolidated report's file and show its progress."""
    period = selectors.period_get(user=request.user, pk=pk)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        raise Http404(_("Định dạng không hợp lệ."))
    fmt = form.cleaned_data["format"]
    if fmt == "pdf" and not selectors.pdf_available():
        messages.error(
            request,
            _("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX."),
        )
        return redirect("reporting:period-detail", pk=period.pk)
    export = consolidated.export_request(actor=request.user, period=period, fmt=fmt)
    return redirect("reporting:export-detail", pk=export.pk)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The file's progress; htmx polls the partial until the file is ready."""
    export = selectors.export_get(user=request.user, pk=pk)
    if export.lost_worker():  # killed mid-job: run it again, and say so
        export = consolidated.export_recover(export_id=export.pk)
    context = pages.context(export.period, export=export, period=export.period)
    if is_htmx(request):
        return render(request, "reporting/partials/export_progress.html", context)
    return render(request, "reporting/export.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = selectors.export_get(user=request.user, pk=pk, ready=True)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename or f"bao-cao.{export.format}",
        content_type=pages.CONTENT_TYPES[export.format],
    )


# --- templates -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office replaces the consolidated report's DOCX template of the plan's issuing
    unit: download the built-in one, edit it in Word, upload it back."""
    page = selectors.templates_page(user=request.user, pk=pk)
    form = forms.TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_upload(
                actor=request.user,
                unit=page.unit,
                name=form.cleaned_data["name"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã dùng mẫu mới cho báo cáo tổng hợp."))
            return redirect("reporting:template-list", pk=page.period.pk)
    return render(
        request,
        "reporting/templates.html",
        pages.context(
            page.period,
            period=page.period,
            form=form,
            templates=page.templates,
            **selectors.template_placeholders(),
        ),
    )


@login_required
@require_POST
def template_deactivate(
    request: AuthenticatedHttpRequest, pk: int, template_pk: int
) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    template = selectors.template_get(period=period, pk=template_pk)
    services.template_deactivate(actor=request.user, template=template)
    messages.success(request, _("Đã trở lại mẫu có sẵn."))
    return redirect("reporting:template-list", pk=period.pk)


@login_required
@require_GET
def template_default(request: HttpRequest) -> HttpResponse:
    """The built-in template, to edit in Word and upload back."""
    response = HttpResponse(selectors.default_template(), content_type=pages.DOCX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-bao-cao-tong-hop.docx"'
    return response
