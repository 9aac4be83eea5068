"""Results (issue 12, “Results”): totals per area and overall from the frozen points,
ranking with ties, classification by the set's bands, the cap on the top grade; the
office's settings and closing of a set; the result table and score sheets as files; who
sees what; the page's queries."""

import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.documents import pdf
from cchc.documents import scoring as builder
from cchc.lib.refusals import WrongState
from cchc.orgs import services as org_services
from cchc.scoring import assessment_services as assess
from cchc.scoring import results, results_files
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, CriteriaSet, Score, SetStatus
from cchc.scoring.results import Bands, Entry, Grade, classify, competition_ranks
from tests.conftest import require
from tests.snapshots import restore_or_build
from tests.web_helpers import on_day

D = Decimal
ROLES = ["office", "leader", "appraiser", "viewer", "head_a", "focal_a", "head_b", "focal_b"]
READERS = {"office", "leader", "appraiser", "viewer"}


# --- the rules on plain data ---------------------------------------------------------------


def entries(*totals, finalised=True) -> list[Entry]:
    """One entry per total (on one area of 100 points), named U1, U2… in the order given."""
    return [
        Entry(unit_id=i, unit_name=f"U{i}", areas=[D(str(t))], finalised=finalised)
        for i, t in enumerate(totals, start=1)
    ]


def graded(found) -> dict[str, tuple]:
    return {r.entry.unit_name: (r.rank, r.grade) for r in found.ranked}


@pytest.mark.parametrize(
    "totals, ranks",
    [
        ([], []),
        ([D(5)], [1]),
        ([D(100), D(100), D(90)], [1, 1, 3]),
        ([D(3), D(2), D(2), D(2), D(1)], [1, 2, 2, 2, 5]),
        ([D(7), D(7), D(7)], [1, 1, 1]),
    ],
)
def test_ties_share_a_rank_and_the_next_skips(totals, ranks):
    assert competition_ranks(totals) == ranks


def test_ranking_sorts_by_total_and_leaves_pending_units_out():
    found = classify(
        entries(80, 95.5, 80, 60) + entries(99, finalised=False)[:1], [D(100)], Bands()
    )
    assert [(r.entry.unit_name, r.rank) for r in found.ranked] == [
        ("U2", 1),
        ("U1", 2),
        ("U3", 2),
        ("U4", 4),
    ]
    assert [p.entry.unit_name for p in found.pending] == ["U1"]
    assert found.pending[0].rank is None and found.pending[0].grade == ""


