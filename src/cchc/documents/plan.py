"""A plan as files: the official DOCX (Decree 30 layout, task table in an appendix) and the
task table as XLSX. `plan_export_data` reads (scoped to the user); `plan_docx` and
`plan_xlsx` are pure: data in, bytes out.

Both files read back through the importer into the same tasks, units, areas and due texts:
the unit columns carry the words the plan was written with when it was imported, or the
units' names; areas and sub-headings are rows spanning the table.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from cchc.documents.official import (
    Column,
    DocumentHeader,
    OfficialDocument,
    Signature,
    SpanRow,
    number_line,
)
from cchc.documents.xlsx import as_text
from cchc.lib.dates import format_day
from cchc.lib.roman import to_roman
from cchc.orgs.models import Unit

from . import selectors
from .models import Plan, Task, TaskStatus
from .timeliness import Timeliness, timeliness_expression

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
# The agency part of a plan's number as entered: "CT" in "25/KH-CT", "VP-BQP" in "3/KH-VP-BQP".
_AGENCY_IN_NUMBER = re.compile(rf"/\s*{PLAN_KIND}\s*-\s*(?P<agency>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)\s*$")


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


def agency_symbol(unit: Unit) -> str:
    """The abbreviation of the issuing unit's name in its plans' numbers ("CT" in "25/KH-CT"):
    the one answer for a draft and for an issued plan, so that the two never disagree.

    The office sets it on the unit; until then it is the one the unit's plans were issued
    with (the number on the signed paper is the record), and only then the unit's code."""
    if unit.symbol:
        return unit.symbol
    numbers = (
        Plan.objects.filter(issuing_unit=unit)
        .exclude(document_number="")
        .order_by("-issued_on", "-pk")
        .values_list("document_number", flat=True)
    )
    for number in numbers[:20]:
        match = _AGENCY_IN_NUMBER.search(number.upper())
        if match:
            return match.group("agency")
    return unit.code


def plan_number(document_number: str, agency: str) -> tuple[str, str]:
    """(number, symbol) of a plan: ("25/KH-CT", "KH-CT"). A number entered bare ("25") gets
    the symbol; one entered whole is kept as written, since it is what was signed; a draft
    has no number, and its line shows blanks before the same symbol."""
    symbol = f"{PLAN_KIND}-{agency}"
    number = (document_number or "").strip()
    if number and "/" not in number:
        number = f"{number}/{symbol}"
    return number, symbol


def export_task(task: Task) -> ExportTask:
    supporting = list(task.supporting_units.all())
    due = task.due_text or (format_day(task.due_date) if task.due_date else "")
    timeliness = getattr(task, "timeliness", "")
    return ExportTask(
        code=task.code,
        title=task.title,
        # The unit columns as the plan wrote them, when it was imported; else the names.
        lead=task.lead_unit_text or task.lead_unit.name,
        supporting=task.supporting_units_text
        if task.lead_unit_text
        else ", ".join(u.name for u in supporting),
        due=due,
        deliverable=task.deliverable,
        notes=task.notes,
        status=str(TaskStatus(task.status).label),
        timeliness=str(Timeliness.labels.get(timeliness, "")),
        progress=task.progress,
    )


def group_by_area(tasks: list[Task]) -> list[ExportArea]:
    """Areas in the plan's order, each with its tasks: first those under no sub-heading,
    then each sub-heading with its tasks (so a task never lands under the wrong one)."""
    areas: list[ExportArea] = []
    by_area: dict[int, tuple[ExportArea, list, dict]] = {}
    for task in tasks:
        if task.area_id not in by_area:
            area = ExportArea(number="", name=task.area.name)
            by_area[task.area_id] = (area, [], {})
            areas.append(area)
        _, loose, sections = by_area[task.area_id]
        if task.section_id:
            sections.setdefault(task.section.title, []).append(task)
        else:
            loose.append(task)
    for number, area in enumerate(areas, start=1):
        area.number = to_roman(number)
    for area, loose, sections in by_area.values():
        area.items = [export_task(t) for t in loose]
        for title, tasks_ in sections.items():
            area.items.append(title)
            area.items += [export_task(t) for t in tasks_]
    for area in areas:
        counter = 0
        for item in area.items:
            if isinstance(item, ExportTask):
                counter += 1
                # A row without STT would read back as more lines of the task above.
                item.code = item.code or str(counter)
    return areas


