"""The assessment pages: the office opens a set's assessments and follows their progress;
one unit's assessment, where the unit scores itself, its head sends it, the council
appraises, the unit answers once and the office finalises or reopens; a unit's list of its
assessments; the council's queue. Every write goes through `assessment_services`; a refused
one shows the page again with what was typed."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BoundField, Form
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest
from cchc.lib.refusals import STATE, WrongState
from cchc.orgs.access import access_for
from cchc.orgs.models import Role

from . import assessment_forms as forms
from . import assessment_selectors as selectors
from . import assessment_services as services
from . import results
from . import selectors as set_selectors
from .models import Assessment, AssessmentStatus, Method, Score, SetStatus
from .permissions import can_manage

SECTION = {"nav_section": "scoring"}


# --- the office: opening, progress ------------------------------------------------------------


@login_required
@require_GET
def assessment_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where each unit of the set stands; a row links to the assessment only when the
    viewer may open it (a draft is the unit's own)."""
    criteria_set = set_selectors.criteria_set_get(user=request.user, pk=pk)
    progress = selectors.progress(user=request.user, criteria_set=criteria_set)
    context = {
        "criteria_set": criteria_set,
        "progress": progress,
        "openable": selectors.openable_ids(user=request.user, criteria_set=criteria_set),
        "statuses": AssessmentStatus.choices,
        "can_open": criteria_set.status == SetStatus.IN_USE
        and can_manage(request.user, criteria_set.unit),
        "can_survey": can_manage(request.user, criteria_set.unit)
        and criteria_set.criteria.filter(method=Method.SURVEY).exists(),
        **SECTION,
    }
    return render(request, "scoring/assessment_progress.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessments_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = set_selectors.criteria_set_get(user=request.user, pk=pk)
    if not can_manage(request.user, criteria_set.unit):
        raise PermissionDenied(_("Chỉ Văn phòng của đơn vị ban hành bộ tiêu chí được mở đánh giá."))
    if criteria_set.status != SetStatus.IN_USE:
        messages.error(request, _("Chỉ mở đánh giá theo bộ tiêu chí đang áp dụng."))
        return redirect("scoring:set-detail", pk=pk)
    choices = selectors.open_choices(criteria_set=criteria_set)
    waiting = [u for u in choices.units if u.pk not in choices.opened]
    form = forms.OpenForm(
        request.POST if request.method == "POST" else None,
        units=waiting,
        initial={"units": sorted(choices.suggested - choices.opened)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.assessments_open(
                actor=request.user,
                criteria_set=criteria_set,
                units=list(form.cleaned_data["units"]),
            )
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            messages.success(
                request,
                _("Đã mở %(n)d bản đánh giá; các đơn vị đã được thông báo.") % {"n": len(made)},
            )
            return redirect("scoring:assessment-progress", pk=pk)
    context = {
        "criteria_set": criteria_set,
        "form": form,
        "choices": choices,
        **SECTION,
    }
    return render(
        request, "scoring/assessments_open.html", context, status=400 if form.errors else 200
    )


# --- the office: the survey's points of every unit ------------------------------------------


def _survey_page(request, criteria_set, table, form, status: int = 200) -> HttpResponse:
    form.mark_errors()
    lines = [
        (
            row.assessment,
            [
                (c, cell, form[f"points_{cell.score.pk}"] if cell and cell.editable else None)
                for c, cell in zip(table.criteria, row.cells, strict=True)
            ],
        )
        for row in table.rows
    ]
    drawn = [form[name] for name in form.fields if name.startswith("drawn_")]
    context = {"criteria_set": criteria_set, "table": table, "form": form, "lines": lines}
    return render(
        request,
        "scoring/survey_points.html",
        context | {"drawn": drawn, **SECTION},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_points(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office enters the survey's points (điều tra xã hội học) of every unit of the
    set, whatever each assessment's state before finalising (a draft included, of which the
    page shows nothing else), a page of units at a time, and saves a page at once: one
    refused saves none."""
    criteria_set = set_selectors.criteria_set_get(user=request.user, pk=pk)
    number = request.GET.get("page")
    table = selectors.survey_table(user=request.user, criteria_set=criteria_set, page=number)
    if request.method == "GET":
        return _survey_page(request, criteria_set, table, forms.SurveyPointsForm(table=table))
    form = forms.SurveyPointsForm(request.POST, table=table)
    status = 400
    if form.is_valid():
        try:
            saved = services.survey_points_set(
                actor=request.user, criteria_set=criteria_set, points=form.points, drawn=form.drawn
            )
        except ValidationError as exc:
            _to_form(form, exc)
            codes = {e.code for errors in form.errors.as_data().values() for e in errors}
            status = 409 if codes & {"stale", STATE} else 400
            if "stale" in codes:
                table = selectors.survey_table(
                    user=request.user, criteria_set=criteria_set, page=number
                )
                form.redraw(table)
        else:
            messages.success(
                request,
                _("Đã lưu %(n)d điểm điều tra xã hội học.") % {"n": len(saved)}
                if saved
                else _("Không có điểm nào thay đổi."),
            )
            done = reverse("scoring:survey-points", args=[pk])
            return redirect(f"{done}?page={table.page.number}")
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    return _survey_page(request, criteria_set, table, form, status)


# --- lists: a unit's own, the council's queue -------------------------------------------------


@login_required
@require_GET
def assessment_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assessments of the person's own units (empty for anyone else)."""
    context = {"assessments": selectors.my_assessments(user=request.user), **SECTION}
    return render(request, "scoring/assessment_mine.html", context)


@login_required
@require_GET
def appraisal_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access_for(request.user).has(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ thành viên hội đồng thẩm định có hàng chờ thẩm định."))
    context = {"assessments": selectors.appraisal_queue(user=request.user), **SECTION}
    return render(request, "scoring/appraisal_queue.html", context)


# --- one assessment ---------------------------------------------------------------------------


@dataclass
class Line:
    """One criterion of the page with the forms the viewer may fill on it."""

    row: selectors.Row
    items: list[selectors.Counted]
    self_form: Form | None = None
    appraisal_form: Form | None = None
    survey_form: Form | None = None
    answer: BoundField | None = None


# Per kind of a criterion's form: its class, its fields' prefix, its values from the score.
SCORE_FORMS = {
    "self": (
        forms.ScoreForm,
        "s",
        lambda s: {
            "self_points": forms.points_text(s.self_points),
            "explanation": s.explanation,
            "no_evidence_reason": s.no_evidence_reason,
        },
    ),
    "appraisal": (
        forms.AppraisalForm,
        "a",
        lambda s: {
            "appraised_points": forms.points_text(s.appraised_points),
            "comment": s.appraisal_comment,
        },
    ),
    "survey": (forms.SurveyForm, "v", lambda s: {"points": forms.points_text(s.appraised_points)}),
}


def _score_form(kind: str, score: Score, version: int, bound: dict) -> Form:
    """The criterion's form of this kind: the one just sent and refused, else a new one."""
    found = bound.get((kind, score.pk))
    if found is not None:
        return found
    form_class, prefix, initial = SCORE_FORMS[kind]
    return form_class(
        prefix=f"{prefix}{score.pk}",
        criterion=score.criterion,
        initial=initial(score) | {"version": version},
    )


def _lines(page: selectors.AssessmentPage, answer_form: Form | None, bound: dict) -> list[Line]:
    can, version = page.abilities, page.assessment.version
    items = selectors.ratio_items(page)
    lines = []
    for row in page.rows:
        line = Line(row, items.get(row.criterion.pk, []))
        score, method = row.score, row.criterion.method
        if score is not None:
            unit_scored = method in services.UNIT_SCORED
            if can.can_self_score and unit_scored:
                line.self_form = _score_form("self", score, version, bound)
            if can.can_appraise and unit_scored:
                line.appraisal_form = _score_form("appraisal", score, version, bound)
            if can.can_enter_survey and method == Method.SURVEY:
                line.survey_form = _score_form("survey", score, version, bound)
            name = f"answer_{score.pk}"
            if answer_form is not None and name in answer_form.fields:
                line.answer = answer_form[name]
        lines.append(line)
    return lines


def _answer_form(page: selectors.AssessmentPage, data=None) -> forms.AnswerForm:
    differing = [r.score for r in page.rows if r.differs]
    return forms.AnswerForm(data, scores=differing, initial={"version": page.assessment.version})


def _page(
    request, assessment: Assessment, *, status: int = 200, bound: dict | None = None
) -> HttpResponse:
    bound = bound or {}
    page = selectors.assessment_page(user=request.user, assessment=assessment)
    version = {"version": assessment.version}
    answer_form = bound.get("answer") or (_answer_form(page) if page.abilities.can_answer else None)
    context = {
        "page": page,
        "a": assessment,
        "lines": _lines(page, answer_form, bound),
        # The focal officer sees what stops the head from sending, as the head does.
        "problems": services.submit_problems(assessment)
        if page.abilities.can_submit or page.abilities.can_self_score
        else [],
        "submit_form": bound.get("submit") or forms.VersionForm(initial=version),
        "send_form": bound.get("send") or forms.AppraisalSendForm(initial=version),
        "answer_form": answer_form,
        "finalise_form": bound.get("finalise") or forms.VersionForm(initial=version),
        "reopen_form": bound.get("reopen") or forms.ReopenForm(initial=version),
        "saved": _saved(request),
        # Once finalised, the unit's own rank and grade (never the other units' rows).
        "result": results.unit_result(user=request.user, assessment=assessment),
        **SECTION,
    }
    return render(request, "scoring/assessment_detail.html", context, status=status)


def _saved(request) -> int | None:
    """The criterion (score id) just saved, named by the page's address after a save."""
    text = request.GET.get("saved", "")
    return int(text) if text.isdigit() and len(text) < 19 else None


@login_required
@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.assessment_get(user=request.user, pk=pk))


def _to_form(form: Form, exc: ValidationError) -> None:
    """A service's refusal, shown on the form's field when it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _codes(exc: ValidationError) -> set[str | None]:
    """The codes of a refusal naming no field: "stale" when someone else changed the
    assessment since the page was drawn, `STATE` when its state no longer allows the step."""
    return set() if hasattr(exc, "error_dict") else {e.code for e in exc.error_list}


def _refused(request, assessment: Assessment, exc: WrongState) -> HttpResponse:
    """The page again, saying why the step is not open now (a button of a page drawn
    before the assessment moved on, a second click): 409, never a 403 page."""
    for message in exc.messages:
        messages.error(request, message)
    return _page(request, assessment, status=409)


def _check(request, assessment: Assessment, step: services.Step) -> HttpResponse | None:
    """None if the user may take `step` now; 403 if their roles do not reach it; the page
    with why (`_refused`) if the assessment's state does not allow it."""
    try:
        services.step_check(actor=request.user, assessment=assessment, step=step)
    except WrongState as exc:
        return _refused(request, assessment, exc)
    return None


def _write(request, assessment: Assessment, key, form: Form, write, done: str, anchor: str):
    """Write a valid form through `write(cleaned_data)` and go back to the page at
    `anchor`; else the page again with the form as typed and why (409 when someone else
    changed the assessment or its state meanwhile)."""
    status = 400
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            _to_form(form, exc)
            codes = _codes(exc)
            status = 409 if codes & {"stale", STATE} else 400
            if "stale" in codes:
                # What was typed stays; sent again, it goes over the version now shown.
                data = request.POST.copy()
                data[form.add_prefix("version")] = str(assessment.version)
                form.data = data
        else:
            messages.success(request, done)
            return redirect(reverse("scoring:assessment-detail", args=[assessment.pk]) + anchor)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    _focus(form)
    return _page(request, assessment, status=status, bound={key: form})


def _focus(form: Form) -> None:
    """The browser scrolls to the refused form's first wrong field (or its first field,
    when the refusal is the whole form's), far down a long page on a phone."""
    fields = [n for n in form.fields if n != "version"]
    wrong = [n for n in form.errors if n in fields] or fields
    if wrong:
        form.fields[wrong[0]].widget.attrs["autofocus"] = True


# --- one criterion: the unit's points, the council's, the survey's ---------------------------


@dataclass(frozen=True)
class ScoreAction:
    kind: str  # which form of the criterion's line (`_score_form`)
    step: services.Step
    methods: tuple[str, ...]
    done: str | Promise


SELF = ScoreAction(
    "self",
    services.SELF_SCORE,
    services.UNIT_SCORED,
    _lazy("Đã lưu điểm tự chấm tiêu chí %(code)s."),
)
APPRAISAL = ScoreAction(
    "appraisal",
    services.APPRAISE,
    services.UNIT_SCORED,
    _lazy("Đã lưu điểm thẩm định tiêu chí %(code)s."),
)
SURVEY = ScoreAction(
    "survey",
    services.SURVEY,
    (Method.SURVEY,),
    _lazy("Đã lưu điểm điều tra tiêu chí %(code)s."),
)


def _score_write(request, pk: int, action: ScoreAction, write) -> HttpResponse:
    """One criterion's form (read if the user may open its assessment, else 404; written
    if the user may take `action` on it, else 403, or the page saying why not now, 409)
    through `write(score, data)`."""
    score = selectors.score_get(user=request.user, pk=pk)
    assessment = score.assessment
    if score.criterion.method not in action.methods:
        raise PermissionDenied(str(action.step.who))
    refused = _check(request, assessment, action.step)
    if refused is not None:
        return refused
    form_class, prefix, _initial = SCORE_FORMS[action.kind]
    form = form_class(
        request.POST, request.FILES, prefix=f"{prefix}{score.pk}", criterion=score.criterion
    )
    return _write(
        request,
        assessment,
        (action.kind, score.pk),
        form,
        lambda data: write(score, data),
        str(action.done) % {"code": score.criterion.code},
        # The page opens at the criterion, which says it was saved.
        f"?saved={score.pk}#score-{score.pk}",
    )


@login_required
@require_POST
def score_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _score_write(
        request,
        pk,
        SELF,
        lambda score, data: services.score_save(
            actor=request.user,
            score=score,
            self_points=data["self_points"],
            explanation=data["explanation"],
            no_evidence_reason=data["no_evidence_reason"],
            files=data["files"],
            version=data["version"],
        ),
    )


@login_required
@require_POST
def score_appraise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _score_write(
        request,
        pk,
        APPRAISAL,
        lambda score, data: services.appraisal_save(
            actor=request.user,
            score=score,
            appraised_points=data["appraised_points"],
            comment=data["comment"],
            version=data["version"],
        ),
    )


@login_required
@require_POST
def score_survey(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _score_write(
        request,
        pk,
        SURVEY,
        lambda score, data: services.survey_save(
            actor=request.user, score=score, points=data["points"], version=data["version"]
        ),
    )


@login_required
@require_GET
def score_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.score_file_get(user=request.user, pk=pk))


@login_required
@require_POST
def score_file_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stored = selectors.score_file_get(user=request.user, pk=pk)
    score = selectors.score_get(user=request.user, pk=stored.score_id)
    try:
        services.score_file_remove(actor=request.user, score_file=stored)
    except WrongState as exc:
        return _refused(request, score.assessment, exc)
    messages.success(request, _("Đã bỏ tệp “%(name)s”.") % {"name": stored.original_name})
    url = reverse("scoring:assessment-detail", args=[score.assessment_id])
    return redirect(f"{url}?saved={score.pk}#score-{score.pk}")


# --- the whole assessment: send, appraisal, answer, finalise, reopen ---------------------------


def _step(request, pk: int, step: services.Step, key: str, form, write, done: str):
    """One step of the assessment (read if the user may open it, else 404; taken if the
    user's roles reach `step`, else 403, and the state allows it, else the page saying
    why, 409): `form(assessment)` read, then `write(assessment, data, form)`."""
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    refused = _check(request, assessment, step)
    if refused is not None:
        return refused
    bound = form(assessment)
    return _write(
        request, assessment, key, bound, lambda data: write(assessment, data, bound), done, ""
    )


@login_required
@require_POST
def assessment_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.SUBMIT,
        "submit",
        lambda a: forms.VersionForm(request.POST),
        lambda a, data, form: services.assessment_submit(
            actor=request.user, assessment=a, version=data["version"]
        ),
        _("Đã gửi bản tự đánh giá đến hội đồng thẩm định."),
    )


@login_required
@require_POST
def appraisal_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.SEND_APPRAISAL,
        "send",
        lambda a: forms.AppraisalSendForm(request.POST),
        lambda a, data, form: services.appraisal_send(
            actor=request.user, assessment=a, note=data["note"], version=data["version"]
        ),
        _("Đã gửi kết quả thẩm định cho đơn vị."),
    )


@login_required
@require_POST
def assessment_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.ANSWER,
        "answer",
        # The criteria to answer on are those the council scored otherwise, as shown.
        lambda a: _answer_form(
            selectors.assessment_page(user=request.user, assessment=a), request.POST
        ),
        lambda a, data, form: services.correction_answer(
            actor=request.user,
            assessment=a,
            note=data["note"],
            answers=form.answers(),
            version=data["version"],
        ),
        _("Đã gửi giải trình đến hội đồng thẩm định."),
    )


@login_required
@require_POST
def assessment_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.FINALISE,
        "finalise",
        lambda a: forms.VersionForm(request.POST),
        lambda a, data, form: services.assessment_finalise(
            actor=request.user, assessment=a, version=data["version"]
        ),
        _("Đã chốt kết quả; bản đánh giá đã khóa."),
    )


@login_required
@require_POST
def assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.REOPEN,
        "reopen",
        lambda a: forms.ReopenForm(request.POST),
        lambda a, data, form: services.assessment_reopen(
            actor=request.user,
            assessment=a,
            reason=data["reason"],
            to=data["to"],
            version=data["version"],
        ),
        _("Đã mở lại bản đánh giá; đơn vị đã được thông báo."),
    )
