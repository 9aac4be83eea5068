"""The plan template on the upload page: an XLSX with the columns, title lines and seven
area headings the import reads, and a guide. Downloaded and uploaded back unchanged, it
goes through the real import journey into seven areas with one task each."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cchc.documents.plan_template import PlanTemplate, plan_template_xlsx
from cchc.plans.areas import AREAS
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.readers.headers import find_header, header_field
from cchc.plans.imports.readers.xlsx import _xlsx_rows
from cchc.plans.models import Area, Plan
from tests.world import sign_in


@pytest.fixture
def office(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, "office")
    return client


def _download(client) -> bytes:
    response = client.get(reverse("imports:template"))
    assert response.status_code == 200
    year = timezone.localdate().year
    assert response["Content-Disposition"] == f'attachment; filename="mau-ke-hoach-{year}.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def test_the_upload_page_links_the_template(office):
    page = office.get(reverse("imports:upload")).content.decode()
    assert f'href="{reverse("imports:template")}"' in page
    assert "Tải mẫu kế hoạch (Excel)" in page


def test_the_template_round_trips_through_the_import_journey(office, world):
    data = _download(office)
    response = office.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("mau.xlsx", data),
            "year": 2026,
            "unit": world.units["TCCT"].pk,
        },
    )
    assert response.status_code == 302
    preview = office.get(response["Location"]).content.decode()
    assert "Tệp đọc được trọn vẹn" in preview and "aria-disabled" not in preview
    assert "Vấn đề trong tệp" not in preview and "Tiêu đề cần chọn lĩnh vực" not in preview
    for area in Area.objects.all():
        assert str(area) in preview

    office.post(response["Location"] + "confirm/")
    plan = Plan.objects.get(title=f"Kế hoạch cải cách hành chính năm {timezone.localdate().year}")
    tasks = list(plan.tasks.select_related("area", "lead_unit").order_by("area__code"))
    assert [t.area.code for t in tasks] == [1, 2, 3, 4, 5, 6, 7]
    assert {t.lead_unit for t in tasks} == {world.units["TCCT"]}  # the office's own unit
    assert all(t.due_date and t.due_date.year == timezone.localdate().year for t in tasks)
    assert plan.document_number == "" and plan.issued_on is None  # a draft's blanks


def test_the_header_row_is_what_the_import_recognises(office):
    book = openpyxl.load_workbook(io.BytesIO(_download(office)))
    assert book.sheetnames == ["Kế hoạch", "Hướng dẫn"]
    rows = _xlsx_rows(book["Kế hoạch"])
    start, header = find_header(rows)
    written = [c.value for c in book["Kế hoạch"][start] if c.value]
    assert [header_field(text) for text in written] == [
        "code",
        "title",
        "lead",
        "supporting",
        "due",
        "deliverable",
        "notes",
    ]
    assert header.extras == {} and len(header.fields) == len(written)
    # The guide is never taken for a task table.
    assert find_header(_xlsx_rows(book["Hướng dẫn"])) is None


def test_the_title_lines_and_headings_read_like_a_plans(office):
    book = openpyxl.load_workbook(io.BytesIO(_download(office)))
    sheet = book["Kế hoạch"]
    year = timezone.localdate().year
    assert [sheet.cell(r, 1).value for r in (1, 2)] == [
        "TỔNG CỤC CHÍNH TRỊ",
        f"KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year}",
    ]
    assert sheet["A3"].value == f"Số:        /KH-CT, ngày …… tháng …… năm {year}"
    headings = [sheet.cell(r, 1).value for r in range(5, 19, 2)]
    assert headings == [
        f"{n}. {a.name.upper()}"
        for n, a in zip(
            ["I", "II", "III", "IV", "V", "VI", "VII"], Area.objects.order_by("code"), strict=True
        )
    ]
    first = [c.value for c in sheet[6]]
    assert first[:5] == [
        "1",
        f"Xây dựng, ban hành Kế hoạch cải cách hành chính năm {year}",
        "Tổng cục Chính trị",
        None,
        f"31/01/{year}",
    ]
    guide = "\n".join(c.value for c in book["Hướng dẫn"]["A"] if c.value)
    for words in ("STT:", "Cơ quan chủ trì:", "dd/mm/yyyy", "Thường xuyên", "Các cục", "VII."):
        assert words in guide


def test_a_filled_number_and_date_are_read():
    data = PlanTemplate(
        year=2027,
        issuing_body="Sở Nội vụ",
        symbol="KH-SNV",
        lead="Sở Nội vụ",
        areas=[name for __, name, __ in AREAS],
        created=datetime.date(2026, 12, 1),
    )
    book = openpyxl.load_workbook(io.BytesIO(plan_template_xlsx(data)))
    book["Kế hoạch"]["A3"] = "Số: 25/KH-SNV, ngày 10 tháng 01 năm 2027"
    out = io.BytesIO()
    book.save(out)
    parsed = parse_plan_file(out.getvalue(), "kh.xlsx")
    assert (parsed.document_number, parsed.issued_on) == ("25/KH-SNV", datetime.date(2027, 1, 10))
    assert parsed.title == "Kế hoạch cải cách hành chính năm 2027"
    assert [t.area_code for t in parsed.tasks] == [1, 2, 3, 4, 5, 6, 7]
    assert parsed.errors == [] and parsed.undecided == []


def test_a_superuser_without_an_office_gets_placeholders(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    book = openpyxl.load_workbook(io.BytesIO(_download(client)))
    assert book["Kế hoạch"]["A1"].value == "TÊN CƠ QUAN BAN HÀNH"
    assert book["Kế hoạch"]["C6"].value == "Tên cơ quan chủ trì"


def test_the_template_is_for_the_office(client, world):
    sign_in(client, "focal_a")
    assert client.get(reverse("imports:template")).status_code == 403
    client.logout()
    assert client.get(reverse("imports:template")).status_code == 302
