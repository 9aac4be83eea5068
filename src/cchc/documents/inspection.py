"""An inspection's two documents in the Decree 30 layout (documents.official), as DOCX: the
minutes (biên bản kiểm tra, "BB"), which the team head and the inspected unit sign together,
and the conclusion notice (thông báo kết luận kiểm tra, "TB"), which the office issues.

Pure: the plain data of `InspectionDocument` (filled by the oversight app, labels included)
in, bytes out; the same data gives the same bytes. Empty lists print a line saying so, never
an empty table; fields left empty print dots to fill in by hand.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from cchc.documents.official import (
    Column,
    DocumentHeader,
    OfficialDocument,
    Signature,
    SpanRow,
    date_line,
)
from cchc.documents.ooxml import XML_ILLEGAL, finish_docx
from cchc.lib.dates import format_day
from cchc.lib.text import fold

# The abbreviations of the types of document in their numbers (Decree 30, Appendix III).
MINUTES_KIND = "BB"
NOTICE_KIND = "TB"
# What a person writes by hand where the data has nothing yet.
BLANK = "……………"
NO_FINDINGS = "Không có phát hiện."

CHECKLIST_COLUMNS = [
    Column("STT", 12, "center"),
    Column("Nội dung kiểm tra", 93, "justify"),
    Column("Kết quả", 24, "center"),
    Column("Ghi chú", 36, "left"),
]
FINDING_COLUMNS = [
    Column("STT", 12, "center"),
    Column("Lĩnh vực", 21, "left"),
    # Narrow cells: justified text would leave wide gaps between words.
    Column("Nội dung phát hiện", 39, "left"),
    Column("Mức độ", 17, "center"),
    Column("Kiến nghị", 33, "left"),
    Column("Thời hạn", 22, "center"),
    Column("Đơn vị chịu trách nhiệm", 21, "left"),
]
# The findings table has seven columns on a portrait page: one point smaller than the rest.
FINDING_PT = 11
# A row of about this many lines or fewer stays on one page; a taller one may break, since
# Word cuts off the part of an unbreakable row that does not fit on its page.
WHOLE_ROW_LINES = 30


@dataclass
class TeamMember:
    name: str
    position: str  # the person's unit or title, may be ""
    is_head: bool  # trưởng đoàn


@dataclass
class ChecklistRow:
    item: str  # "1.2. Ban hành kế hoạch CCHC năm"
    result: str  # "Đạt" / "Chưa đạt" / "" (not checked)
    note: str


@dataclass
class FindingRow:
    number: int
    area: str  # the plan area's name, may be ""
    description: str
    severity: str  # the label as shown ("Nghiêm trọng")
    recommendation: str
    deadline: datetime.date | None
    responsible_unit: str
    status: str  # the label ("Đang mở")
    answer: str  # what the unit did (latest answer), may be ""


@dataclass
class InspectionDocument:
    parent_body: str
    issuing_body: str  # the office's unit, who inspects
    symbol: str  # the unit's symbol in numbers: "CT" in "5/TB-CT"
    number: str  # this document's: "5" (takes "/BB-CT" or "/TB-CT"), "5/TB-CT" kept, "" blanks
    place: str
    date: datetime.date | None
    year: int
    inspected_unit: str
    decision_number: str
    decision_date: datetime.date | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    team: list[TeamMember]
    scope_areas: list[str]
    scope_tasks: list[str]
    checklist: list[ChecklistRow]
    findings: list[FindingRow]
    conclusion: str  # the team's general conclusion, "\n" between paragraphs
    signer_authority: str  # "TM. ĐOÀN KIỂM TRA"
    signer_title: str  # "TRƯỞNG ĐOÀN"
    signer_name: str
    inspected_signer_name: str  # the inspected unit's representative
    recipients: list[str]
    # Beyond the contract, with defaults the pages need not set.
    inspected_signer_title: str = ""  # the representative's post ("Chánh Văn phòng")
    decision_issuer: str = ""  # who signed the decision; the issuing body when empty
    inspected_opinion: str = ""  # what the unit said at the meeting; dots when empty
    copies: int = 2  # copies of the minutes: one for the team, one for the unit

    @property
    def head(self) -> TeamMember | None:
        return next((m for m in self.team if m.is_head), None)


# --- shared pieces ------------------------------------------------------------------------


def _clean(value):
    """The data without the control characters XML forbids (a pasted text may carry some),
    through lists and nested dataclasses."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def document_number(number: str, kind: str, symbol: str) -> tuple[str, str]:
    """(number, symbol) for the header: ("5/TB-CT", "TB-CT"). A bare number gets the
    symbol, a whole one is kept as written; none leaves blanks before the symbol."""
    full_symbol = f"{kind}-{symbol}" if symbol else kind
    number = (number or "").strip()
    if number and "/" not in number:
        number = f"{number}/{full_symbol}"
    return number, full_symbol


