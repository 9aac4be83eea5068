"""Assessments (issue 12, “Assessment”): the unit scores itself with evidence, its head
sends, the council appraises, the unit answers once, the office finalises (frozen, locked)
and reopens with a reason; who sees what when; every step audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from cchc.audit.models import AuditEvent
from cchc.lib.refusals import WrongState
from cchc.notifications.models import Notification
from cchc.plans import progress
from cchc.plans.models import TaskStatus
from cchc.scoring import assessment_selectors as selectors
from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, CriteriaSet, Method
from tests.snapshots import restore_or_build
from tests.web_helpers import on_day

pytestmark = pytest.mark.django_db
# The day computed criteria count as of; finalising waits for it.
CUT_OFF = datetime.date(2026, 6, 30)


@pytest.fixture
def scoring(world):
    return restore_or_build("scoring", lambda: _scoring_made(world))


def _scoring_made(world):
    office = world.users["office"]
    with on_day(world.issued_on):
        criteria_set = set_services.criteria_set_create_example(
            actor=office, unit=world.units["TCCT"], year=2026
        )
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(cut_off=CUT_OFF)
        criteria_set = set_services.criteria_set_mark_in_use(
            actor=office, criteria_set=criteria_set
        )
        made = services.assessments_open(
            actor=office,
            criteria_set=criteria_set,
            units=[world.units["CTH"], world.units["CTC"]],
        )
    return {a.unit.code: a for a in made}


def _evidence(name="qd.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def _score_all(assessment, actor, points=None):
    for score in assessment.scores.select_related("criterion"):
        if score.criterion.method not in services.UNIT_SCORED:
            continue
        value = score.criterion.max_points if points is None else points(score)
        services.score_save(
            actor=actor,
            score=score,
            self_points=value,
            explanation="Đã thực hiện",
            no_evidence_reason="" if score.criterion.code.endswith("1") else "Không có văn bản",
            files=[_evidence()] if score.criterion.code.endswith("1") else [],
        )


def test_the_whole_way_from_self_assessment_to_finalised(world, scoring):
    a = scoring["CTH"]
    focal, head = world.users["focal_a"], world.users["head_a"]
    _score_all(a, focal)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=focal, assessment=a)
    services.assessment_submit(actor=head, assessment=a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    told = Notification.objects.filter(kind="assessment", url__endswith=f"/{a.pk}/")
    assert {"appraiser", "office"} <= set(told.values_list("recipient__username", flat=True))
    manual = a.scores.filter(criterion__method=Method.MANUAL).first()
    services.appraisal_save(
        actor=world.users["appraiser"],
        score=manual,
        appraised_points=Decimal("0"),
        comment="Thiếu văn bản",
    )
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="Cơ bản đạt")
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISED
    services.correction_answer(
        actor=focal, assessment=a, note="Đề nghị xem lại", answers={manual.pk: "Có văn bản"}
    )
    with pytest.raises(WrongState):  # the unit's role, but answered already
        services.correction_answer(actor=focal, assessment=a, note="Lần hai", answers={})
    for survey in a.scores.filter(criterion__method=Method.SURVEY):
        services.survey_save(
            actor=world.users["office"], score=survey, points=survey.criterion.max_points
        )
    services.assessment_finalise(actor=world.users["office"], assessment=a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINALISED
    page = selectors.assessment_page(user=world.users["office"], assessment=a)
    assert a.total == page.totals["points"]
    assert a.total < page.totals["max"]
    with pytest.raises(WrongState):
        services.score_save(
            actor=focal,
            score=manual,
            self_points=Decimal("1"),
            explanation="",
            no_evidence_reason="x",
        )
    services.assessment_reopen(
        actor=world.users["office"], assessment=a, reason="Sai số liệu", to="submitted"
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and a.total is None
    actions = set(AuditEvent.objects.filter(object_id=str(a.pk)).values_list("action", flat=True))
    assert {"assessment.submit", "assessment.finalise", "assessment.reopen"} <= actions


def test_no_one_outside_the_unit_sees_a_draft(world, scoring):
    a = scoring["CTH"]
    for name in ["focal_b", "head_b", "appraiser", "office", "leader", "viewer", "nobody"]:
        assert not Assessment.objects.filter(
            selectors.assessment_q(world.users[name]), pk=a.pk
        ).exists(), name
    assert Assessment.objects.filter(selectors.assessment_q(world.users["focal_a"]), pk=a.pk)


def _through_appraisal(world, a):
    _score_all(a, world.users["focal_a"])
    services.assessment_submit(actor=world.users["head_a"], assessment=a)
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    for survey in a.scores.filter(criterion__method=Method.SURVEY):
        services.survey_save(
            actor=world.users["office"], score=survey, points=survey.criterion.max_points
        )


def test_finalised_figures_are_frozen_and_every_write_refused(world, scoring):
    a = scoring["CTH"]
    _through_appraisal(world, a)
    services.assessment_finalise(actor=world.users["office"], assessment=a)
    ratio = a.scores.get(criterion__ratio_source="tasks_on_time")
    ratio.refresh_from_db()
    frozen = (ratio.final_points, ratio.numerator, ratio.denominator)
    assert ratio.denominator is not None
    # The data changes after finalisation: a task of agency A is reported done today.
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_overdue"],
        status=TaskStatus.DONE,
        progress=100,
        deliverable="Quyết định 9",
        completed_on=world.today,
    )
    ratio.refresh_from_db()
    assert (ratio.final_points, ratio.numerator, ratio.denominator) == frozen
    a.refresh_from_db()
    page = selectors.assessment_page(user=world.users["focal_a"], assessment=a)
    row = next(r for r in page.rows if r.score and r.score.pk == ratio.pk)
    assert row.points == frozen[0]
    assert (row.score.numerator, row.score.denominator) == frozen[1:]
    manual = a.scores.filter(criterion__method=Method.MANUAL).first()
    survey = a.scores.filter(criterion__method=Method.SURVEY).first()
    refused = [
        lambda: services.appraisal_save(
            actor=world.users["appraiser"], score=manual, appraised_points=None, comment=""
        ),
        lambda: services.survey_save(actor=world.users["office"], score=survey, points=None),
        lambda: services.assessment_finalise(actor=world.users["office"], assessment=a),
        lambda: services.assessment_submit(actor=world.users["head_a"], assessment=a),
    ]
    # Each by a person whose role takes the step: refused for the state, finalised.
    for call in refused:
        with pytest.raises(WrongState, match="Đã chốt kết quả"):
            call()
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(
            actor=world.users["head_a"], assessment=a, reason="x", to="draft"
        )
    with pytest.raises(ValidationError):
        services.assessment_reopen(
            actor=world.users["office"], assessment=a, reason=" ", to="draft"
        )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINALISED


def test_reopened_to_the_unit_drops_the_council_points(world, scoring):
    a = scoring["CTH"]
    _through_appraisal(world, a)
    services.assessment_reopen(
        actor=world.users["office"], assessment=a, reason="Đơn vị chấm lại", to="draft"
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT
    assert not a.scores.filter(
        criterion__method__in=services.UNIT_SCORED, appraised_points__isnull=False
    ).exists()
    # The office's survey points stay: they are not the council's appraisal of the unit.
    assert a.scores.filter(criterion__method=Method.SURVEY, appraised_points__isnull=False)


def test_submission_names_what_is_missing(world, scoring):
    a = scoring["CTC"]
    first = a.scores.filter(criterion__method__in=services.UNIT_SCORED).select_related("criterion")[
        0
    ]
    services.score_save(
        actor=world.users["focal_b"],
        score=first,
        self_points=first.criterion.max_points,
        explanation="",
        no_evidence_reason="",
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(actor=world.users["head_b"], assessment=a)
    text = " ".join(refused.value.messages)
    assert f"Tiêu chí {first.criterion.code} chưa có tài liệu kiểm chứng" in text
    assert "chưa có điểm tự chấm" in text
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT


@pytest.mark.parametrize("points", ["-1", "1000000", "0.5"])
def test_points_out_of_range_are_refused_and_change_nothing(world, scoring, points):
    a = scoring["CTH"]
    yes_no = a.scores.filter(criterion__method=Method.YES_NO).select_related("criterion").first()
    with pytest.raises(ValidationError):
        services.score_save(
            actor=world.users["focal_a"],
            score=yes_no,
            self_points=Decimal(points),
            explanation="Ghi chú của đơn vị",
            no_evidence_reason="",
        )
    yes_no.refresh_from_db()
    assert yes_no.self_points is None and yes_no.explanation == ""


def test_another_unit_cannot_score_or_see(world, scoring):
    a = scoring["CTH"]
    score = a.scores.filter(criterion__method=Method.MANUAL).first()
    with pytest.raises(PermissionDenied):
        services.score_save(
            actor=world.users["focal_b"],
            score=score,
            self_points=Decimal(0),
            explanation="",
            no_evidence_reason="x",
        )
    with pytest.raises(Http404):
        selectors.score_get(user=world.users["focal_b"], pk=score.pk)


def test_no_finalising_before_the_cut_off(world, scoring):
    a = scoring["CTH"]
    _through_appraisal(world, a)
    with on_day(CUT_OFF - datetime.timedelta(days=1)), pytest.raises(ValidationError) as refused:
        services.assessment_finalise(actor=world.users["office"], assessment=a)
    assert "30/06/2026" in refused.value.messages[0]
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISED and a.total is None