def plan_export_data(*, user, plan: Plan, today: datetime.date) -> PlanExport:
    """The plan and the tasks `user` may read (every task for `user=None`, the system)."""
    if user is None:
        tasks = Task.objects.filter(plan=plan).annotate(timeliness=timeliness_expression(today))
        plan = Plan.objects.select_related("issuing_unit__parent").get(pk=plan.pk)
    else:
        plan = selectors.plan_get(user=user, pk=plan.pk)
        tasks = selectors.task_list(
            user=user, filters=selectors.TaskFilters(plan=plan.pk), today=today
        )
    tasks = list(
        tasks.select_related("area", "section", "lead_unit")
        .prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("path")))
        .order_by("area__code", "order", "id")
    )
    unit = plan.issuing_unit
    parent = Unit.objects.filter(pk=unit.parent_id).first() if unit.parent_id else None
    recipients = []
    if parent is not None:
        recipients.append(f"{parent.name} (để báo cáo)")
    recipients += ["Các cơ quan, đơn vị trực thuộc", "Văn phòng"]
    number, symbol = plan_number(plan.document_number, agency_symbol(unit))
    return PlanExport(
        title=plan.title,
        year=plan.year,
        issuing_body=unit.name,
        parent_body=parent.name if parent else "",
        number=number,
        symbol=symbol,
        issued_on=plan.issued_on,
        place=getattr(settings, "CCHC_DOCUMENT_PLACE", "Hà Nội"),
        signer_authority=unit.signer_authority,
        signer_title=unit.signer_title,
        signer_name=unit.signer_name,
        purpose=plan.purpose,
        requirements=plan.requirements,
        implementation=plan.implementation,
        areas=group_by_area(tasks),
        recipients=recipients,
        generated_on=today,
    )


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


def plan_xlsx(data: PlanExport) -> bytes:
    """The task table with each task's status, timeliness and progress: header frozen,
    filters on, columns wide enough for Vietnamese text, areas as merged heading rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = "Nhiệm vụ"
    headers = [c[0] for c in COLUMNS] + [c[0] for c in XLSX_EXTRA]
    widths = XLSX_WIDTHS + [c[1] for c in XLSX_EXTRA]
    last = get_column_letter(len(headers))
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")

    ws["A1"] = data.issuing_body.upper()
    as_text(ws["A1"])
    ws["A1"].font = bold
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = data.title
    as_text(ws["A2"])
    ws["A2"].font = Font(name="Times New Roman", size=14, bold=True)
    ws.merge_cells(f"A2:{last}2")
    number = data.number_line
    if data.issued_on:
        number += f", ngày {format_day(data.issued_on)}"
    if not data.number:
        number = f"Dự thảo, chưa ban hành ({number})"
    ws["A3"] = f"{number}. Tình trạng tính đến {format_day(data.generated_on)}."
    ws["A3"].font = Font(name="Times New Roman", size=12, italic=True)
    ws.merge_cells(f"A3:{last}3")

    header_row = 4
    fill = PatternFill("solid", fgColor="D9E1F2")
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=col, value=title)
        cell.font, cell.border, cell.fill = bold, border, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width

    area_fill = PatternFill("solid", fgColor="F2F2F2")
    row = header_row + 1
    for area in data.areas:
        for item in [area.heading, *area.items]:
            if isinstance(item, str):
                heading = item is area.heading
                cell = as_text(ws.cell(row=row, column=1, value=item))
                cell.font = Font(name="Times New Roman", size=12, bold=True, italic=not heading)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if heading:
                    cell.fill = area_fill
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
            else:
                values = item.cells() + [item.status, item.timeliness, item.progress]
                for col, value in enumerate(values, start=1):
                    cell = as_text(ws.cell(row=row, column=col, value=value))
                    cell.font, cell.border = font, border
                    cell.alignment = centre if col in (1, 5, 10) else wrap
            row += 1
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last}{max(row - 1, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(plan: Plan, extension: str) -> str:
    """ "ke-hoach-2026-TCCT-12.docx": ASCII, so every browser and mail client keeps it."""
    return f"ke-hoach-{plan.year}-{plan.issuing_unit.code}-{plan.pk}.{extension}"


__all__ = [
    "PlanExport",
    "agency_symbol",
    "export_filename",
    "plan_docx",
    "plan_export_data",
    "plan_number",
    "plan_xlsx",
]