def _header(doc: InspectionDocument, kind: str, title: str, summary: str) -> DocumentHeader:
    number, symbol = document_number(doc.number, kind, doc.symbol)
    return DocumentHeader(
        parent_body=doc.parent_body,
        issuing_body=doc.issuing_body,
        kind=title,
        summary=summary,
        number=number,
        symbol=symbol,
        place=doc.place,
        date=doc.date,
        year=doc.year,
    )


def _day(value: datetime.date | None) -> str:
    return format_day(value) or BLANK


def _words_day(day: datetime.date | None, year: int) -> str:
    """ "ngày 05 tháng 3 năm 2026", as the date line writes it, blanks without a date."""
    return date_line("", day, year).removeprefix(", ")


def _decision(doc: InspectionDocument) -> str:
    """ "Quyết định số 12/QĐ-CT ngày 05/03/2026 của Tổng cục Chính trị" """
    issuer = doc.decision_issuer or doc.issuing_body
    number = doc.decision_number.strip() or BLANK
    return f"Quyết định số {number} ngày {_day(doc.decision_date)} của {issuer}"


def _period(doc: InspectionDocument) -> str:
    """ "từ ngày 10/03/2026 đến ngày 12/03/2026", one day alone, or "" without dates."""
    start, end = doc.start_date, doc.end_date
    if start and end and start != end:
        return f"từ ngày {format_day(start)} đến ngày {format_day(end)}"
    if start or end:
        return f"ngày {format_day(start or end)}"
    return ""


def _team_lines(team: list[TeamMember]) -> list[str]:
    """One line per member, the head (or heads) first: "1. Nguyễn Văn A, Cục Tuyên huấn –
    Trưởng đoàn;"."""
    members = sorted(team, key=lambda m: not m.is_head)
    lines = []
    for number, member in enumerate(members, start=1):
        who = member.name.strip() or BLANK
        if member.position.strip():
            who += f", {member.position.strip()}"
        role = "Trưởng đoàn" if member.is_head else "Thành viên"
        end = "." if number == len(members) else ";"
        lines.append(f"{number}. {who} – {role}{end}")
    return lines


def _bullets(items: list[str]) -> str:
    """ "- A;\n- B." from the non-empty items."""
    items = [i.strip().rstrip(";.") for i in items if i.strip()]
    return "\n".join(
        f"- {item}{'.' if n == len(items) else ';'}" for n, item in enumerate(items, 1)
    )


def _tally(checklist: list[ChecklistRow]) -> str:
    """ "12 nội dung: 10 đạt, 2 chưa đạt." (and those not checked, if any)."""
    results = [fold(row.result) for row in checklist]
    passed, failed = results.count("dat"), results.count("chua dat")
    text = f"{len(results)} nội dung: {passed} đạt, {failed} chưa đạt"
    if len(results) > passed + failed:
        text += f", {len(results) - passed - failed} chưa kiểm tra"
    return text + "."