@pytest.mark.parametrize(
    "total, grade",
    [
        ("100", Grade.EXCELLENT),
        ("90", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("70", Grade.GOOD),
        ("69.99", Grade.PASS),
        ("50", Grade.PASS),
        ("49.99", Grade.FAIL),
        ("0", Grade.FAIL),
    ],
)
def test_band_edges_on_100_points(total, grade):
    found = classify(entries(total), [D(100)], Bands())
    assert found.ranked[0].grade == grade


@pytest.mark.parametrize(
    "total, grade",
    [
        # On 80 points: 72 is exactly 90 %, 71.99 is 89.9875 % (which two decimals would
        # round to 89.99 and one decimal to 90.0: the comparison is exact).
        ("72", Grade.EXCELLENT),
        ("71.99", Grade.GOOD),
        ("56", Grade.GOOD),
        ("55.99", Grade.PASS),
        ("40", Grade.PASS),
        ("39.99", Grade.FAIL),
    ],
)
def test_band_edges_on_another_total(total, grade):
    found = classify(entries(total), [D(50), D(30)], Bands())
    assert found.max_total == D(80)
    assert found.ranked[0].grade == grade
    assert found.ranked[0].percent_text != "90" or grade == Grade.EXCELLENT


def test_a_share_just_below_a_band_never_reads_as_the_band():
    found = classify(entries("71.99"), [D(80)], Bands())
    assert found.ranked[0].percent_text == "89,98"


@pytest.mark.parametrize(
    "total, grade",
    [("85", Grade.EXCELLENT), ("84.99", Grade.GOOD), ("60", Grade.GOOD), ("40", Grade.PASS)],
)
def test_custom_bands(total, grade):
    bands = Bands(D("85"), D("60"), D("40"))
    assert classify(entries(total), [D(100)], bands).ranked[0].grade == grade


def test_no_cap_grades_every_unit_by_its_points():
    found = classify(entries(99, 95, 91, 90), [D(100)], Bands())
    assert {g for _r, g in graded(found).values()} == {Grade.EXCELLENT}
    assert found.cap_note is None


def test_the_cap_takes_units_in_rank_order():
    found = classify(entries(99, 95, 91, 90, 80), [D(100)], Bands(excellent_cap=50))
    # floor(5 × 50 %) = 2
    assert found.cap_note.limit == 2
    assert graded(found) == {
        "U1": (1, Grade.EXCELLENT),
        "U2": (2, Grade.EXCELLENT),
        "U3": (3, Grade.GOOD),
        "U4": (4, Grade.GOOD),
        "U5": (5, Grade.GOOD),
    }
    assert found.cap_note.moved == ["U3", "U4"]
    assert [r.capped for r in found.ranked] == [False, False, True, True, False]


def test_a_tie_across_the_limit_moves_down_as_a_whole_and_so_does_every_unit_below():
    # limit floor(4 × 50 %) = 2: U1 fits; U2 and U3 tie at rank 2 and would make 3.
    found = classify(entries(95, 93, 93, 91), [D(100)], Bands(excellent_cap=50))
    assert graded(found) == {
        "U1": (1, Grade.EXCELLENT),
        "U2": (2, Grade.GOOD),
        "U3": (2, Grade.GOOD),
        "U4": (4, Grade.GOOD),
    }
    assert found.cap_note.moved == ["U2", "U3", "U4"]


def test_a_tie_that_fits_exactly_stays():
    found = classify(entries(95, 95, 91, 60), [D(100)], Bands(excellent_cap=50))
    assert [r.grade for r in found.ranked] == [
        Grade.EXCELLENT,
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.PASS,
    ]


def test_cap_zero_grades_no_unit_excellent():
    found = classify(entries(100, 95), [D(100)], Bands(excellent_cap=0))
    assert [r.grade for r in found.ranked] == [Grade.GOOD, Grade.GOOD]
    assert found.cap_note.limit == 0


@pytest.mark.parametrize("cap, grade", [(50, Grade.GOOD), (99, Grade.GOOD), (100, Grade.EXCELLENT)])
def test_one_unit_under_a_cap(cap, grade):
    # floor(1 × cap %) is 0 below 100 %: the strict reading of “at most cap % of the units”.
    found = classify(entries(98), [D(100)], Bands(excellent_cap=cap))
    assert found.ranked[0].grade == grade
    assert found.ranked[0].band_grade == Grade.EXCELLENT


def test_the_cap_never_touches_other_grades_and_counts_are_per_grade():
    found = classify(entries(95, 92, 75, 55, 10), [D(100)], Bands(excellent_cap=20))
    assert [r.grade for r in found.ranked] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.PASS,
        Grade.FAIL,
    ]
    assert [c for _g, _l, c in found.counts()] == [1, 2, 1, 1]


def test_no_units_and_an_empty_set():
    found = classify([], [], Bands(excellent_cap=10))
    assert found.ranked == [] and found.pending == [] and found.max_total == 0
    assert found.cap_note.limit == 0


# --- the world: a small set scored through the services --------------------------------------


def small_set(world, title="Bộ nhỏ") -> CriteriaSet:
    """Two areas on 100 points (60 + 40), one manual criterion each: totals are what the
    test scores."""
    rows = [(code, points, "manual" if "." in code else "", "") for code, points in
            (("1", 60), ("1.1", 60), ("2", 40), ("2.1", 40))]  # fmt: skip
    return set_in_use(world, title, rows)


