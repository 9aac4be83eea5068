"""Pages of reporting periods, units' reports and the consolidated report.

Thin: objects and what the user may do with them (`abilities`) come from selectors scoped
to the user (a guessed id answers 404), every action has its own URL and is one service
call (403 when refused), and files are built by a background task.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.dates import format_day_time
from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest, is_htmx

from . import consolidated, forms, selectors, services, workflow
from .models import ReportingPeriod

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    "docx": DOCX_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _context(for_period: ReportingPeriod | None = None, /, **extra) -> dict:
    plan = for_period.plan if for_period else None
    return {"nav_section": "reporting", "current_plan": plan, **extra}


@dataclass
class Outcome:
    """What became of a posted text: `done`, or the form to show again (with `conflict`, the
    newer row, when someone saved in between)."""

    done: bool
    form: django_forms.Form
    conflict: object | None = None


def _write(
    request: HttpRequest,
    form: django_forms.Form,
    write: Callable[[django_forms.Form], str],
    remake: Callable[[dict], django_forms.Form],
) -> Outcome:
    """Run `write(form)` (service calls; returns the success message) if the form is valid;
    a refusal becomes a message. A write on an older version keeps the user's typed text: the
    form is made again from what they posted (`remake(data)`) but naming the newer version,
    so saving again after comparing is a deliberate overwrite."""
    if not form.is_valid():
        return Outcome(False, form)
    try:
        success = write(form)
    except workflow.StaleVersion as exc:
        messages.error(request, exc.messages[0])
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        form = remake(data)
        form.is_valid()
        return Outcome(False, form, exc.current)
    except ValidationError as exc:
        _errors(request, exc)
        return Outcome(False, form)
    messages.success(request, success)
    return Outcome(True, form)


# --- periods -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Periods the user may see, the reports their units owe, and (office) a new period."""
    user = request.user
    plans = selectors.manageable_plans(user=user, opening=request.method == "POST")
    form = None
    if plans.exists():
        form = forms.PeriodCreateForm(request.POST or None, plans=plans)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                period = services.period_open(
                    actor=user,
                    plan=data["plan"],
                    kind=data["kind"],
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Đã mở kỳ báo cáo %(period)s; %(n)s đơn vị phải báo cáo.")
                    % {"period": period.title_phrase, "n": period.units.count()},
                )
                return redirect("reporting:period-detail", pk=period.pk)
    return render(
        request,
        "reporting/period_list.html",
        _context(
            periods=selectors.period_rows(user=user),
            mine=selectors.my_reports(user=user),
            form=form,
            today=timezone.localdate(),
        ),
    )


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's board; a unit's people go to their own report."""
    period = selectors.period_get(user=request.user, pk=pk)
    if not selectors.period_abilities(user=request.user, period=period).can_view_board:
        mine = selectors.own_reports(user=request.user, period=period)
        if len(mine) == 1:
            return redirect("reporting:unit-report", pk=period.pk, unit_pk=mine[0].unit.pk)
        return render(request, "reporting/my_reports.html", _context(period, mine=mine))
    board = selectors.board(user=request.user, period=period, today=timezone.localdate())
    return render(
        request,
        "reporting/board.html",
        _context(period, board=board, period=period, abilities=board.abilities),
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = selectors.period_edit_page(user=request.user, pk=pk)
    period = page.period
    form = forms.PeriodEditForm(request.POST or None, initial=page.initial, units_qs=page.units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.period_update(
                actor=request.user,
                period=period,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                due_on=data["due_on"],
                title=data["title"],
                units=data["units"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã lưu kỳ báo cáo."))
            return redirect("reporting:period-detail", pk=period.pk)
    return render(request, "reporting/period_edit.html", _context(period, period=period, form=form))


@login_required
@require_POST
def period_nudge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: nudge one unit (unit=<id>) or every unit that has not submitted."""
    period = selectors.period_get(user=request.user, pk=pk)
    form = forms.NudgeForm(request.POST)
    form.is_valid()
    nudges = services.report_nudge(
        actor=request.user,
        period=period,
        units=selectors.period_units(period=period, pk=form.cleaned_data.get("unit")),
        message=form.cleaned_data.get("message") or "",
    )
    if nudges:
        messages.success(
            request, _("Đã ghi nhận đôn đốc %(n)s đơn vị chưa gửi báo cáo.") % {"n": len(nudges)}
        )
    else:
        messages.info(request, _("Không có đơn vị nào cần đôn đốc."))
    return redirect("reporting:period-detail", pk=period.pk)


