"""Criteria sets and assessments (chấm điểm CCHC), read through the scoring app's selectors
and written through `scoring.assessment_services`: the unit scores itself with evidence, its
head sends it, the council appraises and sends, the unit answers once, the office enters
survey points, finalises and reopens. Who sees what is `scoring.permissions.assessment_q`
and the page's own rule (`assessment_selectors.council_hidden`): the API shows what the web
page shows the same person. The office enters survey points on a draft too, through
`assessment_selectors.survey_scores`, and is answered only the draft's survey criteria."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile as NinjaUploadedFile

from cchc.lib.files import sha256_of, stored_file_response
from cchc.lib.text import person_name
from cchc.orgs.models import Unit
from cchc.plans.forms import MAX_ID
from cchc.scoring import assessment_selectors, permissions, selectors, tree
from cchc.scoring import assessment_services as services
from cchc.scoring.assessment_forms import points_text
from cchc.scoring.models import Assessment, CriteriaSet, Method, Score, ScoreFile

from . import idempotency
from .errors import ApiError, invalid_message
from .plans_routes import ANY_FILE, ID, READ_ERRORS, WRITE_ERRORS, check_size
from .scoring_schemas import (
    AnswerIn,
    AppraisalIn,
    AppraisalSendIn,
    AssessmentDetailOut,
    AssessmentOut,
    AssessmentQuery,
    CriteriaSetDetailOut,
    CriteriaSetOut,
    ReopenIn,
    ScoreIn,
    SurveyIn,
    VersionIn,
)

router = Router(tags=["Chấm điểm CCHC"])
# The version a multipart write was read at, a form field that may be left out.
VERSION_FORM = Form(None, ge=0, le=MAX_ID)


def _number(value: Decimal | None) -> float | None:
    """Points as a JSON number: at most two decimals, exact in a float's decimal text."""
    return None if value is None else float(value)


def _set(s: CriteriaSet) -> dict:
    return {
        "id": s.pk,
        "unit_id": s.unit_id,
        "unit_name": s.unit.name,
        "year": s.year,
        "title": s.title,
        "status": s.status,
        "is_example": s.is_example,
        "cut_off": s.cut_off_date,
    }


@router.get("/criteria-sets", response={200: list[CriteriaSetOut], **READ_ERRORS})
def criteria_set_list(request):
    """The criteria sets the user reads (a draft is its branch's office's, leader's,
    appraisers' and viewers'), newest year first."""
    return [_set(s) for s in selectors.criteria_set_list(user=request.auth)]


@router.get("/criteria-sets/{set_id}", response={200: CriteriaSetDetailOut, **READ_ERRORS})
def criteria_set_detail(request, set_id: int = ID):
    """The set with its whole tree in code order: areas, criteria and sub-criteria; only a
    leaf has a method (manual, yes_no, ratio from the data, survey)."""
    criteria_set = selectors.criteria_set_get(user=request.auth, pk=set_id)
    page = selectors.set_page(user=request.auth, criteria_set=criteria_set)
    return _set(criteria_set) | {
        "note": criteria_set.note,
        "excellent_from": _number(criteria_set.excellent_from),
        "good_from": _number(criteria_set.good_from),
        "pass_from": _number(criteria_set.pass_from),
        "excellent_cap": criteria_set.excellent_cap,
        "total": _number(page.total),
        "problems": page.problems,
        "can_manage": page.can_manage,
        "criteria": [
            {
                "id": n.criterion.pk,
                "code": n.criterion.code,
                "parent_id": n.criterion.parent_id,
                "depth": n.depth,
                "title": n.criterion.title,
                "max_points": _number(n.criterion.max_points),
                "method": n.criterion.method,
                "ratio_source": n.criterion.ratio_source,
                "bands": n.criterion.bands,
                "guidance": n.criterion.guidance,
                "evidence_required": n.criterion.evidence_required,
                "children_sum": _number(n.children_sum),
            }
            for n in page.nodes
        ],
    }


