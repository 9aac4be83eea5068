"""Inspections (issue 11, journey 6): the office's yearly inspection plan, an inspection of
a unit with its decision, team, scope and checklist, findings the unit answers with
evidence, the office reopening and accepting them, and the inspection closing with its last
finding; who sees what; hostile form values; the list's queries."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.lib.refusals import WrongState
from cchc.notifications.models import Kind, Notification
from cchc.orgs import services as org_services
from cchc.oversight import inspection_services as services
from cchc.oversight import services as oversight_services
from cchc.oversight.models import (
    ChecklistItem,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
)
from cchc.plans.models import Area
from tests.conftest import require
from tests.world import make_user

D = datetime.date


# --- helpers a browser test may use too --------------------------------------------------


def make_plan(world, year: int = 2026) -> InspectionPlan:
    """The department's inspection plan of the year."""
    return services.inspection_plan_create(
        actor=world.users["office"],
        issuing_unit=world.units["TCCT"],
        year=year,
        values={"number": "30/KH-VP", "issued_on": D(year, 1, 15), "note": ""},
    )


def make_inspection(world, plan=None, *, decision: str = "45/QĐ-CT", unit="CTH") -> Inspection:
    """An inspection of agency A (areas 1 and 3, one task it leads), ordered by a decision,
    with the team: `member` (a plain user) heading it."""
    plan = plan or make_plan(world)
    office = world.users["office"]
    areas = list(Area.objects.filter(code__in=[1, 3]))
    inspection = services.inspection_create(
        actor=office,
        plan=plan,
        values={
            "unit": world.units[unit],
            "decision_number": decision,
            "decision_date": D(2026, 6, 1),
            "starts_on": D(2026, 6, 10),
            "ends_on": D(2026, 6, 12),
            "note": "",
        },
        areas=areas,
        tasks=[world.tasks["a_soon"]] if unit == "CTH" else [],
    )
    member = world.users.get("member") or make_user("member", first_name="Hà", last_name="Trần")
    world.users["member"] = member
    services.inspection_member_add(
        actor=office, inspection=inspection, user=member, position="Văn phòng", is_head=True
    )
    return inspection


FINDING = {
    "description": "Chưa ban hành kế hoạch tuyên truyền CCHC năm 2026.",
    "area": None,
    "severity": "serious",
    "recommendation": "Ban hành kế hoạch tuyên truyền CCHC.",
    "deadline": D(2026, 7, 31),
}


def record(world, inspection, *, unit="CTH", **extra):
    values = FINDING | {"responsible_unit": world.units[unit]} | extra
    return services.finding_create(
        actor=world.users["member"], inspection=inspection, values=values
    )


def started_with_findings(world):
    """An inspection in progress with two findings for agency A (one of them for its
    section below)."""
    inspection = make_inspection(world)
    services.inspection_start(actor=world.users["member"], inspection=inspection)
    one = record(world, inspection)
    two = record(world, inspection, unit="CTH-P1", severity="minor", deadline=D(2026, 8, 15))
    return inspection, one, two


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 kiem chung", "application/pdf")


def client_for(world, person) -> Client:
    client = Client()
    client.force_login(world.users[person])
    return client


# --- the flow ----------------------------------------------------------------------------