def set_in_use(world, title: str, rows) -> CriteriaSet:
    """A set of TCCT for 2026 of (code, points, method, ratio source) rows, in use, with its
    cut-off past."""
    tcct = world.units["TCCT"]
    criteria_set = set_services.criteria_set_create(actor=None, unit=tcct, year=2026, title=title)
    for code, points, method, source in rows:
        set_services.criterion_create(
            actor=None,
            criteria_set=criteria_set,
            values={
                "code": code,
                "title": f"Tiêu chí {code}",
                "max_points": D(points),
                "method": method,
                "ratio_source": source,
                "bands": "100:1; 50:0,5; 0:0" if method == "ratio" else "",
                "guidance": "",
                "evidence_required": "",
            },
        )
    criteria_set = set_services.criteria_set_mark_in_use(actor=None, criteria_set=criteria_set)
    return with_cut_off(criteria_set)


# A cut-off already past: assessments are finalised only from it on.
CUT_OFF = datetime.date(2026, 6, 30)


def with_cut_off(criteria_set: CriteriaSet) -> CriteriaSet:
    return set_services.criteria_set_settings_update(
        actor=None,
        criteria_set=criteria_set,
        values={"cut_off": CUT_OFF, "excellent_from": D(90), "good_from": D(70)}
        | {"pass_from": D(50), "excellent_cap": None},
    )


def score(assessment, values: dict[str, Decimal], *, finalise=True, submit=True) -> Assessment:
    """Self-score each criterion by code, send, accept as scored, finalise (as the system)."""
    for row in assessment.scores.filter(criterion__method__in=assess.UNIT_SCORED).select_related(
        "criterion"
    ):
        assess.score_save(
            actor=None,
            score=row,
            self_points=values.get(row.criterion.code, D(0)),
            explanation="",
            no_evidence_reason="Không có văn bản",
        )
    if submit:
        assess.assessment_submit(actor=None, assessment=assessment)
        assess.appraisal_send(actor=None, assessment=assessment, note="")
    if finalise:
        assess.assessment_finalise(actor=None, assessment=assessment)
    return Assessment.objects.select_related("unit", "criteria_set__unit").get(pk=assessment.pk)


@pytest.fixture
def scored(world):
    return restore_or_build("scored", lambda: _scored_made(world))


def _scored_made(world):
    """CTH 50 + 40 = 90 (excellent), CTC 50 + 40 = 90 (tie), VP 40 + 30 = 70 (good),
    CTH-P1 sent but not finalised, with 20 + 10 (pending)."""
    criteria_set = small_set(world)
    u = world.units
    made = {
        a.unit.code: a
        for a in assess.assessments_open(
            actor=None, criteria_set=criteria_set, units=[u["CTH"], u["CTC"], u["VP"], u["CTH-P1"]]
        )
    }
    score(made["CTH"], {"1.1": D(50), "2.1": D(40)})
    score(made["CTC"], {"1.1": D(50), "2.1": D(40)})
    score(made["VP"], {"1.1": D("40.5"), "2.1": D("29.5")})
    score(made["CTH-P1"], {"1.1": D(20), "2.1": D(10)}, finalise=False)
    criteria_set.refresh_from_db()
    return criteria_set


def test_the_table_of_a_set(world, scored):
    found = results.results_get(user=world.users["office"], criteria_set=scored)
    r = found.results
    assert [(row.entry.unit_name, row.rank, row.total, row.grade) for row in r.ranked] == [
        ("Cục Cán bộ", 1, D(90), Grade.EXCELLENT),
        ("Cục Tuyên huấn", 1, D(90), Grade.EXCELLENT),
        ("Văn phòng Tổng cục Chính trị", 3, D(70), Grade.GOOD),
    ]
    assert r.ranked[2].entry.areas == [D("40.5"), D("29.5")]
    [pending] = r.pending
    assert pending.entry.unit_name == "Phòng Thông tin" and pending.total == D(30)
    assert pending.rank is None and pending.entry.shown


