"""The inspection pages: the year's plans and inspections, an inspection's page (team,
scope, checklist, findings, status), and a finding's page where the unit answers and the
office accepts or reopens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.documents.pdf import PdfUnavailable
from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest
from cchc.lib.refusals import WrongState

from . import inspection_files
from . import inspection_forms as forms
from . import inspection_selectors as selectors
from . import inspection_services as services
from .models import Inspection, InspectionStatus
from .selectors import office_unit

SECTION = {"nav_section": "inspections"}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _to_form(form, exc: ValidationError) -> None:
    """A service's refusal, shown on the form's field when it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _act(request, write, done: str, to: str, pk: int) -> HttpResponse:
    """One action with no form: its success or its refusal said in a message, and back to
    the page it was taken on."""
    try:
        write()
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(to, pk=pk)


def _submit(request, form, write, done: str, to) -> HttpResponse | None:
    """A sent, valid form written by `write(cleaned_data)`, then off to `to(result)`; None
    when the form is to be shown again (not sent, invalid, or refused on its fields)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        made = write(form.cleaned_data)
    except ValidationError as exc:
        _to_form(form, exc)
        return None
    messages.success(request, done)
    return redirect(to(made))


def _inspection_url(inspection) -> str:
    return reverse("oversight:inspection-detail", kwargs={"pk": inspection.pk})


def _finding_url(finding) -> str:
    return reverse("oversight:finding-detail", kwargs={"pk": finding.pk})


# --- the year ----------------------------------------------------------------------------


@login_required
@require_GET
def inspection_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's inspection plans and their inspections (this year unless one is named)."""
    years = selectors.years(user=request.user)
    this_year = timezone.localdate().year
    form = forms.YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or this_year
    context = {
        "year": year,
        "years": sorted(set(years) | {year, this_year}, reverse=True),
        "year_plans": selectors.year_plans(user=request.user, year=year),
        "office": office_unit(user=request.user),
        "form": form,
        **SECTION,
    }
    return render(request, "oversight/inspection_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = office_unit(user=request.user)
    if unit is None:
        raise PermissionDenied(_("Chỉ Văn phòng được lập kế hoạch kiểm tra."))
    initial = {"year": timezone.localdate().year}
    form = forms.InspectionPlanForm(request.POST or None, initial=initial)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_plan_create(
            actor=request.user, issuing_unit=unit, year=data["year"], values=form.values()
        ),
        _("Đã lập kế hoạch kiểm tra."),
        lambda plan: reverse("oversight:inspection-plan-detail", kwargs={"pk": plan.pk}),
    )
    if sent:
        return sent
    context = {"form": form, "unit": unit, **SECTION}
    return render(request, "oversight/inspection_plan_form.html", context)


@login_required
@require_GET
def inspection_plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    rows = [
        p for p in selectors.year_plans(user=request.user, year=plan.year) if p.plan.pk == plan.pk
    ]
    context = {"plan": plan, "row": rows[0], **SECTION}
    return render(request, "oversight/inspection_plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.office_plan_get(user=request.user, pk=pk)
    initial = {"number": plan.number, "issued_on": plan.issued_on, "note": plan.note}
    form = forms.InspectionPlanForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        services.inspection_plan_update(actor=request.user, plan=plan, values=form.values())
        messages.success(request, _("Đã lưu."))
        return redirect("oversight:inspection-plan-detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "unit": plan.issuing_unit, **SECTION}
    return render(request, "oversight/inspection_plan_form.html", context)


# --- an inspection -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.office_plan_get(user=request.user, pk=pk)
    form = forms.InspectionForm(request.POST or None, plan=plan)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_create(actor=request.user, plan=plan, **form.split()),
        _("Đã thêm cuộc kiểm tra. Hãy lập đoàn kiểm tra."),
        _inspection_url,
    )
    if sent:
        return sent
    context = {"form": form, "plan": plan, **SECTION}
    return render(request, "oversight/inspection_form.html", context)


def _editable(request, pk: int) -> Inspection:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if not services.can_edit(request.user, inspection):
        raise PermissionDenied(_("Chỉ Văn phòng được sửa cuộc kiểm tra chưa kết luận."))
    return inspection


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _editable(request, pk)
    plan = inspection.plan
    initial = forms.initial_of(inspection)
    form = forms.InspectionForm(request.POST or None, plan=plan, initial=initial)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_update(
            actor=request.user, inspection=inspection, **form.split()
        ),
        _("Đã lưu."),
        _inspection_url,
    )
    if sent:
        return sent
    context = {"form": form, "plan": plan, "inspection": inspection, **SECTION}
    return render(request, "oversight/inspection_form.html", context)