# --- assessments ---------------------------------------------------------------------------


def _assessment(a: Assessment, *, show_appraisal: bool = True) -> dict:
    """The assessment's own fields; the council's dates only where its work is shown."""
    return {
        "id": a.pk,
        "criteria_set_id": a.criteria_set_id,
        "criteria_set_title": a.criteria_set.title,
        "year": a.criteria_set.year,
        "unit_id": a.unit_id,
        "unit_name": a.unit.name,
        "status": a.status,
        "version": a.version,
        "total": _number(a.total),
        "submitted_at": a.submitted_at,
        "appraised_at": a.appraised_at if show_appraisal else None,
        "answered_at": a.answered_at,
        "finalised_at": a.finalised_at,
    }


@router.get("/assessments", response={200: list[AssessmentOut], **READ_ERRORS})
def assessment_list(request, query: Query[AssessmentQuery]):
    """The assessments the user may open: a unit's own from its first draft, the branch's
    office, leader, appraisers and viewers' once the unit has sent them."""
    rows = assessment_selectors.assessments_visible(user=request.auth).order_by(
        "-criteria_set__year", "criteria_set__title", "criteria_set_id", "unit__path", "pk"
    )
    if query.criteria_set:
        rows = rows.filter(criteria_set_id=query.criteria_set)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.unit:
        path = Unit.objects.filter(pk=query.unit).values_list("path", flat=True).first()
        rows = rows.filter(unit__path__startswith=path) if path else rows.none()
    user = request.auth
    return [
        _assessment(a, show_appraisal=not assessment_selectors.council_hidden(user, a))
        for a in rows
    ]


def _file(stored: ScoreFile) -> dict:
    return {
        "id": stored.pk,
        "name": stored.original_name,
        "size": stored.size,
        "sha256": stored.sha256,
        "download_url": reverse("api:score_file_download", kwargs={"file_id": stored.pk}),
    }


def _ratio(row: assessment_selectors.Row) -> tuple[int | None, int | None]:
    """A computed criterion's numbers: live, else frozen at finalisation."""
    if row.ratio is not None:
        return row.ratio.numerator, row.ratio.denominator
    if row.score is not None:
        return row.score.numerator, row.score.denominator
    return None, None


def _row(row: assessment_selectors.Row, show_appraisal: bool) -> dict:
    c, s = row.criterion, row.score
    numerator, denominator = _ratio(row)
    # The council's points of what the unit scores are shown once sent (the web's rule);
    # a survey's points, the office's, always.
    council = s is not None and (show_appraisal or c.method == "survey")
    return {
        "criterion_id": c.pk,
        "code": c.code,
        "depth": row.depth,
        "title": c.title,
        "max_points": _number(c.max_points),
        "method": c.method,
        "ratio_source": c.ratio_source,
        "score_id": s.pk if s else None,
        "self_points": _number(s.self_points) if s else None,
        "explanation": s.explanation if s else "",
        "no_evidence_reason": s.no_evidence_reason if s else "",
        "files": [_file(f) for f in s.files.all()] if s else [],
        "appraised_points": _number(s.appraised_points) if council and s else None,
        "appraisal_comment": s.appraisal_comment if s and show_appraisal else "",
        "answer": s.answer if s else "",
        "points": _number(row.points),
        "numerator": numerator,
        "denominator": denominator,
        "differs": row.differs,
        "self_sum": _number(row.self_sum),
        "appraised_sum": _number(row.appraised_sum) if show_appraisal else None,
        "points_sum": _number(row.points_sum),
    }


