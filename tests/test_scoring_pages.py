"""The assessment pages (issue 12, journey 7): the office opens a set's assessments and
follows their progress; the unit scores itself on its page, its head sends; the council
appraises from its queue; the unit answers once; the office finalises and reopens. Who sees
what, each action's effect and audit, hostile input refused without a 500 or a change."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, Method, Score, ScoreFile
from tests.snapshots import restore_or_build
from tests.web_helpers import on_day

pytestmark = pytest.mark.django_db

# The day after the example set's cut-off (31/12/2026): the office may finalise.
AFTER_CUT_OFF = datetime.date(2027, 1, 5)
ROLES = ["office", "leader", "appraiser", "viewer", "head_a", "focal_a", "head_b", "focal_b"]
OVERSEERS = {"office", "leader", "appraiser", "viewer"}


@pytest.fixture
def criteria_set(world):
    return restore_or_build("criteria_set", lambda: _criteria_set_made(world))


def _criteria_set_made(world):
    office = world.users["office"]
    with on_day(world.issued_on):
        made = set_services.criteria_set_create_example(
            actor=office, unit=world.units["TCCT"], year=2026
        )
        return set_services.criteria_set_mark_in_use(actor=office, criteria_set=made)


@pytest.fixture
def opened(world, criteria_set):
    made = services.assessments_open(
        actor=world.users["office"],
        criteria_set=criteria_set,
        units=[world.units["CTH"], world.units["CTC"]],
    )
    return {a.unit.code: a for a in made}


@pytest.fixture
def web(client, world):
    def login(role):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return login


def _pdf(name="qd.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def _url(name, pk):
    return reverse(f"scoring:{name}", args=[pk])


def _scores(assessment, method=None):
    scores = assessment.scores.select_related("criterion").order_by("criterion__order", "pk")
    if method:
        scores = scores.filter(criterion__method=method)
    return list(scores)


def _version(assessment) -> int:
    return Assessment.objects.get(pk=assessment.pk).version


def _score_all(assessment, actor):
    for score in assessment.scores.select_related("criterion"):
        if score.criterion.method in services.UNIT_SCORED:
            services.score_save(
                actor=actor,
                score=score,
                self_points=score.criterion.max_points,
                explanation="Đã thực hiện",
                no_evidence_reason="Văn bản nội bộ",
            )


def _submitted(world, assessment):
    _score_all(assessment, world.users["focal_a"])
    return services.assessment_submit(actor=world.users["head_a"], assessment=assessment)


def _appraised(world, assessment, lower=None):
    _submitted(world, assessment)
    if lower is not None:
        services.appraisal_save(
            actor=world.users["appraiser"],
            score=lower,
            appraised_points=Decimal("0"),
            comment="Thiếu văn bản",
        )
    return services.appraisal_send(actor=world.users["appraiser"], assessment=assessment, note="")


def _events(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_a_draft_is_its_units_own(web, world, opened, role):
    a = opened["CTH"]
    response = web(role).get(_url("assessment-detail", a.pk))
    assert response.status_code == (200 if role in ("head_a", "focal_a") else 404)
    score = _scores(a, Method.MANUAL)[0]
    services.score_save(
        actor=world.users["focal_a"],
        score=score,
        self_points=Decimal("1"),
        explanation="Giải thích riêng của Cục TH",
        no_evidence_reason="",
        files=[_pdf()],
    )
    stored = ScoreFile.objects.get(score=score)
    download = web(role).get(_url("score-file-download", stored.pk))
    assert download.status_code == (200 if role in ("head_a", "focal_a") else 404)
    assert "Giải thích riêng" not in (
        download.content.decode(errors="replace") if not download.streaming else ""
    )


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_after_sending_the_branch_reads_it_the_other_unit_never(web, world, opened, role):
    a = opened["CTH"]
    _submitted(world, a)
    response = web(role).get(_url("assessment-detail", a.pk))
    allowed = role in OVERSEERS or role in ("head_a", "focal_a")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert "Đã thực hiện" in response.content.decode()


def test_the_unit_does_not_see_the_councils_points_before_they_are_sent(web, world, opened):
    a = opened["CTH"]
    _submitted(world, a)
    manual = _scores(a, Method.MANUAL)[0]
    services.appraisal_save(
        actor=world.users["appraiser"],
        score=manual,
        appraised_points=Decimal("0"),
        comment="Nhận xét còn đang cân nhắc",
    )
    unit_page = web("focal_a").get(_url("assessment-detail", a.pk)).content.decode()
    assert "Nhận xét còn đang cân nhắc" not in unit_page
    council_page = web("appraiser").get(_url("assessment-detail", a.pk)).content.decode()
    assert "Nhận xét còn đang cân nhắc" in council_page
    services.appraisal_send(actor=world.users["appraiser"], assessment=a, note="")
    unit_page = web("focal_a").get(_url("assessment-detail", a.pk)).content.decode()
    assert "Nhận xét còn đang cân nhắc" in unit_page
    assert "Hội đồng chấm khác đơn vị" in unit_page  # the difference says so, not colour only


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_progress_is_the_branchs_and_links_only_what_the_viewer_opens(web, world, opened, role):
    _submitted(world, opened["CTH"])  # CTC stays a draft
    response = web(role).get(_url("assessment-progress", opened["CTH"].criteria_set_id))
    if role not in OVERSEERS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert _url("assessment-detail", opened["CTH"].pk) in body
    assert _url("assessment-detail", opened["CTC"].pk) not in body  # a draft: no link
    assert "Cục Cán bộ" in body
    counts = response.context["progress"].counts
    assert counts[AssessmentStatus.DRAFT] == 1 and counts[AssessmentStatus.SUBMITTED] == 1
    scored = {a.unit.code: (a.scored, a.to_score) for a in response.context["progress"].assessments}
    assert scored["CTH"][0] == scored["CTH"][1] > 0 and scored["CTC"][0] == 0


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_my_assessments_list_only_the_persons_units(web, world, opened, role):
    response = web(role).get(reverse("scoring:assessment-mine"))
    assert response.status_code == 200
    shown = {a.unit.code for a in response.context["assessments"]}
    expected = {"head_a": {"CTH"}, "focal_a": {"CTH"}, "head_b": {"CTC"}, "focal_b": {"CTC"}}
    assert shown == expected.get(role, set())


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_the_appraisal_queue_is_the_councils(web, world, opened, role):
    _submitted(world, opened["CTH"])
    response = web(role).get(reverse("scoring:appraisal-queue"))
    if role != "appraiser":
        assert response.status_code == 403
        return
    assert [a.unit.code for a in response.context["assessments"]] == ["CTH"]


def test_an_appraiser_lands_on_the_queue_others_on_the_dashboard(web, world):
    assert web("appraiser").get("/")["Location"] == reverse("scoring:appraisal-queue")
    for role in ("office", "focal_a", "viewer"):
        assert web(role).get("/")["Location"] == reverse("plans:dashboard"), role


def test_the_nav_brings_each_role_to_its_scoring_page(web, world, opened):
    expected = {
        "focal_a": reverse("scoring:assessment-mine"),
        "head_b": reverse("scoring:assessment-mine"),
        "appraiser": reverse("scoring:appraisal-queue"),
        "office": reverse("scoring:set-list"),
    }
    for role, url in expected.items():
        body = web(role).get(reverse("scoring:set-list")).content.decode()
        assert f'href="{url}">Chấm điểm' in body, role


# --- opening ---------------------------------------------------------------------------------


def test_the_office_opens_the_units_leading_tasks_by_default(web, world, criteria_set):
    client = web("office")
    page = client.get(_url("assessments-open", criteria_set.pk))
    assert page.status_code == 200
    initial = set(page.context["form"].initial["units"])
    assert initial == {world.units["CTH"].pk, world.units["CTC"].pk}  # not VP: it leads none
    before = _events("assessment.open")
    response = client.post(
        _url("assessments-open", criteria_set.pk), {"units": [world.units["CTH"].pk]}
    )
    assert response.status_code == 302
    assert Assessment.objects.filter(criteria_set=criteria_set).count() == 1
    assert _events("assessment.open") == before + 1
    again = client.get(_url("assessments-open", criteria_set.pk))
    assert world.units["CTH"].pk not in {
        u.pk for u in again.context["form"].fields["units"].queryset
    }


@pytest.mark.parametrize(
    "units",
    [[], ["abc"], [str(2**70)], ["-1"], ["999999"], ["BQP"]],
)
def test_opening_refuses_what_is_not_a_unit_of_the_list(web, world, criteria_set, units):
    values = [world.units["BQP"].pk if u == "BQP" else u for u in units]
    response = web("office").post(_url("assessments-open", criteria_set.pk), {"units": values})
    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", ["leader", "appraiser", "viewer", "head_a", "focal_a", "nobody"])
def test_only_the_office_opens(web, world, criteria_set, role):
    response = web(role).post(
        _url("assessments-open", criteria_set.pk), {"units": [world.units["CTH"].pk]}
    )
    assert response.status_code in (403, 404)
    assert not Assessment.objects.exists()


# --- the unit's self-assessment ----------------------------------------------------------------


def test_the_focal_officer_scores_with_a_file_and_removes_it(web, world, opened):
    a = opened["CTH"]
    score = _scores(a, Method.MANUAL)[0]
    client = web("focal_a")
    prefix = f"s{score.pk}-"
    response = client.post(
        _url("score-save", score.pk),
        {
            prefix + "version": a.version,
            prefix + "self_points": "0,5",
            prefix + "explanation": "Ban hành kế hoạch",
            prefix + "no_evidence_reason": "",
            prefix + "files": [_pdf("ke-hoach.pdf"), _pdf("bao-cao.pdf")],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#score-{score.pk}")
    score.refresh_from_db()
    assert score.self_points == Decimal("0.5") and score.files.count() == 2
    assert _events("assessment.score") == 1
    shown = client.get(response["Location"])
    assert shown.context["saved"] == score.pk and "Đã lưu." in shown.content.decode()
    for saved in ("abc", "9" * 5000, "-1", ""):
        assert client.get(_url("assessment-detail", a.pk), {"saved": saved}).status_code == 200
    page = client.get(_url("assessment-detail", a.pk)).content.decode()
    assert "ke-hoach.pdf" in page and "Ban hành kế hoạch" in page
    stored = score.files.get(original_name="ke-hoach.pdf")
    download = client.get(_url("score-file-download", stored.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.post(_url("score-file-remove", stored.pk)).status_code == 302
    assert score.files.count() == 1 and _events("assessment.file_remove") == 1


def test_a_file_removed_once_sent_is_refused_on_the_page_not_a_403(web, world, opened):
    """The unit's step, but no longer its state: the page says why (409); without the
    unit's role, still 403. Nothing is removed either way."""
    a = opened["CTH"]
    score = _scores(a, Method.MANUAL)[0]
    services.score_save(
        actor=world.users["focal_a"],
        score=score,
        self_points=None,
        explanation="",
        no_evidence_reason="",
        files=[_pdf("ke-hoach.pdf")],
    )
    stored = score.files.get()
    _submitted(world, a)
    response = web("focal_a").post(_url("score-file-remove", stored.pk))
    assert response.status_code == 409
    assert "không bỏ tệp được nữa" in response.content.decode()
    assert web("office").post(_url("score-file-remove", stored.pk)).status_code == 403
    assert score.files.count() == 1 and _events("assessment.file_remove") == 0


