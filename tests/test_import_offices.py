"""Plans as other offices write them: impossible dates, group phrases with commas, units
written with their superior's abbreviation, provincial area headings, the title lines."""

import datetime

import pytest

from cchc.orgs import services as org_services
from cchc.plans.due_text import impossible_day
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.readers.table import split_units
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Plan
from tests.fixtures_plans import xlsx_from_rows

HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


def _preview(world, data, name="kh.xlsx"):
    parsed = parse_plan_file(data, name)
    return import_preview(
        actor=world.users["office"], parsed=parsed, year=2027, unit=world.units["TCCT"]
    )


# --- 1. a day that does not exist ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, day",
    [
        ("31/02/2027", "31/02/2027"),
        ("30/2/2027", "30/02/2027"),
        ("31/4", "31/04/2027"),
        ("Trước ngày 31 tháng 4 năm 2027", "31/04/2027"),
        ("Từ 31/06 đến 30/9/2027", "31/06/2027"),
        ("29/02/2027", "29/02/2027"),
    ],
)
def test_a_day_that_does_not_exist_is_found(text, day):
    assert impossible_day(text, 2027) == day


@pytest.mark.parametrize(
    "text", ["29/02/2028", "30/6/2027", "Quý II/2027", "6/2027", "Văn bản 45/12", "Cả năm"]
)
def test_real_days_and_other_words_are_not_impossible(text):
    assert impossible_day(text, 2027) == ""


@pytest.mark.parametrize("due", ["31/02/2027", "30/2/2027", "31/4"])
def test_an_impossible_due_date_is_a_problem_at_its_cell_and_nothing_is_written(world, due):
    data = xlsx_from_rows(
        [
            HEADER,
            ["I", "CẢI CÁCH THỂ CHẾ"],
            ["1", "Rà soát văn bản", "Cục Tuyên huấn", "", due],
        ]
    )
    preview = _preview(world, data)
    [problem] = preview.errors
    assert (problem.row, problem.column) == (3, "E")
    assert "KH" in problem.sheet and due in problem.message
    parsed = parse_plan_file(data, "kh.xlsx")
    before = Plan.objects.count()
    with pytest.raises(ImportRefused):
        plan_import(actor=world.users["office"], parsed=parsed, year=2027, unit=world.units["TCCT"])
    assert Plan.objects.count() == before


# --- 2. a group phrase with a comma inside --------------------------------------------------


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Các sở, ban, ngành thuộc tỉnh", ["Các sở, ban, ngành thuộc tỉnh"]),
        ("các cơ quan, đơn vị trực thuộc", ["các cơ quan, đơn vị trực thuộc"]),
        ("Sở, ban, ngành; UBND các huyện", ["Sở, ban, ngành", "UBND các huyện"]),
        (
            "Sở Nội vụ, các sở, ban, ngành, đoàn thể cấp tỉnh",
            ["Sở Nội vụ", "các sở, ban, ngành, đoàn thể cấp tỉnh"],
        ),
        ("Các sở, ban và ngành có liên quan", ["Các sở, ban và ngành có liên quan"]),
        ("Các cục, Phòng Thông tin", ["Các cục", "Phòng Thông tin"]),
        ("Sở Tài chính, Sở Nội vụ", ["Sở Tài chính", "Sở Nội vụ"]),
    ],
)
def test_a_group_phrase_with_commas_stays_one_name(cell, names):
    assert split_units(cell) == names


def test_an_undefined_group_phrase_with_commas_is_one_group_to_define(world):
    data = xlsx_from_rows(
        [
            HEADER,
            ["I", "CẢI CÁCH THỂ CHẾ"],
            ["1", "Rà soát", "Cục Tuyên huấn", "Các sở, ban, ngành thuộc tỉnh", "Quý II"],
        ]
    )
    preview = _preview(world, data)
    assert [(p.kind, p.name, p.column) for p in preview.errors] == [
        ("group", "Các sở, ban, ngành thuộc tỉnh", "D")
    ]


