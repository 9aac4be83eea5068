"""Pages of reporting periods, units' reports and the consolidated report.

Thin: objects come from selectors scoped to the user (a guessed id answers 404), every
action is one service call (403 when refused), and files are built by a background task.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.dates import format_day_time
from cchc.lib.http import is_htmx
from cchc.orgs.access import access_for
from cchc.orgs.models import Unit
from cchc.plans.models import Area

from . import consolidated, documents, forms, permissions, selectors, services, workflow
from .models import ConsolidatedStatus, ReportingPeriod, ReportTemplate

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


# --- periods -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest) -> HttpResponse:
    """Periods the user may see, the reports their units owe, and (office) a new period."""
    user = request.user
    plans = selectors.manageable_plans(user=user)
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
    elif request.method == "POST":
        raise PermissionDenied(_("Chỉ Văn phòng được mở kỳ báo cáo."))
    access = access_for(user)
    periods = list(selectors.period_list(user=user)[:200])
    for period in periods:
        period.can_view_board = permissions.can_view_board(access, period)
    return render(
        request,
        "reporting/period_list.html",
        _context(
            periods=periods,
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
    access = access_for(request.user)
    if not permissions.can_view_board(access, period):
        mine = [m for m in selectors.my_reports(user=request.user) if m.period.pk == period.pk]
        if len(mine) == 1:
            return redirect("reporting:unit-report", pk=period.pk, unit_pk=mine[0].unit.pk)
        if not mine:
            raise Http404(_("Không tìm thấy kỳ báo cáo."))
        return render(request, "reporting/my_reports.html", _context(period, mine=mine))
    today = timezone.localdate()
    board = selectors.board(user=request.user, period=period, today=today)
    return render(request, "reporting/board.html", _context(period, board=board, period=period))


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    if not permissions.can_manage_periods(access_for(request.user), period.plan):
        raise PermissionDenied(_("Chỉ Văn phòng được sửa kỳ báo cáo."))
    root = period.plan.issuing_unit.path
    units_qs = Unit.objects.filter(path__startswith=root, is_active=True).order_by("path")
    initial = {
        "title": period.title,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "due_on": period.due_on,
        "units": list(period.units.values_list("pk", flat=True)),
    }
    form = forms.PeriodEditForm(request.POST or None, initial=initial, units_qs=units_qs)
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
def period_nudge(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: nudge one unit (unit=<id>) or every unit that has not submitted."""
    period = selectors.period_get(user=request.user, pk=pk)
    form = forms.NudgeForm(request.POST)
    form.is_valid()
    unit_id = form.cleaned_data.get("unit")
    units = None
    if unit_id:
        units = list(period.units.filter(pk=unit_id))
        if not units:
            raise Http404(_("Đơn vị không phải báo cáo kỳ này."))
    nudges = services.report_nudge(
        actor=request.user,
        period=period,
        units=units,
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


def _unit_page(request, period, unit_pk):
    unit = get_object_or_404(Unit, pk=unit_pk)
    page = selectors.unit_report_page(
        user=request.user, period=period, unit=unit, today=timezone.localdate()
    )
    return unit, page


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The unit's report: task data per area, the narrative form, versions, evidence; the
    office's decision once submitted. POST saves the draft or submits it."""
    period = selectors.period_get(user=request.user, pk=pk)
    unit, page = _unit_page(request, period, unit_pk)
    areas = [block.area for block in page.areas]
    conflict = None
    if request.method == "POST":
        # No check here: the services refuse (403) or, for a repeated submission, return the
        # submission already made.
        form = forms.UnitReportForm(request.POST, areas=areas)
        if form.is_valid():
            data = form.cleaned_data
            content = dict(
                narrative=form.narrative(),
                proposals=data["proposals"],
                next_tasks=data["next_tasks"],
            )
            try:
                if data.get("action") == "submit" or "submit" in request.POST:
                    report = page.report or services.unit_report_open(
                        actor=request.user, period=period, unit=unit
                    )
                    version = services.unit_report_submit(
                        actor=request.user,
                        report=report,
                        expected_version=data["version"],
                        **content,
                    )
                    messages.success(
                        request,
                        _("Đã gửi báo cáo (lần %(n)s) lúc %(when)s.")
                        % {
                            "n": version.number,
                            "when": format_day_time(version.submitted_at),
                        },
                    )
                else:
                    services.unit_report_save(
                        actor=request.user,
                        period=period,
                        unit=unit,
                        expected_version=data["version"],
                        **content,
                    )
                    messages.success(request, _("Đã lưu bản nháp."))
                return redirect("reporting:unit-report", pk=period.pk, unit_pk=unit.pk)
            except workflow.StaleVersion as exc:
                conflict = exc.current
                messages.error(request, exc.messages[0])
                # The writer keeps their text; the form now names the newer version, so
                # saving again (after comparing) is a deliberate overwrite.
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form = forms.UnitReportForm(data, areas=areas)
                form.is_valid()
            except ValidationError as exc:
                _errors(request, exc)
    else:
        form = forms.UnitReportForm(initial=forms.initial_for(page.report, areas), areas=areas)
    blocks = [
        {
            "block": block,
            "fields": [form.field_for(block.area.code, key) for key, _label, _text in block.parts],
            "newer": [
                (label, conflict.part(block.area.code, key)) for key, label, _text in block.parts
            ]
            if conflict
            else [],
        }
        for block in page.areas
    ]
    return render(
        request,
        "reporting/unit_report.html",
        _context(
            period,
            period=period,
            unit=unit,
            page=page,
            form=form,
            blocks=blocks,
            conflict=conflict,
            return_form=forms.CommentForm(),
            attach_form=forms.AttachForm(),
        ),
    )


@login_required
@require_POST
def unit_report_attach(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
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
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
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
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
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
    areas = list(Area.objects.order_by("code"))
    sections = [
        {
            "area": area,
            "parts": [
                (label, version.part(area.code, key)) for key, label in forms.NARRATIVE_PARTS
            ],
            "tasks": [t for t in version.tasks if t["area"] == area.code],
            "counts": version.figures.get("by_area", {}).get(str(area.code)),
        }
        for area in areas
    ]
    return render(
        request,
        "reporting/version.html",
        _context(report.period, version=version, report=report, sections=sections),
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


# --- the consolidated report -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consolidated_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The office edits the generated narrative, regenerates it, sends it to the leader;
    the leader approves it (number and date) or returns it; everyone may read it."""
    period = selectors.period_get(user=request.user, pk=pk)
    report = selectors.consolidated_get(user=request.user, period=period)
    access = access_for(request.user)
    can_manage = permissions.can_manage_periods(access, period.plan)
    areas = list(Area.objects.order_by("code"))
    conflict = None
    form = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if report is None:
                report = consolidated.consolidated_open(actor=request.user, period=period)
                if action == "open":
                    messages.success(request, _("Đã lập dự thảo báo cáo tổng hợp."))
                    return redirect("reporting:consolidated", pk=period.pk)
            if action == "send":
                consolidated.consolidated_send(actor=request.user, report=report)
                messages.success(request, _("Đã trình Thủ trưởng."))
                return redirect("reporting:consolidated", pk=period.pk)
            form = forms.ConsolidatedForm(request.POST, areas=areas)
            if form.is_valid():
                version = form.cleaned_data["version"]
                if action == "regenerate":
                    consolidated.consolidated_regenerate(
                        actor=request.user, report=report, expected_version=version
                    )
                    messages.success(request, _("Đã tạo lại nội dung từ báo cáo của đơn vị."))
                else:
                    consolidated.consolidated_save(
                        actor=request.user,
                        report=report,
                        expected_version=version,
                        narrative=form.narrative(),
                        **form.fields_values(),
                    )
                    messages.success(request, _("Đã lưu báo cáo tổng hợp."))
                return redirect("reporting:consolidated", pk=period.pk)
        except workflow.StaleVersion as exc:
            conflict = exc.current
            messages.error(request, exc.messages[0])
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = forms.ConsolidatedForm(data, areas=areas)
            form.is_valid()
        except ValidationError as exc:
            _errors(request, exc)
    if form is None and report is not None:
        form = forms.ConsolidatedForm(initial=forms.consolidated_initial(report), areas=areas)
    return render(
        request,
        "reporting/consolidated.html",
        _context(
            period,
            period=period,
            report=report,
            form=form,
            conflict=conflict,
            can_manage=can_manage,
            can_edit=can_manage and (report is None or report.is_editable),
            can_approve=permissions.can_approve_consolidated(access, period)
            and report is not None
            and report.status == ConsolidatedStatus.SENT,
            approve_form=forms.ApproveForm(initial={"issued_on": timezone.localdate()}),
            return_form=forms.CommentForm(),
            exports=selectors.latest_exports(period),
            pdf_available=documents.pdf_available(),
        ),
    )


@login_required
@require_POST
def consolidated_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader approves (with number and date) or returns (with a comment)."""
    period = selectors.period_get(user=request.user, pk=pk)
    report = selectors.consolidated_get(user=request.user, period=period)
    if report is None:
        raise Http404(_("Chưa có báo cáo tổng hợp."))
    try:
        if request.POST.get("action") == "approve":
            form = forms.ApproveForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            consolidated.consolidated_approve(
                actor=request.user, report=report, **form.cleaned_data
            )
            messages.success(request, _("Đã phê duyệt báo cáo tổng hợp."))
        else:
            form = forms.CommentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Cần ghi ý kiến khi trả lại."))
            consolidated.consolidated_return(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Đã trả lại báo cáo cho Văn phòng."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reporting:consolidated", pk=period.pk)


@login_required
@require_POST
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: queue the consolidated report's file and show its progress."""
    period = selectors.period_get(user=request.user, pk=pk)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        raise Http404(_("Định dạng không hợp lệ."))
    fmt = form.cleaned_data["format"]
    if fmt == "pdf" and not documents.pdf_available():
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
    context = _context(export.period, export=export, period=export.period)
    if is_htmx(request):
        return render(request, "reporting/partials/export_progress.html", context)
    return render(request, "reporting/export.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = selectors.export_get(user=request.user, pk=pk)
    if not export.file:
        raise Http404(_("Tệp chưa sẵn sàng."))
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename or f"bao-cao.{export.format}",
        content_type=CONTENT_TYPES[export.format],
    )


# --- templates -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The office replaces the consolidated report's DOCX template of the plan's issuing
    unit: download the built-in one, edit it in Word, upload it back."""
    period = selectors.period_get(user=request.user, pk=pk)
    unit = period.plan.issuing_unit
    if not access_for(request.user).covers(unit.path, "office"):
        raise PermissionDenied(_("Chỉ Văn phòng được thay mẫu báo cáo."))
    form = forms.TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_upload(
                actor=request.user,
                unit=unit,
                name=form.cleaned_data["name"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã dùng mẫu mới cho báo cáo tổng hợp."))
            return redirect("reporting:template-list", pk=period.pk)
    return render(
        request,
        "reporting/templates.html",
        _context(
            period,
            period=period,
            form=form,
            templates=selectors.templates_for(user=request.user, unit=unit),
            scalars=documents.SCALARS,
            lists=documents.LISTS,
            blocks=documents.BLOCKS,
        ),
    )


@login_required
@require_POST
def template_deactivate(request: HttpRequest, pk: int, template_pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    template = get_object_or_404(ReportTemplate, pk=template_pk, unit=period.plan.issuing_unit)
    services.template_deactivate(actor=request.user, template=template)
    messages.success(request, _("Đã trở lại mẫu có sẵn."))
    return redirect(reverse("reporting:template-list", args=[period.pk]))


@login_required
@require_GET
def template_default(request: HttpRequest) -> HttpResponse:
    """The built-in template, to edit in Word and upload back."""
    response = HttpResponse(documents.default_template(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-bao-cao-tong-hop.docx"'
    return response
