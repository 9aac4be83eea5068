"""Pages of reporting periods and units' reports (the consolidated report's are in
`consolidated_views`).

Thin: objects and what the user may do with them (`abilities`) come from selectors scoped
to the user (a guessed id answers 404), every action has its own URL and is one service
call (403 when refused), and files are built by a background task.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.dates import format_day_time
from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest

from . import forms, pages, selectors, services

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
        pages.context(
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
        return render(request, "reporting/my_reports.html", pages.context(period, mine=mine))
    board = selectors.board(user=request.user, period=period, today=timezone.localdate())
    return render(
        request,
        "reporting/board.html",
        pages.context(period, board=board, period=period, abilities=board.abilities),
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
    return render(
        request, "reporting/period_edit.html", pages.context(period, period=period, form=form)
    )


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
        pages.context(
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
    outcome = pages.write(
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
            pages.show_errors(request, exc)
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
        pages.show_errors(request, exc)
    return redirect("reporting:unit-report", pk=report.period_id, unit_pk=report.unit_id)


@login_required
@require_POST
def report_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.unit_report_accept(actor=request.user, report=report)
        messages.success(request, _("Đã tiếp nhận báo cáo của %(unit)s.") % {"unit": report.unit})
    except ValidationError as exc:
        pages.show_errors(request, exc)
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
        pages.context(
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