def _finish(document, doc: InspectionDocument, title: str) -> bytes:
    """Fixed core properties and zip times, dated by the document, not the clock."""
    day = doc.date or doc.decision_date or doc.start_date
    if day is None:
        day = datetime.date(doc.year if 1 <= doc.year <= 9999 else 2000, 1, 1)
    when = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    return finish_docx(document, title=title, author=doc.issuing_body, when=when)


def _unit_summary(doc: InspectionDocument) -> str:
    return f"công tác cải cách hành chính tại {doc.inspected_unit.strip() or BLANK}"


# --- the minutes --------------------------------------------------------------------------


def minutes_docx(doc: InspectionDocument) -> bytes:
    """Biên bản kiểm tra: who inspected whom and when, the scope, the checklist and the
    findings as tables, the conclusion, and the two parties' signatures side by side."""
    doc = _clean(doc)
    summary = _unit_summary(doc)
    out = OfficialDocument(
        _header(doc, MINUTES_KIND, "Biên bản kiểm tra", summary[:1].upper() + summary[1:])
    )
    _minutes_opening(out, doc)
    out.add_heading("I. PHẠM VI, NỘI DUNG KIỂM TRA")
    _scope(out, doc)
    out.add_heading("II. KẾT QUẢ KIỂM TRA THEO DANH MỤC")
    _checklist_table(out, doc)
    out.add_heading("III. NHỮNG PHÁT HIỆN VÀ KIẾN NGHỊ")
    _findings_table(out, doc)
    out.add_heading("IV. KẾT LUẬN CỦA ĐOÀN KIỂM TRA")
    out.add_paragraph(doc.conclusion if doc.conclusion.strip() else BLANK * 6)
    out.add_heading("V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA")
    out.add_paragraph(doc.inspected_opinion if doc.inspected_opinion.strip() else BLANK * 6)
    out.add_paragraph(_closing(doc))
    head = doc.head
    out.sign_both(
        Signature(
            authority="Đại diện đơn vị được kiểm tra",
            title=doc.inspected_signer_title,
            name=doc.inspected_signer_name,
        ),
        Signature(
            authority="Trưởng đoàn kiểm tra",
            title="",
            name=head.name if head else doc.signer_name,
        ),
    )
    return _finish(out.document, doc, f"Biên bản kiểm tra {summary}")


def _minutes_opening(out: OfficialDocument, doc: InspectionDocument) -> None:
    unit = doc.inspected_unit.strip() or BLANK
    out.add_paragraph(
        f"Thực hiện {_decision(doc)} về việc kiểm tra công tác cải cách hành chính năm "
        f"{doc.year}, hôm nay, {_words_day(doc.date, doc.year)}, tại {unit}, "
        "Đoàn kiểm tra gồm:"
    )
    out.add_paragraph("\n".join(_team_lines(doc.team)) or BLANK)
    representative = doc.inspected_signer_name.strip() or BLANK
    if doc.inspected_signer_title.strip():
        representative += f", {doc.inspected_signer_title.strip()}"
    out.add_paragraph(f"Đại diện đơn vị được kiểm tra ({unit}): {representative}.")
    period = _period(doc)
    if period:
        out.add_paragraph(f"Thời gian kiểm tra: {period}.")
    out.add_paragraph("Đoàn kiểm tra đã tiến hành kiểm tra và lập biên bản như sau:")


def _scope(out: OfficialDocument, doc: InspectionDocument) -> None:
    if not any(a.strip() for a in doc.scope_areas + doc.scope_tasks):
        out.add_paragraph("Chưa xác định lĩnh vực, nhiệm vụ kiểm tra cụ thể.")
        return
    if any(a.strip() for a in doc.scope_areas):
        out.add_paragraph("Các lĩnh vực kiểm tra:")
        out.add_paragraph(_bullets(doc.scope_areas))
    if any(t.strip() for t in doc.scope_tasks):
        out.add_paragraph("Các nhiệm vụ kiểm tra:")
        out.add_paragraph(_bullets(doc.scope_tasks))


