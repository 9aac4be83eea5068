"""An inspection's minutes and conclusion notice (documents.inspection), read back with
python-docx and, where LibreOffice is installed, as PDF."""

import dataclasses
import datetime
import io
import re
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from cchc.documents.inspection import (
    NO_FINDINGS,
    ChecklistRow,
    FindingRow,
    InspectionDocument,
    TeamMember,
    conclusion_docx,
    minutes_docx,
)
from cchc.documents.pdf import docx_to_pdf, pdf_available
from tests.conftest import require

LONG = "Hồ sơ thủ tục hành chính lưu trữ chưa đầy đủ, " * 60 + "cuối cùng."


def finding(number: int, **changes) -> FindingRow:
    return dataclasses.replace(
        FindingRow(
            number=number,
            area="Cải cách thủ tục hành chính",
            description=f"Phát hiện số {number}: chưa niêm yết công khai thủ tục",
            severity="Trung bình",
            recommendation=f"Niêm yết công khai đầy đủ (kiến nghị {number})",
            deadline=datetime.date(2026, 6, 1) + datetime.timedelta(days=number),
            responsible_unit="Phòng Hành chính",
            status="Đang mở",
            answer="",
        ),
        **changes,
    )


def sample(**changes) -> InspectionDocument:
    data = InspectionDocument(
        parent_body="Bộ Quốc phòng",
        issuing_body="Tổng cục Chính trị",
        symbol="CT",
        number="7",
        place="Hà Nội",
        date=datetime.date(2026, 3, 12),
        year=2026,
        inspected_unit="Cục Tuyên huấn",
        decision_number="12/QĐ-CT",
        decision_date=datetime.date(2026, 2, 5),
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 12),
        # The head is listed last on purpose: the documents put the head first.
        team=[
            TeamMember("Trần Thị Bích", "Phòng Tổ chức", False),
            TeamMember("Lê Văn Cường", "", False),
            TeamMember("Nguyễn Văn Hùng", "Phó Chánh Văn phòng", True),
        ],
        scope_areas=["Công tác chỉ đạo, điều hành", "Cải cách thủ tục hành chính"],
        scope_tasks=["1.2. Ban hành kế hoạch CCHC năm 2026"],
        checklist=[
            ChecklistRow("1.1. Ban hành kế hoạch CCHC năm", "Đạt", ""),
            ChecklistRow("1.2. Báo cáo định kỳ đúng hạn", "Chưa đạt", "Quý I nộp muộn"),
            ChecklistRow("2.1. Công khai thủ tục hành chính", "", ""),
        ],
        findings=[
            finding(1, severity="Nghiêm trọng"),
            finding(2, area="", description=LONG, deadline=None),
        ],
        conclusion="Đơn vị đã triển khai kế hoạch nghiêm túc.\nCòn chậm báo cáo quý I.",
        signer_authority="TM. Đoàn kiểm tra",
        signer_title="Trưởng đoàn",
        signer_name="Đại tá Nguyễn Văn Hùng",
        inspected_signer_name="Thượng tá Phạm Minh Đức",
        recipients=["Cục Tuyên huấn", "Thủ trưởng Tổng cục (để báo cáo)"],
    )
    return dataclasses.replace(data, **changes)


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def paragraphs(document) -> list[str]:
    """Every paragraph's text in reading order, those in table cells included."""
    body = document.element.body
    return [Paragraph(p, None).text for p in body.iter(qn("w:p"))]


def text(document) -> str:
    return "\n".join(paragraphs(document))


def table_with(document, header: str):
    found = [t for t in document.tables if header in [c.text for c in t.rows[0].cells]]
    return found[0] if found else None


def cells(table, row: int) -> str:
    return " | ".join(c.text for c in table.rows[row].cells)


def unbreakable(row) -> bool:
    return row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


def header_lines(document) -> list[str]:
    return [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]


# --- the minutes --------------------------------------------------------------------------


def test_the_minutes_title_number_and_opening():
    document = read(minutes_docx(sample()))
    lines = paragraphs(document)
    assert "BIÊN BẢN KIỂM TRA" in lines
    assert "Công tác cải cách hành chính tại Cục Tuyên huấn" in lines
    assert header_lines(document)[-1] == "Số: 7/BB-CT"
    assert "Hà Nội, ngày 12 tháng 3 năm 2026" in lines
    opening = next(line for line in lines if line.startswith("Thực hiện Quyết định"))
    assert opening == (
        "Thực hiện Quyết định số 12/QĐ-CT ngày 05/02/2026 của Tổng cục Chính trị về việc kiểm "
        "tra công tác cải cách hành chính năm 2026, hôm nay, ngày 12 tháng 3 năm 2026, tại "
        "Cục Tuyên huấn, Đoàn kiểm tra gồm:"
    )
    team = [line for line in lines if re.match(r"\d\. .* – (Trưởng đoàn|Thành viên)", line)]
    assert team == [
        "1. Nguyễn Văn Hùng, Phó Chánh Văn phòng – Trưởng đoàn;",
        "2. Trần Thị Bích, Phòng Tổ chức – Thành viên;",
        "3. Lê Văn Cường – Thành viên.",
    ]
    assert "Đại diện đơn vị được kiểm tra (Cục Tuyên huấn): Thượng tá Phạm Minh Đức." in lines
    assert "Thời gian kiểm tra: từ ngày 10/03/2026 đến ngày 12/03/2026." in lines