def assessment_json(user, assessment: Assessment) -> dict:
    """The assessment as its page shows it to the user."""
    page = assessment_selectors.assessment_page(user=user, assessment=assessment)
    a, show = page.assessment, page.show_appraisal
    can = page.abilities
    return _assessment(a, show_appraisal=show) | {
        "submitted_by": person_name(a.submitted_by) if a.submitted_by_id else "",
        "appraisal_note": a.appraisal_note if show else "",
        "answer_note": a.answer_note,
        "reopen_reason": a.reopen_reason if not a.is_finalised else "",
        "counted_on": page.on,
        "projected": page.projected,
        "show_appraisal": show,
        "totals": {
            "max": _number(page.totals["max"]),
            "self": _number(page.totals["self"]),
            "appraised": _number(page.totals["appraised"]) if show else None,
            "points": _number(page.totals["points"]),
        },
        # What the user may do now (is_own_unit is the page's own wording, not an ability).
        "abilities": {k: v for k, v in asdict(can).items() if k != "is_own_unit"},
        "criteria": [_row(r, show) for r in page.rows],
    }


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **READ_ERRORS})
def assessment_detail(request, assessment_id: int = ID):
    """One assessment with every criterion: the unit's points, explanation, evidence or the
    reason there is none; the council's points and comments once sent; the unit's answer;
    the points that count now (frozen once finalised; a computed criterion with its numbers,
    as of `counted_on`, `projected` while the year has not reached the set's cut-off)."""
    assessment = assessment_selectors.assessment_get(user=request.auth, pk=assessment_id)
    return assessment_json(request.auth, assessment)


@router.get("/score-files/{file_id}", response=READ_ERRORS, openapi_extra=ANY_FILE)
def score_file_download(request, file_id: int = ID):
    """An evidence file of a criterion, for those who may open its assessment."""
    return stored_file_response(assessment_selectors.score_file_get(user=request.auth, pk=file_id))


# --- writes ---------------------------------------------------------------------------------
#
# Each write calls one service, which checks the user's ability on the assessment as it is
# now (under its row lock) and audits itself, inside `idempotency.run`: a retry with the same
# Idempotency-Key answers the first result even though the step is no longer open.

WRITE: dict = {200: AssessmentDetailOut, **WRITE_ERRORS}


def _run(
    request,
    data: dict,
    step: Callable[[], Any],
    pk: int,
    *,
    status: int = 200,
    schema: type[Schema] = AssessmentDetailOut,
    shown: Callable[[Any], dict] | None = None,
) -> Status:
    """Take `step` once per Idempotency-Key; answer `shown(what step returned)`, by default
    the assessment as the user now sees it. A write over a version someone else changed
    meanwhile, or on an assessment whose state does not allow it, is 409 (`errors`)."""
    user = request.auth

    def write() -> tuple[int, dict]:
        done = step()
        if shown is None:
            body = assessment_json(user, assessment_selectors.assessment_get(user=user, pk=pk))
        else:
            body = shown(done)
        return status, schema.model_validate(body).model_dump(mode="json")

    return Status(*idempotency.run(request, data, write))


def _step(request, payload: Schema, assessment_id: int, call) -> Status:
    """A step on the whole assessment, if the user may open it (else 404):
    `call(user, assessment)`."""
    user = request.auth
    assessment = assessment_selectors.assessment_get(user=user, pk=assessment_id)
    data = payload.model_dump(mode="json")
    return _run(request, data, lambda: call(user, assessment), assessment_id)


@dataclass(frozen=True)
class ScoreKind:
    """Whose points on a criterion: the methods they are for, the step (whose refusal to
    the person answers another method), the body's field that carries them, and the read
    that finds the score for the user."""

    methods: tuple[str, ...]
    step: services.Step
    field: str
    read: Callable[..., Score] = assessment_selectors.score_get


SELF = ScoreKind(services.UNIT_SCORED, services.SELF_SCORE, "self_points")
APPRAISAL = ScoreKind(services.UNIT_SCORED, services.APPRAISE, "appraised_points")
# The set's office finds a survey score whatever its assessment's state, a draft included.
SURVEY = ScoreKind(
    (Method.SURVEY,), services.SURVEY, "points", assessment_selectors.survey_score_get
)


