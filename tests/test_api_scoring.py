"""Criteria sets and assessments through the API (issue 13): each role and an outsider see
what the web's pages show them (no one outside the unit sees a draft; the unit does not see
the council's points before they are sent); every step, draft to finalised, through the
opened services with their permission checks, audit events and messages; a stale version
is 409; hostile values get a JSON error, never a 500."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.scoring import assessment_selectors
from cchc.scoring import assessment_services as services
from cchc.scoring import selectors as set_selectors
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, Method, Score, ScoreFile
from tests.api_helpers import ROLES, ApiClient, api_as, token_for
from tests.test_api_oversight import error_of
from tests.test_scoring_assessments import CUT_OFF, scoring  # noqa: F401  (a fixture)
from tests.web_helpers import on_day

AFTER_CUT_OFF = CUT_OFF + datetime.timedelta(days=1)
UNIT_A = {"focal_a", "head_a"}
OVERSEERS = {"office", "leader", "appraiser", "viewer"}


@pytest.fixture
def opened(request) -> dict:
    """The assessments of agencies A and B (test_scoring_assessments' `scoring`), by code."""
    return request.getfixturevalue("scoring")


@pytest.fixture
def draft_set(world, opened):
    """The set in use copied for 2027: a draft, the office's work in progress."""
    criteria_set = opened["CTH"].criteria_set
    return set_services.criteria_set_copy(actor=world.users["office"], criteria_set=criteria_set)


def pdf(name="qd.pdf", body=b"%PDF-1.4 kiem chung"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def unit_scored(assessment) -> list[Score]:
    return list(
        assessment.scores.filter(criterion__method__in=services.UNIT_SCORED)
        .select_related("criterion")
        .order_by("criterion__order", "pk")
    )


def of_method(assessment, method: str) -> Score:
    return assessment.scores.filter(criterion__method=method).select_related("criterion").first()


def score_all(assessment, actor) -> None:
    """Every criterion the unit scores at its maximum, with the reason it has no evidence."""
    for score in unit_scored(assessment):
        services.score_save(
            actor=actor,
            score=score,
            self_points=score.criterion.max_points,
            explanation="Đã thực hiện",
            no_evidence_reason="Không có văn bản",
        )


def submitted(world, assessment) -> Assessment:
    score_all(assessment, world.users["focal_a"])
    services.assessment_submit(actor=world.users["head_a"], assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def web_status(world, role: str, name: str, pk: int) -> int:
    web = Client()
    web.force_login(world.users[role])
    return web.get(reverse(f"scoring:{name}", args=[pk])).status_code


def path_of(assessment, tail: str = "") -> str:
    return f"/assessments/{assessment.pk}{tail}"


# --- reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_criteria_sets_are_the_webs(world, opened, draft_set, role):
    client, user = api_as(world, role), world.users[role]
    listed = client.get("/criteria-sets")
    assert listed.status_code == 200, listed.content
    expected = [s.pk for s in set_selectors.criteria_set_list(user=user)]
    assert [s["id"] for s in listed.json()] == expected
    in_use = opened["CTH"].criteria_set
    for criteria_set in (in_use, draft_set):
        got = client.get(f"/criteria-sets/{criteria_set.pk}")
        assert got.status_code == web_status(world, role, "set-detail", criteria_set.pk)
        if got.status_code == 404:
            assert error_of(got)["code"] == "not_found"
            continue
        body = got.json()
        codes = [c["code"] for c in body["criteria"]]
        assert codes[:3] == ["1", "1.1", "1.2"] and len(codes) == criteria_set.criteria.count()
        cut_off = CUT_OFF if criteria_set.year == 2026 else datetime.date(2027, 12, 31)
        assert body["total"] == 100 and body["cut_off"] == str(cut_off)
        assert body["can_manage"] is (role == "office")
        ratio = next(c for c in body["criteria"] if c["code"] == "1.2.1")
        assert (ratio["method"], ratio["ratio_source"]) == ("ratio", "tasks_on_time")
        assert ratio["bands"] and ratio["guidance"]
        area = body["criteria"][0]
        assert area["method"] == "" and area["children_sum"] == area["max_points"]
    # A draft set is its branch's own work; the units read a set once it is in use.
    seen = {s["id"] for s in listed.json()}
    assert (draft_set.pk in seen) is (role in OVERSEERS)
    assert (in_use.pk in seen) is (role != "nobody")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", ["draft", "submitted", "appraised"])
def test_assessments_are_seen_as_on_the_web(world, opened, role, stage):
    a, b = opened["CTH"], opened["CTC"]
    manual = of_method(a, Method.MANUAL)
    if stage != "draft":
        submitted(world, a)
        services.appraisal_save(
            actor=world.users["appraiser"], score=manual, appraised_points=0, comment="Thiếu"
        )
    if stage == "appraised":
        services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="Xem lại")
    client, user = api_as(world, role), world.users[role]
    rows = client.get("/assessments").json()
    assert [r["id"] for r in rows] == [
        x.pk for x in assessment_selectors.assessments_visible(user=user).order_by("unit__path")
    ]
    for assessment in (a, b):
        got = client.get(path_of(assessment))
        assert got.status_code == web_status(world, role, "assessment-detail", assessment.pk)
    # No one outside the unit sees its draft; another unit never sees it.
    got = client.get(path_of(a))
    sees = role in UNIT_A or (stage != "draft" and role in OVERSEERS)
    assert got.status_code == (200 if sees else 404), got.content
    assert (b.pk in [r["id"] for r in rows]) is (role in {"head_b", "focal_b"})
    if not sees:
        assert error_of(got)["code"] == "not_found"
        return
    body = got.json()
    row = next(r for r in body["criteria"] if r["score_id"] == manual.pk)
    # The unit reads the council's points once they are sent; the branch once it is sent.
    council_shown = stage == "appraised" or (stage == "submitted" and role in OVERSEERS)
    assert body["show_appraisal"] is council_shown
    assert row["appraised_points"] == (0 if council_shown else None)
    assert row["appraisal_comment"] == ("Thiếu" if council_shown else "")
    assert body["appraisal_note"] == ("Xem lại" if stage == "appraised" else "")
    assert (body["totals"]["appraised"] is None) is not council_shown
    assert row["differs"] is council_shown
    assert row["self_points"] == (float(manual.criterion.max_points) if stage != "draft" else None)
    assert body["abilities"]["can_self_score"] is (stage == "draft" and role in UNIT_A)
    assert body["abilities"]["can_appraise"] is (stage == "submitted" and role == "appraiser")


def test_an_assessment_names_its_figures(world, opened):
    a = opened["CTH"]
    focal = api_as(world, "focal_a")
    with on_day(world.today):
        body = focal.get(path_of(a)).json()
    assert (body["status"], body["version"], body["total"]) == ("draft", 0, None)
    assert body["counted_on"] == str(world.today) and body["projected"] is True
    assert body["totals"]["max"] == 100
    ratio = next(r for r in body["criteria"] if r["method"] == "ratio")
    assert ratio["denominator"] is not None and ratio["points"] is not None
    assert ratio["self_points"] is None and ratio["score_id"]
    area = body["criteria"][0]
    assert area["score_id"] is None and area["depth"] == 1 and area["files"] == []
    assert body["totals"]["points"] == sum(
        r["points_sum"] for r in body["criteria"] if r["depth"] == 1
    )
    with on_day(AFTER_CUT_OFF):
        after = focal.get(path_of(a)).json()
    assert after["counted_on"] == str(CUT_OFF) and after["projected"] is False


def test_list_filters(world, opened, draft_set):
    a, b = opened["CTH"], opened["CTC"]
    submitted(world, a)
    office = api_as(world, "office")

    def ids(**query) -> list[int]:
        response = office.get("/assessments", query)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()]

    assert ids() == [a.pk]  # B is still its own draft
    assert ids(criteria_set=a.criteria_set_id, status="submitted") == [a.pk]
    assert ids(unit=world.units["CTH"].pk) == ids(unit=world.units["TCCT"].pk) == [a.pk]
    assert ids(unit=world.units["CTC"].pk) == ids(status="draft") == []
    assert ids(criteria_set=draft_set.pk) == ids(unit=2**31 - 1) == []
    assert [r["id"] for r in api_as(world, "focal_b").get("/assessments").json()] == [b.pk]
    for query, field in (
        ({"status": "done"}, "status"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "0"}, "unit"),
        ({"criteria_set": str(2**70)}, "criteria_set"),
        ({"criteria_set": "-1"}, "criteria_set"),
    ):
        response = office.get("/assessments", query)
        assert response.status_code == 400 and field in error_of(response)["fields"], query