def _checklist_table(out: OfficialDocument, doc: InspectionDocument) -> None:
    if not doc.checklist:
        out.add_paragraph("Không có nội dung kiểm tra theo danh mục.")
        return
    rows: list[list[str] | SpanRow] = [
        [str(n), row.item, row.result, row.note] for n, row in enumerate(doc.checklist, start=1)
    ]
    _keep_rows_whole(out.add_table(CHECKLIST_COLUMNS, rows), CHECKLIST_COLUMNS)
    out.add_paragraph(f"Tổng số {_tally(doc.checklist)}")


def _findings_table(out: OfficialDocument, doc: InspectionDocument) -> None:
    if not doc.findings:
        out.add_paragraph(NO_FINDINGS)
        return
    rows: list[list[str] | SpanRow] = [
        [
            str(f.number),
            f.area,
            f.description,
            f.severity,
            f.recommendation,
            format_day(f.deadline),
            f.responsible_unit,
        ]
        for f in doc.findings
    ]
    _keep_rows_whole(out.add_table(FINDING_COLUMNS, rows, font_pt=FINDING_PT), FINDING_COLUMNS)


def _keep_rows_whole(table, columns: list[Column]) -> None:
    """Rows that fit on a page are not split across two (the header row repeats anyway)."""
    for row in table.rows[1:]:
        if _row_lines(row, columns) <= WHOLE_ROW_LINES:
            flag = OxmlElement("w:cantSplit")
            flag.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(flag)