def _score_of(user, assessment_id: int, score_id: int, kind: ScoreKind) -> Score:
    """The criterion's score, if the user may read it (`kind.read`: may open its assessment,
    or for a survey score be its set's office) and it belongs to the assessment (else 404);
    if its method is not one this kind of points is for, the web's refusal (403)."""
    score = kind.read(user=user, pk=score_id)
    if score.assessment_id != assessment_id:
        raise Http404
    if score.criterion.method not in kind.methods:
        raise PermissionDenied(str(kind.step.who))
    return score


def _points(score: Score, value: Decimal | None, field: str) -> Decimal | None:
    """At most two decimals, as the web's form reads them; the range is the service's."""
    if value is None:
        return None
    if not value.is_finite():
        raise _bad_points(score, field)
    # Beyond any criterion's maximum the service says so; quantizing it could overflow.
    if abs(value) < 10_000 and value != value.quantize(Decimal("0.01")):
        raise _bad_points(score, field)
    return value


def _bad_points(score: Score, field: str) -> ApiError:
    message = _("Điểm của tiêu chí %(code)s phải là số từ 0 đến %(max)s (ví dụ 2,5).") % {
        "code": score.criterion.code,
        "max": points_text(score.criterion.max_points),
    }
    return ApiError(400, invalid_message({field: [message]}), fields={field: [message]})


def _score_step(
    request,
    payload: Schema,
    ids: tuple[int, int],
    kind: ScoreKind,
    call,
    shown: Callable[[Any], dict] | None = None,
) -> Status:
    """Points on one criterion: `call(user, score, points)`, the points checked first;
    answers `shown` (as `_run`)."""
    user = request.auth
    score = _score_of(user, ids[0], ids[1], kind)
    points = _points(score, getattr(payload, kind.field), kind.field)
    data = payload.model_dump(mode="json")
    return _run(request, data, lambda: call(user, score, points), ids[0], shown=shown)


@router.post("/assessments/{assessment_id}/scores/{score_id}", response=WRITE)
def score_save(request, payload: ScoreIn, assessment_id: int = ID, score_id: int = ID):
    """The unit's own points for a criterion it scores itself (manual, yes_no), with its
    explanation and, where it has no evidence, the reason (focal officers and the head,
    while the assessment is a draft)."""
    return _score_step(
        request,
        payload,
        (assessment_id, score_id),
        SELF,
        lambda user, score, points: services.score_save(
            actor=user,
            score=score,
            self_points=points,
            explanation=payload.explanation,
            no_evidence_reason=payload.no_evidence_reason,
            version=payload.version,
        ),
    )


@router.post(
    "/assessments/{assessment_id}/scores/{score_id}/files",
    response={201: AssessmentDetailOut, **WRITE},
)
def score_files_add(
    request,
    files: File[list[NinjaUploadedFile]],
    assessment_id: int = ID,
    score_id: int = ID,
    version: int | None = VERSION_FORM,
):
    """Evidence for a criterion the unit scores itself (multipart/form-data: `files`,
    repeated for each file; `version` optional); its points and texts stay as they are."""
    user = request.auth
    score = _score_of(user, assessment_id, score_id, SELF)
    for upload in files:
        check_size(upload, field="files")

    def step() -> None:
        with transaction.atomic():
            # The criterion's texts as they are under the lock, so none is written back stale.
            Assessment.objects.select_for_update().filter(pk=assessment_id).first()
            current = Score.objects.get(pk=score.pk)
            services.score_save(
                actor=user,
                score=score,
                self_points=current.self_points,
                explanation=current.explanation,
                no_evidence_reason=current.no_evidence_reason,
                files=files,
                version=version,
            )

    seen = {"version": version, "files": [[f.name, sha256_of(f)] for f in files]}
    return _run(request, seen, step, assessment_id, status=201)


