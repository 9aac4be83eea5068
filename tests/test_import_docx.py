"""Importing a Word plan: the official document with its appendix table."""

import datetime

import pytest

from cchc.orgs import services as org_services
from cchc.orgs.models import UnitGroupMode
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.services import ImportRefused, plan_import
from tests.fixtures_plans import (  # noqa: F401 (a fixture)
    DOCX_EXPECTED,
    DOCX_HEADER,
    docx_from_table,
    docx_plan,
)


@pytest.fixture
def names(world):
    office, u = world.users["office"], world.units
    org_services.unit_alias_create(actor=office, unit=u["VP"], alias="Văn phòng TCCT")
    org_services.unit_group_define(
        actor=office, owner=u["TCCT"], words="Các cơ quan, đơn vị", mode=UnitGroupMode.BELOW
    )
    org_services.unit_group_define(
        actor=office,
        owner=u["TCCT"],
        words="Các cục",
        mode=UnitGroupMode.LIST,
        units=[u["CTH"], u["CTC"]],
    )
    return world


def test_the_front_matter_and_parts_are_read():
    parsed = parse_plan_file(docx_plan(), "25-KH-CT.docx")
    assert parsed.format == "docx"
    assert parsed.document_number == "25/KH-CT"
    assert parsed.issued_on == datetime.date(2026, 1, 10)
    assert parsed.title == "Kế hoạch cải cách hành chính năm 2026 của Tổng cục Chính trị"
    assert parsed.purpose.startswith("Cụ thể hóa Kế hoạch")
    assert parsed.purpose.endswith("chỉ đạo, điều hành.")
    assert parsed.requirements == (
        "Các nội dung cải cách hành chính được tiến hành đồng bộ, thống nhất."
    )
    assert parsed.implementation.split("\n") == [
        "1. Các cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện.",
        "2. Văn phòng Tổng cục giúp Thủ trưởng hướng dẫn, đôn đốc, kiểm tra.",
    ]


def test_the_table_is_read_through_merges_repeats_and_page_splits():
    parsed = parse_plan_file(docx_plan(), "kh.docx")
    got = [(t.area_code, t.code, t.title, t.due_text) for t in parsed.tasks]
    assert got == [(a, c, ti, due) for a, c, ti, _lead, _sup, due in DOCX_EXPECTED]
    # The lead unit merged down over three rows applies to both tasks it spans.
    assert [n.text for n in parsed.tasks[2].lead_names] == ["Văn phòng Tổng cục Chính trị"]
    assert parsed.tasks[2].notes == "Định kỳ quý"
    assert not parsed.errors


def test_an_undefined_group_is_named_in_its_cell(names):
    parsed = parse_plan_file(docx_plan(), "kh.docx")
    with pytest.raises(ImportRefused) as exc:
        plan_import(actor=names.users["office"], parsed=parsed, year=2026, unit=names.units["TCCT"])
    (problem,) = exc.value.problems
    assert problem.kind == "group" and problem.name == "các đơn vị liên quan"
    assert problem.where() == "Bảng 3, dòng 11, cột 4 (Cơ quan phối hợp)"


def test_a_word_plan_imports_with_its_units(names):
    parsed = parse_plan_file(docx_plan(undefined_group=False), "kh.docx")
    plan = plan_import(
        actor=names.users["office"],
        parsed=parsed,
        year=2026,
        unit=names.units["TCCT"],
        title="Kế hoạch CCHC 2026 (Word)",
    ).plan
    assert plan.document_number == "25/KH-CT" and plan.issued_on == datetime.date(2026, 1, 10)
    assert plan.requirements.startswith("Các nội dung")
    tasks = plan.tasks.order_by("order").prefetch_related("supporting_units")
    got = [
        (
            t.area.code,
            t.code,
            t.title,
            t.lead_unit.code,
            sorted(u.code for u in t.supporting_units.all()),
            t.due_text,
        )
        for t in tasks
    ]
    assert got == [(a, c, ti, lead, sorted(sup), due) for a, c, ti, lead, sup, due in DOCX_EXPECTED]
    ranged = plan.tasks.get(title="Niêm yết thủ tục hành chính")
    assert ranged.due_date == datetime.date(2026, 12, 31)
    unnamed = plan.tasks.get(code="3", area__code=1)
    assert unnamed.due_date is None and not unnamed.is_recurring


def test_a_group_in_the_lead_column_makes_the_issuing_unit_lead(names):
    data = docx_from_table(
        [
            DOCX_HEADER,
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
            ["1", "Tuyên truyền tại đơn vị", "Các cơ quan, đơn vị", "", "Cả năm", "", ""],
        ]
    )
    parsed = parse_plan_file(data, "kh.docx")
    result = plan_import(
        actor=names.users["office"], parsed=parsed, year=2026, unit=names.units["TCCT"]
    )
    task = result.plan.tasks.get()
    assert task.lead_unit.code == "TCCT" and task.lead_unit_text == "Các cơ quan, đơn vị"
    assert sorted(u.code for u in task.supporting_units.all()) == ["CTC", "CTH", "CTH-P1", "VP"]
    assert any(p.severity == "warning" for p in result.preview.problems)


def test_headers_over_two_rows_and_a_numbering_row():
    data = docx_from_table(
        [
            [
                "TT",
                "Nội dung công việc",
                "Cơ quan thực hiện",
                "",
                "Thời gian",
                "Kết quả",
                "Ghi chú",
            ],
            ["", "", "Chủ trì", "Phối hợp", "", "", ""],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
            "II. CẢI CÁCH THỂ CHẾ",
            ["1", "Rà soát", "CTH", "VP", "Quý IV", "Báo cáo", ""],
        ],
        merges=[(0, 0, 2, "Cơ quan thực hiện")],
    )
    parsed = parse_plan_file(data, "kh.docx")
    assert not parsed.errors
    (task,) = parsed.tasks
    assert (task.area_code, task.lead_text, task.supporting_text, task.deliverable) == (
        2,
        "CTH",
        "VP",
        "Báo cáo",
    )


def test_a_document_without_a_task_table_says_what_it_needs():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    out = io.BytesIO()
    document.save(out)
    parsed = parse_plan_file(out.getvalue(), "kh.docx")
    (problem,) = parsed.errors
    assert "Không tìm thấy bảng nhiệm vụ" in problem.message
    assert "Cơ quan chủ trì" in problem.message