# --- 3. a unit with its superior's abbreviation after a slash ---------------------------------


@pytest.fixture
def two_offices(world):
    """A second “Phòng Thông tin”, under Cục Cán bộ (short name “Cục CB”)."""
    org_services.unit_create(
        actor=None, code="CTC-P1", name="Phòng Thông tin", parent=world.units["CTC"]
    )
    org_services.unit_create(
        actor=None, code="CTC-P2", name="Phòng Tổng hợp", parent=world.units["CTC"]
    )
    return world


def _lead(world, cell):
    data = xlsx_from_rows([HEADER, ["I", "CẢI CÁCH THỂ CHẾ"], ["1", "Rà soát", cell, "", "Quý II"]])
    preview = _preview(world, data)
    lead = preview.rows[0].lead_unit
    return (lead.code if lead else None), [(p.kind, p.column) for p in preview.errors]


@pytest.mark.parametrize(
    "cell, code",
    [
        ("Phòng Tổng hợp/STC", "CTC-P2"),  # unique in the tree; “STC” names no unit
        ("Phòng Tổng hợp / VP", None),  # VP is a unit, and it has no such room
        ("Phòng Thông tin/Cục CB", "CTC-P1"),  # unique under the unit the abbreviation names
        ("Phòng Thông tin / Cục TH", "CTH-P1"),
    ],
)
def test_a_unit_with_its_superiors_abbreviation_after_a_slash(two_offices, cell, code):
    found, errors = _lead(two_offices, cell)
    assert found == code
    assert errors == ([] if code else [("unit", "C")])


def test_a_name_before_the_slash_that_several_units_bear_is_asked(two_offices):
    found, errors = _lead(two_offices, "Phòng Thông tin/STC")
    assert found is None and errors == [("unit", "C")]
    preview = _preview(
        two_offices,
        xlsx_from_rows([HEADER, ["I", "THỂ CHẾ"], ["1", "Rà", "Phòng Thông tin/STC", "", ""]]),
    )
    assert {u.code for u in preview.names[0].candidates} == {"CTH-P1", "CTC-P1"}


# --- 4. area headings as provinces and agencies write them ------------------------------------


def _areas(rows):
    body = []
    for i, heading in enumerate(rows, start=1):
        body += [["", heading]]
        body += [[f"{i}.1", f"Nhiệm vụ {i}", "Cục Tuyên huấn", "", "Quý IV"]]
    parsed = parse_plan_file(xlsx_from_rows([HEADER, *body]), "kh.xlsx")
    return [t.area_code for t in parsed.tasks], [str(p) for p in parsed.errors]


def test_a_provinces_area_headings_are_recognised():
    got = _areas(
        [
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
            "II. CẢI CÁCH THỂ CHẾ",
            "III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            "IV. CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC",
            "V. CẢI CÁCH CHẾ ĐỘ CÔNG VỤ",
            "VI. CẢI CÁCH TÀI CHÍNH CÔNG",
            "VII. XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ",
        ]
    )
    assert got == ([1, 2, 3, 4, 5, 6, 7], [])


def test_older_and_title_case_headings_are_recognised():
    got = _areas(
        [
            "Công Tác Chỉ Đạo, Điều Hành",
            "Cải Cách Thể Chế",
            "Cải cách thủ tục hành chính",
            "Cải cách tổ chức bộ máy hành chính",
            "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
            "Đổi mới cơ chế quản lý tài chính đối với cơ quan hành chính",
            "Hiện đại hóa hành chính",
        ]
    )
    assert got == ([1, 2, 3, 4, 5, 6, 7], [])
    assert _areas(["1. Chỉ đạo, điều hành", "2. Xây dựng chính quyền số"])[0] == [1, 7]


