"""Every write of an assessment, in the order of the year's end: the office opens the
assessments of a set in use; the unit scores itself (points, explanation, evidence or the
reason there is none) and its head sends it; the council appraises (its points and comment
beside the unit's) and sends its appraisal; the unit may answer once; the office finalises,
which freezes every figure, and only the office reopens, with a reason. Each write takes the
row's lock, checks its step (`step_check`: the person's role, then the assessment's state)
and audits itself."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cchc.audit.services import audit_record
from cchc.lib.files import check_upload, remove_stored_after_commit, store_upload
from cchc.lib.refusals import WrongState
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify
from cchc.orgs.models import Role, Unit
from cchc.orgs.selectors import unit_contacts

from . import sources
from .models import (
    Assessment,
    AssessmentStatus,
    CriteriaSet,
    Criterion,
    Method,
    Score,
    ScoreFile,
    SetStatus,
)
from .permissions import can_manage, step_roles, step_states
from .tree import code_key

UNIT_SCORED = (Method.MANUAL, Method.YES_NO)  # what the unit scores itself; the rest is not


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _locked(assessment: Assessment) -> Assessment:
    """The assessment re-read under a row lock, so two writers see each other's step."""
    return (
        Assessment.objects.select_for_update()
        .select_related("criteria_set__unit", "unit")
        .get(pk=assessment.pk)
    )


@dataclass(frozen=True)
class Step:
    """A step on an assessment: the ability it needs (of `permissions.Steps`) and why it is
    refused: `who` to a person whose roles do not reach it, `when` (naming the status,
    %(status)s) to one whose roles do while the assessment's state does not allow it."""

    ability: str
    who: Promise
    when: Promise


