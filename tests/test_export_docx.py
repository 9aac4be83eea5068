"""The plan as an official document (Decree 30/2020/NĐ-CP) and the shared builder."""

import datetime
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from cchc.documents.official import (
    Column,
    DocumentHeader,
    OfficialDocument,
    Signature,
    SpanRow,
    date_line,
)
from cchc.documents.plan import plan_docx
from cchc.plans.exports import plan_export_data


def _document(**header) -> docx.Document:
    header = {
        "parent_body": "Bộ Quốc phòng",
        "issuing_body": "Tổng cục Chính trị",
        "number": "25/KH-CT",
        "date": datetime.date(2026, 6, 20),
        "kind": "Báo cáo",
        "summary": "Kết quả cải cách hành chính 6 tháng đầu năm 2026",
    } | header
    doc = OfficialDocument(DocumentHeader(**header))
    doc.add_heading("I. KẾT QUẢ")
    doc.add_paragraph("Dòng một.\nDòng hai.")
    doc.sign(
        Signature(authority="KT. Chủ nhiệm", title="Phó Chủ nhiệm", name="Nguyễn Văn A"),
        recipients=["Bộ Quốc phòng (để báo cáo)", "Các cơ quan, đơn vị;"],
        archive="VT, CCHC",
    )
    doc.add_appendix("Phụ lục", "SỐ LIỆU", "(Kèm theo Báo cáo)")
    doc.add_table(
        [Column("STT", 10, "center"), Column("Nội dung", 100)],
        [SpanRow("I. NHÓM"), ["1", "Việc"]],
    )
    return docx.Document(io.BytesIO(doc.finish()))


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def test_date_lines_pad_days_and_the_first_two_months():
    assert date_line("Hà Nội", datetime.date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert date_line("Hà Nội", datetime.date(2026, 6, 20)) == "Hà Nội, ngày 20 tháng 6 năm 2026"
    assert date_line("Hà Nội", None, 2026) == "Hà Nội, ngày     tháng     năm 2026"


def test_the_page_is_a4_with_the_decrees_margins_and_font():
    document = _document()
    section = document.sections[0]

    def mm(*lengths):
        return tuple(round(length.mm) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert not [a for a in fonts.attrib if a.endswith("Theme")]
    appendix = document.sections[1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE and mm(appendix.page_width) == (297,)


def test_the_header_block():
    document = _document()
    left, right = document.tables[0].rows[0].cells
    parent, issuing = left.paragraphs[0], left.paragraphs[1]
    assert parent.text == "BỘ QUỐC PHÒNG" and not _runs(parent)[0].bold
    assert issuing.text == "TỔNG CỤC CHÍNH TRỊ" and _runs(issuing)[0].bold
    rule = left.paragraphs[2]
    assert rule._p.pPr.find(qn("w:pBdr")) is not None and rule.text == ""
    assert "Số: 25/KH-CT" in [p.text for p in left.paragraphs]
    name, motto, date = (p for p in right.paragraphs if p.text)
    assert name.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert _runs(name)[0].bold and _runs(name)[0].font.size == Pt(12)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert _runs(motto)[0].bold and _runs(motto)[0].underline
    assert date.text == "Hà Nội, ngày 20 tháng 6 năm 2026" and _runs(date)[0].italic


def test_the_type_and_summary_are_bold_and_centred():
    texts = {p.text: p for p in _document().paragraphs}
    kind = texts["BÁO CÁO"]
    summary = texts["Kết quả cải cách hành chính 6 tháng đầu năm 2026"]
    for paragraph in (kind, summary):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER and _runs(paragraph)[0].bold


def test_the_signature_and_recipients():
    left, right = _document().tables[1].rows[0].cells
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    run = _runs(heading)[0]
    assert run.bold and run.italic and run.font.size == Pt(12)
    items = [p for p in left.paragraphs[1:] if p.text]
    assert [p.text for p in items] == [
        "- Bộ Quốc phòng (để báo cáo);",
        "- Các cơ quan, đơn vị;",
        "- Lưu: VT, CCHC.",
    ]
    assert all(_runs(p)[0].font.size == Pt(11) for p in items)
    signer = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signer] == ["KT. CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "Nguyễn Văn A"]
    assert all(_runs(p)[0].bold for p in signer)


def test_a_table_repeats_its_header_and_spans_group_rows():
    table = _document().tables[2]
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    group = table.rows[1].cells
    assert group[0]._tc is group[1]._tc and group[0].text == "I. NHÓM"


@pytest.fixture
def plan_document(world):
    data = plan_export_data(user=world.users["office"], plan=world.plan, today=world.today)
    return docx.Document(io.BytesIO(plan_docx(data)))


def test_the_plan_has_its_three_parts_signature_and_appendix(plan_document):
    texts = [p.text for p in plan_document.paragraphs]
    for heading in ["KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG, NHIỆM VỤ"]:
        assert heading in texts
    assert "III. TỔ CHỨC THỰC HIỆN" in texts
    assert "Cải cách hành chính năm 2026 của Tổng cục Chính trị" in texts
    assert "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026" in texts
    assert "(Kèm theo Kế hoạch số 25/KH-CT" in " ".join(texts)
    header = plan_document.tables[0].rows[0].cells[0].text
    assert "BỘ QUỐC PHÒNG" in header and "TỔNG CỤC CHÍNH TRỊ" in header
    assert "Nơi nhận:" in plan_document.tables[1].rows[0].cells[0].text


def test_the_appendix_table_groups_tasks_by_area(plan_document):
    table = plan_document.tables[2]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Nội dung",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian hoàn thành",
        "Sản phẩm",
        "Ghi chú",
    ]
    first_cells = [r.cells[0].text for r in table.rows[1:]]
    assert first_cells[0].startswith("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    assert first_cells[1] == "1.1"
    row = [c.text for c in table.rows[2].cells]
    assert row[2:5] == ["Cục Tuyên huấn", "Cục Cán bộ", "Trước 12/06/2026"]
    headings = [t for t in first_cells if ". " in t]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V"]