def _detail(request, inspection: Inspection, status: int = 200, **form_overrides):
    page = selectors.inspection_page(
        user=request.user, inspection=inspection, today=timezone.localdate()
    )
    context = {
        "page": page,
        "inspection": inspection,
        "member_form": forms.MemberForm(inspection=inspection),
        "add_form": forms.ChecklistAddForm(),
        "checklist_form": forms.ChecklistForm(items=page.checklist),
        "conclude_form": forms.ConcludeForm(),
        "records_form": forms.RecordsForm(initial=forms.RecordsForm.initial_for(inspection)),
        **form_overrides,
        **SECTION,
    }
    return render(request, "oversight/inspection_detail.html", context, status=status)


@login_required
@require_GET
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.inspection_get(user=request.user, pk=pk))


@login_required
@require_POST
def inspection_member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _editable(request, pk)
    form = forms.MemberForm(request.POST, inspection=inspection)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_member_add(
            actor=request.user, inspection=inspection, **data
        ),
        _("Đã cập nhật đoàn kiểm tra."),
        lambda member: _inspection_url(inspection),
    )
    return sent or _detail(request, inspection, member_form=form)


@login_required
@require_POST
def inspection_member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.inspection_member_remove(actor=request.user, member=member),
        _("Đã bỏ thành viên khỏi đoàn."),
        "oversight:inspection-detail",
        member.inspection_id,
    )


@login_required
@require_POST
def inspection_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.inspection_start(actor=request.user, inspection=inspection),
        _("Đoàn bắt đầu kiểm tra."),
        "oversight:inspection-detail",
        inspection.pk,
    )


@login_required
@require_POST
def inspection_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if not services.can_lead(request.user, inspection):
        raise PermissionDenied(_("Chỉ Văn phòng hoặc trưởng đoàn được kết luận."))
    if inspection.status != InspectionStatus.IN_PROGRESS:
        messages.error(request, _("Chỉ kết luận được cuộc kiểm tra đang tiến hành."))
        return redirect("oversight:inspection-detail", pk=inspection.pk)
    form = forms.ConcludeForm(request.POST)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_conclude(
            actor=request.user, inspection=inspection, **data
        ),
        _("Đã kết luận kiểm tra."),
        _inspection_url,
    )
    return sent or _detail(request, inspection, conclude_form=form)


@login_required
@require_POST
def inspection_records(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if not services.can_lead(request.user, inspection):
        raise PermissionDenied(_("Chỉ Văn phòng hoặc trưởng đoàn ghi biên bản."))
    form = forms.RecordsForm(request.POST)
    sent = _submit(
        request,
        form,
        lambda data: services.inspection_records_set(
            actor=request.user, inspection=inspection, **data
        ),
        _("Đã lưu số văn bản và ý kiến của đơn vị."),
        lambda done: _inspection_url(done) + "#records",
    )
    return sent or _detail(request, inspection, records_form=form)


@login_required
@require_POST
def inspection_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.inspection_close(actor=request.user, inspection=inspection),
        _("Đã kết thúc cuộc kiểm tra."),
        "oversight:inspection-detail",
        inspection.pk,
    )


def _working(request, pk: int) -> Inspection:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if not services.can_work(request.user, inspection):
        raise PermissionDenied(_("Chỉ đoàn kiểm tra ghi khi đang kiểm tra."))
    return inspection


@login_required
@require_POST
def checklist_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _working(request, pk)
    form = forms.ChecklistAddForm(request.POST)
    sent = _submit(
        request,
        form,
        lambda data: services.checklist_item_add(actor=request.user, inspection=inspection, **data),
        _("Đã thêm nội dung kiểm tra."),
        lambda item: _inspection_url(inspection),
    )
    return sent or _detail(request, inspection, add_form=form)


