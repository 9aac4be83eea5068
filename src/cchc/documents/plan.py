"""A plan as files: the official DOCX (Decree 30 layout, task table in an appendix) and the
task table as XLSX. `plan_docx` and `plan_xlsx` are pure: the plain data of `PlanExport`
(filled by plans.exports, scoped to the user) in, bytes out.

Both files read back through the importer into the same tasks, units, areas and due texts:
the unit columns carry the words the plan was written with when it was imported, or the
units' names; areas and sub-headings are rows spanning the table.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field, replace

from cchc.documents.official import (
    Column,
    DocumentHeader,
    OfficialDocument,
    Signature,
    SpanRow,
    number_line,
)
from cchc.documents.xlsx import Column as SheetColumn
from cchc.documents.xlsx import Style, Workbook
from cchc.lib.dates import format_day

COLUMNS = [
    ("STT", 12, "center"),
    ("Nội dung", 80, "justify"),
    ("Cơ quan chủ trì", 35, "left"),
    ("Cơ quan phối hợp", 40, "left"),
    ("Thời gian hoàn thành", 25, "center"),
    ("Sản phẩm", 35, "left"),
    ("Ghi chú", 25, "left"),
]
# The XLSX adds the state of each task; the importer ignores these columns.
XLSX_EXTRA = [("Trạng thái", 16), ("Tình trạng thời hạn", 24), ("Tiến độ (%)", 11)]
XLSX_WIDTHS = [7, 55, 26, 32, 18, 28, 24]

# The abbreviation of the type of document in its number: "KH" in "25/KH-CT" (Decree 30,
# Appendix III: Kế hoạch).
PLAN_KIND = "KH"


@dataclass
class ExportTask:
    code: str
    title: str
    lead: str
    supporting: str
    due: str
    deliverable: str
    notes: str
    status: str = ""
    timeliness: str = ""
    progress: int = 0

    def cells(self) -> list[str]:
        return [
            self.code,
            self.title,
            self.lead,
            self.supporting,
            self.due,
            self.deliverable,
            self.notes,
        ]


@dataclass
class ExportArea:
    number: str  # "I"
    name: str  # the area's name as the glossary writes it
    items: list[ExportTask | str] = field(default_factory=list)  # str: a sub-heading

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.name.upper()}"

    @property
    def task_count(self) -> int:
        return sum(1 for i in self.items if isinstance(i, ExportTask))


@dataclass
class PlanExport:
    title: str
    year: int
    issuing_body: str
    parent_body: str
    number: str
    symbol: str
    issued_on: datetime.date | None
    place: str
    signer_authority: str
    signer_title: str
    signer_name: str
    purpose: str
    requirements: str
    implementation: str
    areas: list[ExportArea]
    recipients: list[str]
    generated_on: datetime.date

    @property
    def summary(self) -> str:
        """The summary line under "KẾ HOẠCH": the title without its first words."""
        words = self.title
        if words.lower().startswith("kế hoạch "):
            words = words[len("kế hoạch ") :]
        return words[:1].upper() + words[1:]

    @property
    def signature(self) -> Signature:
        # Without a title the block still names the head's place to sign ("THỦ TRƯỞNG").
        return Signature(
            authority=self.signer_authority,
            title=self.signer_title or Signature.title,
            name=self.signer_name,
        )

    @property
    def number_line(self) -> str:
        return number_line(self.number, self.symbol)


def plan_number(document_number: str, agency: str) -> tuple[str, str]:
    """(number, symbol) of a plan: ("25/KH-CT", "KH-CT"). A number entered bare ("25") gets
    the symbol; one entered whole is kept as written, since it is what was signed; a draft
    has no number, and its line shows blanks before the same symbol."""
    symbol = f"{PLAN_KIND}-{agency}"
    number = (document_number or "").strip()
    if number and "/" not in number:
        number = f"{number}/{symbol}"
    return number, symbol


# --- DOCX ---------------------------------------------------------------------------------


def plan_docx(data: PlanExport) -> bytes:
    """The plan as an official document: header, "KẾ HOẠCH", the three parts, signature and
    recipients, then the task table in a landscape appendix."""
    doc = OfficialDocument(
        DocumentHeader(
            parent_body=data.parent_body,
            issuing_body=data.issuing_body,
            number=data.number,
            symbol=data.symbol,
            place=data.place,
            date=data.issued_on,
            year=data.year,
            kind="Kế hoạch",
            summary=data.summary,
        )
    )
    doc.add_heading("I. MỤC ĐÍCH, YÊU CẦU")
    doc.add_heading("1. Mục đích", level=2)
    doc.add_paragraph(data.purpose)
    doc.add_heading("2. Yêu cầu", level=2)
    doc.add_paragraph(data.requirements)
    doc.add_heading("II. NỘI DUNG, NHIỆM VỤ")
    for number, area in enumerate(data.areas, start=1):
        doc.add_paragraph(f"{number}. {area.name}: {area.task_count} nhiệm vụ.")
    doc.add_paragraph("(Nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.)", italic=True)
    doc.add_heading("III. TỔ CHỨC THỰC HIỆN")
    doc.add_paragraph(data.implementation)
    doc.sign(data.signature, recipients=data.recipients, archive="VT")
    # "Kế hoạch số 25/KH-CT ngày 10/01/2026"; a draft's blanks carry the same symbol.
    reference = "Kế hoạch " + data.number_line.replace("Số:", "số", 1)
    if data.issued_on:
        reference += f" ngày {format_day(data.issued_on)}"
    doc.add_appendix(
        "Phụ lục",
        f"NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {data.year}",
        f"(Kèm theo {reference} của {data.issuing_body})",
    )
    rows: list = []
    for area in data.areas:
        rows.append(SpanRow(area.heading))
        for item in area.items:
            if isinstance(item, str):
                rows.append(SpanRow(item, bold=True, italic=True))
            else:
                rows.append(item.cells())
    doc.add_table([Column(t, w, a) for t, w, a in COLUMNS], rows)
    return doc.finish()


# --- XLSX ---------------------------------------------------------------------------------

FACE = "Times New Roman"
CELL = Style(font=FACE, size=12, border="808080", wrap=True)
CENTRED = replace(CELL, horizontal="center")
HEADER = Style(
    font=FACE,
    size=12,
    bold=True,
    border="808080",
    fill="D9E1F2",
    horizontal="center",
    vertical="center",
    wrap=True,
)
AREA = Style(font=FACE, size=12, bold=True, fill="F2F2F2", wrap=True)
SUBHEADING = Style(font=FACE, size=12, bold=True, italic=True, wrap=True)
HEADER_ROW = 4


def plan_xlsx(data: PlanExport) -> bytes:
    """The task table with each task's status, timeliness and progress: header frozen,
    filters on, columns wide enough for Vietnamese text, areas as merged heading rows."""
    headers = [c[0] for c in COLUMNS] + [c[0] for c in XLSX_EXTRA]
    widths = XLSX_WIDTHS + [c[1] for c in XLSX_EXTRA]
    # STT, the deadline and the progress are centred.
    columns = [
        SheetColumn(header, width, CENTRED if index in (0, 4, 9) else CELL)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True))
    ]
    number = data.number_line
    if data.issued_on:
        number += f", ngày {format_day(data.issued_on)}"
    if not data.number:
        number = f"Dự thảo, chưa ban hành ({number})"
    out = io.BytesIO()
    created = datetime.datetime.combine(data.generated_on, datetime.time())
    with Workbook(out, title=data.title, creator=data.issuing_body, created=created) as book:
        ws = book.sheet("Nhiệm vụ", columns, header_row=HEADER_ROW, autofilter=True)
        ws.append([data.issuing_body.upper()], Style(font=FACE, size=12, bold=True), merge=True)
        ws.append([data.title], Style(font=FACE, size=14, bold=True), merge=True)
        ws.append(
            [f"{number}. Tình trạng tính đến {format_day(data.generated_on)}."],
            Style(font=FACE, size=12, italic=True),
            merge=True,
        )
        ws.append(headers, HEADER)
        for area in data.areas:
            ws.append([area.heading], AREA, merge=True)
            for item in area.items:
                if isinstance(item, str):
                    ws.append([item], SUBHEADING, merge=True)
                else:
                    ws.append(item.cells() + [item.status, item.timeliness, item.progress])
    return out.getvalue()