HOSTILE_POINTS = ["-1", "1e9", "abc", "9" * 5000, "1,234", "Infinity", "NaN", "0x10"]


@pytest.mark.parametrize("points", HOSTILE_POINTS)
def test_hostile_points_change_nothing(web, world, opened, points):
    a = opened["CTH"]
    score = _scores(a, Method.MANUAL)[0]
    prefix = f"s{score.pk}-"
    response = web("focal_a").post(
        _url("score-save", score.pk),
        {prefix + "version": a.version, prefix + "self_points": points},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert score.criterion.code in body  # the error names the criterion
    field = re.search(rf'<input[^>]*name="s{score.pk}-self_points"[^>]*>', body)
    assert field and "autofocus" in field.group(0)  # the browser goes to the wrong field
    score.refresh_from_db()
    assert score.self_points is None and _version(a) == a.version
    assert _events("assessment.score") == 0


def test_huge_text_and_missing_fields_change_nothing(web, world, opened):
    a = opened["CTH"]
    score = _scores(a, Method.MANUAL)[0]
    prefix = f"s{score.pk}-"
    client = web("focal_a")
    for data in (
        {prefix + "version": a.version, prefix + "explanation": "x" * 10001},
        {prefix + "version": a.version, prefix + "no_evidence_reason": "x" * 4001},
        {prefix + "self_points": "1"},  # no version
        {prefix + "version": "abc", prefix + "self_points": "1"},
        {prefix + "version": str(2**70), prefix + "self_points": "1"},
        {},
    ):
        response = client.post(_url("score-save", score.pk), data)
        assert response.status_code == 400, data
    assert _version(a) == a.version and _events("assessment.score") == 0


def test_a_yes_no_criterion_takes_all_or_nothing(web, world, opened):
    a = opened["CTH"]
    score = _scores(a, Method.YES_NO)[0]
    prefix = f"s{score.pk}-"
    client = web("focal_a")
    half = score.criterion.max_points / 2
    response = client.post(
        _url("score-save", score.pk),
        {prefix + "version": a.version, prefix + "self_points": str(half)},
    )
    assert response.status_code == 400 and "Có/Không" in response.content.decode()
    response = client.post(
        _url("score-save", score.pk), {prefix + "version": a.version, prefix + "self_points": "0"}
    )
    assert response.status_code == 302


def test_a_stale_page_keeps_what_was_typed(web, world, opened):
    a = opened["CTH"]
    first, second = _scores(a, Method.MANUAL)[:2]
    services.score_save(
        actor=world.users["head_a"],
        score=first,
        self_points=Decimal("0"),
        explanation="",
        no_evidence_reason="",
        version=a.version,
    )
    prefix = f"s{second.pk}-"
    response = web("focal_a").post(
        _url("score-save", second.pk),
        {
            prefix + "version": a.version,
            prefix + "self_points": "0",
            prefix + "explanation": "Chép lại được",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Chép lại được" in body and "vừa được người khác thay đổi" in body
    form = response.context["lines"]
    kept = next(
        line.self_form for line in form if line.row.score and line.row.score.pk == second.pk
    )
    assert kept["version"].value() == str(_version(a))  # sent again, it goes through
    second.refresh_from_db()
    assert second.explanation == ""


def test_a_score_of_another_assessment_is_not_found(web, world, opened):
    other = _scores(opened["CTC"], Method.MANUAL)[0]
    prefix = f"s{other.pk}-"
    response = web("focal_a").post(
        _url("score-save", other.pk),
        {prefix + "version": opened["CTC"].version, prefix + "self_points": "0"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.self_points is None
    services.score_save(
        actor=world.users["focal_b"],
        score=other,
        self_points=None,
        explanation="",
        no_evidence_reason="",
        files=[_pdf()],
    )
    theirs = other.files.get()
    client = web("focal_a")
    assert client.post(_url("score-file-remove", theirs.pk)).status_code == 404
    assert client.get(_url("score-file-download", theirs.pk)).status_code == 404
    for name in ("score-appraise", "score-survey"):
        assert web("appraiser").post(_url(name, other.pk), {}).status_code == 404
    assert other.files.exists()
    # A ratio criterion is not the unit's to score.
    ratio = _scores(opened["CTH"], Method.RATIO)[0]
    assert web("focal_a").post(_url("score-save", ratio.pk), {}).status_code == 403


def test_the_head_sends_once_the_problems_are_gone(web, world, opened):
    a = opened["CTH"]
    client = web("head_a")
    page = client.get(_url("assessment-detail", a.pk))
    problems = page.context["problems"]
    assert problems and any(_scores(a, Method.MANUAL)[0].criterion.code in p for p in problems)
    response = client.post(_url("assessment-submit", a.pk), {"version": a.version})
    assert response.status_code == 400 and problems[0] in response.content.decode()
    assert _version(a) == a.version
    assert web("focal_a").get(_url("assessment-detail", a.pk)).context["problems"] == problems
    focal = web("focal_a").post(_url("assessment-submit", a.pk), {"version": a.version})
    assert focal.status_code == 403
    _score_all(a, world.users["focal_a"])
    version = _version(a)
    response = web("head_a").post(_url("assessment-submit", a.pk), {"version": version})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.SUBMITTED
    assert _events("assessment.submit") == 1
    # A second click (the page drawn before the first was taken): the page saying why, not
    # a 403 page; a focal officer's, without the head's role, still 403.
    again = web("head_a").post(_url("assessment-submit", a.pk), {"version": version})
    assert again.status_code == 409 and _events("assessment.submit") == 1
    assert "không gửi lại được" in again.content.decode()
    assert again.context["a"].status == AssessmentStatus.SUBMITTED
    focal = web("focal_a").post(_url("assessment-submit", a.pk), {"version": _version(a)})
    assert focal.status_code == 403


# --- the council, the unit's answer, the office ------------------------------------------------


def test_the_council_appraises_lower_and_the_unit_answers_once(web, world, opened):
    a = opened["CTH"]
    _submitted(world, a)
    manual = _scores(a, Method.MANUAL)[0]
    client = web("appraiser")
    prefix = f"a{manual.pk}-"
    response = client.post(
        _url("score-appraise", manual.pk),
        {
            prefix + "version": _version(a),
            prefix + "appraised_points": "0",
            prefix + "comment": "Thiếu",
        },
    )
    assert response.status_code == 302 and _events("assessment.appraise") == 1
    response = client.post(_url("appraisal-send", a.pk), {"version": _version(a), "note": "Đạt"})
    assert response.status_code == 302 and _events("assessment.appraisal_send") == 1
    unit = web("focal_a")
    page = unit.get(_url("assessment-detail", a.pk))
    assert f"answer_{manual.pk}" in page.context["answer_form"].fields
    differing = [line.row for line in page.context["lines"] if line.row.differs]
    assert [r.score.pk for r in differing] == [manual.pk]
    other = _scores(opened["CTC"], Method.MANUAL)[0]
    hostile = unit.post(
        _url("assessment-answer", a.pk),
        {"version": _version(a), "note": "", f"answer_{other.pk}": "Không thuộc"},
    )
    assert hostile.status_code == 400  # nothing to say: the foreign field is not the form's
    response = unit.post(
        _url("assessment-answer", a.pk),
        {"version": _version(a), "note": "Đề nghị xem lại", f"answer_{manual.pk}": "Có văn bản"},
    )
    assert response.status_code == 302 and _events("assessment.answer") == 1
    manual.refresh_from_db()
    assert manual.answer == "Có văn bản"
    again = unit.post(_url("assessment-answer", a.pk), {"version": _version(a), "note": "Lần hai"})
    assert again.status_code == 409 and _events("assessment.answer") == 1
    assert "đơn vị chỉ giải trình một lần" in again.content.decode()
    assert again.context["answer_form"] is None  # the page as it stands: nothing to answer


@pytest.mark.parametrize("role", ["office", "leader", "viewer", "head_a", "focal_a", "head_b"])
def test_only_the_council_appraises(web, world, opened, role):
    a = opened["CTH"]
    _submitted(world, a)
    manual = _scores(a, Method.MANUAL)[0]
    prefix = f"a{manual.pk}-"
    response = web(role).post(
        _url("score-appraise", manual.pk),
        {prefix + "version": _version(a), prefix + "appraised_points": "0"},
    )
    assert response.status_code in (403, 404)
    sent = web(role).post(_url("appraisal-send", a.pk), {"version": _version(a)})
    assert sent.status_code in (403, 404)
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.SUBMITTED
    manual.refresh_from_db()
    assert manual.appraised_points is None


def test_the_office_enters_survey_points_finalises_and_reopens(web, world, opened):
    a = opened["CTH"]
    _appraised(world, a, lower=_scores(a, Method.MANUAL)[0])
    client = web("office")
    for survey in _scores(a, Method.SURVEY):
        prefix = f"v{survey.pk}-"
        bad = client.post(
            _url("score-survey", survey.pk),
            {prefix + "version": _version(a), prefix + "points": "1e9"},
        )
        assert bad.status_code == 400
        response = client.post(
            _url("score-survey", survey.pk),
            {prefix + "version": _version(a), prefix + "points": str(survey.criterion.max_points)},
        )
        assert response.status_code == 302
    assert _events("assessment.survey") == len(_scores(a, Method.SURVEY))
    with on_day(datetime.date(2026, 12, 30)):
        early = client.post(_url("assessment-finalise", a.pk), {"version": _version(a)})
    assert early.status_code == 400 and "Chưa đến ngày chốt số liệu" in early.content.decode()
    with on_day(AFTER_CUT_OFF):
        response = client.post(_url("assessment-finalise", a.pk), {"version": _version(a)})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.FINALISED and a.total is not None
    page = client.get(_url("assessment-detail", a.pk))
    assert page.context["page"].totals["points"] == a.total
    assert "Tổng điểm đã chốt" in page.content.decode()
    # The unit reads its own rank and grade, the only unit finalised so far.
    unit = Client()
    unit.force_login(world.users["focal_a"])
    own = unit.get(_url("assessment-detail", a.pk)).content.decode()
    assert "xếp thứ 1/1 đơn vị đã chốt" in own
    assert "còn 1 đơn vị chưa chốt" in own
    for bad in ({"version": a.version, "reason": "", "to": "draft"},
                {"version": a.version, "reason": "x", "to": "finalised"},
                {"version": a.version, "reason": "x" * 4001, "to": "draft"},
                {"reason": "x", "to": "draft"}):  # fmt: skip
        assert client.post(_url("assessment-reopen", a.pk), bad).status_code == 400, bad
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.FINALISED
    response = client.post(
        _url("assessment-reopen", a.pk),
        {"version": a.version, "reason": "Sai số liệu", "to": "draft"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and a.total is None
    assert _events("assessment.finalise") == 1 and _events("assessment.reopen") == 1
    assert "Sai số liệu" in web("focal_a").get(_url("assessment-detail", a.pk)).content.decode()


@pytest.mark.parametrize("role", ["leader", "appraiser", "viewer", "head_a", "focal_a"])
def test_only_the_office_finalises_and_reopens(web, world, opened, role):
    a = opened["CTH"]
    _appraised(world, a)
    client = web(role)
    assert client.post(_url("assessment-finalise", a.pk), {"version": a.version}).status_code in (
        403,
        404,
    )
    response = client.post(
        _url("assessment-reopen", a.pk), {"version": _version(a), "reason": "x", "to": "draft"}
    )
    assert response.status_code in (403, 404)
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.APPRAISED


def test_a_computed_criterion_links_what_it_counted(web, world, opened):
    a = opened["CTH"]
    page = web("focal_a").get(_url("assessment-detail", a.pk))
    lines = {
        line.row.criterion.ratio_source: line for line in page.context["lines"] if line.row.ratio
    }
    tasks = lines["tasks_on_time"]
    assert tasks.row.ratio.counted  # the world's overdue task of agency A is due
    body = page.content.decode()
    for item in tasks.items:
        assert item.url in body
    assert reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk]) in {
        i.url for i in tasks.items
    }
    assert "Điểm dự kiến" in body or not page.context["page"].projected


def test_the_page_reads_a_fixed_number_of_queries(web, world, opened, criteria_set):
    a = opened["CTH"]
    client = web("focal_a")
    url = _url("assessment-detail", a.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for score in _scores(a, Method.MANUAL)[:4]:
        services.score_save(
            actor=world.users["focal_a"],
            score=score,
            self_points=Decimal("0"),
            explanation="x",
            no_evidence_reason="",
            files=[_pdf("a.pdf"), _pdf("b.pdf")],
        )
    # More criteria: new leaves of the set (bypassing the lock on purpose) with their scores.
    area = criteria_set.criteria.get(code="1")
    for n in range(10):
        made = criteria_set.criteria.create(
            parent=area,
            code=f"1.{90 + n}",
            title="Thêm",
            max_points=Decimal("0"),
            method=Method.MANUAL,
        )
        Score.objects.create(assessment=a, criterion=made)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_points_read_as_a_reader_writes_them():
    from cchc.lib.numbers import format_points

    assert [format_points(v) for v in (Decimal("89.50"), Decimal("100.00"), Decimal("0"))] == [
        "89,5",
        "100",
        "0",
    ]
    assert format_points(None) == "–"


@pytest.mark.parametrize("version", [None, "", "abc", "-1", str(2**70), "1e3", "0" * 5000])
def test_a_step_with_a_broken_version_changes_nothing(web, world, opened, version):
    a = opened["CTH"]
    _appraised(world, a, lower=_scores(a, Method.MANUAL)[0])
    data = {} if version is None else {"version": version}
    steps = {
        "focal_a": [("assessment-answer", {"note": "x" * 10001}), ("assessment-answer", {})],
        "office": [
            ("assessment-finalise", {}),
            ("assessment-reopen", {"reason": "x", "to": "draft"}),
        ],
    }
    events, before = AuditEvent.objects.count(), _version(a)
    for role, posts in steps.items():
        for name, extra in posts:
            response = web(role).post(_url(name, a.pk), data | extra)
            assert response.status_code == 400, (name, version)
    fresh = Assessment.objects.get(pk=a.pk)
    assert fresh.status == AssessmentStatus.APPRAISED and fresh.version == before
    assert AuditEvent.objects.count() == events
