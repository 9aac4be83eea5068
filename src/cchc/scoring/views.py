"""The criteria pages: the list of sets by year, a set's tree, a criterion's form, and the
set's actions (example, import, export, copy to next year, put in use)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest
from cchc.lib.replica import reads_from_replica

from . import assessment_selectors, selectors, services
from .forms import CriterionForm, ExampleForm, ImportForm, SetForm, criterion_initial
from .models import CriteriaSet

SECTION = {"nav_section": "scoring"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _list(request, *, status=200, **forms) -> HttpResponse:
    office = selectors.office_unit(user=request.user)
    context = {
        "sets": selectors.criteria_set_list(user=request.user),
        "office": office,
        "set_form": forms.get("set_form") or SetForm(),
        "example_form": forms.get("example_form") or ExampleForm(),
        "import_form": forms.get("import_form") or ImportForm(),
        **SECTION,
    }
    return render(request, "scoring/set_list.html", context, status=status)


@login_required
@require_GET
def set_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list(request)


def _office(request):
    unit = selectors.office_unit(user=request.user)
    if unit is None:
        raise PermissionDenied(_("Chỉ Văn phòng được soạn bộ tiêu chí."))
    return unit


def _refused(form, exc: ValidationError) -> None:
    """A service's refusal, shown on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _made(request, key: str, form, make, message: str = "") -> HttpResponse:
    """A new set from a valid form, on its page; else the list with the form's errors."""
    if form.is_valid():
        try:
            made = make(form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            if message:
                messages.success(request, message)
            return redirect("scoring:set-detail", pk=made.pk)
    return _list(request, status=400, **{key: form})


@login_required
@require_POST
def set_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _office(request)
    return _made(
        request,
        "set_form",
        SetForm(request.POST),
        lambda data: services.criteria_set_create(actor=request.user, unit=unit, **data),
    )


@login_required
@require_POST
def set_example(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _office(request)
    return _made(
        request,
        "example_form",
        ExampleForm(request.POST),
        lambda data: services.criteria_set_create_example(
            actor=request.user, unit=unit, year=data["year"]
        ),
        _("Đã tạo bộ tiêu chí mẫu: hãy điều chỉnh cho phù hợp."),
    )


@login_required
@require_POST
def set_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _office(request)

    def make(data):
        return services.criteria_set_import(
            actor=request.user,
            unit=unit,
            year=data["year"],
            title=data["title"],
            data=data["file"].read(),
            filename=data["file"].name or "",
        )

    form = ImportForm(request.POST, request.FILES)
    return _made(request, "import_form", form, make, _("Đã nhập bộ tiêu chí từ tệp."))


@login_required
@require_GET
def set_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = selectors.criteria_set_get(user=request.user, pk=pk)
    page = selectors.set_page(user=request.user, criteria_set=criteria_set)
    context = {
        "page": page,
        "criteria_set": criteria_set,
        "can_follow": assessment_selectors.can_follow(request.user, criteria_set),
        "mine": assessment_selectors.my_assessments(user=request.user).filter(
            criteria_set=criteria_set
        ),
        **SECTION,
    }
    return render(request, "scoring/set_detail.html", context)


@login_required
@require_GET
@reads_from_replica()  # it only reads: on the replica, if any
def set_export(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    out, filename = selectors.set_workbook(user=request.user, pk=pk)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


def _managed(request, pk: int) -> CriteriaSet:
    criteria_set = selectors.criteria_set_get(user=request.user, pk=pk)
    if not services.can_manage(request.user, criteria_set.unit):
        raise PermissionDenied(
            _("Chỉ Văn phòng của đơn vị ban hành bộ tiêu chí được làm việc này.")
        )
    return criteria_set


@login_required
@require_POST
def set_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = _managed(request, pk)
    try:
        copy = services.criteria_set_copy(actor=request.user, criteria_set=criteria_set)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("scoring:set-detail", pk=pk)
    messages.success(request, _("Đã sao chép sang năm %(y)d (dự thảo).") % {"y": copy.year})
    return redirect("scoring:set-detail", pk=copy.pk)


def set_action(request, pk: int, act, refused: str, done: str) -> HttpResponse:
    """The office's action `act(criteria_set)` on a set, told back on the set's page."""
    criteria_set = _managed(request, pk)
    try:
        act(criteria_set)
    except ValidationError as exc:
        messages.error(request, refused)
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("scoring:set-detail", pk=pk)


@login_required
@require_POST
def set_in_use(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return set_action(
        request,
        pk,
        lambda s: services.criteria_set_mark_in_use(actor=request.user, criteria_set=s),
        _("Chưa áp dụng được bộ tiêu chí:"),
        _("Bộ tiêu chí đã được áp dụng và khóa."),
    )


def form_page(request, template: str, form, criteria_set, save, message, **extra) -> HttpResponse:
    """Save a valid posted form through `save` and go back to the set; else the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, message)
            return redirect("scoring:set-detail", pk=criteria_set.pk)
    context = {"form": form, "criteria_set": criteria_set, **extra, **SECTION}
    status = 400 if form.errors else 200
    return render(request, template, context, status=status)


def _criterion_form(request, form, criteria_set, save, message, criterion=None) -> HttpResponse:
    return form_page(
        request,
        "scoring/criterion_form.html",
        form,
        criteria_set,
        save,
        message,
        criterion=criterion,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = _managed(request, pk)
    form = CriterionForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    return _criterion_form(
        request,
        form,
        criteria_set,
        lambda data: services.criterion_create(
            actor=request.user, criteria_set=criteria_set, values=data
        ),
        _("Đã thêm tiêu chí."),
    )


def _managed_criterion(request, pk: int):
    criterion = selectors.criterion_get(user=request.user, pk=pk)
    _managed(request, criterion.criteria_set_id)
    return criterion


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _managed_criterion(request, pk)
    form = CriterionForm(request.POST or None, initial=criterion_initial(criterion))
    return _criterion_form(
        request,
        form,
        criterion.criteria_set,
        lambda data: services.criterion_update(
            actor=request.user, criterion=criterion, values=data
        ),
        _("Đã lưu tiêu chí."),
        criterion,
    )


@login_required
@require_POST
def criterion_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _managed_criterion(request, pk)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã xóa tiêu chí %(code)s.") % {"code": criterion.code})
    return redirect("scoring:set-detail", pk=criterion.criteria_set_id)