@login_required
@require_POST
def checklist_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _working(request, pk)
    form = forms.ChecklistForm(request.POST, items=inspection.checklist.all())
    sent = _submit(
        request,
        form,
        lambda data: services.checklist_save(
            actor=request.user, inspection=inspection, rows=form.rows()
        ),
        _("Đã lưu kết quả kiểm tra."),
        lambda items: _inspection_url(inspection),
    )
    return sent or _detail(request, inspection, checklist_form=form)


# --- findings ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = _working(request, pk)
    form = forms.FindingForm(request.POST or None, inspection=inspection)
    sent = _submit(
        request,
        form,
        lambda data: services.finding_create(
            actor=request.user, inspection=inspection, values=data
        ),
        _("Đã ghi kiến nghị; đơn vị khắc phục đã được thông báo."),
        lambda finding: _inspection_url(inspection),
    )
    if sent:
        return sent
    context = {"form": form, "inspection": inspection, **SECTION}
    return render(request, "oversight/finding_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    inspection = finding.inspection
    if not services.can_work(request.user, inspection):
        raise PermissionDenied(_("Chỉ đoàn kiểm tra sửa kiến nghị khi đang kiểm tra."))
    initial = forms.finding_initial(finding)
    form = forms.FindingForm(request.POST or None, inspection=inspection, initial=initial)
    sent = _submit(
        request,
        form,
        lambda data: services.finding_update(actor=request.user, finding=finding, values=data),
        _("Đã lưu."),
        _finding_url,
    )
    if sent:
        return sent
    context = {"form": form, "inspection": inspection, "finding": finding, **SECTION}
    return render(request, "oversight/finding_form.html", context)


def _finding_page(request, finding, status: int = 200, **form_overrides):
    row = selectors.finding_row(user=request.user, finding=finding, today=timezone.localdate())
    context = {
        "row": row,
        "finding": finding,
        "inspection": finding.inspection,
        "can_work": services.can_work(request.user, finding.inspection),
        "answer_form": forms.AnswerForm(),
        "reopen_form": forms.ReopenForm(),
        **form_overrides,
        **SECTION,
    }
    return render(request, "oversight/finding_detail.html", context, status=status)


@login_required
@require_GET
def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _finding_page(request, selectors.finding_get(user=request.user, pk=pk))


@login_required
@require_POST
def finding_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    try:
        services.answer_check(actor=request.user, finding=finding)
    except WrongState as exc:  # answered meanwhile, or a second click: said on its page
        _errors(request, exc)
        return redirect("oversight:finding-detail", pk=finding.pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    sent = _submit(
        request,
        form,
        lambda data: services.finding_answer(actor=request.user, finding=finding, **data),
        _("Đã gửi trả lời kiến nghị."),
        lambda answer: _finding_url(finding),
    )
    return sent or _finding_page(request, finding, answer_form=form)


@login_required
@require_POST
def finding_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    return _act(
        request,
        lambda: services.finding_accept(actor=request.user, finding=finding),
        _("Đã đóng kiến nghị."),
        "oversight:finding-detail",
        finding.pk,
    )


@login_required
@require_POST
def finding_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, pk=pk)
    if not services.can_lead(request.user, finding.inspection):
        raise PermissionDenied(_("Chỉ Văn phòng hoặc trưởng đoàn được mở lại kiến nghị."))
    if not services.can_decide(request.user, finding):
        messages.error(request, _("Chỉ mở lại được kiến nghị đơn vị đã trả lời."))
        return redirect("oversight:finding-detail", pk=finding.pk)
    form = forms.ReopenForm(request.POST)
    sent = _submit(
        request,
        form,
        lambda data: services.finding_reopen(actor=request.user, finding=finding, **data),
        _("Đã mở lại kiến nghị; đơn vị đã được thông báo."),
        _finding_url,
    )
    return sent or _finding_page(request, finding, reopen_form=form)


@login_required
@require_GET
def finding_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.finding_file_get(user=request.user, pk=pk))


@login_required
@require_GET
def inspection_document(
    request: AuthenticatedHttpRequest, pk: int, kind: str, fmt: str
) -> HttpResponse:
    """The minutes or the conclusion notice, DOCX or PDF; without LibreOffice, the PDF is
    refused with a message and the DOCX offered instead."""
    try:
        made = inspection_files.inspection_file(user=request.user, pk=pk, kind=kind, fmt=fmt)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("oversight:inspection-detail", pk=pk)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
