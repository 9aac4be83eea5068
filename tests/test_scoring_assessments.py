"""Assessments (issue 12, “Assessment”): the unit scores itself with evidence, its head
sends, the council appraises, the unit answers once, the office finalises (frozen, locked)
and reopens with a reason; who sees what when; every step audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.scoring import assessment_selectors as selectors
from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, Method
from tests.web_helpers import on_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(world):
    office = world.users["office"]
    with on_day(world.issued_on):
        criteria_set = set_services.criteria_set_create_example(
            actor=office, unit=world.units["TCCT"], year=2026
        )
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
    with pytest.raises(PermissionDenied):
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
    with pytest.raises(PermissionDenied):
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