def _row_lines(row, columns: list[Column]) -> int:
    """A generous guess at the lines of the row's tallest cell: about one character of
    11–12 pt Times per 2 mm of the cell, less its padding."""
    lines = 0
    for cell, column in zip(row.cells, columns, strict=True):
        per_line = max(int((column.width_mm - 4) / 2), 1)
        cell_lines = sum(-(-len(part) // per_line) or 1 for part in cell.text.split("\n"))
        lines = max(lines, cell_lines)
    return lines


def _closing(doc: InspectionDocument) -> str:
    copies = max(doc.copies, 1)
    text = (
        f"Biên bản kết thúc vào hồi …… giờ …… cùng ngày, được lập thành {copies:02d} bản "
        "có giá trị như nhau"
    )
    if copies == 2:
        text += ", Đoàn kiểm tra giữ 01 bản, đơn vị được kiểm tra giữ 01 bản"
    return text + "; các bên đã đọc lại, thống nhất nội dung và cùng ký tên dưới đây."


# --- the conclusion notice ----------------------------------------------------------------


def conclusion_docx(doc: InspectionDocument) -> bytes:
    """Thông báo kết luận kiểm tra: the basis, I. the results, II. the shortcomings found,
    III. the recommendations with who and by when, IV. how the unit reports on them; the
    signature and the recipients."""
    doc = _clean(doc)
    summary = f"Kết luận kiểm tra {_unit_summary(doc)}"
    out = OfficialDocument(_header(doc, NOTICE_KIND, "Thông báo", summary))
    out.add_paragraph(_basis(doc))
    out.add_heading("I. KẾT QUẢ KIỂM TRA")
    _notice_results(out, doc)
    out.add_heading("II. NHỮNG TỒN TẠI, HẠN CHẾ")
    out.add_paragraph(_shortcomings(doc.findings))
    out.add_heading("III. KIẾN NGHỊ")
    out.add_paragraph(_recommendations(doc.findings))
    out.add_heading("IV. TỔ CHỨC THỰC HIỆN")
    out.add_paragraph(_implementation(doc))
    unit = doc.inspected_unit.strip()
    recipients = doc.recipients or ([unit] if unit else [])
    out.sign(
        Signature(
            authority=doc.signer_authority,
            title=doc.signer_title or Signature.title,
            name=doc.signer_name,
        ),
        recipients=recipients,
        archive="VT",
    )
    return _finish(out.document, doc, f"Thông báo {summary[:1].lower()}{summary[1:]}")


def _basis(doc: InspectionDocument) -> str:
    unit = doc.inspected_unit.strip() or BLANK
    period = _period(doc)
    when = f", {period}" if period else ""
    return (
        f"Thực hiện {_decision(doc)} về việc kiểm tra công tác cải cách hành chính năm "
        f"{doc.year}{when}, Đoàn kiểm tra đã tiến hành kiểm tra công tác cải cách hành chính "
        f"tại {unit}. Xét Biên bản kiểm tra và báo cáo của Đoàn kiểm tra, "
        f"{doc.issuing_body} thông báo kết luận kiểm tra như sau:"
    )


def _notice_results(out: OfficialDocument, doc: InspectionDocument) -> None:
    out.add_heading("1. Phạm vi kiểm tra", level=2)
    _scope(out, doc)
    out.add_heading("2. Kết quả kiểm tra theo danh mục", level=2)
    if not doc.checklist:
        out.add_paragraph("Không có nội dung kiểm tra theo danh mục.")
    else:
        out.add_paragraph(f"Đoàn kiểm tra đã kiểm tra {_tally(doc.checklist)}")
        failed = [r for r in doc.checklist if fold(r.result) == "chua dat"]
        if failed:
            out.add_paragraph("Các nội dung chưa đạt:")
            out.add_paragraph(
                _bullets(
                    [f"{r.item} ({r.note.strip()})" if r.note.strip() else r.item for r in failed]
                )
            )
    out.add_heading("3. Đánh giá chung", level=2)
    out.add_paragraph(doc.conclusion if doc.conclusion.strip() else BLANK * 6)


def _shortcomings(findings: list[FindingRow]) -> str:
    """Each finding a numbered paragraph: "1. Cải cách thủ tục hành chính: … (mức độ: Nhẹ)."."""
    if not findings:
        return NO_FINDINGS
    lines = []
    for n, f in enumerate(findings, start=1):
        text = f"{n}. "
        if f.area.strip():
            text += f"{f.area.strip()}: "
        text += f.description.strip().rstrip(".;") or BLANK
        if f.severity.strip():
            text += f" (mức độ: {f.severity.strip().lower()})"
        lines.append(text + ".")
    return "\n".join(lines)


def _recommendations(findings: list[FindingRow]) -> str:
    """Each recommendation numbered as its finding, with who does it and by when."""
    if not findings:
        return "Không có kiến nghị."
    lines = []
    for n, f in enumerate(findings, start=1):
        what = f.recommendation.strip().rstrip(".;") or f"Khắc phục tồn tại nêu tại điểm {n} Mục II"
        who = f.responsible_unit.strip() or BLANK
        lines.append(f"{n}. {what}. Đơn vị chịu trách nhiệm: {who}; thời hạn: {_day(f.deadline)}.")
    return "\n".join(lines)


def _implementation(doc: InspectionDocument) -> str:
    unit = doc.inspected_unit.strip() or BLANK
    if not doc.findings:
        return (
            f"{unit} tiếp tục duy trì, phát huy kết quả đạt được trong công tác cải cách "
            f"hành chính. {doc.issuing_body} theo dõi việc thực hiện."
        )
    return (
        f"{unit} tổ chức thực hiện các kiến nghị nêu tại Mục III, báo cáo kết quả thực hiện "
        f"từng kiến nghị (kèm tài liệu kiểm chứng) về {doc.issuing_body} trước thời hạn của "
        f"kiến nghị đó.\n{doc.issuing_body} theo dõi, đôn đốc và kiểm tra việc thực hiện "
        "các kiến nghị này."
    )