def test_the_list_costs_the_same_queries_for_one_or_several(
    world, opened, django_assert_max_num_queries
):
    submitted(world, opened["CTH"])
    office = api_as(world, "office")
    office.get("/assessments")  # the token's first use
    with django_assert_max_num_queries(8) as one:
        assert len(office.get("/assessments").json()) == 1
    score_all(opened["CTC"], world.users["focal_b"])
    services.assessment_submit(actor=world.users["head_b"], assessment=opened["CTC"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(office.get("/assessments").json()) == 2


# --- the whole way ---------------------------------------------------------------------------


def test_the_whole_way_from_draft_to_finalised(world, opened):
    a = opened["CTH"]
    focal, head = api_as(world, "focal_a"), api_as(world, "head_a")
    appraiser, office = api_as(world, "appraiser"), api_as(world, "office")
    version = 0
    scores = unit_scored(a)
    for i, score in enumerate(scores):
        points = float(score.criterion.max_points)
        response = focal.post(
            path_of(a, f"/scores/{score.pk}"),
            {
                "self_points": points,
                "explanation": "Đã thực hiện",
                "no_evidence_reason": "" if i == 0 else "Không có văn bản",
                "version": version,
            },
        )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    # The first has neither evidence nor reason: the head may not send yet.
    refused = head.post(path_of(a, "/submit"), {"version": version})
    assert refused.status_code == 400, refused.content
    missing = (
        f"Tiêu chí {scores[0].criterion.code} chưa có tài liệu kiểm chứng; hãy đính kèm "
        "hoặc nêu lý do."
    )
    assert error_of(refused)["message"] == missing
    added = focal.post_multipart(
        path_of(a, f"/scores/{scores[0].pk}/files"), {"files": [pdf("a.pdf"), pdf("b.pdf")]}
    )
    assert added.status_code == 201, added.content
    row = next(r for r in added.json()["criteria"] if r["score_id"] == scores[0].pk)
    assert [f["name"] for f in row["files"]] == ["a.pdf", "b.pdf"]
    assert row["self_points"] == float(scores[0].criterion.max_points)  # kept as scored
    assert row["explanation"] == "Đã thực hiện"
    removed = focal.post(path_of(a, f"/scores/{scores[0].pk}/files/{row['files'][1]['id']}/remove"))
    assert removed.status_code == 200, removed.content
    assert ScoreFile.objects.filter(score=scores[0]).count() == 1
    assert focal.post(path_of(a, "/submit")).status_code == 403  # the head sends
    sent = head.post(path_of(a, "/submit"), {"version": removed.json()["version"]})
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.content
    # The council scores one criterion lower and sends; the rest stand as the unit scored.
    lower = scores[1]
    appraised = appraiser.post(
        path_of(a, f"/scores/{lower.pk}/appraisal"),
        {"appraised_points": 0, "comment": "Thiếu văn bản"},
    )
    assert appraised.status_code == 200, appraised.content
    before_send = focal.get(path_of(a)).json()
    assert (
        next(r for r in before_send["criteria"] if r["score_id"] == lower.pk)["appraised_points"]
        is None
    )
    send = appraiser.post(path_of(a, "/appraisal"), {"note": "Cơ bản đạt"})
    assert send.status_code == 200 and send.json()["status"] == "appraised", send.content
    seen = focal.get(path_of(a)).json()
    differing = [r["score_id"] for r in seen["criteria"] if r["differs"]]
    assert differing == [lower.pk] and seen["appraisal_note"] == "Cơ bản đạt"
    # The unit answers once, only on what the council scored otherwise.
    other = focal.post(path_of(a, "/answer"), {"note": "x", "answers": {str(scores[2].pk): "y"}})
    assert other.status_code == 400 and f"answers.{scores[2].pk}" in error_of(other)["fields"]
    answered = focal.post(
        path_of(a, "/answer"), {"note": "Đề nghị xem lại", "answers": {str(lower.pk): "Có QĐ"}}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    twice = focal.post(path_of(a, "/answer"), {"note": "Lần hai"})
    assert twice.status_code == 409 and error_of(twice)["message"] == (
        "Bản đánh giá đang ở trạng thái “Đơn vị đã giải trình”: đơn vị chỉ giải trình một lần, "
        "sau khi nhận kết quả thẩm định."
    )
    # The office enters the survey's points and finalises after the cut-off.
    for survey in a.scores.filter(criterion__method=Method.SURVEY).select_related("criterion"):
        entered = office.post(
            path_of(a, f"/scores/{survey.pk}/survey"),
            {"points": float(survey.criterion.max_points)},
        )
        assert entered.status_code == 200, entered.content
    with on_day(CUT_OFF - datetime.timedelta(days=1)):
        early = office.post(path_of(a, "/finalise"))
    assert early.status_code == 400 and "Chưa đến ngày chốt số liệu" in error_of(early)["message"]
    with on_day(AFTER_CUT_OFF):
        final = office.post(path_of(a, "/finalise"), key="chot-1")
        again = office.post(path_of(a, "/finalise"), key="chot-1")
    assert final.status_code == 200, final.content
    body = final.json()
    assert body["status"] == "finalised" and body["projected"] is False
    assert body["total"] == body["totals"]["points"] < body["totals"]["max"]
    assert again.status_code == 200 and again.json() == body
    a.refresh_from_db()
    assert a.total == Decimal(str(body["total"])) and a.status == AssessmentStatus.FINALISED
    ratio = next(r for r in body["criteria"] if r["method"] == "ratio")
    assert ratio["denominator"] is not None  # frozen with its numbers
    assert focal.get(path_of(a)).json()["answer_note"] == "Đề nghị xem lại"
    # The office reopens it to the council, with a reason.
    reopened = office.post(path_of(a, "/reopen"), {"reason": "Sai số liệu", "to": "submitted"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "submitted"
    assert office.get(path_of(a)).json()["reopen_reason"] == "Sai số liệu"
    who = {
        action: actor
        for action, actor in AuditEvent.objects.filter(
            object_id=str(a.pk), action__startswith="assessment."
        ).values_list("action", "actor__username")
    }
    assert who == {
        "assessment.open": "office",
        "assessment.score": "focal_a",
        "assessment.file_remove": "focal_a",
        "assessment.submit": "head_a",
        "assessment.appraise": "appraiser",
        "assessment.appraisal_send": "appraiser",
        "assessment.answer": "focal_a",
        "assessment.survey": "office",
        "assessment.finalise": "office",
        "assessment.reopen": "office",
    }
    assert AuditEvent.objects.filter(action="assessment.finalise").count() == 1


def test_reopened_to_the_unit_the_office_no_longer_opens_it(world, opened):
    a = submitted(world, opened["CTH"])
    office = api_as(world, "office")
    bare = office.post(path_of(a, "/reopen"), {"reason": "  ", "to": "draft"})
    assert bare.status_code == 400 and error_of(bare)["fields"]["reason"] == [
        "Hãy nêu lý do mở lại."
    ]
    for body, field in (({"reason": "x"}, "to"), ({"reason": "x", "to": "finalised"}, "to")):
        response = office.post(path_of(a, "/reopen"), body)
        assert response.status_code == 400 and field in error_of(response)["fields"], body
    response = office.post(path_of(a, "/reopen"), {"reason": "Thiếu tài liệu", "to": "draft"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    assert office.get(path_of(a)).status_code == 404
    assert api_as(world, "focal_a").get(path_of(a)).json()["abilities"]["can_self_score"]


# --- who may write ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_unit_scores_itself(world, opened, role):
    a = opened["CTH"]
    score = of_method(a, Method.YES_NO)
    response = api_as(world, role).post(
        path_of(a, f"/scores/{score.pk}"), {"self_points": 0, "no_evidence_reason": "Chưa có"}
    )
    files = api_as(world, role).post_multipart(
        path_of(a, f"/scores/{score.pk}/files"), {"files": [pdf()]}
    )
    if role in UNIT_A:
        assert response.status_code == 200 and files.status_code == 201, response.content
        assert AuditEvent.objects.filter(action="assessment.score").count() == 2
    else:
        assert response.status_code == files.status_code == 404
        assert not AuditEvent.objects.filter(action="assessment.score").exists()
        assert not ScoreFile.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_head_submits(world, opened, role):
    a = opened["CTH"]
    score_all(a, world.users["focal_a"])
    response = api_as(world, role).post(path_of(a, "/submit"))
    expected = {"head_a": 200, "focal_a": 403}.get(role, 404)
    assert response.status_code == expected, response.content
    if expected == 403:
        assert error_of(response)["message"] == "Chỉ thủ trưởng đơn vị gửi bản tự đánh giá."
    a.refresh_from_db()
    assert (a.status == AssessmentStatus.SUBMITTED) is (role == "head_a")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_council_appraises_and_sends(world, opened, role):
    a = submitted(world, opened["CTH"])
    score = of_method(a, Method.MANUAL)
    client = api_as(world, role)
    response = client.post(path_of(a, f"/scores/{score.pk}/appraisal"), {"appraised_points": 0})
    send = client.post(path_of(a, "/appraisal"), {"note": "Đạt"})
    expected = 200 if role == "appraiser" else 403 if role in UNIT_A | OVERSEERS else 404
    assert (response.status_code, send.status_code) == (expected, expected), response.content
    if expected == 403:
        assert error_of(response)["message"] == (
            "Chỉ thành viên hội đồng thẩm định chấm bản đã gửi, trước khi chốt."
        )
    a.refresh_from_db()
    assert (a.status == AssessmentStatus.APPRAISED) is (role == "appraiser")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_enters_survey_points_finalises_and_reopens(world, opened, role):
    a = submitted(world, opened["CTH"])
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    client = api_as(world, role)
    survey = of_method(a, Method.SURVEY)
    entered = client.post(path_of(a, f"/scores/{survey.pk}/survey"), {"points": 1})
    expected = 200 if role == "office" else 403 if role in UNIT_A | OVERSEERS else 404
    assert entered.status_code == expected, entered.content
    with on_day(AFTER_CUT_OFF):
        final = client.post(path_of(a, "/finalise"))
    if role == "office":
        # The other surveys have no points yet: named, nothing frozen.
        assert (
            final.status_code == 400 and "Chưa có điểm của tiêu chí" in error_of(final)["message"]
        )
    else:
        assert final.status_code == expected
    reopen = client.post(path_of(a, "/reopen"), {"reason": "Lý do", "to": "submitted"})
    assert reopen.status_code == expected, reopen.content
    a.refresh_from_db()
    assert (a.status == AssessmentStatus.SUBMITTED) is (role == "office")


# --- survey points on a draft -----------------------------------------------------------------

DRAFT_SECRET = "Giải thích riêng của Cục TH"


@pytest.mark.parametrize("role", [*ROLES, "office_h"])
def test_the_office_enters_a_drafts_survey_points_and_sees_nothing_else_of_it(
    world, opened, sibling, role
):
    """The survey's points come from outside the unit: the set's office enters them on a
    draft too, answered with the draft's survey criteria only; the unit's own points,
    explanation, reason, files and notes never reach it. Anyone else as before a draft:
    the unit's people refused the step (403), the rest not finding it (404)."""
    a = opened["CTH"]
    manual = of_method(a, Method.MANUAL)
    services.score_save(
        actor=world.users["focal_a"],
        score=manual,
        self_points=Decimal("0.37"),
        explanation=DRAFT_SECRET,
        no_evidence_reason="Lý do riêng",
        files=[pdf("bi-mat.pdf")],
    )
    client = ApiClient(token_for(sibling["office"])) if role == "office_h" else api_as(world, role)
    survey = of_method(a, Method.SURVEY)
    version = Assessment.objects.get(pk=a.pk).version
    entered = client.post(
        path_of(a, f"/scores/{survey.pk}/survey"), {"points": 1.5, "version": version}
    )
    expected = 200 if role == "office" else 403 if role in UNIT_A else 404
    assert entered.status_code == expected, entered.content
    saved = Score.objects.get(pk=survey.pk).appraised_points
    assert saved == (Decimal("1.5") if role == "office" else None)
    if role != "office":
        return
    text = entered.content.decode()
    for hidden in (DRAFT_SECRET, "Lý do riêng", "bi-mat.pdf", "0.37"):
        assert hidden not in text, hidden
    body = entered.json()
    assert (body["status"], body["version"]) == ("draft", version + 1)
    assert {r["method"] for r in body["criteria"]} == {"survey"}
    assert len(body["criteria"]) == a.scores.filter(criterion__method=Method.SURVEY).count()
    row = next(r for r in body["criteria"] if r["score_id"] == survey.pk)
    assert (row["appraised_points"], row["points"], row["self_points"]) == (1.5, 1.5, None)
    assert body["totals"] == {
        "max": float(
            sum(s.criterion.max_points for s in a.scores.filter(criterion__method=Method.SURVEY))
        ),
        "self": 0,
        "appraised": None,
        "points": 1.5,
    }
    assert body["abilities"]["can_enter_survey"] and not body["abilities"]["can_finalise"]
    # A retry with the same key answers the same; another criterion of the draft stays unseen.
    again = client.post(path_of(a, f"/scores/{survey.pk}/survey"), {"points": 2}, key="dt-1")
    replay = client.post(path_of(a, f"/scores/{survey.pk}/survey"), {"points": 2}, key="dt-1")
    assert again.status_code == replay.status_code == 200 and again.json() == replay.json()
    assert client.post(path_of(a, f"/scores/{manual.pk}/survey"), {"points": 0}).status_code == 404
    assert client.get(path_of(a)).status_code == 404  # the draft itself, still the unit's
    # Hostile points are refused as on a sent assessment, nothing written.
    for points in (-1, "abc", 1e30, 2.555, "NaN", survey.criterion.max_points + 1):
        bad = client.post(path_of(a, f"/scores/{survey.pk}/survey"), {"points": str(points)})
        assert bad.status_code == 400, (points, bad.content)
    assert Score.objects.get(pk=survey.pk).appraised_points == Decimal("2")
    # The unit sends, the council appraises, the office finalises: the survey counts.
    for other in a.scores.filter(criterion__method=Method.SURVEY).exclude(pk=survey.pk):
        entered = client.post(path_of(a, f"/scores/{other.pk}/survey"), {"points": 1})
        assert entered.status_code == 200 and entered.json()["status"] == "draft"
    submitted(world, a)
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    with on_day(AFTER_CUT_OFF):
        final = client.post(path_of(a, "/finalise"))
    assert final.status_code == 200, final.content
    row = next(r for r in final.json()["criteria"] if r["score_id"] == survey.pk)
    assert row["points"] == 2
    a.refresh_from_db()
    assert a.total == sum(s.final_points for s in a.scores.all())
    assert Score.objects.get(pk=survey.pk).final_points == Decimal("2")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_unit_answers(world, opened, role):
    a = submitted(world, opened["CTH"])
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    response = api_as(world, role).post(path_of(a, "/answer"), {"note": "Giải trình"})
    expected = 200 if role in UNIT_A else 403 if role in OVERSEERS else 404
    assert response.status_code == expected, response.content
    if expected == 403:
        assert error_of(response)["message"] == (
            "Đơn vị chỉ giải trình một lần, sau khi nhận kết quả thẩm định."
        )


def test_a_step_of_another_method_is_refused_as_on_the_web(world, opened):
    a = submitted(world, opened["CTH"])
    office, appraiser = api_as(world, "office"), api_as(world, "appraiser")
    manual, survey = of_method(a, Method.MANUAL), of_method(a, Method.SURVEY)
    ratio = of_method(a, Method.RATIO)
    assert office.post(path_of(a, f"/scores/{manual.pk}/survey"), {"points": 0}).status_code == 403
    for score in (survey, ratio):
        response = appraiser.post(path_of(a, f"/scores/{score.pk}/appraisal"), {})
        assert response.status_code == 403, response.content


# --- conflicts, retries, hostile values ------------------------------------------------------


def test_a_step_the_state_does_not_allow_is_409_and_a_missing_role_still_403(world, opened):
    """Refused for the assessment's state (sent twice, finalised before the council's
    appraisal), the person holding the step's role: 409 with the service's message, nothing
    written. Without the role, 403 whatever the state."""
    a = opened["CTH"]
    score_all(a, world.users["focal_a"])
    head, focal, office = (api_as(world, r) for r in ("head_a", "focal_a", "office"))
    sent = head.post(path_of(a, "/submit"))
    assert sent.status_code == 200, sent.content
    version = sent.json()["version"]
    again = head.post(path_of(a, "/submit"), {"version": version})
    assert again.status_code == 409, again.content
    assert error_of(again) == {
        "code": "conflict",
        "message": "Bản đánh giá đang ở trạng thái “Đã gửi, chờ thẩm định”, không gửi lại được.",
        "fields": {},
    }
    refused = focal.post(path_of(a, "/submit"), {"version": version})
    assert refused.status_code == 403, refused.content
    assert error_of(refused)["message"] == "Chỉ thủ trưởng đơn vị gửi bản tự đánh giá."
    with on_day(AFTER_CUT_OFF):
        early = office.post(path_of(a, "/finalise"), {"version": version})
        by_head = head.post(path_of(a, "/finalise"), {"version": version})
    assert early.status_code == 409 and error_of(early)["message"] == (
        "Bản đánh giá đang ở trạng thái “Đã gửi, chờ thẩm định”: chỉ chốt kết quả bản đã "
        "thẩm định và chưa chốt."
    )
    assert by_head.status_code == 403
    assert error_of(by_head)["message"] == "Chỉ Văn phòng chốt kết quả, sau khi hội đồng thẩm định."
    a.refresh_from_db()
    assert (a.status, a.version) == (AssessmentStatus.SUBMITTED, version)
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1
    assert not AuditEvent.objects.filter(action="assessment.finalise").exists()


def test_a_stale_version_is_409_and_a_retry_writes_once(world, opened):
    a = opened["CTH"]
    focal = api_as(world, "focal_a")
    one, two = of_method(a, Method.YES_NO), of_method(a, Method.MANUAL)
    first = focal.post(path_of(a, f"/scores/{one.pk}"), {"self_points": 0, "version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = focal.post(path_of(a, f"/scores/{two.pk}"), {"self_points": 0, "version": 0})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    assert "vừa được người khác thay đổi" in error_of(stale)["message"]
    assert Score.objects.get(pk=two.pk).self_points is None
    body = {"self_points": "1.5", "explanation": "Có", "version": 1}
    made = focal.post(path_of(a, f"/scores/{two.pk}"), body, key="s-2")
    again = focal.post(path_of(a, f"/scores/{two.pk}"), body, key="s-2")
    assert made.status_code == again.status_code == 200 and made.json() == again.json()
    assert AuditEvent.objects.filter(action="assessment.score").count() == 2
    changed = focal.post(path_of(a, f"/scores/{two.pk}"), body | {"explanation": "Khác"}, key="s-2")
    assert changed.status_code == 422
    # The same key on a submit refused first may be sent again, corrected.
    head = api_as(world, "head_a")
    assert head.post(path_of(a, "/submit"), key="g-1").status_code == 400
    score_all(a, world.users["focal_a"])
    assert head.post(path_of(a, "/submit"), key="g-1").status_code == 200
    replay = head.post(path_of(a, "/submit"), key="g-1")
    assert replay.status_code == 200 and replay.json()["status"] == "submitted"


@pytest.mark.parametrize(
    "points",
    [-1, "-0.01", "abc", "", 1e30, "1e400", "9" * 5000, 2.555, "NaN", "Infinity", True, [1], {}],
)
def test_hostile_points_are_400_and_change_nothing(world, opened, points):
    a = opened["CTH"]
    score = of_method(a, Method.MANUAL)
    response = api_as(world, "focal_a").post(
        path_of(a, f"/scores/{score.pk}"), {"self_points": points}
    )
    assert response.status_code == 400, (points, response.content)
    assert "self_points" in error_of(response)["fields"]
    assert Score.objects.get(pk=score.pk).self_points is None
    assert not AuditEvent.objects.filter(action="assessment.score").exists()


def test_points_are_checked_by_the_service_with_its_messages(world, opened):
    a = opened["CTH"]
    focal = api_as(world, "focal_a")
    yes_no = of_method(a, Method.YES_NO)
    code, top = yes_no.criterion.code, yes_no.criterion.max_points
    half = focal.post(path_of(a, f"/scores/{yes_no.pk}"), {"self_points": float(top) / 2})
    assert error_of(half)["fields"]["self_points"] == [
        f"Tiêu chí {code} chấm Có/Không: 0 hoặc {top.normalize():f} điểm."
    ]
    over = focal.post(path_of(a, f"/scores/{yes_no.pk}"), {"self_points": float(top) + 1})
    assert error_of(over)["fields"]["self_points"] == [
        f"Điểm của tiêu chí {code} phải từ 0 đến {top.normalize():f}."
    ]
    assert (
        focal.post(path_of(a, f"/scores/{yes_no.pk}"), {"self_points": float(top)}).status_code
        == 200
    )
    long = focal.post(path_of(a, f"/scores/{yes_no.pk}"), {"explanation": "x" * 10_001})
    assert long.status_code == 400 and "explanation" in error_of(long)["fields"]
    nul = focal.post(path_of(a, f"/scores/{yes_no.pk}"), {"no_evidence_reason": "a\x00b"})
    assert nul.status_code == 400 and "no_evidence_reason" in error_of(nul)["fields"]


HOSTILE_IDS = ["0", "-1", str(2**31), str(2**70), "abc", "1.5", "%00"]


def test_hostile_ids_never_answer_500(world, opened):
    a, b = opened["CTH"], opened["CTC"]
    focal = api_as(world, "focal_a")
    office = api_as(world, "office")
    for value in HOSTILE_IDS:
        for path in ("/criteria-sets/{}", "/assessments/{}", "/score-files/{}"):
            response = office.get(path.format(value))
            assert response.status_code in (400, 404), (path, value, response.status_code)
            error_of(response)
        for tail in ("/scores/{}", "/scores/{}/appraisal", "/scores/{}/survey", "/scores/{}/files"):
            response = focal.post(path_of(a, tail.format(value)), {})
            assert response.status_code in (400, 404), (tail, value, response.status_code)
            error_of(response)
        for tail in ("/submit", "/appraisal", "/answer", "/finalise", "/reopen"):
            response = focal.post(f"/assessments/{value}{tail}", {"reason": "x", "to": "draft"})
            assert response.status_code in (400, 404), (tail, value, response.status_code)
    # A score of another assessment, of B, which agency A's people cannot open, is not found;
    # nor of A's in a path of B's.
    other = of_method(b, Method.MANUAL)
    own = of_method(a, Method.MANUAL)
    assert focal.post(path_of(a, f"/scores/{other.pk}"), {"self_points": 0}).status_code == 404
    both = api_as(world, "office")
    submitted(world, a)
    score_all(b, world.users["focal_b"])
    services.assessment_submit(actor=world.users["head_b"], assessment=b)
    appraiser = api_as(world, "appraiser")
    crossed = appraiser.post(path_of(b, f"/scores/{own.pk}/appraisal"), {"appraised_points": 0})
    assert crossed.status_code == 404, crossed.content
    assert both.get(path_of(b)).status_code == 200
    # Answers keyed by what is no score id.
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    for answers in ({"abc": "x"}, {"0": "x"}, {str(2**70): "x"}, {str(own.pk): 5}, []):
        response = focal.post(path_of(a, "/answer"), {"note": "x", "answers": answers})
        assert response.status_code == 400, (answers, response.content)
    foreign = focal.post(path_of(a, "/answer"), {"answers": {str(other.pk): "x"}})
    assert foreign.status_code == 400 and f"answers.{other.pk}" in error_of(foreign)["fields"]
    raw, auth = focal.client, focal.headers
    for body in ("{", "[]", '"x"', '{"note": 5}', "\x00", "null"):
        response = raw.post(
            f"/api/v1{path_of(a, '/answer')}", body, content_type="application/json", headers=auth
        )
        assert response.status_code == 400, (body, response.content)
        error_of(response)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPRAISED


def test_evidence_is_checked_as_on_the_web(world, opened, settings):
    a = opened["CTH"]
    focal = api_as(world, "focal_a")
    score = of_method(a, Method.MANUAL)
    url = path_of(a, f"/scores/{score.pk}/files")
    none = focal.post_multipart(url, {})
    assert none.status_code == 400 and "files" in error_of(none)["fields"]
    empty = focal.post_multipart(url, {"files": [pdf(body=b"")]})
    assert empty.status_code == 400 and "files" in error_of(empty)["fields"]
    settings.CCHC_MAX_UPLOAD_BYTES = 10
    big = focal.post_multipart(url, {"files": [pdf()]})
    assert big.status_code == 413 and error_of(big)["code"] == "too_large"
    assert not ScoreFile.objects.exists()
    settings.CCHC_MAX_UPLOAD_BYTES = 1000
    stale = focal.post_multipart(url, {"files": [pdf()], "version": "7"})
    assert stale.status_code == 409
    bad = focal.post_multipart(url, {"files": [pdf()], "version": "abc"})
    assert bad.status_code == 400 and "version" in error_of(bad)["fields"]
    added = focal.post_multipart(url, {"files": [pdf()], "version": "0"}, key="f-1")
    assert added.status_code == 201, added.content
    again = focal.post_multipart(url, {"files": [pdf()], "version": "0"}, key="f-1")
    assert again.status_code == 201 and again.json() == added.json()
    assert ScoreFile.objects.count() == 1
    [stored] = next(r for r in added.json()["criteria"] if r["score_id"] == score.pk)["files"]
    link = stored["download_url"].removeprefix("/api/v1")
    assert b"".join(focal.get(link).streaming_content) == b"%PDF-1.4 kiem chung"
    # The branch opens it once sent, another unit never.
    assert api_as(world, "office").get(link).status_code == 404
    assert api_as(world, "focal_b").get(link).status_code == 404
    submitted(world, a)
    assert api_as(world, "office").get(link).status_code == 200
    # After sending, the unit no longer removes a file: the state's refusal, not the role's.
    gone = focal.post(path_of(a, f"/scores/{score.pk}/files/{stored['id']}/remove"))
    assert gone.status_code == 409 and ScoreFile.objects.count() == 1
    assert error_of(gone)["message"] == (
        "Bản đánh giá đang ở trạng thái “Đã gửi, chờ thẩm định”, không bỏ tệp được nữa."
    )
    wrong = focal.post(path_of(a, f"/scores/{score.pk + 1}/files/{stored['id']}/remove"))
    assert wrong.status_code == 404


def test_the_detail_costs_the_same_queries_however_many_files(
    world, opened, django_assert_max_num_queries
):
    a = opened["CTH"]
    focal = api_as(world, "focal_a")
    scores = unit_scored(a)
    services.score_save(
        actor=world.users["focal_a"],
        score=scores[0],
        self_points=None,
        explanation="",
        no_evidence_reason="",
        files=[pdf()],
    )
    focal.get(path_of(a))  # the token's first use
    with django_assert_max_num_queries(40) as one:
        assert focal.get(path_of(a)).status_code == 200
    for score in scores[1:5]:
        services.score_save(
            actor=world.users["focal_a"],
            score=score,
            self_points=score.criterion.max_points,
            explanation="Có",
            no_evidence_reason="",
            files=[pdf("a.pdf"), pdf("b.pdf")],
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = focal.get(path_of(a)).json()
    assert sum(len(r["files"]) for r in body["criteria"]) == 9