def test_totals_equal_the_sums_of_the_frozen_points(world):
    """On the example set (with computed criteria), totals per area and overall equal the
    sums of Score.final_points counted apart, and the assessment's frozen total."""
    office = world.users["office"]
    with on_day(world.issued_on):
        example = set_services.criteria_set_create_example(
            actor=office, unit=world.units["TCCT"], year=2026
        )
        example = set_services.criteria_set_mark_in_use(actor=office, criteria_set=example)
    example = with_cut_off(example)
    made = assess.assessments_open(
        actor=None, criteria_set=example, units=[world.units["CTH"], world.units["CTC"]]
    )
    for n, a in enumerate(made):
        for row in a.scores.select_related("criterion"):
            if row.criterion.method == "survey":
                assess.survey_save(actor=None, score=row, points=row.criterion.max_points / (n + 2))
        values = {
            s.criterion.code: (s.criterion.max_points * (n + 1) / 3).quantize(D("0.01"))
            if s.criterion.method == "manual"
            else s.criterion.max_points * n
            for s in a.scores.select_related("criterion")
        }
        score(a, values)
    found = results.results_get(user=office, criteria_set=example)
    areas = [a.code for a in found.areas]
    assert len(areas) == 7
    for row in found.results.ranked:
        a = Assessment.objects.get(pk=row.entry.assessment_id)
        for code, points in zip(areas, row.entry.areas, strict=True):
            expected = Score.objects.filter(
                assessment=a, criterion__code__startswith=f"{code}."
            ).aggregate(s=Sum("final_points"))["s"]
            assert points == (expected or 0), code
        assert row.total == a.total
        assert row.total == Score.objects.filter(assessment=a).aggregate(s=Sum("final_points"))["s"]


def test_a_draft_shows_no_points_to_anyone(world, scored):
    extra = org_services.unit_create(
        actor=None, code="CTX", name="Cục Mới", parent=world.units["TCCT"]
    )
    [a] = assess.assessments_open(actor=None, criteria_set=scored, units=[extra])
    assess.score_save(
        actor=None,
        score=a.scores.first(),
        self_points=D(55),
        explanation="",
        no_evidence_reason="x",
    )
    found = results.results_get(user=world.users["office"], criteria_set=scored)
    row = next(p for p in found.results.pending if p.entry.unit_name == "Cục Mới")
    assert not row.entry.shown and row.percent is None
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("scoring:set-results", args=[scored.pk])).content.decode()
    assert "Cục Mới" in page and "đơn vị đang tự chấm" in page


def test_the_units_own_row(world, scored):
    cth = scored.assessments.get(unit__code="CTH")
    mine = results.unit_result(user=world.users["focal_a"], assessment=cth)
    assert mine.row.rank == 1 and mine.row.grade == Grade.EXCELLENT
    assert mine.ranked == 3 and mine.pending == 1
    with pytest.raises(Http404):
        results.unit_result(user=world.users["focal_b"], assessment=cth)
    pending = scored.assessments.get(unit__code="CTH-P1")
    assert results.unit_result(user=world.users["head_a"], assessment=pending) is None


def test_the_cap_on_the_page_says_why(world, scored):
    set_services.criteria_set_settings_update(
        actor=world.users["office"], criteria_set=scored, values=settings_values(cap=50)
    )
    scored.refresh_from_db()
    found = results.results_get(user=world.users["office"], criteria_set=scored)
    # floor(3 × 50 %) = 1 and the two units at rank 1 tie: both move down.
    assert [r.grade for r in found.results.ranked] == [Grade.GOOD] * 3
    client = Client()
    client.force_login(world.users["leader"])
    page = client.get(reverse("scoring:set-results", args=[scored.pk])).content.decode()
    assert 'id="cap-note"' in page and "Cục Cán bộ, Cục Tuyên huấn" in page


# --- settings, editing, closing --------------------------------------------------------------


def settings_values(cap=None, **changes) -> dict:
    return {
        "cut_off": datetime.date(2026, 11, 30),
        "excellent_from": D("85"),
        "good_from": D("65"),
        "pass_from": D("45"),
        "excellent_cap": cap,
    } | changes