# --- a unit's report -------------------------------------------------------------------


def _unit_report_page(request, period, unit, form=None, conflict=None) -> HttpResponse:
    """The unit's report: task data per area, the narrative form, versions, evidence; the
    office's decision once submitted."""
    page = selectors.unit_report_page(
        user=request.user, period=period, unit=unit, today=timezone.localdate()
    )
    areas = [block.area for block in page.areas]
    if form is None:
        form = forms.UnitReportForm(initial=forms.initial_for(page.report, areas), areas=areas)
    return render(
        request,
        "reporting/unit_report.html",
        _context(
            period,
            period=period,
            unit=unit,
            page=page,
            abilities=page.abilities,
            form=form,
            blocks=form.blocks(page.areas, conflict),
            conflict=conflict,
            return_form=forms.CommentForm(),
            attach_form=forms.AttachForm(),
        ),
    )


def _report_target(request: HttpRequest, pk: int, unit_pk: int):
    period = selectors.period_get(user=request.user, pk=pk)
    return period, selectors.report_unit_get(user=request.user, period=period, pk=unit_pk)


@login_required
@require_GET
def unit_report(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    period, unit = _report_target(request, pk, unit_pk)
    return _unit_report_page(request, period, unit)


def _post_unit_report(request: HttpRequest, pk: int, unit_pk: int, write) -> HttpResponse:
    """Save or submit the posted text with `write(period, unit, form)`; the services refuse
    (403) or, for a repeated submission, return the submission already made."""
    period, unit = _report_target(request, pk, unit_pk)
    areas = selectors.areas()
    outcome = _write(
        request,
        forms.UnitReportForm(request.POST, areas=areas),
        lambda form: write(period, unit, form),
        lambda data: forms.UnitReportForm(data, areas=areas),
    )
    if outcome.done:
        return redirect("reporting:unit-report", pk=period.pk, unit_pk=unit.pk)
    return _unit_report_page(request, period, unit, outcome.form, outcome.conflict)


@login_required
@require_POST
def unit_report_save(request: AuthenticatedHttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    def save(period, unit, form) -> str:
        services.unit_report_save(actor=request.user, period=period, unit=unit, **form.content())
        return _("Đã lưu bản nháp.")

    return _post_unit_report(request, pk, unit_pk, save)


@login_required
@require_POST
def unit_report_submit(request: AuthenticatedHttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    def submit(period, unit, form) -> str:
        report = services.unit_report_open(actor=request.user, period=period, unit=unit)
        version = services.unit_report_submit(actor=request.user, report=report, **form.content())
        return _("Đã gửi báo cáo (lần %(n)s) lúc %(when)s.") % {
            "n": version.number,
            "when": format_day_time(version.submitted_at),
        }

    return _post_unit_report(request, pk, unit_pk, submit)


@login_required
@require_POST
def unit_report_attach(request: AuthenticatedHttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    unit = selectors.unit_get(pk=unit_pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.unit_report_open(actor=request.user, period=period, unit=unit)
            services.unit_report_attach(
                actor=request.user,
                report=report,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("Đã đính kèm tài liệu."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Chưa chọn tệp."))
    return redirect("reporting:unit-report", pk=period.pk, unit_pk=unit.pk)


@login_required
@require_POST
def report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    form = forms.CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Cần ghi rõ nội dung đơn vị phải sửa."))
        services.unit_report_return(
            actor=request.user, report=report, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": report.unit})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reporting:unit-report", pk=report.period_id, unit_pk=report.unit_id)


@login_required
@require_POST
def report_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.unit_report_accept(actor=request.user, report=report)
        messages.success(request, _("Đã tiếp nhận báo cáo của %(unit)s.") % {"unit": report.unit})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reporting:period-detail", pk=report.period_id)


@login_required
@require_GET
def report_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One submission exactly as it was sent."""
    version = selectors.version_get(user=request.user, report_pk=pk, number=number)
    report = version.report
    return render(
        request,
        "reporting/version.html",
        _context(
            report.period,
            version=version,
            report=report,
            sections=selectors.version_sections(version),
        ),
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.attachment_get(user=request.user, pk=pk))


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
        _context(
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
    outcome = _write(
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
        _errors(request, exc)
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
        _errors(request, exc)
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
    context = _context(export.period, export=export, period=export.period)
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
        content_type=CONTENT_TYPES[export.format],
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
        _context(
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
    response = HttpResponse(selectors.default_template(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-bao-cao-tong-hop.docx"'
    return response