@router.post(
    "/assessments/{assessment_id}/scores/{score_id}/files/{file_id}/remove", response=WRITE
)
def score_file_remove(request, assessment_id: int = ID, score_id: int = ID, file_id: int = ID):
    """Remove an evidence file while the unit scores itself."""
    user = request.auth
    score = _score_of(user, assessment_id, score_id, SELF)
    stored = ScoreFile.objects.filter(pk=file_id, score=score).first()
    if stored is None:
        raise Http404
    stored.score = score
    return _run(
        request,
        {},
        lambda: services.score_file_remove(actor=user, score_file=stored),
        assessment_id,
    )


@router.post("/assessments/{assessment_id}/submit", response=WRITE)
def assessment_submit(request, payload: VersionIn, assessment_id: int = ID):
    """The unit's head sends the self-assessment to the council; refused, naming each
    criterion without points, or without evidence and without the reason."""
    return _step(
        request,
        payload,
        assessment_id,
        lambda user, a: services.assessment_submit(
            actor=user, assessment=a, version=payload.version
        ),
    )


@router.post("/assessments/{assessment_id}/scores/{score_id}/appraisal", response=WRITE)
def score_appraise(request, payload: AppraisalIn, assessment_id: int = ID, score_id: int = ID):
    """The council's points and comment on a criterion the unit scored (appraisers of the
    unit, while the assessment is sent or answered)."""
    return _score_step(
        request,
        payload,
        (assessment_id, score_id),
        APPRAISAL,
        lambda user, score, points: services.appraisal_save(
            actor=user,
            score=score,
            appraised_points=points,
            comment=payload.comment,
            version=payload.version,
        ),
    )


@router.post("/assessments/{assessment_id}/appraisal", response=WRITE)
def appraisal_send(request, payload: AppraisalSendIn, assessment_id: int = ID):
    """The council sends its appraisal to the unit with a note; a criterion left without
    the council's points keeps the unit's own."""
    return _step(
        request,
        payload,
        assessment_id,
        lambda user, a: services.appraisal_send(
            actor=user, assessment=a, note=payload.note, version=payload.version
        ),
    )


def _answer(user, assessment: Assessment, payload: AnswerIn) -> None:
    """The web's answer form: a note, and words only on the criteria the council scored
    otherwise (as the unit sees them), once the step is open to the user."""
    services.step_check(actor=user, assessment=assessment, step=services.ANSWER)
    page = assessment_selectors.assessment_page(user=user, assessment=assessment)
    differing = {r.score.pk for r in page.rows if r.differs and r.score is not None}
    others = sorted(set(payload.answers) - differing)
    if others:
        message = _("Chỉ giải trình các tiêu chí hội đồng chấm khác đơn vị.")
        fields = {f"answers.{pk}": [message] for pk in others}
        raise ApiError(400, invalid_message(fields), fields=fields)
    services.correction_answer(
        actor=user,
        assessment=assessment,
        note=payload.note,
        answers=payload.answers,
        version=payload.version,
    )


@router.post("/assessments/{assessment_id}/answer", response=WRITE)
def assessment_answer(request, payload: AnswerIn, assessment_id: int = ID):
    """The unit's one answer to the appraisal: a note and, by `score_id`, a few words on
    each criterion the council scored otherwise."""
    return _step(request, payload, assessment_id, lambda user, a: _answer(user, a, payload))


