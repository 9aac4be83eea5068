"""A heading whose area neither its words nor its Roman numeral decide ("PHẦN THỨ BA: CÁC
NHIỆM VỤ KHÁC"): the preview asks the office to pick the area, once for every task under
it, and confirming waits for the choice."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Plan
from tests.fixtures_plans import DOCX_HEADER, docx_from_table, xlsx_from_rows
from tests.world import sign_in

OTHER = "PHẦN THỨ BA: CÁC NHIỆM VỤ KHÁC"
OTHER_TASKS = ["Tổng kết công tác năm", "Khen thưởng tập thể, cá nhân"]


def _xlsx() -> bytes:
    return xlsx_from_rows(
        [
            DOCX_HEADER,
            ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
            ["1", "Xây dựng kế hoạch", "Cục Tuyên huấn", "", "Quý I", "", ""],
            ["", OTHER],
            ["1", OTHER_TASKS[0], "Cục Cán bộ", "", "30/11", "", ""],
            ["", "1. Khen thưởng"],
            ["2", OTHER_TASKS[1], "Cục Tuyên huấn", "Cục Cán bộ", "Quý IV", "", ""],
            ["II", "CẢI CÁCH THỂ CHẾ"],
            ["1", "Rà soát văn bản", "Cục Tuyên huấn", "", "Quý II", "", ""],
        ]
    )


def _docx() -> bytes:
    blank = ["", "", "", "", ""]
    return docx_from_table(
        [
            DOCX_HEADER,
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
            ["1", "Xây dựng kế hoạch", "Cục Tuyên huấn", "", "Quý I", "", ""],
            OTHER,
            ["1", OTHER_TASKS[0], "Cục Cán bộ", "", "30/11", "", ""],
            ["", "1. Khen thưởng", *blank],
            ["2", OTHER_TASKS[1], "Cục Tuyên huấn", "Cục Cán bộ", "Quý IV", "", ""],
            "II. CẢI CÁCH THỂ CHẾ",
            ["1", "Rà soát văn bản", "Cục Tuyên huấn", "", "Quý II", "", ""],
        ]
    )


FILES = {"xlsx": _xlsx, "docx": _docx}


@pytest.mark.parametrize("kind", FILES)
def test_the_heading_is_read_as_undecided_and_its_tasks_get_no_area(kind):
    parsed = parse_plan_file(FILES[kind](), f"kh.{kind}")
    assert parsed.errors == []
    assert [(h.number, h.text, h.candidates) for h in parsed.undecided] == [(1, OTHER, [])]
    got = [(t.title, t.area_code, t.heading, t.section) for t in parsed.tasks]
    assert got == [
        ("Xây dựng kế hoạch", 1, None, ""),
        (OTHER_TASKS[0], None, 1, ""),
        (OTHER_TASKS[1], None, 1, "1. Khen thưởng"),
        ("Rà soát văn bản", 2, None, ""),
    ]


def test_a_heading_whose_words_point_to_several_areas_lists_them_first(world):
    rows = [
        DOCX_HEADER,
        ["", "VIII. THỂ CHẾ VÀ THỦ TỤC HÀNH CHÍNH"],
        ["1", "Rà soát", "Cục Tuyên huấn", "", "Quý II", "", ""],
    ]
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")
    assert parsed.undecided[0].candidates == [2, 3]
    preview = import_preview(
        actor=world.users["office"], parsed=parsed, year=2026, unit=world.units["TCCT"]
    )
    choice = preview.headings[0]
    assert [a.code for a in choice.candidates] == [2, 3]
    assert [a.code for a in choice.others] == [1, 4, 5, 6, 7]
    assert "(khớp: 2, 3)" in preview.errors[0].message


def test_the_service_refuses_until_the_heading_has_an_area(world):
    parsed = parse_plan_file(_xlsx(), "kh.xlsx")
    options = {"year": 2026, "unit": world.units["TCCT"], "title": "Kế hoạch có phần khác"}
    with pytest.raises(ImportRefused) as refused:
        plan_import(actor=world.users["office"], parsed=parsed, **options)
    assert [p.kind for p in refused.value.problems] == ["heading"]
    assert not Plan.objects.filter(title=options["title"]).exists()
    # An area code that is no area's decides nothing either.
    with pytest.raises(ImportRefused):
        plan_import(actor=world.users["office"], parsed=parsed, heading_areas={1: 9}, **options)
    result = plan_import(
        actor=world.users["office"], parsed=parsed, heading_areas={1: 6}, **options
    )
    tasks = {
        t.title: (t.area.code, t.section.title if t.section else "")
        for t in result.plan.tasks.all()
    }
    assert tasks[OTHER_TASKS[0]] == (6, "") and tasks[OTHER_TASKS[1]] == (6, "1. Khen thưởng")
    event = AuditEvent.objects.get(action="plan.import", object_id=str(result.plan.pk))
    assert event.changes["heading_areas"] == [None, {OTHER: 6}]


# --- the web journey ---------------------------------------------------------------------


@pytest.fixture
def office(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, "office")
    return client


def _upload(client, world, data: bytes, name: str) -> str:
    form = {
        "file": SimpleUploadedFile(name, data),
        "year": 2026,
        "unit": world.units["TCCT"].pk,
        "title": f"Kế hoạch có phần khác ({name})",
    }
    response = client.post(reverse("imports:upload"), form)
    assert response.status_code == 302
    return response["Location"].rstrip("/").split("/")[-1]


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("kind", FILES)
def test_the_office_picks_the_area_in_the_preview(office, world, kind):
    token = _upload(office, world, FILES[kind](), f"kh.{kind}")
    preview = reverse("imports:preview", args=[token])
    page = office.get(preview).content.decode()
    assert "Tiêu đề cần chọn lĩnh vực" in page and f"“{OTHER}”" in page
    where = "Trang tính “KH”, dòng 4, cột B" if kind == "xlsx" else "Bảng 1, dòng 4"
    assert where in page
    assert 'name="heading" value="1"' in page and 'id="heading-area-1"' in page
    assert 'disabled aria-disabled="true"' in page
    assert f"“{OTHER}”: chưa chọn lĩnh vực" in page  # its tasks wait in the table

    # Confirming before choosing is refused, naming the heading, and writes nothing.
    plans = Plan.objects.count()
    response = office.post(reverse("imports:confirm", args=[token]))
    assert response.status_code == 302 and Plan.objects.count() == plans
    assert f"Chọn lĩnh vực cho tiêu đề “{OTHER}” trước khi xác nhận." in _said(response)

    response = office.post(reverse("imports:area", args=[token]), {"heading": 1, "area": 4})
    assert response.status_code == 302 and response["Location"] == preview
    assert any("Cải cách tổ chức bộ máy" in m and OTHER in m for m in _said(response))
    page = office.get(preview).content.decode()
    assert "aria-disabled" not in page and "Đã chọn lĩnh vực" in page
    assert '<option value="4" selected>' in page

    office.post(reverse("imports:confirm", args=[token]))
    plan = Plan.objects.get(title=f"Kế hoạch có phần khác (kh.{kind})")
    areas = {t.title: t.area.code for t in plan.tasks.select_related("area")}
    assert areas == {
        "Xây dựng kế hoạch": 1,
        OTHER_TASKS[0]: 4,
        OTHER_TASKS[1]: 4,
        "Rà soát văn bản": 2,
    }
    assert plan.sections.get(title="1. Khen thưởng").area.code == 4


@pytest.mark.parametrize(
    "data, said",
    [
        ({"heading": 2, "area": 4}, "Không tìm thấy tiêu đề cần chọn lĩnh vực"),
        ({"heading": "x", "area": 4}, "Không tìm thấy tiêu đề cần chọn lĩnh vực"),
        ({"area": 4}, "Không tìm thấy tiêu đề cần chọn lĩnh vực"),
        ({"heading": 1, "area": 8}, f"Chọn một trong bảy lĩnh vực cho tiêu đề “{OTHER}”."),
        ({"heading": 1, "area": ""}, f"Chọn một trong bảy lĩnh vực cho tiêu đề “{OTHER}”."),
        ({"heading": 1, "area": "9" * 40}, f"Chọn một trong bảy lĩnh vực cho tiêu đề “{OTHER}”."),
    ],
)
def test_a_bad_choice_says_what_is_wrong_and_keeps_nothing(office, world, data, said):
    token = _upload(office, world, _xlsx(), "kh.xlsx")
    response = office.post(reverse("imports:area", args=[token]), data)
    assert response.status_code == 302
    assert any(m.startswith(said) for m in _said(response))
    page = office.get(reverse("imports:preview", args=[token])).content.decode()
    assert 'disabled aria-disabled="true"' in page


def test_someone_else_cannot_pick_for_the_office(office, client, world):
    token = _upload(office, world, _xlsx(), "kh.xlsx")
    client.logout()
    sign_in(client, "focal_a")
    response = client.post(reverse("imports:area", args=[token]), {"heading": 1, "area": 4})
    assert response.status_code == 403