def test_the_minutes_scope_checklist_and_findings_tables():
    data = sample()
    document = read(minutes_docx(data))
    lines = paragraphs(document)
    assert "- Cải cách thủ tục hành chính." in lines
    assert "- 1.2. Ban hành kế hoạch CCHC năm 2026." in lines
    checklist = table_with(document, "Nội dung kiểm tra")
    assert cells(checklist, 0) == "STT | Nội dung kiểm tra | Kết quả | Ghi chú"
    assert cells(checklist, 2) == "2 | 1.2. Báo cáo định kỳ đúng hạn | Chưa đạt | Quý I nộp muộn"
    assert "Tổng số 3 nội dung: 1 đạt, 1 chưa đạt, 1 chưa kiểm tra." in lines
    findings = table_with(document, "Nội dung phát hiện")
    assert cells(findings, 0) == (
        "STT | Lĩnh vực | Nội dung phát hiện | Mức độ | Kiến nghị | Thời hạn | "
        "Đơn vị chịu trách nhiệm"
    )
    assert cells(findings, 1) == (
        "1 | Cải cách thủ tục hành chính | Phát hiện số 1: chưa niêm yết công khai thủ tục | "
        "Nghiêm trọng | Niêm yết công khai đầy đủ (kiến nghị 1) | 02/06/2026 | Phòng Hành chính"
    )
    # The long finding is whole, in its cell; no deadline leaves the cell empty.
    assert findings.rows[2].cells[2].text == LONG and findings.rows[2].cells[5].text == ""
    # A short row keeps to one page; the long one, taller than a page, may break.
    assert [unbreakable(row) for row in findings.rows[1:]] == [True, False]
    assert all(unbreakable(row) for row in checklist.rows)
    assert "Còn chậm báo cáo quý I." in lines