def survey_json(user, assessment: Assessment) -> dict:
    """An assessment the user may not open (a unit's draft) as its set's office may see it:
    its own fields and only its survey criteria, with the totals of those; every field of
    the unit's self-assessment (points, explanations, files, notes) left empty."""
    scores = (
        assessment_selectors.survey_scores(user=user)
        .filter(assessment=assessment)
        .select_related("criterion")
        .prefetch_related("files")
    )
    rows = []
    for s in sorted(scores, key=lambda s: tree.code_key(s.criterion.code)):
        row = assessment_selectors.Row(
            s.criterion, tree.code_depth(s.criterion.code), score=s, points=s.appraised_points
        )
        row.appraised_sum = row.points_sum = s.appraised_points or Decimal("0")
        rows.append(row)
    # Whatever a survey score holds beside its points, none of it is the office's.
    blank: dict[str, object] = {
        "self_points": None,
        "explanation": "",
        "no_evidence_reason": "",
        "files": [],
        "answer": "",
        "self_sum": 0,
    }
    on = assessment_selectors.counting_day(assessment.criteria_set)
    abilities = asdict(permissions.assessment_abilities(user, assessment))
    return _assessment(assessment, show_appraisal=False) | {
        "submitted_by": "",
        "appraisal_note": "",
        "answer_note": "",
        "reopen_reason": assessment.reopen_reason,  # the office's own words
        "counted_on": on,
        "projected": on < assessment.criteria_set.cut_off_date,
        "show_appraisal": False,
        "totals": {
            "max": _number(sum((r.criterion.max_points for r in rows), Decimal("0"))),
            "self": 0,
            "appraised": None,
            "points": _number(sum((r.points_sum for r in rows), Decimal("0"))),
        },
        "abilities": {k: v for k, v in abilities.items() if k != "is_own_unit"},
        "criteria": [_row(r, show_appraisal=False) | blank for r in rows],
    }


def _survey_shown(user, assessment_id: int) -> dict:
    """The assessment as the user now sees it; a draft, which only its unit opens, as its
    set's office may see it (`survey_json`)."""
    found = assessment_selectors.assessments_visible(user=user).filter(pk=assessment_id).first()
    if found is not None:
        return assessment_json(user, found)
    draft = assessment_selectors.survey_assessment_get(user=user, pk=assessment_id)
    return survey_json(user, draft)


@router.post("/assessments/{assessment_id}/scores/{score_id}/survey", response=WRITE)
def score_survey(request, payload: SurveyIn, assessment_id: int = ID, score_id: int = ID):
    """The office's points of a survey criterion (điều tra xã hội học), whatever the
    assessment's state before finalising, a draft included: the points come from the
    surveying body, not from the unit. Answers the assessment as the user sees it (as `GET
    /assessments/{assessment_id}`); for a draft, which only its unit opens, the same shape
    holding only what is the office's: the assessment's own fields (status, version for the
    next write), the survey criteria alone (no other rows) with the totals of those
    (`totals.self` 0, `totals.appraised` null), and nothing of the unit's self-assessment:
    no points, explanations, files or notes."""
    user = request.auth
    return _score_step(
        request,
        payload,
        (assessment_id, score_id),
        SURVEY,
        lambda user, score, points: services.survey_save(
            actor=user, score=score, points=points, version=payload.version
        ),
        shown=lambda _saved: _survey_shown(user, assessment_id),
    )


@router.post("/assessments/{assessment_id}/finalise", response=WRITE)
def assessment_finalise(request, payload: VersionIn, assessment_id: int = ID):
    """The office freezes every criterion's points and the total (once the set's cut-off
    has passed); nothing changes until it reopens the assessment."""
    return _step(
        request,
        payload,
        assessment_id,
        lambda user, a: services.assessment_finalise(
            actor=user, assessment=a, version=payload.version
        ),
    )


@router.post("/assessments/{assessment_id}/reopen", response={200: AssessmentOut, **WRITE_ERRORS})
def assessment_reopen(request, payload: ReopenIn, assessment_id: int = ID):
    """The office reopens a sent or finalised assessment with a reason, to the unit (draft)
    or to the council (submitted). Answers the assessment's row: reopened to the unit, it is
    the unit's draft again, which the office does not open."""
    user = request.auth
    assessment = assessment_selectors.assessment_get(user=user, pk=assessment_id)
    return _run(
        request,
        payload.model_dump(mode="json"),
        lambda: services.assessment_reopen(
            actor=user,
            assessment=assessment,
            reason=payload.reason,
            to=payload.to,
            version=payload.version,
        ),
        assessment_id,
        schema=AssessmentOut,
        shown=lambda reopened: _assessment(reopened, show_appraisal=False),
    )