def test_the_office_sets_the_cut_off_and_bands_and_the_audit_says_so(world, scored):
    set_services.criteria_set_settings_update(
        actor=world.users["office"], criteria_set=scored, values=settings_values(cap=30)
    )
    scored.refresh_from_db()
    assert (scored.cut_off, scored.excellent_from, scored.excellent_cap) == (
        datetime.date(2026, 11, 30),
        D("85"),
        30,
    )
    event = AuditEvent.objects.filter(action="criteria_set.settings").latest("id")
    assert event.changes["excellent_cap"] == [None, 30]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "office"] + ["nobody"])
def test_only_the_office_sets_them(world, scored, role):
    with pytest.raises(PermissionDenied):
        set_services.criteria_set_settings_update(
            actor=world.users[role], criteria_set=scored, values=settings_values()
        )


def settings_post(**changes) -> dict:
    return {
        "cut_off": "30/11/2026",
        "excellent_from": "85,5",
        "good_from": "65",
        "pass_from": "45",
        "excellent_cap": "30",
    } | changes


HOSTILE = [
    {"excellent_from": "-1"},
    {"excellent_from": "101"},
    {"good_from": "abc"},
    {"pass_from": "9" * 60},
    {"excellent_from": "1e400"},
    {"excellent_from": "NaN"},
    {"excellent_from": "90,123"},
    {"excellent_from": "50", "good_from": "70", "pass_from": "90"},  # ascending
    {"excellent_from": "70", "good_from": "70"},  # not strictly descending
    {"cut_off": "31/12/2025"},  # another year
    {"cut_off": "31/02/2026"},
    {"cut_off": "abc"},
    {"excellent_cap": "-1"},
    {"excellent_cap": "101"},
    {"excellent_cap": "9" * 40},
    {"excellent_cap": "1,5"},
    {"excellent_from": ""},
    {"pass_from": "\x00"},
]


@pytest.mark.parametrize("changes", HOSTILE)
def test_hostile_settings_are_refused_and_change_nothing(world, scored, changes):
    client = Client()
    client.force_login(world.users["office"])
    before = CriteriaSet.objects.filter(pk=scored.pk).values().get()
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("scoring:set-settings", args=[scored.pk]), settings_post(**changes)
    )
    assert response.status_code == 400
    assert CriteriaSet.objects.filter(pk=scored.pk).values().get() == before
    assert AuditEvent.objects.count() == events


