"""The office's page of a set's survey points (điểm điều tra xã hội học): every unit × each
survey criterion, entered at any time before the unit's assessment is finalised, a draft
included, without showing anything of the unit's own scoring; saved at once (one refused,
none written); only the set's office; hostile input named, never a 500; a fixed number of
queries however many units."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.orgs import services as org_services
from cchc.scoring import assessment_selectors as selectors
from cchc.scoring import assessment_services as services
from cchc.scoring import results
from cchc.scoring import services as set_services
from cchc.scoring.assessment_forms import points_text
from cchc.scoring.models import Assessment, AssessmentStatus, Method, Score
from tests.snapshots import restore_or_build
from tests.test_scoring_pages import (
    AFTER_CUT_OFF,
    _appraised,
    _criteria_set_made,
    _pdf,
    _scores,
    _url,
)
from tests.web_helpers import on_day

pytestmark = pytest.mark.django_db

SECRET = "Giải thích riêng của Cục TH"
REASON = "Lý do riêng chưa có văn bản"
SELF_POINTS = Decimal("0.37")  # no survey criterion shows 0,37


@pytest.fixture
def criteria_set(world):
    """The example set in use (test_scoring_pages')."""
    return restore_or_build("criteria_set", lambda: _criteria_set_made(world))


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
        client.force_login(world.users[role])
        return client

    return login


@pytest.fixture
def secret_draft(world, opened):
    """Agency A's draft with its own points, explanation, reason and a file."""
    a = opened["CTH"]
    manual = _scores(a, Method.MANUAL)[0]
    services.score_save(
        actor=world.users["focal_a"],
        score=manual,
        self_points=SELF_POINTS,
        explanation=SECRET,
        no_evidence_reason=REASON,
        files=[_pdf("bi-mat-cuc-th.pdf")],
    )
    return a


def _page_url(the_set) -> str:
    return _url("survey-points", the_set.pk)


def _form(table_page) -> dict:
    """What the page's form sends untouched: every box and hidden field as drawn."""
    form = table_page.context["form"]
    data = {}
    for name, field in form.fields.items():
        drawn = name.startswith("drawn_")
        if drawn or form.cells[int(name.removeprefix("points_"))][1].editable:
            data[name] = field.initial
    return data


def _survey(assessment) -> list[Score]:
    return _scores(assessment, Method.SURVEY)


def _events() -> int:
    return AuditEvent.objects.filter(action="assessment.survey").count()


# --- the way: a draft's survey points count in the finalised result ----------------------------


def test_the_office_enters_a_drafts_survey_points_which_count_once_finalised(
    web, world, secret_draft, opened
):
    a, b = secret_draft, opened["CTC"]
    client = web("office")
    page = client.get(_page_url(a.criteria_set))
    assert page.status_code == 200
    body = page.content.decode()
    # Nothing of the unit's own work: its explanation, reason, file, points.
    for hidden in (SECRET, REASON, "bi-mat-cuc-th.pdf", points_text(SELF_POINTS)):
        assert hidden not in body, hidden
    assert "Cục Tuyên huấn" in body and "Cục Cán bộ" in body
    survey = _survey(a)
    assert len(survey) == 4
    for score in survey:
        assert f'name="points_{score.pk}"' in body
        assert score.criterion.code in body
    # The maximum of each criterion is shown.
    assert f"tối đa {points_text(survey[0].criterion.max_points)}" in body

    entered = dict(zip([s.pk for s in survey], ["2,5", "1.25", "2", "3,75"], strict=True))
    data = _form(page) | {f"points_{pk}": v for pk, v in entered.items()}
    data[f"points_{_survey(b)[0].pk}"] = "1"
    response = client.post(_page_url(a.criteria_set), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _events() == 5
    shown = client.get(response["Location"])
    assert "Đã lưu 5 điểm điều tra xã hội học." in shown.content.decode()
    values = {s.pk: s.appraised_points for s in _survey(a)}
    assert values == dict(zip(values, map(Decimal, ["2.5", "1.25", "2", "3.75"]), strict=True))
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT  # the unit's step untouched
    # Saved again unchanged: nothing written.
    again = client.post(_page_url(a.criteria_set), _form(client.get(_page_url(a.criteria_set))))
    assert again.status_code == 302 and _events() == 5

    # The unit sends, the council appraises, the office finalises: the survey counts.
    _appraised(world, a)
    with on_day(AFTER_CUT_OFF):
        services.assessment_finalise(actor=world.users["office"], assessment=a)
    a.refresh_from_db()
    finals = [s.final_points for s in _survey(a)]
    assert finals == [Decimal("2.5"), Decimal("1.25"), Decimal("2"), Decimal("3.75")]
    assert a.total == sum(s.final_points for s in a.scores.all())
    found = results.results_get(user=world.users["office"], criteria_set=a.criteria_set)
    row = next(r for r in found.results.ranked if r.entry.assessment_id == a.pk)
    assert row.total == a.total
    # Finalised: read only on the page, the points shown.
    page = client.get(_page_url(a.criteria_set))
    body = page.content.decode()
    assert f'name="points_{survey[0].pk}"' not in body
    assert f'name="points_{_survey(b)[0].pk}"' in body  # agency B's draft still open
    locked = re.search(rf'<tr id="unit-{a.pk}">.*?</tr>', body, re.S)
    assert locked and "2,5" in locked.group(0) and "đã chốt" in locked.group(0)


def test_the_page_is_linked_for_the_office_only(web, world, opened):
    the_set = opened["CTH"].criteria_set
    link = f'href="{_page_url(the_set)}"'
    for name in ("assessment-progress", "set-detail"):
        assert link in web("office").get(_url(name, the_set.pk)).content.decode(), name
        assert link not in web("leader").get(_url(name, the_set.pk)).content.decode()


# --- who ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["focal_a", "head_a", "focal_b", "leader", "appraiser", "viewer", "nobody", "office_h"]
)
def test_only_the_sets_office_reads_and_writes_it(web, world, secret_draft, sibling, role):
    a = secret_draft
    user = sibling["office"] if role == "office_h" else world.users[role]
    client = Client()
    client.force_login(user)
    score = _survey(a)[0]
    got = client.get(_page_url(a.criteria_set))
    sent = client.post(
        _page_url(a.criteria_set), {f"points_{score.pk}": "1", f"drawn_{score.pk}": ""}
    )
    for response in (got, sent):
        assert response.status_code in (403, 404), role
        assert SECRET not in response.content.decode()
    assert _events() == 0 and Score.objects.get(pk=score.pk).appraised_points is None
    # Nor through the service, nor the office's reads.
    with pytest.raises(PermissionDenied):
        services.survey_points_set(
            actor=user, criteria_set=a.criteria_set, points={score.pk: Decimal("1")}
        )
    assert not selectors.survey_scores(user=user).filter(assessment=a).exists()


def test_the_survey_read_returns_nothing_but_survey_scores(world, secret_draft):
    office = world.users["office"]
    found = selectors.survey_scores(user=office).filter(assessment=secret_draft)
    assert {s.criterion.method for s in found.select_related("criterion")} == {Method.SURVEY}
    manual = _scores(secret_draft, Method.MANUAL)[0]
    with pytest.raises(Http404):
        selectors.survey_score_get(user=office, pk=manual.pk)  # a draft's: not found


# --- hostile input ------------------------------------------------------------------------------


HOSTILE = ["-1", "abc", "1e9", "9" * 5000, "NaN", "Infinity", "1,234", "0,001", "4,01", "0x10"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_points_are_named_kept_and_write_nothing(web, world, opened, value):
    a = opened["CTH"]
    client = web("office")
    page = client.get(_page_url(a.criteria_set))
    target = next(s for s in _survey(a) if s.criterion.code == "3.4")  # at most 4 points
    other = _survey(opened["CTC"])[0]
    data = _form(page) | {f"points_{target.pk}": value, f"points_{other.pk}": "1"}
    response = client.post(_page_url(a.criteria_set), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cục Tuyên huấn, tiêu chí 3.4" in body  # names the unit and the criterion
    box = re.search(rf'<input[^>]*name="points_{target.pk}"[^>]*>', body)
    assert box and "is-invalid" in box.group(0) and "autofocus" in box.group(0)
    if len(value) < 100:
        assert f'value="{value}"' in box.group(0)  # as typed
    kept = re.search(rf'<input[^>]*name="points_{other.pk}"[^>]*>', body)
    assert kept and 'value="1"' in kept.group(0)
    assert _events() == 0
    assert not Score.objects.filter(pk__in=[target.pk, other.pk], appraised_points__isnull=False)


def test_missing_stray_and_foreign_cells_write_nothing(web, world, opened):
    a = opened["CTH"]
    office = world.users["office"]
    client = web("office")
    url = _page_url(a.criteria_set)
    draw = _form(client.get(url))
    target, second = _survey(a)[:2]
    # Another set of the same office, in use, with its own survey scores.
    with on_day(world.issued_on):
        made = set_services.criteria_set_create_example(
            actor=office, unit=world.units["TCCT"], year=2027
        )
        other_set = set_services.criteria_set_mark_in_use(actor=office, criteria_set=made)
    (foreign,) = services.assessments_open(
        actor=office, criteria_set=other_set, units=[world.units["CTH"]]
    )
    theirs = _survey(foreign)[0]
    manual = _scores(a, Method.MANUAL)[0]
    cases = {
        "missing box": ({k: v for k, v in draw.items() if k != f"points_{target.pk}"}, "3.4"),
        "missing drawn": ({k: v for k, v in draw.items() if k != f"drawn_{target.pk}"}, "3.4"),
        "broken drawn": (draw | {f"drawn_{target.pk}": "abc"}, "3.4"),
        "another set's": (draw | {f"points_{theirs.pk}": "1"}, "không thuộc bảng này"),
        "a manual one": (draw | {f"points_{manual.pk}": "1"}, "không thuộc bảng này"),
        "nothing": ({}, "tiêu chí"),
    }
    for case, (data, said) in cases.items():
        data = data | {f"points_{second.pk}": "1"} if data else data
        response = client.post(url, data)
        assert response.status_code == 400, case
        assert said in response.content.decode(), case
    assert _events() == 0
    assert not Score.objects.filter(appraised_points__isnull=False).exists()
    # The service itself refuses what is not the set's survey scores, naming nothing of it.
    for pk in (theirs.pk, manual.pk, 2**40):
        with pytest.raises(ValidationError):
            services.survey_points_set(
                actor=office, criteria_set=a.criteria_set, points={pk: Decimal("1")}
            )
    for value in (Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1.234")):
        with pytest.raises(ValidationError) as refused:
            services.survey_points_set(
                actor=office, criteria_set=a.criteria_set, points={target.pk: value}
            )
        assert f"points_{target.pk}" in refused.value.message_dict
    assert _events() == 0


def test_one_refused_cell_writes_none_and_a_stale_one_is_kept_to_save_again(web, world, opened):
    a, b = opened["CTH"], opened["CTC"]
    office = world.users["office"]
    client = web("office")
    url = _page_url(a.criteria_set)
    # Agency A finalised: its cells are read only; changed anyway, refused with B's.
    _appraised(world, a)
    for score in _survey(a):
        services.survey_save(actor=office, score=score, points=Decimal("1"))
    with on_day(AFTER_CUT_OFF):
        services.assessment_finalise(actor=office, assessment=a)
    events = _events()
    draw = _form(client.get(url))
    mine, theirs = _survey(b)[:2]
    locked = _survey(a)[0]
    response = client.post(url, draw | {f"points_{mine.pk}": "2", f"points_{locked.pk}": "0"})
    assert response.status_code == 409
    assert f"Cục Tuyên huấn, tiêu chí {locked.criterion.code}" in response.content.decode()
    assert Score.objects.get(pk=mine.pk).appraised_points is None and _events() == events
    # Someone else enters B's first cell meanwhile: refused as stale, what was typed kept.
    services.survey_save(actor=office, score=theirs, points=Decimal("1.5"))
    events = _events()
    response = client.post(url, draw | {f"points_{theirs.pk}": "2", f"points_{mine.pk}": "1"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "vừa được người khác đổi thành 1.5" in body and "Cục Cán bộ" in body
    box = re.search(rf'<input[^>]*name="points_{theirs.pk}"[^>]*>', body)
    assert box and 'value="2"' in box.group(0)  # as typed
    assert Score.objects.get(pk=mine.pk).appraised_points is None and _events() == events
    # Sent again as the page now stands, it goes over what is shown.
    again = response.context["form"].data
    response = client.post(url, {k: again[k] for k in again if k != "csrfmiddlewaretoken"})
    assert response.status_code == 302
    assert Score.objects.get(pk=theirs.pk).appraised_points == Decimal("2")
    assert Score.objects.get(pk=mine.pk).appraised_points == Decimal("1")
    assert Assessment.objects.get(pk=b.pk).status == AssessmentStatus.DRAFT


# --- cost ---------------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_however_many_units(
    web, world, criteria_set, django_assert_max_num_queries
):
    office = world.users["office"]
    client = web("office")
    url = _page_url(criteria_set)
    services.assessments_open(actor=office, criteria_set=criteria_set, units=[world.units["CTH"]])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    units = [
        org_services.unit_create(
            actor=None, code=f"CX{n}", name=f"Cục thử {n}", parent=world.units["TCCT"]
        )
        for n in range(6)
    ]
    services.assessments_open(
        actor=office, criteria_set=criteria_set, units=[world.units["CTC"], *units]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 8


def test_a_ministrys_units_come_a_page_at_a_time_and_each_page_saves(
    web, world, criteria_set, monkeypatch
):
    """Fifty units a page (three here): the boxes of one page stay within the fields a
    request may carry, and saving a page keeps the office on it."""
    monkeypatch.setattr(selectors, "SURVEY_PAGE_SIZE", 3)
    units = [
        org_services.unit_create(
            actor=None, code=f"CY{n}", name=f"Cục trang {n}", parent=world.units["TCCT"]
        )
        for n in range(7)
    ]
    services.assessments_open(actor=world.users["office"], criteria_set=criteria_set, units=units)
    client = web("office")
    url = _page_url(criteria_set)
    first, last = client.get(url), client.get(url + "?page=3")
    assert len(first.context["table"].rows) == 3 and len(last.context["table"].rows) == 1
    assert "?page=2" in first.content.decode() and "Đơn vị 1–3 trong 7" in first.content.decode()
    for hostile in ("0", "-1", "x", "99999999999999999999", "\x00"):
        assert client.get(url, {"page": hostile}).status_code == 200
    data = _form(last)
    box = next(name for name in data if name.startswith("points_"))
    data[box] = "1"
    response = client.post(url + "?page=3", data)
    assert response.status_code == 302 and response["Location"].endswith("?page=3")
    score = Score.objects.get(pk=int(box.removeprefix("points_")))
    assert score.assessment.unit.code == "CY6" and score.appraised_points == Decimal("1")