def test_the_minutes_are_signed_by_both_parties_and_have_no_recipients():
    document = read(minutes_docx(sample()))
    signatures = document.tables[-1]
    titles = [c.text for c in signatures.rows[0].cells]
    names = [c.text.strip() for c in signatures.rows[1].cells]
    assert titles == ["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "TRƯỞNG ĐOÀN KIỂM TRA"]
    # The team head signs, whoever the notice's signer is.
    assert names == ["Thượng tá Phạm Minh Đức", "Nguyễn Văn Hùng"]
    assert all(r.bold for c in signatures.rows[1].cells for r in c.paragraphs[-1].runs)
    # The names sit in a row of their own: level, however the titles wrap.
    assert len(signatures.rows) == 2
    closing = paragraphs(document)
    assert any(line.startswith("Biên bản kết thúc") and "02 bản" in line for line in closing)
    assert any("thống nhất nội dung và cùng ký tên" in line for line in closing)
    assert "Nơi nhận:" not in closing


def test_the_minutes_of_an_inspection_with_nothing_found():
    document = read(minutes_docx(sample(findings=[], checklist=[], scope_areas=[], scope_tasks=[])))
    lines = paragraphs(document)
    assert NO_FINDINGS in lines
    assert "Không có nội dung kiểm tra theo danh mục." in lines
    assert "Chưa xác định lĩnh vực, nhiệm vụ kiểm tra cụ thể." in lines
    # Only the header, the rule-free title block and the signatures: no empty table.
    assert table_with(document, "Nội dung phát hiện") is None
    assert table_with(document, "Nội dung kiểm tra") is None


def test_sixty_findings_each_with_its_deadline():
    data = sample(findings=[finding(n) for n in range(1, 61)])
    document = read(minutes_docx(data))
    rows = table_with(document, "Nội dung phát hiện").rows[1:]
    assert len(rows) == 60
    for row, f in zip(rows, data.findings, strict=True):
        assert row.cells[2].text == f.description
        assert row.cells[5].text == f.deadline.strftime("%d/%m/%Y")
    notice = text(read(conclusion_docx(data)))
    for f in data.findings:
        assert f.description in notice
        assert f"thời hạn: {f.deadline.strftime('%d/%m/%Y')}." in notice


def test_blank_data_prints_places_to_fill_in_by_hand():
    blank = sample(
        number="",
        date=None,
        decision_number="",
        decision_date=None,
        start_date=None,
        end_date=None,
        team=[],
        conclusion="",
        inspected_signer_name="",
        signer_name="",
        recipients=[],
    )
    minutes = read(minutes_docx(blank))
    assert header_lines(minutes)[-1] == "Số:        /BB-CT"
    lines = paragraphs(minutes)
    assert "Hà Nội, ngày     tháng     năm 2026" in lines
    assert any("hôm nay, ngày     tháng     năm 2026" in line for line in lines)
    assert any(line.startswith("Thực hiện Quyết định số …") for line in lines)
    notice = read(conclusion_docx(blank))
    assert header_lines(notice)[-1] == "Số:        /TB-CT"
    # With no recipients given, the notice goes to the inspected unit.
    assert "- Cục Tuyên huấn;" in paragraphs(notice)


def test_control_characters_in_the_data_do_not_break_the_files():
    data = sample(findings=[finding(1, description="Sai\x00 sót\x0b ở\x1f biểu mẫu")])
    assert "Sai sót ở biểu mẫu" in text(read(minutes_docx(data)))
    assert "Sai sót ở biểu mẫu" in text(read(conclusion_docx(data)))


# --- the conclusion notice ----------------------------------------------------------------


def test_the_notice_title_number_and_sections():
    document = read(conclusion_docx(sample(number="5/TB-CT")))
    lines = paragraphs(document)
    assert header_lines(document)[-1] == "Số: 5/TB-CT"
    assert header_lines(read(conclusion_docx(sample(number="5"))))[-1] == "Số: 5/TB-CT"
    assert "THÔNG BÁO" in lines
    assert "Kết luận kiểm tra công tác cải cách hành chính tại Cục Tuyên huấn" in lines
    basis = next(line for line in lines if line.startswith("Thực hiện Quyết định"))
    assert "số 12/QĐ-CT ngày 05/02/2026 của Tổng cục Chính trị" in basis
    assert "từ ngày 10/03/2026 đến ngày 12/03/2026" in basis
    headings = [line for line in lines if re.match(r"(I|II|III|IV)\. ", line)]
    assert headings == [
        "I. KẾT QUẢ KIỂM TRA",
        "II. NHỮNG TỒN TẠI, HẠN CHẾ",
        "III. KIẾN NGHỊ",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    assert "Đoàn kiểm tra đã kiểm tra 3 nội dung: 1 đạt, 1 chưa đạt, 1 chưa kiểm tra." in lines
    assert "- 1.2. Báo cáo định kỳ đúng hạn (Quý I nộp muộn)." in lines
    assert "Đơn vị đã triển khai kế hoạch nghiêm túc." in lines


def test_the_notice_findings_and_recommendations():
    lines = paragraphs(read(conclusion_docx(sample())))
    assert (
        "1. Cải cách thủ tục hành chính: Phát hiện số 1: chưa niêm yết công khai thủ tục "
        "(mức độ: nghiêm trọng)." in lines
    )
    assert f"2. {LONG.rstrip('.')} (mức độ: trung bình)." in lines
    assert (
        "1. Niêm yết công khai đầy đủ (kiến nghị 1). Đơn vị chịu trách nhiệm: Phòng Hành "
        "chính; thời hạn: 02/06/2026." in lines
    )
    assert any(line.startswith("2. ") and line.endswith("thời hạn: …………….") for line in lines)
    assert any(line.startswith("Cục Tuyên huấn tổ chức thực hiện các kiến nghị") for line in lines)


def test_the_notice_with_nothing_found():
    lines = paragraphs(read(conclusion_docx(sample(findings=[]))))
    assert NO_FINDINGS in lines and "Không có kiến nghị." in lines


def test_the_notice_is_signed_with_its_recipients():
    document = read(conclusion_docx(sample()))
    block = document.tables[-1].rows[0].cells
    recipients = [p.text for p in block[0].paragraphs]
    assert recipients == [
        "Nơi nhận:",
        "- Cục Tuyên huấn;",
        "- Thủ trưởng Tổng cục (để báo cáo);",
        "- Lưu: VT.",
    ]
    signer = [p.text for p in block[1].paragraphs if p.text]
    assert signer == ["TM. ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN", "Đại tá Nguyễn Văn Hùng"]


# --- both ---------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [minutes_docx, conclusion_docx])
def test_a4_with_the_decrees_margins(build):
    section = read(build(sample())).sections[0]

    def mm(*lengths):
        return tuple(round(length.mm) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)


@pytest.mark.parametrize("build", [minutes_docx, conclusion_docx])
def test_the_same_data_gives_the_same_bytes(build):
    assert build(sample()) == build(sample())
    assert build(sample()) != build(sample(conclusion="Khác."))


# --- PDF ----------------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The PDF's text by pdftotext, in one line of single spaces; None without poppler."""
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("build", [minutes_docx, conclusion_docx])
def test_the_documents_convert_to_pdf(build, tmp_path):
    require(pdf_available(), "LibreOffice is not installed (make install adds it)")
    data = sample(findings=[finding(n) for n in range(1, 61)])
    pdf = docx_to_pdf(build(data))
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) >= 2
    found = pdf_text(pdf, tmp_path)
    if found is None:
        return
    title = "BIÊN BẢN KIỂM TRA" if build is minutes_docx else "THÔNG BÁO"
    assert title in found
    assert "Phát hiện số 60: chưa niêm yết công khai thủ tục" in found
    assert "31/07/2026" in found  # the 60th finding's deadline
    if build is minutes_docx:
        assert "ĐẠI DIỆN ĐƠN VỊ" in found and "TRƯỞNG ĐOÀN KIỂM TRA" in found
    else:
        assert "Nơi nhận:" in found