def test_good_settings_over_http(world, scored):
    client = Client()
    client.force_login(world.users["office"])
    url = reverse("scoring:set-settings", args=[scored.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, settings_post(excellent_cap=""))
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.excellent_from == D("85.5") and scored.excellent_cap is None


def test_closing_needs_every_assessment_finalised_then_nothing_changes(world, scored):
    office = world.users["office"]
    with pytest.raises(ValidationError, match="Phòng Thông tin"):
        set_services.criteria_set_close(actor=office, criteria_set=scored)
    with pytest.raises(PermissionDenied):
        set_services.criteria_set_close(actor=world.users["leader"], criteria_set=scored)
    pending = scored.assessments.get(unit__code="CTH-P1")
    assess.assessment_finalise(actor=office, assessment=pending)
    set_services.criteria_set_close(actor=office, criteria_set=scored)
    scored.refresh_from_db()
    assert scored.status == SetStatus.CLOSED
    assert AuditEvent.objects.filter(action="criteria_set.close").count() == 1
    with pytest.raises(ValidationError):
        set_services.criteria_set_settings_update(
            actor=office, criteria_set=scored, values=settings_values()
        )
    with pytest.raises(ValidationError):
        set_services.criteria_set_close(actor=office, criteria_set=scored)
    with pytest.raises(WrongState, match="Đã kết thúc"):  # the office's step, a closed set
        assess.assessment_reopen(
            actor=office, assessment=pending, reason="Sai", to=AssessmentStatus.DRAFT
        )
    # The results stay readable.
    found = results.results_get(user=office, criteria_set=scored)
    assert len(found.results.ranked) == 4


def test_title_and_note_only_while_a_draft(world, scored):
    office = world.users["office"]
    draft = set_services.criteria_set_create(
        actor=office, unit=world.units["TCCT"], year=2026, title="Dự thảo"
    )
    set_services.criteria_set_update(actor=office, criteria_set=draft, title="Mới", note="Ghi")
    draft.refresh_from_db()
    assert (draft.title, draft.note) == ("Mới", "Ghi")
    with pytest.raises(ValidationError):
        set_services.criteria_set_update(
            actor=office, criteria_set=draft, title="Bộ nhỏ", note=""
        )  # a title the year already has
    with pytest.raises(ValidationError):
        set_services.criteria_set_update(actor=office, criteria_set=scored, title="X", note="")
    with pytest.raises(PermissionDenied):
        set_services.criteria_set_update(
            actor=world.users["leader"], criteria_set=draft, title="X", note=""
        )
    client = Client()
    client.force_login(office)
    url = reverse("scoring:set-edit", args=[draft.pk])
    assert client.post(url, {"title": "", "note": ""}).status_code == 400
    assert client.post(url, {"title": "x" * 300}).status_code == 400
    assert client.post(url, {"title": "Bộ sửa", "note": "n"}).status_code == 302


# --- documents -------------------------------------------------------------------------------


def _text_of_docx(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _cells_of_xlsx(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_result_table_as_xlsx_and_docx(world, scored):
    office = world.users["office"]
    xlsx = results_files.results_file(user=office, pk=scored.pk, fmt="xlsx")
    rows = _cells_of_xlsx(xlsx.content)
    ranked = {r[1]: r for r in rows if r and r[1] in ("Cục Tuyên huấn", "Cục Cán bộ")}
    assert ranked["Cục Tuyên huấn"][0] == 1 and ranked["Cục Tuyên huấn"][4] == 90
    assert ranked["Cục Tuyên huấn"][6] == "Hoàn thành xuất sắc nhiệm vụ"
    vp = next(r for r in rows if r and r[1] == "Văn phòng Tổng cục Chính trị")
    assert vp[2:7] == [40.5, 29.5, 70, 70, "Hoàn thành tốt nhiệm vụ"]
    assert any(r and r[1] == "Phòng Thông tin" for r in rows)  # the pending sheet
    word = results_files.results_file(user=office, pk=scored.pk, fmt="docx")
    text = _text_of_docx(word.content)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Cục Tuyên huấn",
        "Văn phòng Tổng cục Chính trị",
        "40,5",
        "Hoàn thành xuất sắc nhiệm vụ: 2 cơ quan, đơn vị",
        "Hoàn thành tốt nhiệm vụ",
        "Phòng Thông tin",
    ):
        assert words in text, words
    # Same data, same bytes.
    assert results_files.results_file(user=office, pk=scored.pk, fmt="docx").content == word.content
    assert results_files.results_file(user=office, pk=scored.pk, fmt="xlsx").content == xlsx.content


def test_the_builders_keep_control_characters_and_formulas_out():
    heading = builder.Heading(
        "", "Cơ quan\x01", "CT", "Hà Nội", datetime.date(2026, 12, 31), 2026, "Bộ"
    )
    line = builder.ResultLine("1", '=HYPERLINK("x")\x02', ["1"], "1", "100", "Xuất sắc")
    table = builder.ResultTable(
        heading, [builder.AreaHead("1", "A", "1")], "1", [line], [], "", [], "", ""
    )
    rows = _cells_of_xlsx(builder.results_xlsx(table))
    assert [r[1] for r in rows if r and r[0] == 1] == ['=HYPERLINK("x")']
    assert "=HYPERLINK" in _text_of_docx(builder.results_docx(table))


def test_the_pdf_without_libreoffice_says_so(world, scored, monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    client = Client()
    client.force_login(world.users["office"])
    response = client.get(reverse("scoring:results-export", args=[scored.pk, "pdf"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("scoring:set-results", args=[scored.pk])
    assert "LibreOffice" in response.content.decode()


def test_a_score_sheet_as_xlsx_and_docx(world, scored):
    cth = scored.assessments.get(unit__code="CTH")
    sheet = results_files.score_sheet_file(user=world.users["focal_a"], pk=cth.pk, fmt="xlsx")
    rows = _cells_of_xlsx(sheet.content)
    leaf = next(r for r in rows if r and r[0] == "1.1")
    assert leaf[3:7] == [60, 50, 50, 50]
    assert any(r and r[1] == "Tổng cộng" and r[6] == 90 for r in rows)
    word = results_files.score_sheet_file(user=world.users["focal_a"], pk=cth.pk, fmt="docx")
    text = _text_of_docx(word.content)
    assert "Cục Tuyên huấn" in text and "Hạng 1/3" in text and "Không có văn bản" not in text
    assert "Tiêu chí 2.1" in text
    again = results_files.score_sheet_file(user=world.users["focal_a"], pk=cth.pk, fmt="docx")
    assert again.content == word.content


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_results_pages_and_files_by_role(world, scored, role):
    client = Client()
    client.force_login(world.users[role])
    urls = [
        reverse("scoring:set-results", args=[scored.pk]),
        reverse("scoring:results-export", args=[scored.pk, "xlsx"]),
        reverse("scoring:results-export", args=[scored.pk, "docx"]),
    ]
    for url in urls:
        response = client.get(url)
        if role in READERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, (url, response.status_code)
            assert "Cục Tuyên huấn" not in response.content.decode(errors="replace")


SHEETS = {
    "office": {"CTH", "CTC", "VP", "CTH-P1"},
    "leader": {"CTH", "CTC", "VP", "CTH-P1"},
    "appraiser": {"CTH", "CTC", "VP", "CTH-P1"},
    "viewer": {"CTH", "CTC", "VP", "CTH-P1"},
    "head_a": {"CTH", "CTH-P1"},
    "focal_a": {"CTH", "CTH-P1"},
    "head_b": {"CTC"},
    "focal_b": {"CTC"},
    "nobody": set(),
}


@pytest.mark.parametrize("role", sorted(SHEETS))
def test_score_sheets_by_role(world, scored, role):
    client = Client()
    client.force_login(world.users[role])
    for a in scored.assessments.select_related("unit"):
        for fmt in ("xlsx", "docx"):
            response = client.get(reverse("scoring:score-sheet", args=[a.pk, fmt]))
            expected = 200 if a.unit.code in SHEETS[role] else 404
            assert response.status_code == expected, (a.unit.code, fmt)


def test_anonymous_is_sent_to_log_in(scored):
    for url in (
        reverse("scoring:set-results", args=[scored.pk]),
        reverse("scoring:set-settings", args=[scored.pk]),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("fmt", ["csv", "XLSX", "pdf.exe", "0"])
def test_unknown_formats_are_not_found(world, scored, fmt):
    client = Client()
    client.force_login(world.users["office"])
    a = scored.assessments.first()
    assert client.get(reverse("scoring:results-export", args=[scored.pk, fmt])).status_code == 404
    assert client.get(reverse("scoring:score-sheet", args=[a.pk, fmt])).status_code == 404


# --- queries ---------------------------------------------------------------------------------


def _page_queries(client, criteria_set) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scoring:set-results", args=[criteria_set.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_results_page_reads_in_a_fixed_number_of_queries(world):
    criteria_set = small_set(world, "Bộ đo")
    client = Client()
    client.force_login(world.users["leader"])
    counts = []
    for batch in range(2):
        units = [
            org_services.unit_create(
                actor=None,
                code=f"U{batch}{n}",
                name=f"Đơn vị {batch}{n}",
                parent=world.units["TCCT"],
            )
            for n in range(3 * (batch + 1))
        ]
        for a in assess.assessments_open(actor=None, criteria_set=criteria_set, units=units):
            score(a, {"1.1": D(10 + len(units)), "2.1": D(5)})
        counts.append(_page_queries(client, criteria_set))
    assert counts[0] == counts[1], counts


def test_the_result_table_as_pdf(world, scored):
    require(pdf.pdf_available(), "LibreOffice is not installed (make install adds it)")
    client = Client()
    client.force_login(world.users["viewer"])
    response = client.get(reverse("scoring:results-export", args=[scored.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- the dashboard's card --------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "nobody"])
def test_the_dashboard_card_by_role(world, scored, role):
    client = Client()
    client.force_login(world.users[role])
    response = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk})
    body = response.content.decode()
    if role == "nobody":
        assert response.status_code in (200, 404) and "scoring-results-card" not in body
        return
    assert response.status_code == 200
    if role in READERS:
        card = body[body.index('id="scoring-results-card"') :]
        card = card[: card.index("</section>")]
        assert reverse("scoring:set-results", args=[scored.pk]) in card
        assert "3 đơn vị đã chốt" in card and "1 chưa chốt" in card
        assert "Cục Cán bộ" in card and "Cục Tuyên huấn" in card
        # Both tied at rank 1 are listed, and VP at rank 3.
        assert "Văn phòng Tổng cục Chính trị" in card
    else:
        assert "scoring-results-card" not in body


def test_the_card_counts_per_grade_and_reads_only_finalised_units(world, scored):
    summary = results.results_summary(
        user=world.users["viewer"], unit=world.units["TCCT"], year=2026
    )
    assert [(code, n) for code, _label, n in summary.counts] == [
        ("excellent", 2),
        ("good", 1),
        ("pass", 0),
        ("fail", 0),
    ]
    assert [r.rank for r in summary.top] == [1, 1, 3]
    tcct = world.units["TCCT"]
    assert results.results_summary(user=world.users["viewer"], unit=tcct, year=2025) is None
    assert results.results_summary(user=world.users["focal_a"], unit=tcct, year=2026) is None


def test_the_card_reads_in_a_fixed_number_of_queries(world):
    criteria_set = small_set(world, "Bộ thẻ")
    counts = []
    for batch in range(2):
        units = [
            org_services.unit_create(
                actor=None, code=f"K{batch}{n}", name=f"Khối {batch}{n}", parent=world.units["TCCT"]
            )
            for n in range(2 * (batch + 1))
        ]
        for a in assess.assessments_open(actor=None, criteria_set=criteria_set, units=units):
            score(a, {"1.1": D(30 + len(units)), "2.1": D(5)})
        leader = type(world.users["leader"]).objects.get(pk=world.users["leader"].pk)
        with CaptureQueriesContext(connection) as queries:
            summary = results.results_summary(user=leader, unit=world.units["TCCT"], year=2026)
        assert summary.ranked == len(criteria_set.assessments.all())
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_pending_units_with_computed_criteria_cost_no_query_each(world):
    """The table counts the computed criteria of every pending unit in the same queries,
    however many units wait for finalisation."""
    sources = ["tasks_on_time", "first_time_confirmed", "reports_on_time", "findings_closed"]
    rows = [("1", 100, "", "")] + [(f"1.{i}", 25, "ratio", s) for i, s in enumerate(sources, 1)]
    criteria_set = set_in_use(world, "Bộ", rows)
    office = world.users["office"]

    def table_queries(codes) -> tuple[int, list]:
        units = [world.units[code] for code in codes]
        for made in assess.assessments_open(actor=None, criteria_set=criteria_set, units=units):
            score(made, {}, finalise=False)
        with CaptureQueriesContext(connection) as queries:
            found = results.results_get(user=office, criteria_set=criteria_set)
        return len(queries.captured_queries), found.results.pending

    few, pending = table_queries(["CTH"])
    many, pending = table_queries(["CTC", "VP", "CTH-P1"])
    # Fewer or as many: an empty list of rows to look up skips its query.
    assert len(pending) == 4 and many <= few