SELF_SCORE = Step(
    "can_self_score",
    _lazy("Chỉ đơn vị đang tự chấm được sửa điểm."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không sửa điểm tự chấm được nữa."),
)
FILE_REMOVE = Step(
    "can_self_score",
    _lazy("Chỉ đơn vị đang tự chấm được bỏ tệp."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không bỏ tệp được nữa."),
)
SUBMIT = Step(
    "can_submit",
    _lazy("Chỉ thủ trưởng đơn vị gửi bản tự đánh giá."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không gửi lại được."),
)
APPRAISE = Step(
    "can_appraise",
    _lazy("Chỉ thành viên hội đồng thẩm định chấm bản đã gửi, trước khi chốt."),
    _lazy(
        "Bản đánh giá đang ở trạng thái “%(status)s”: hội đồng chỉ chấm bản đã gửi hoặc đã "
        "giải trình, trước khi chốt."
    ),
)
SEND_APPRAISAL = Step(
    "can_send_appraisal",
    _lazy("Chỉ thành viên hội đồng thẩm định gửi kết quả thẩm định của bản đã gửi."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không gửi kết quả thẩm định được."),
)
ANSWER = Step(
    "can_answer",
    _lazy("Đơn vị chỉ giải trình một lần, sau khi nhận kết quả thẩm định."),
    _lazy(
        "Bản đánh giá đang ở trạng thái “%(status)s”: đơn vị chỉ giải trình một lần, sau khi "
        "nhận kết quả thẩm định."
    ),
)
SURVEY = Step(
    "can_enter_survey",
    _lazy("Chỉ Văn phòng nhập điểm điều tra xã hội học, trước khi chốt."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không nhập điểm điều tra được nữa."),
)
FINALISE = Step(
    "can_finalise",
    _lazy("Chỉ Văn phòng chốt kết quả, sau khi hội đồng thẩm định."),
    _lazy(
        "Bản đánh giá đang ở trạng thái “%(status)s”: chỉ chốt kết quả bản đã thẩm định và "
        "chưa chốt."
    ),
)
REOPEN = Step(
    "can_reopen",
    _lazy("Chỉ Văn phòng được mở lại bản đánh giá."),
    _lazy("Bản đánh giá đang ở trạng thái “%(status)s”, không mở lại được."),
)


def step_check(*, actor: User | None, assessment: Assessment, step: Step) -> None:
    """Refuse `step` to `actor` (None, the system, is never refused): PermissionDenied
    (403) when their roles do not reach it; WrongState (409 through the API, a message on
    the page) when they do but the assessment's state does not allow it now."""
    if actor is None:
        return
    if not getattr(step_roles(actor, assessment), step.ability):
        raise _deny(str(step.who))
    if getattr(step_states(assessment), step.ability):
        return
    criteria_set = assessment.criteria_set
    if criteria_set.status != SetStatus.IN_USE:
        raise WrongState(
            _("Bộ tiêu chí đang ở trạng thái “%(status)s”: bản đánh giá không thay đổi được.")
            % {"status": criteria_set.get_status_display()}
        )
    raise WrongState(str(step.when) % {"status": assessment.get_status_display()})


def _check_version(assessment: Assessment, version: int | None) -> None:
    if version is not None and version != assessment.version:
        raise ValidationError(
            _(
                "Bản đánh giá vừa được người khác thay đổi. Hãy tải lại trang; những gì bạn "
                "nhập vẫn còn trong ô để chép lại."
            ),
            code="stale",
        )


def _bump(assessment: Assessment, **fields: object) -> None:
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.version += 1
    assessment.save(update_fields=[*fields, "version"])


def _link(assessment: Assessment) -> str:
    return reverse("scoring:assessment-detail", args=[assessment.pk])


def _tell(actor: User | None, people: Iterable[User], assessment: Assessment, title: str) -> None:
    notify(
        actor=actor,
        recipients=people,
        message=Message(
            kind=Kind.ASSESSMENT,
            title=title,
            url=_link(assessment),
            unit=assessment.unit,
            subject=assessment,
        ),
    )


def _unit_people(assessment: Assessment) -> list[User]:
    return unit_contacts(units=[assessment.unit]).get(assessment.unit.pk, [])


def _council(assessment: Assessment) -> list[User]:
    """The branch's appraisers and office, who take the assessment from the unit."""
    branch = assessment.criteria_set.unit
    return unit_contacts(units=[branch], roles=[Role.APPRAISER, Role.OFFICE]).get(branch.pk, [])


# --- opening ------------------------------------------------------------------------------


@transaction.atomic
def assessments_open(
    *, actor: User | None, criteria_set: CriteriaSet, units: Sequence[Unit]
) -> list[Assessment]:
    """An assessment (with a score row per leaf) for each chosen unit of the branch that has
    none in this set yet; returns the new ones."""
    if actor is not None and not can_manage(actor, criteria_set.unit):
        raise _deny(_("Chỉ Văn phòng của đơn vị ban hành bộ tiêu chí được mở đợt đánh giá."))
    if criteria_set.status != SetStatus.IN_USE:
        raise WrongState(_("Chỉ mở đánh giá theo bộ tiêu chí đang áp dụng."))
    outside = [u.name for u in units if not u.path.startswith(criteria_set.unit.path)]
    if outside:
        raise ValidationError(
            _("Đơn vị không thuộc khối của bộ tiêu chí: %(names)s.") % {"names": ", ".join(outside)}
        )
    have = set(criteria_set.assessments.values_list("unit_id", flat=True))
    leaves = [c for c in criteria_set.criteria.all() if c.method]
    made = []
    for unit in units:
        if unit.pk in have:
            continue
        have.add(unit.pk)
        assessment = Assessment.objects.create(criteria_set=criteria_set, unit=unit)
        Score.objects.bulk_create([Score(assessment=assessment, criterion=c) for c in leaves])
        audit_record(actor=actor, action="assessment.open", obj=assessment)
        _tell(
            actor,
            _unit_people(assessment),
            assessment,
            _("Mở tự đánh giá, chấm điểm CCHC năm %(year)s") % {"year": criteria_set.year},
        )
        made.append(assessment)
    return made


# --- the unit's self-assessment ----------------------------------------------------------


def _check_points(criterion: Criterion, value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if value < 0 or value > criterion.max_points:
        raise ValidationError(
            {
                field: _("Điểm của tiêu chí %(code)s phải từ 0 đến %(max)s.")
                % {"code": criterion.code, "max": f"{criterion.max_points.normalize():f}"}
            }
        )
    if criterion.method == Method.YES_NO and value not in (0, criterion.max_points):
        raise ValidationError(
            {
                field: _("Tiêu chí %(code)s chấm Có/Không: 0 hoặc %(max)s điểm.")
                % {"code": criterion.code, "max": f"{criterion.max_points.normalize():f}"}
            }
        )


@transaction.atomic
def score_save(
    *,
    actor: User | None,
    score: Score,
    self_points: Decimal | None,
    explanation: str,
    no_evidence_reason: str,
    files: Sequence[File] = (),
    version: int | None = None,
) -> Score:
    """The unit's points for one criterion it scores itself, with its explanation, new
    evidence files and, where it has none, the reason."""
    assessment = _locked(score.assessment)
    step_check(actor=actor, assessment=assessment, step=SELF_SCORE)
    _check_version(assessment, version)
    score = Score.objects.select_related("criterion").get(pk=score.pk, assessment=assessment)
    if score.criterion.method not in UNIT_SCORED:
        raise ValidationError(_("Tiêu chí này không do đơn vị tự chấm."))
    _check_points(score.criterion, self_points, "self_points")
    for file in files:
        check_upload(file, field="files")
    before = [_str(score.self_points), score.explanation, score.no_evidence_reason]
    score.self_points = self_points
    score.explanation = explanation.strip()
    score.no_evidence_reason = no_evidence_reason.strip()
    score.full_clean(exclude=["assessment", "criterion"])
    score.save()
    for file in files:
        stored = ScoreFile(score=score, uploaded_by=actor)
        store_upload(stored, file)
        stored.save()
    _bump(assessment)
    audit_record(
        actor=actor,
        action="assessment.score",
        obj=assessment,
        changes={
            "criterion": score.criterion.code,
            "self_points": [before[0], _str(self_points)],
            "explanation": [before[1], score.explanation],
            "no_evidence_reason": [before[2], score.no_evidence_reason],
            "files": [f.name for f in files],
        },
    )
    return score


def _str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


@transaction.atomic
def score_file_remove(*, actor: User | None, score_file: ScoreFile) -> None:
    assessment = _locked(score_file.score.assessment)
    step_check(actor=actor, assessment=assessment, step=FILE_REMOVE)
    audit_record(
        actor=actor,
        action="assessment.file_remove",
        obj=assessment,
        changes={"file": score_file.original_name, "sha256": score_file.sha256},
    )
    remove_stored_after_commit([score_file.file.name])
    score_file.delete()
    _bump(assessment)


def submit_problems(assessment: Assessment) -> list[str]:
    """What stops the unit's head from sending: each criterion it scores without points, or
    without evidence and without the reason, named by its code."""
    problems = []
    scores = (
        assessment.scores.filter(criterion__method__in=UNIT_SCORED)
        .select_related("criterion")
        .prefetch_related("files")
    )
    for score in sorted(scores, key=lambda s: code_key(s.criterion.code)):
        code = score.criterion.code
        if score.self_points is None:
            problems.append(_("Tiêu chí %(code)s chưa có điểm tự chấm.") % {"code": code})
        elif not score.files.all() and not score.no_evidence_reason:
            problems.append(
                _("Tiêu chí %(code)s chưa có tài liệu kiểm chứng; hãy đính kèm hoặc nêu lý do.")
                % {"code": code}
            )
    return problems


@transaction.atomic
def assessment_submit(*, actor: User | None, assessment: Assessment, version: int | None = None):
    """The unit's head sends the self-assessment for appraisal; the council and the office
    are told."""
    assessment = _locked(assessment)
    step_check(actor=actor, assessment=assessment, step=SUBMIT)
    _check_version(assessment, version)
    problems = submit_problems(assessment)
    if problems:
        raise ValidationError(problems)
    _bump(
        assessment,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    audit_record(actor=actor, action="assessment.submit", obj=assessment)
    _tell(
        actor,
        _council(assessment),
        assessment,
        _("%(unit)s gửi bản tự đánh giá CCHC") % {"unit": assessment.unit.name},
    )
    return assessment


# --- the council's appraisal, the unit's answer ----------------------------------------------


@transaction.atomic
def appraisal_save(
    *,
    actor: User | None,
    score: Score,
    appraised_points: Decimal | None,
    comment: str,
    version: int | None = None,
) -> Score:
    assessment = _locked(score.assessment)
    step_check(actor=actor, assessment=assessment, step=APPRAISE)
    _check_version(assessment, version)
    score = Score.objects.select_related("criterion").get(pk=score.pk, assessment=assessment)
    if score.criterion.method not in UNIT_SCORED:
        raise ValidationError(_("Tiêu chí này không do hội đồng chấm."))
    _check_points(score.criterion, appraised_points, "appraised_points")
    before = [_str(score.appraised_points), score.appraisal_comment]
    score.appraised_points = appraised_points
    score.appraisal_comment = comment.strip()
    score.full_clean(exclude=["assessment", "criterion"])
    score.save()
    _bump(assessment)
    audit_record(
        actor=actor,
        action="assessment.appraise",
        obj=assessment,
        changes={
            "criterion": score.criterion.code,
            "appraised_points": [before[0], _str(appraised_points)],
            "comment": [before[1], score.appraisal_comment],
        },
    )
    return score


@transaction.atomic
def appraisal_send(
    *, actor: User | None, assessment: Assessment, note: str, version: int | None = None
) -> Assessment:
    """The council's appraisal goes to the unit. A criterion the council left without points
    keeps the unit's own (accepted as scored), and the audit names each."""
    assessment = _locked(assessment)
    step_check(actor=actor, assessment=assessment, step=SEND_APPRAISAL)
    _check_version(assessment, version)
    accepted = []
    for score in assessment.scores.filter(
        criterion__method__in=UNIT_SCORED, appraised_points__isnull=True
    ).select_related("criterion"):
        score.appraised_points = score.self_points
        score.save(update_fields=["appraised_points", "updated_at"])
        accepted.append(score.criterion.code)
    _bump(
        assessment,
        status=AssessmentStatus.APPRAISED,
        appraised_at=timezone.now(),
        appraised_by=actor,
        appraisal_note=note.strip(),
    )
    audit_record(
        actor=actor,
        action="assessment.appraisal_send",
        obj=assessment,
        changes={"note": assessment.appraisal_note, "accepted_as_scored": accepted},
    )
    _tell(
        actor,
        _unit_people(assessment),
        assessment,
        _("Hội đồng thẩm định đã gửi kết quả thẩm định CCHC năm %(year)s")
        % {"year": assessment.criteria_set.year},
    )
    return assessment


@transaction.atomic
def correction_answer(
    *,
    actor: User | None,
    assessment: Assessment,
    note: str,
    answers: dict[int, str],
    version: int | None = None,
) -> Assessment:
    """The unit's one answer to the appraisal: a note and, per criterion, its explanation."""
    assessment = _locked(assessment)
    step_check(actor=actor, assessment=assessment, step=ANSWER)
    _check_version(assessment, version)
    note = note.strip()
    answers = {pk: text.strip() for pk, text in answers.items() if text.strip()}
    if not note and not answers:
        raise ValidationError({"answer_note": _("Hãy nêu nội dung giải trình.")})
    if len(note) > 10000 or any(len(text) > 10000 for text in answers.values()):
        raise ValidationError({"answer_note": _("Mỗi nội dung giải trình tối đa 10.000 ký tự.")})
    scores = {s.pk: s for s in assessment.scores.filter(pk__in=answers)}
    if set(answers) - set(scores):
        raise ValidationError(_("Có tiêu chí không thuộc bản đánh giá này."))
    for pk, text in answers.items():
        scores[pk].answer = text
        scores[pk].save(update_fields=["answer", "updated_at"])
    _bump(
        assessment,
        status=AssessmentStatus.ANSWERED,
        answer_note=note,
        answered_at=timezone.now(),
        answered_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.answer",
        obj=assessment,
        changes={"note": note, "criteria": sorted(s.criterion_id for s in scores.values())},
    )
    _tell(
        actor,
        _council(assessment),
        assessment,
        _("%(unit)s giải trình kết quả thẩm định") % {"unit": assessment.unit.name},
    )
    return assessment


# --- the office: survey points, finalising, reopening ---------------------------------------


@transaction.atomic
def survey_save(
    *, actor: User | None, score: Score, points: Decimal | None, version: int | None = None
) -> Score:
    """The office enters a survey criterion's points (điều tra xã hội học)."""
    assessment = _locked(score.assessment)
    step_check(actor=actor, assessment=assessment, step=SURVEY)
    _check_version(assessment, version)
    score = Score.objects.select_related("criterion").get(pk=score.pk, assessment=assessment)
    if score.criterion.method != Method.SURVEY:
        raise ValidationError(_("Tiêu chí này không chấm theo điều tra xã hội học."))
    _check_points(score.criterion, points, "points")
    before = _str(score.appraised_points)
    score.appraised_points = points
    score.save(update_fields=["appraised_points", "updated_at"])
    _bump(assessment)
    audit_record(
        actor=actor,
        action="assessment.survey",
        obj=assessment,
        changes={"criterion": score.criterion.code, "points": [before, _str(points)]},
    )
    return score


def _survey_refusal(score: Score, exc: ValidationError) -> ValidationError:
    """A refusal of one cell of the survey page, keyed `points_<score id>`, naming its unit
    and criterion, its codes (stale, state) kept."""
    if hasattr(exc, "error_dict"):
        errors = [e for listed in exc.error_dict.values() for e in listed]
    else:
        errors = exc.error_list
    named = [
        ValidationError(
            _("%(unit)s, tiêu chí %(code)s: %(reason)s")
            % {"unit": score.assessment.unit.name, "code": score.criterion.code, "reason": m},
            code=e.code,
        )
        for e in errors
        for m in e.messages
    ]
    return ValidationError({f"points_{score.pk}": named})


def _not_points(value: Decimal | None) -> bool:
    """Not a number, or more than two decimals (beyond any maximum, the range says so)."""
    if value is None:
        return False
    if not value.is_finite():
        return True
    return abs(value) < 10_000 and value != value.quantize(Decimal("0.01"))


def _shown(value: Decimal | None) -> str:
    return "–" if value is None else f"{value.normalize():f}"


@transaction.atomic
def survey_points_set(
    *,
    actor: User | None,
    criteria_set: CriteriaSet,
    points: dict[int, Decimal | None],
    drawn: dict[int, Decimal | None] | None = None,
) -> list[Score]:
    """The office's survey points of many units at once (the set's survey page), whatever
    the state of each unit's assessment before finalising: each changed one through
    `survey_save` (its role, state and range checks, its audit), all in one transaction, so
    one refused writes none. Refusals are keyed `points_<score id>` and name the unit and
    criterion. `drawn` holds the points the page showed: a cell someone else changed since is
    refused as stale. The assessments' versions are not asked: the unit's own scoring of a
    draft changes them all the time, and has nothing to do with the survey."""
    if actor is not None and not can_manage(actor, criteria_set.unit):
        raise _deny(str(SURVEY.who))
    # The assessments locked first, in one order, so two pages saved at once wait in turn.
    ids = Score.objects.filter(pk__in=points).values("assessment_id")
    list(
        Assessment.objects.select_for_update()
        .filter(pk__in=ids, criteria_set=criteria_set)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    scores = list(
        Score.objects.filter(
            pk__in=points, assessment__criteria_set=criteria_set, criterion__method=Method.SURVEY
        ).select_related("criterion", "assessment__criteria_set__unit", "assessment__unit")
    )
    if len(scores) != len(points):
        raise ValidationError(
            _("Có ô điểm không thuộc bộ tiêu chí này: hãy tải lại trang rồi nhập lại.")
        )
    scores.sort(key=lambda s: (s.assessment.unit.path, code_key(s.criterion.code)))
    saved = []
    for score in scores:
        value = points[score.pk]
        try:
            if _not_points(value):
                raise ValidationError(
                    _("điểm phải là số từ 0 đến %(max)s, tối đa hai chữ số thập phân.")
                    % {"max": _shown(score.criterion.max_points)}
                )
            if value == score.appraised_points:
                continue
            was = score.appraised_points
            if drawn is not None and score.pk in drawn and drawn[score.pk] != was:
                raise ValidationError(
                    _(
                        "điểm điều tra vừa được người khác đổi thành %(now)s; điểm bạn nhập vẫn "
                        "còn trong ô, lưu lần nữa nếu vẫn muốn ghi."
                    )
                    % {"now": _shown(was)},
                    code="stale",
                )
            saved.append(survey_save(actor=actor, score=score, points=value))
        except ValidationError as exc:
            raise _survey_refusal(score, exc) from exc
    return saved


def live_points(
    score: Score, on: datetime.date, ratios: dict[str, sources.Ratio] | None = None
) -> tuple[Decimal | None, sources.Ratio | None]:
    """The points a criterion gives today (or as of `on` for a computed one), and a ratio's
    numbers; the frozen ones once the assessment is finalised. `ratios` keeps each source's
    count for the caller, so criteria sharing a source count it once."""
    criterion = score.criterion
    if criterion.method == Method.RATIO:
        ratios = {} if ratios is None else ratios
        if criterion.ratio_source not in ratios:
            ratios[criterion.ratio_source] = sources.compute(
                criterion.ratio_source, score.assessment.criteria_set, score.assessment.unit, on
            )
        ratio = ratios[criterion.ratio_source]
        return sources.points(ratio.percent, criterion.bands, criterion.max_points), ratio
    if criterion.method == Method.SURVEY:
        return score.appraised_points, None
    if score.appraised_points is not None:
        return score.appraised_points, None
    return score.self_points, None


@transaction.atomic
def assessment_finalise(
    *, actor: User | None, assessment: Assessment, version: int | None = None
) -> Assessment:
    """Freeze every criterion's points (a computed one with its numbers as of the set's
    cut-off) and the total; the assessment is locked until reopened."""
    assessment = _locked(assessment)
    step_check(actor=actor, assessment=assessment, step=FINALISE)
    _check_version(assessment, version)
    on = assessment.criteria_set.cut_off_date
    if timezone.localdate() < on:
        # The computed criteria count as of the cut-off: before it, they cannot yet.
        raise ValidationError(
            _("Chưa đến ngày chốt số liệu (%(day)s): chưa chốt kết quả được.")
            % {"day": on.strftime("%d/%m/%Y")}
        )
    missing = []
    total = Decimal("0")
    scores = assessment.scores.select_related(
        "criterion", "assessment__criteria_set", "assessment__unit"
    )
    ratios: dict[str, sources.Ratio] = {}
    for score in scores:
        value, ratio = live_points(score, on, ratios)
        if value is None:
            missing.append(score.criterion.code)
            continue
        score.final_points = value
        score.numerator = ratio.numerator if ratio else None
        score.denominator = ratio.denominator if ratio else None
        score.save(update_fields=["final_points", "numerator", "denominator", "updated_at"])
        total += value
    if missing:
        raise ValidationError(
            _("Chưa có điểm của tiêu chí: %(codes)s.")
            % {"codes": ", ".join(sorted(missing, key=code_key))}
        )
    _bump(
        assessment,
        status=AssessmentStatus.FINALISED,
        finalised_at=timezone.now(),
        finalised_by=actor,
        total=total,
    )
    audit_record(
        actor=actor, action="assessment.finalise", obj=assessment, changes={"total": f"{total:f}"}
    )
    _tell(
        actor,
        _unit_people(assessment),
        assessment,
        _("Kết quả chấm điểm CCHC năm %(year)s đã được chốt")
        % {"year": assessment.criteria_set.year},
    )
    return assessment


REOPEN_TO = (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED)


@transaction.atomic
def assessment_reopen(
    *,
    actor: User | None,
    assessment: Assessment,
    reason: str,
    to: str,
    version: int | None = None,
) -> Assessment:
    """The office reopens a sent or finalised assessment, with a reason: back to the unit
    (draft) or to the council (sent); the frozen figures are dropped and count live again."""
    assessment = _locked(assessment)
    step_check(actor=actor, assessment=assessment, step=REOPEN)
    _check_version(assessment, version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy nêu lý do mở lại.")})
    if len(reason) > 4000:
        raise ValidationError({"reason": _("Lý do tối đa 4.000 ký tự.")})
    if to not in REOPEN_TO:
        raise ValidationError(
            {"to": _("Chọn mở lại cho đơn vị tự chấm hoặc cho hội đồng thẩm định.")}
        )
    before = assessment.status
    assessment.scores.update(final_points=None, numerator=None, denominator=None)
    if to == AssessmentStatus.DRAFT:
        # The unit scores again, so the council's points were about other ones (the audit
        # keeps them); its answer was to an appraisal that no longer stands.
        assessment.scores.filter(criterion__method__in=UNIT_SCORED).update(
            appraised_points=None, appraisal_comment="", answer=""
        )
    _bump(
        assessment,
        status=to,
        reopen_reason=reason,
        total=None,
        finalised_at=None,
        finalised_by=None,
        answered_at=None,
        answered_by=None,
        appraised_at=None,
        appraised_by=None,
    )
    audit_record(
        actor=actor,
        action="assessment.reopen",
        obj=assessment,
        changes={"status": [before, to], "reason": reason},
    )
    _tell(
        actor,
        _unit_people(assessment),
        assessment,
        _("Văn phòng mở lại bản đánh giá CCHC: %(reason)s") % {"reason": reason[:200]},
    )
    return assessment