def test_from_the_yearly_plan_to_closure(world):
    office = world.users["office"]
    plan = make_plan(world)
    with pytest.raises(ValidationError):  # one plan per unit and year
        make_plan(world)
    inspection = make_inspection(world, plan)
    # The scope made the checklist: one line per area, one per task.
    lines = list(inspection.checklist.values_list("text", flat=True))
    assert len(lines) == 3 and lines[2].startswith("2.1 Rà soát")
    # The decision told the unit's focal officer and head, and the team.
    told = Notification.objects.filter(kind=Kind.INSPECTION, subject_id=inspection.pk)
    assert set(told.values_list("recipient__username", flat=True)) == {
        "focal_a",
        "head_a",
        "member",
    }

    # The team starts, checks and records findings.
    web = client_for(world, "member")
    assert web.post(reverse("oversight:inspection-start", args=[inspection.pk])).status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    item = inspection.checklist.first()
    data = {}
    for i in inspection.checklist.all():
        data |= {f"text-{i.pk}": i.text, f"result-{i.pk}": "", f"note-{i.pk}": ""}
    data |= {f"result-{item.pk}": "failed", f"note-{item.pk}": "Thiếu kế hoạch"}
    web.post(reverse("oversight:checklist-save", args=[inspection.pk]), data)
    item.refresh_from_db()
    assert (item.result, item.note) == ("failed", "Thiếu kế hoạch")
    web.post(reverse("oversight:checklist-add", args=[inspection.pk]), {"text": "Hồ sơ một cửa"})
    assert inspection.checklist.count() == 4

    url = reverse("oversight:finding-create", args=[inspection.pk])
    response = web.post(
        url,
        {
            "description": FINDING["description"],
            "severity": "serious",
            "recommendation": FINDING["recommendation"],
            "deadline": "31/07/2026",
            "responsible_unit": world.units["CTH"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    one = Finding.objects.get(inspection=inspection)
    two = record(world, inspection, unit="CTH-P1", severity="minor")
    told = Notification.objects.filter(kind=Kind.FINDING, subject_id=one.pk)
    assert set(told.values_list("recipient__username", flat=True)) == {"focal_a", "head_a"}

    # Concluding needs words.
    conclude = reverse("oversight:inspection-conclude", args=[inspection.pk])
    response = web.post(conclude, {"conclusion": "  "})
    assert "Kết luận kiểm tra" in response.content.decode() and response.status_code == 200
    web.post(conclude, {"conclusion": "Đơn vị thực hiện cơ bản đầy đủ.", "concluded_on": ""})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONCLUDED

    # The unit answers, with a file; the office hears of it.
    unit = client_for(world, "focal_a")
    answer = reverse("oversight:finding-answer", args=[one.pk])
    response = unit.post(answer, {"text": "Đã ban hành Kế hoạch 12/KH", "files": [pdf()]})
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == FindingStatus.ANSWERED
    # A second click: answered already, its page says so (not a 403 page); nothing added.
    twice = unit.post(answer, {"text": "Lần hai"}, follow=True)
    assert twice.status_code == 200 and "không trả lời được nữa" in twice.content.decode()
    assert one.answers.count() == 1
    stored = one.answers.get().files.get()
    assert stored.original_name == "bien-ban.pdf"
    heard = Notification.objects.filter(kind=Kind.FINDING, subject_id=one.pk, recipient=office)
    assert heard.exists()
    download = unit.get(reverse("oversight:finding-file-download", args=[stored.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 kiem chung"

    # The office reopens it with a reason; the unit answers again.
    desk = client_for(world, "office")
    reopen = reverse("oversight:finding-reopen", args=[one.pk])
    assert desk.post(reopen, {"reason": ""}).status_code == 200  # a reason is needed
    desk.post(reopen, {"reason": "Chưa có bản ký."})
    one.refresh_from_db()
    assert one.status == FindingStatus.OPEN and one.reopen_reason == "Chưa có bản ký."
    assert Notification.objects.filter(key__startswith=f"finding:{one.pk}:reopen").count() == 2
    unit.post(answer, {"text": "Gửi bản ký", "files": [pdf("ban-ky.pdf")]})
    # The section's head of agency A answers for the section below it.
    services.finding_answer(actor=world.users["head_a"], finding=two, text="Đã khắc phục")

    # The office accepts both: the last closes the inspection.
    desk.post(reverse("oversight:finding-accept", args=[one.pk]))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONCLUDED
    desk.post(reverse("oversight:finding-accept", args=[two.pk]))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CLOSED and inspection.closed_at
    page = desk.get(reverse("oversight:finding-detail", args=[one.pk])).content.decode()
    assert "Chưa có bản ký." in page and "ban-ky.pdf" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "inspection_plan.create",
        "inspection.create",
        "inspection.member_add",
        "inspection.start",
        "checklist.update",
        "checklist.add",
        "finding.create",
        "inspection.conclude",
        "finding.answer",
        "finding.reopen",
        "finding.accept",
        "inspection.close",
    } <= actions


def test_starting_needs_a_decision_and_one_head(world):
    inspection = make_inspection(world, decision="")
    office = world.users["office"]
    with pytest.raises(ValidationError, match="quyết định"):
        services.inspection_start(actor=office, inspection=inspection)
    values = {
        "unit": inspection.unit,
        "decision_number": "46/QĐ-CT",
        "decision_date": None,
        "starts_on": None,
        "ends_on": None,
        "note": "",
    }
    services.inspection_update(actor=office, inspection=inspection, values=values)
    inspection.members.update(is_head=False)
    with pytest.raises(ValidationError, match="trưởng đoàn"):
        services.inspection_start(actor=office, inspection=inspection)
    with pytest.raises(PermissionDenied):  # a unit does not start its own inspection
        services.inspection_start(actor=world.users["head_a"], inspection=inspection)


def test_a_concluded_inspection_without_findings_is_closed_by_the_office(world):
    inspection = make_inspection(world)
    member = world.users["member"]
    services.inspection_start(actor=member, inspection=inspection)
    services.inspection_conclude(
        actor=member, inspection=inspection, conclusion="Tốt.", concluded_on=None
    )
    with pytest.raises(PermissionDenied):  # the team head concludes; the office closes
        services.inspection_close(actor=member, inspection=inspection)
    services.inspection_close(actor=world.users["office"], inspection=inspection)
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.CLOSED


def test_the_scope_keeps_the_checklist_in_step(world):
    inspection = make_inspection(world)
    office = world.users["office"]
    area1 = inspection.checklist.get(area__code=1)
    area1.note = "Đã xem"
    area1.save()
    values = {
        "unit": inspection.unit,
        "decision_number": inspection.decision_number,
        "decision_date": None,
        "starts_on": None,
        "ends_on": None,
        "note": "",
    }
    services.inspection_update(
        actor=office, inspection=inspection, values=values, areas=list(Area.objects.filter(code=7))
    )
    texts = list(inspection.checklist.values_list("area__code", "task_id"))
    # Area 1 stays (the team wrote on it), area 3 and the task go, area 7 comes.
    assert sorted(texts, key=str) == sorted([(1, None), (7, None)], key=str)


def test_the_scope_and_the_units_stay_in_the_branch(world, sibling):
    plan = make_plan(world)
    values = {
        "unit": sibling["vp"],
        "decision_number": "",
        "decision_date": None,
        "starts_on": None,
        "ends_on": None,
        "note": "",
    }
    with pytest.raises(ValidationError, match="thuộc"):
        services.inspection_create(actor=world.users["office"], plan=plan, values=values)
    values["unit"] = world.units["CTC"]
    with pytest.raises(ValidationError, match="chủ trì"):  # a task CTC has no part in
        services.inspection_create(
            actor=world.users["office"], plan=plan, values=values, tasks=[world.tasks["a_soon"]]
        )
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=sibling["office"], plan=plan, values=values)
    inspection = make_inspection(world, plan)
    services.inspection_start(actor=world.users["member"], inspection=inspection)
    with pytest.raises(ValidationError, match="Đơn vị khắc phục"):
        record(world, inspection, unit="CTC")


def test_only_the_responsible_unit_answers_and_only_the_office_or_head_decides(world):
    inspection, one, two = started_with_findings(world)
    with pytest.raises(PermissionDenied):
        services.finding_answer(actor=world.users["focal_b"], finding=one, text="x")
    with pytest.raises(PermissionDenied):
        services.finding_answer(actor=world.users["office"], finding=one, text="x")
    services.finding_answer(actor=world.users["focal_a"], finding=one, text="Đã làm")
    with pytest.raises(WrongState):  # answered: not again until reopened (the state's refusal)
        services.finding_answer(actor=world.users["focal_a"], finding=one, text="Lần nữa")
    for person in ("focal_a", "head_a", "leader", "viewer"):
        with pytest.raises(PermissionDenied):
            services.finding_accept(actor=world.users[person], finding=one)
    services.finding_accept(actor=world.users["member"], finding=one)  # the team head may
    assert Finding.objects.get(pk=one.pk).status == FindingStatus.CLOSED


# --- who sees what -----------------------------------------------------------------------

PAGES = [
    "oversight:inspection-detail",
    "oversight:finding-detail",
    "oversight:inspection-plan-detail",
]


def _pages(inspection, finding):
    return {
        "oversight:inspection-detail": reverse("oversight:inspection-detail", args=[inspection.pk]),
        "oversight:finding-detail": reverse("oversight:finding-detail", args=[finding.pk]),
        "oversight:inspection-plan-detail": reverse(
            "oversight:inspection-plan-detail", args=[inspection.plan_id]
        ),
    }


# person -> status of (inspection page, finding page of agency A's finding, plan page)
SEES = {
    "office": (200, 200, 200),
    "leader": (200, 200, 200),
    "viewer": (200, 200, 200),
    "member": (200, 200, 200),
    "focal_a": (200, 200, 200),
    "head_a": (200, 200, 200),
    "focal_b": (404, 404, 404),
    "head_b": (404, 404, 404),
    "nobody": (404, 404, 404),
}


@pytest.mark.parametrize("person", sorted(SEES))
def test_role_by_page(world, person):
    inspection, one, _two = started_with_findings(world)
    client = client_for(world, person)
    got = tuple(client.get(url).status_code for url in _pages(inspection, one).values())
    assert got == SEES[person]


def test_a_bare_draft_is_the_offices_and_the_teams(world):
    inspection = make_inspection(world, decision="")
    url = reverse("oversight:inspection-detail", args=[inspection.pk])
    for person, status in (("office", 200), ("member", 200), ("focal_a", 404), ("head_a", 404)):
        assert client_for(world, person).get(url).status_code == status, person


def test_a_section_sees_only_its_own_findings(world):
    inspection, one, two = started_with_findings(world)
    section = make_user("focal_p1")
    org_services.membership_grant(
        actor=None, user=section, unit=world.units["CTH-P1"], role="focal"
    )
    client = Client()
    client.force_login(section)
    page = client.get(reverse("oversight:inspection-detail", args=[inspection.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert two.recommendation in text and "Danh mục kiểm tra" not in text
    assert client.get(reverse("oversight:finding-detail", args=[one.pk])).status_code == 404
    assert client.get(reverse("oversight:finding-detail", args=[two.pk])).status_code == 200


def test_writes_refused_over_http(world):
    inspection, one, _two = started_with_findings(world)
    client = client_for(world, "focal_a")
    for name in ("inspection-edit", "inspection-start", "checklist-add", "finding-create"):
        response = client.post(reverse(f"oversight:{name}", args=[inspection.pk]))
        assert response.status_code == 403, name
    client = client_for(world, "viewer")
    assert client.post(reverse("oversight:finding-answer", args=[one.pk])).status_code == 403
    assert client.get(reverse("oversight:inspection-plan-create")).status_code == 403


# --- pages -------------------------------------------------------------------------------


def test_the_office_makes_a_plan_and_an_inspection_through_the_pages(world):
    client = client_for(world, "office")
    response = client.post(
        reverse("oversight:inspection-plan-create"),
        {"year": "2026", "number": "30/KH-VP", "issued_on": "31/02/2026"},
    )
    assert "Ngày 31/02/2026 không có trên lịch." in response.content.decode()
    response = client.post(
        reverse("oversight:inspection-plan-create"), {"year": "2026", "number": "30/KH-VP"}
    )
    plan = InspectionPlan.objects.get()
    assert response["Location"] == reverse("oversight:inspection-plan-detail", args=[plan.pk])
    again = client.post(reverse("oversight:inspection-plan-create"), {"year": "2026"})
    assert "Năm 2026 đã có kế hoạch kiểm tra." in again.content.decode()
    url = reverse("oversight:inspection-create", args=[plan.pk])
    form = client.get(url).content.decode()
    assert "Cục Tuyên huấn" in form and ">Tổng cục Chính trị</option>" not in form
    response = client.post(
        url,
        {
            "unit": world.units["CTC"].pk,
            "areas": [Area.objects.get(code=3).pk],
            "tasks": [world.tasks["a_soon"].pk],
        },
    )
    assert "không chủ trì, không phối hợp" in response.content.decode()
    response = client.post(
        url,
        {
            "unit": world.units["CTC"].pk,
            "areas": [Area.objects.get(code=3).pk],
            "tasks": [world.tasks["b_track"].pk, world.tasks["a_overdue"].pk],
            "starts_on": "10/09/2026",
        },
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("oversight:inspection-detail", args=[inspection.pk])
    assert inspection.checklist.count() == 3  # one area, two tasks (one CTC supports)
    home = client.get(reverse("oversight:inspection-home"), {"year": 2026}).content.decode()
    assert "Cục Cán bộ" in home and "10/09/2026" in home


HOSTILE = ["", "-5", "9" * 40, "31/02/2026", "x" * 20_000, "\x00", "1.5e400", "abc"]


def test_hostile_values_never_answer_500(world):
    inspection, one, _two = started_with_findings(world)
    office = client_for(world, "office")
    plan_pk = inspection.plan_id
    item = inspection.checklist.first()
    forms = [
        ("office", reverse("oversight:inspection-plan-create"), ["year", "number", "issued_on"]),
        ("office", reverse("oversight:inspection-plan-edit", args=[plan_pk]), ["issued_on"]),
        (
            "office",
            reverse("oversight:inspection-create", args=[plan_pk]),
            ["unit", "decision_date", "starts_on", "ends_on", "areas", "tasks"],
        ),
        (
            "office",
            reverse("oversight:inspection-edit", args=[inspection.pk]),
            ["unit", "decision_number", "decision_date", "tasks"],
        ),
        ("office", reverse("oversight:inspection-member-add", args=[inspection.pk]), ["user"]),
        (
            "member",
            reverse("oversight:checklist-save", args=[inspection.pk]),
            [f"text-{item.pk}", f"result-{item.pk}", f"note-{item.pk}"],
        ),
        ("member", reverse("oversight:checklist-add", args=[inspection.pk]), ["text"]),
        (
            "member",
            reverse("oversight:finding-create", args=[inspection.pk]),
            ["description", "area", "severity", "deadline", "responsible_unit"],
        ),
        (
            "member",
            reverse("oversight:finding-edit", args=[one.pk]),
            ["deadline", "responsible_unit", "severity"],
        ),
        (
            "member",
            reverse("oversight:inspection-conclude", args=[inspection.pk]),
            ["concluded_on"],
        ),
        ("focal_a", reverse("oversight:finding-answer", args=[one.pk]), ["text"]),
        ("office", reverse("oversight:inspection-home"), ["year"]),
    ]
    clients = {"office": office}
    for person, url, fields in forms:
        client = clients.setdefault(person, client_for(world, person))
        for value in HOSTILE:
            data = {name: value for name in fields}
            send = client.get if url.endswith("/inspections/") else client.post
            response = send(url, data)
            assert response.status_code < 500, (url, value)
    assert office.get(reverse("oversight:inspection-home"), {"year": "0"}).status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    plan = make_plan(world)
    client = client_for(world, "office")
    url = reverse("oversight:inspection-home")
    make_inspection(world, plan)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for code in ("CTC", "CTH-P1", "VP"):
        inspection = make_inspection(world, plan, unit=code)
        services.inspection_start(actor=world.users["member"], inspection=inspection)
        record(world, inspection, unit=code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<a class="text-break" href="/inspections/') == 4


def test_the_dashboard_and_the_queue_show_open_findings(world):
    inspection, one, two = started_with_findings(world)
    client = client_for(world, "office")
    page = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk}).content.decode()
    assert "Kiến nghị kiểm tra chưa xong" in page and "2 kiến nghị chưa đóng" in page
    focal = client_for(world, "focal_b")
    page = focal.get(reverse("plans:task-mine")).content.decode()
    assert "Kiến nghị kiểm tra chưa xong" not in page
    focal = client_for(world, "focal_a")
    page = focal.get(reverse("plans:task-mine")).content.decode()
    assert "Kiến nghị kiểm tra chưa xong" in page and one.recommendation[:40] in page
    assert "Kiểm tra</a>" in page  # the menu


# --- documents ---------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_minutes_and_the_notice_as_docx(world):
    inspection, one, _two = started_with_findings(world)
    client = client_for(world, "focal_a")
    minutes = reverse("oversight:inspection-minutes", args=[inspection.pk, "docx"])
    notice = reverse("oversight:inspection-conclusion", args=[inspection.pk, "docx"])
    assert client.get(notice).status_code == 404  # not concluded yet
    response = client.get(minutes)
    assert response.status_code == 200
    assert "bien-ban-kiem-tra-cuc-th-2026.docx" in response["Content-Disposition"]
    text = _docx_text(response.content)
    assert "BIÊN BẢN KIỂM TRA" in text.upper() and "Cục Tuyên huấn" in text
    assert one.recommendation in text and "Nghiêm trọng" in text and "Trần Hà" in text
    services.inspection_conclude(
        actor=world.users["member"],
        inspection=inspection,
        conclusion="Đơn vị thực hiện tốt.",
        concluded_on=D(2026, 6, 20),
    )
    text = _docx_text(client_for(world, "office").get(notice).content)
    assert "Đơn vị thực hiện tốt." in text and "Tổng cục Chính trị".upper() in text.upper()
    assert client_for(world, "focal_b").get(minutes).status_code == 404
    assert client.get(minutes.replace(".docx", ".odt")).status_code == 404


def test_the_numbers_and_the_units_opinion_are_printed_once_recorded(world):
    inspection, _one, _two = started_with_findings(world)
    minutes = reverse("oversight:inspection-minutes", args=[inspection.pk, "docx"])
    notice = reverse("oversight:inspection-conclusion", args=[inspection.pk, "docx"])
    office = client_for(world, "office")
    blank = _docx_text(office.get(minutes).content)
    assert "Số: " in blank and "/BB-" in blank and "12/BB-" not in blank
    opinion = "Đơn vị thống nhất với nội dung biên bản và cam kết khắc phục trong quý III."
    url = reverse("oversight:inspection-records", args=[inspection.pk])
    data = {"minutes_number": " 12 ", "notice_number": "15/TB-CT", "inspected_opinion": opinion}
    response = client_for(world, "member").post(url, data)  # the team's head
    assert response.status_code == 302 and response["Location"].endswith("#records")
    text = _docx_text(office.get(minutes).content)
    assert "12/BB-" in text and opinion in text
    event = AuditEvent.objects.filter(action="inspection.records").latest("id")
    assert event.changes["minutes_number"] == ["", "12"]
    services.inspection_conclude(
        actor=world.users["member"], inspection=inspection, conclusion="Tốt.", concluded_on=None
    )
    assert "15/TB-CT" in _docx_text(office.get(notice).content)
    page = office.get(reverse("oversight:inspection-detail", args=[inspection.pk]))
    assert opinion in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"minutes_number": "9" * 65, "notice_number": "", "inspected_opinion": ""},
        {"minutes_number": "", "notice_number": "x" * 10_000, "inspected_opinion": ""},
        {"minutes_number": "", "notice_number": "", "inspected_opinion": "ý" * 20_001},
        {"minutes_number": "1\x00", "notice_number": "", "inspected_opinion": ""},
    ],
)
def test_bad_records_are_field_errors_and_change_nothing(world, data):
    inspection, _one, _two = started_with_findings(world)
    url = reverse("oversight:inspection-records", args=[inspection.pk])
    response = client_for(world, "office").post(url, data)
    assert response.status_code == 200 and response.context["records_form"].errors
    inspection.refresh_from_db()
    assert (inspection.minutes_number, inspection.notice_number) == ("", "")


def test_records_are_the_leads_once_begun(world):
    inspection = make_inspection(world)
    url = reverse("oversight:inspection-records", args=[inspection.pk])
    data = {"minutes_number": "3", "notice_number": "", "inspected_opinion": ""}
    response = client_for(world, "office").post(url, data)  # not begun
    assert response.status_code == 200
    assert "chưa bắt đầu" in str(response.context["records_form"].non_field_errors())
    assert "Cuộc kiểm tra chưa bắt đầu" in response.content.decode()  # said on the page
    services.inspection_start(actor=world.users["member"], inspection=inspection)
    assert client_for(world, "focal_a").post(url, data).status_code in (403, 404)
    inspection.refresh_from_db()
    assert inspection.minutes_number == ""


def test_the_minutes_as_pdf(world):
    from cchc.documents.pdf import pdf_available

    require(pdf_available(), "LibreOffice is not installed")
    inspection, _one, _two = started_with_findings(world)
    url = reverse("oversight:inspection-minutes", args=[inspection.pk, "pdf"])
    response = client_for(world, "member").get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_a_pdf_without_libreoffice_says_so(world, monkeypatch):
    from cchc.documents import pdf

    inspection, _one, _two = started_with_findings(world)
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    client = client_for(world, "office")
    url = reverse("oversight:inspection-minutes", args=[inspection.pk, "pdf"])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "oversight:inspection-detail", args=[inspection.pk]
    )
    assert "chưa cài LibreOffice" in response.content.decode()


def test_a_draft_has_no_documents(world):
    inspection = make_inspection(world)
    url = reverse("oversight:inspection-minutes", args=[inspection.pk, "docx"])
    assert client_for(world, "office").get(url).status_code == 404


# --- reminders ---------------------------------------------------------------------------


def test_open_findings_are_reminded_before_and_after_their_deadline(world):
    inspection, one, two = started_with_findings(world)  # deadlines 31/07 and 15/08
    services.finding_answer(actor=world.users["focal_a"], finding=one, text="Đã làm")
    Notification.objects.all().delete()
    day = D(2026, 7, 1)
    for n in range(62):  # 1/7 – 31/8
        oversight_services.reminders_run(day=day + datetime.timedelta(days=n))
    keys = sorted(
        Notification.objects.filter(kind=Kind.FINDING_DUE).values_list("recipient__username", "key")
    )
    # The answered finding is the office's turn: nothing. The section's, due 15/08: 7 and 1
    # days before, then overdue on 16/08 and every 7 days, to agency A's people (the
    # section has none of its own).
    expected = {
        f"finding_due:{two.pk}:2026-08-15:7",
        f"finding_due:{two.pk}:2026-08-15:1",
        f"finding_overdue:{two.pk}:2026-08-15:1",
        f"finding_overdue:{two.pk}:2026-08-15:8",
        f"finding_overdue:{two.pk}:2026-08-15:15",
    }
    assert {k for _u, k in keys} == expected
    assert {u for u, _k in keys} == {"focal_a", "head_a"}
    before = Notification.objects.count()
    oversight_services.reminders_run(day=D(2026, 8, 16))  # the same day again
    assert Notification.objects.count() == before
    n = Notification.objects.filter(kind=Kind.FINDING_DUE).first()
    assert n.url == reverse("oversight:finding-detail", args=[two.pk])


def test_a_closed_finding_is_not_reminded(world):
    inspection, one, two = started_with_findings(world)
    for finding in (one, two):
        services.finding_answer(actor=world.users["head_a"], finding=finding, text="Xong")
        services.finding_accept(actor=world.users["office"], finding=finding)
    oversight_services.reminders_run(day=D(2026, 8, 16))
    assert not Notification.objects.filter(kind=Kind.FINDING_DUE).exists()
    assert ChecklistItem.objects.filter(inspection=inspection).count() == 3