def test_roman_numerals_decide_where_words_do_not():
    got = _areas(
        [
            "I. NHIỆM VỤ CHUNG",
            "II. CẢI CÁCH THỂ CHẾ",
            "III. NHIỆM VỤ VỀ THỦ TỤC",
            "IV. SẮP XẾP, TINH GỌN",
            "V. NGƯỜI LÀM VIỆC",
            "VI. NGÂN SÁCH",
            "VII. ỨNG DỤNG CÔNG NGHỆ THÔNG TIN",
        ]
    )
    assert got == ([1, 2, 3, 4, 5, 6, 7], [])


def test_a_heading_neither_words_nor_numeral_decide_waits_for_the_office(world):
    """Read as an undecided heading, its task in no area; the preview asks for the area."""
    body = [["", "VIII. NHIỆM VỤ KHÁC"], ["1", "Nhiệm vụ khác", "Cục Tuyên huấn", "", "Quý IV"]]
    parsed = parse_plan_file(xlsx_from_rows([HEADER, *body]), "kh.xlsx")
    assert [(t.area_code, t.heading) for t in parsed.tasks] == [(None, 1)]
    assert parsed.errors == [] and [h.text for h in parsed.undecided] == ["VIII. NHIỆM VỤ KHÁC"]
    errors = [str(p) for p in _preview(world, xlsx_from_rows([HEADER, *body])).errors]
    assert len(errors) == 1 and errors[0].startswith("Trang tính “KH”, dòng 2, cột B")
    assert "“VIII. NHIỆM VỤ KHÁC” không cho biết thuộc lĩnh vực nào" in errors[0]


# --- 5. the number and date in an Excel plan's title lines ------------------------------------


@pytest.mark.parametrize(
    "lines, number, day",
    [
        (
            [
                "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024",
                "(Kèm theo Kế hoạch số 120/KH-UBND ngày 05/02/2024 của UBND tỉnh)",
            ],
            "120/KH-UBND",
            datetime.date(2024, 2, 5),
        ),
        (
            ["Số: 25/KH-CT", "Hà Nội, ngày 10 tháng 01 năm 2026", "KẾ HOẠCH cải cách 2026"],
            "25/KH-CT",
            datetime.date(2026, 1, 10),
        ),
        (
            [
                "Căn cứ Kế hoạch số 9/KH-BQP ngày 01/01/2024",
                "PHỤ LỤC KÈM THEO KẾ HOẠCH SỐ 7/KH-SNV NGÀY 3.3.2024",
            ],
            "7/KH-SNV",
            datetime.date(2024, 3, 3),
        ),
    ],
)
def test_an_excel_plans_title_lines_give_its_number_and_date(lines, number, day):
    rows = [[line] for line in lines] + [HEADER, ["I", "CẢI CÁCH THỂ CHẾ"]]
    rows.append(["1", "Rà soát", "Cục Tuyên huấn", "", "Quý II"])
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")
    assert (parsed.document_number, parsed.issued_on) == (number, day)
    assert not parsed.errors


def test_an_impossible_date_in_the_title_lines_is_a_problem_at_its_row():
    rows = [["Kèm theo Kế hoạch số 1/KH-UBND ngày 31/02/2024"], HEADER, ["I", "THỂ CHẾ"]]
    rows.append(["1", "Rà soát", "Cục Tuyên huấn", "", "Quý II"])
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")
    [problem] = parsed.errors
    assert problem.row == 1 and "KH" in problem.sheet and parsed.issued_on is None


def test_the_number_and_date_of_an_excel_plan_are_written_into_the_plan(world):
    rows = [["(Kèm theo Kế hoạch số 120/KH-UBND ngày 05/02/2024)"], HEADER, ["I", "THỂ CHẾ"]]
    rows.append(["1", "Rà soát", "Cục Tuyên huấn", "", "Quý II"])
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")
    plan = plan_import(
        actor=world.users["office"], parsed=parsed, year=2024, unit=world.units["TCCT"]
    ).plan
    assert (plan.document_number, plan.issued_on) == ("120/KH-UBND", datetime.date(2024, 2, 5))
