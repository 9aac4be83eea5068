"""The consolidated report as files: pure builders, data in, bytes out.

`render(payload, fmt)` takes `consolidation.document_data()` (plain JSON data) and returns
DOCX, XLSX or PDF bytes. Nothing here reads the database or the clock: the same payload
gives the same bytes (fixed core properties and zip timestamps).

The DOCX is laid out by the shared official-document builder (documents.official: Nghị
định 30/2020/NĐ-CP), with sections I–V, the signature and a landscape appendix of tables
and charts. The office may replace that layout with its own DOCX template, without code:
- a placeholder {{name}} inside any paragraph (also in tables, headers and footers) is
  replaced by its text: see SCALARS (case does not matter);
- a paragraph holding {{noi_nhan}} is repeated once per recipient, keeping its format;
- a body paragraph holding only {{noi_dung}} (sections I–V) or {{phu_luc}} (the statistics
  tables and charts) is replaced by that generated content.
`default_template()` is the built-in layout with those placeholders: a starting point.
"""

import copy
import datetime
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from cchc.documents import official
from cchc.documents.xlsx import as_text
from cchc.lib import numbers
from cchc.lib.dates import format_day

# --- the placeholders ------------------------------------------------------------------

SCALARS = {
    "co_quan_chu_quan": gettext_lazy(
        "Tên cơ quan chủ quản, chữ in hoa (dòng trên tên cơ quan ban hành)"
    ),
    "co_quan": gettext_lazy("Tên cơ quan ban hành, chữ in hoa"),
    "ky_hieu_co_quan": gettext_lazy("Chữ viết tắt tên cơ quan (dùng trong ký hiệu văn bản)"),
    "so_ky_hieu": gettext_lazy("“Số: 12/BC-TCCT” (để trống số khi chưa phê duyệt)"),
    "so_van_ban": gettext_lazy(
        "Chỉ số và ký hiệu: “12/BC-TCCT” (“      /BC-TCCT” khi chưa phê duyệt)"
    ),
    "dia_danh_ngay": gettext_lazy("“Hà Nội, ngày 20 tháng 3 năm 2026”"),
    "ten_loai": gettext_lazy("Tên loại văn bản: “BÁO CÁO”"),
    "trich_yeu": gettext_lazy("“Kết quả thực hiện công tác cải cách hành chính quý I năm 2026”"),
    "ky_bao_cao": gettext_lazy("Kỳ báo cáo: “quý I năm 2026”"),
    "nam": gettext_lazy("Năm của kế hoạch"),
    "ngay_chot_so_lieu": gettext_lazy("Ngày chốt số liệu, dd/mm/yyyy"),
    "quyen_han": gettext_lazy("Quyền hạn ký: “KT. CHỦ NHIỆM”, “TM. …” (có thể để trống)"),
    "chuc_vu": gettext_lazy("Chức vụ người ký, chữ in hoa"),
    "nguoi_ky": gettext_lazy("Họ tên người ký"),
    "luu": gettext_lazy("Nơi lưu: “VT, TCCT”"),
}
LISTS = {
    "noi_nhan": gettext_lazy("Nơi nhận: đoạn chứa ô này được lặp lại cho mỗi nơi nhận, “- …;”")
}
BLOCKS = {
    "noi_dung": gettext_lazy("Nội dung báo cáo, mục I đến V (đoạn chỉ chứa {{noi_dung}})"),
    "phu_luc": gettext_lazy("Phụ lục: các biểu số liệu và biểu đồ (đoạn chỉ chứa {{phu_luc}})"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")

SECTION_HEADINGS = {
    "I": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
    "II": "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH THEO TỪNG LĨNH VỰC",
    "III": "III. ĐÁNH GIÁ CHUNG",
    "IV": "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
    "V": "V. KIẾN NGHỊ, ĐỀ XUẤT",
}
ASSESSMENT_HEADINGS = [
    ("strengths", "1. Ưu điểm"),
    ("limitations", "2. Hạn chế, tồn tại"),
    ("causes", "3. Nguyên nhân"),
]
TABLE_TITLES = {
    "by_area": "Biểu 1. Nhiệm vụ theo tình trạng thực hiện và lĩnh vực",
    "by_unit": "Biểu 2. Nhiệm vụ theo tình trạng thực hiện và cơ quan chủ trì",
    "done": "Biểu 3. Nhiệm vụ đã hoàn thành và sản phẩm",
    "overdue": "Biểu 4. Nhiệm vụ quá hạn chưa hoàn thành",
    "reports": "Biểu 5. Tình hình gửi báo cáo của các cơ quan, đơn vị",
}
# What an empty list or table says instead of printing no rows.
EMPTY = {
    "by_area": "Không có nhiệm vụ.",
    "by_unit": "Không có nhiệm vụ.",
    "done": "Chưa có nhiệm vụ hoàn thành.",
    "overdue": "Không có nhiệm vụ quá hạn.",
    "reports": "Không có cơ quan, đơn vị phải báo cáo.",
}
GOVERNMENT_OFFICE_FORMULA = (
    "số nhiệm vụ đã hoàn thành ÷ (số đã hoàn thành + số quá hạn chưa hoàn thành); nhiệm vụ "
    "chưa đến hạn và nhiệm vụ thường xuyên không tính"
)
CHART_TITLES = {
    "by_area": "Biểu đồ 1. Tiến độ bình quân theo lĩnh vực (%)",
    "by_unit": "Biểu đồ 2. Tiến độ bình quân theo cơ quan, đơn vị (%)",
}
# Sheet names (at most 31 characters).
SHEET_NAMES = {
    "by_area": "Theo lĩnh vực",
    "by_unit": "Theo cơ quan chủ trì",
    "done": "Nhiệm vụ đã hoàn thành",
    "overdue": "Nhiệm vụ quá hạn",
    "reports": "Gửi báo cáo",
}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class PdfUnavailable(Exception):
    """LibreOffice is not installed here, so no PDF; the DOCX still works."""


Progress = Callable[[int, str], None]


def _noop(_pct: int, _stage: str) -> None:
    return None


# --- formatting helpers ----------------------------------------------------------------


def pct(value: float | None) -> str:
    """A rate as every page and document writes it (core.numbers): 98.62 -> “98,6 %”."""
    return numbers.format_rate(value)


def number_line(payload: dict) -> str:
    number = payload["document_number"]
    if not number:
        return f"Số:        {payload['number_suffix']}"
    return f"Số: {number}" if "/" in number else f"Số: {number}{payload['number_suffix']}"


def scalars(payload: dict) -> dict[str, str]:
    signer = payload["signer"]
    return {
        "co_quan_chu_quan": payload["parent_body"].upper(),
        "co_quan": payload["issuing_body"].upper(),
        "ky_hieu_co_quan": payload["issuing_short"],
        "so_ky_hieu": number_line(payload),
        "so_van_ban": number_line(payload).removeprefix("Số: ").removeprefix("Số:"),
        "dia_danh_ngay": official.date_line(
            payload["place"],
            datetime.date.fromisoformat(payload["issued_on"]) if payload["issued_on"] else None,
            payload["period"]["year"],
        ),
        "ten_loai": payload["title"],
        "trich_yeu": payload["summary"],
        "ky_bao_cao": payload["period"]["phrase"],
        "nam": str(payload["period"]["year"]),
        "ngay_chot_so_lieu": format_day(payload["as_of"]),
        "quyen_han": signer["authority"].upper(),
        "chuc_vu": signer["title"].upper() or "THỦ TRƯỞNG",
        "nguoi_ky": signer["name"],
        "luu": f"VT, {payload['issuing_short']}",
    }


# --- the statistics tables, shared by DOCX and XLSX ------------------------------------


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    # Relative column widths (they are scaled to the page).
    widths: list[float]
    total: list | None = None
    note: str = ""
    # Printed in place of the rows when there are none.
    empty: str = ""


def _count_cells(row: dict, categories: list[str]) -> list:
    return [row["total"], *(row["counts"][c] for c in categories), row["completion_rate"]]


def _due(task: dict) -> str:
    return task.get("due_text") or format_day(task.get("due_date"))


# The first columns of every table of tasks (done, overdue).
TASK_HEADERS = ["STT", "Nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn"]


def _task_cells(number: int, task: dict) -> list:
    """STT, the task, its area and its lead unit: the cells before the deadline."""
    return [number, f"{task['code']} {task['title']}".strip(), task["area"], task["lead_unit"]]


def tables(payload: dict) -> list[Table]:
    """The appendix's tables: cells are int, float (a rate in percent, None when nothing
    counts), str, or datetime.date."""
    categories = [key for key, _label in payload["categories"]]
    labels = [label for _key, label in payload["categories"]]
    stats = payload["stats"]
    count_headers = ["Tổng số", *labels, "Tỷ lệ hoàn thành"]
    count_widths = [1.6] * len(categories) + [1.6, 1.8]
    by_area = Table(
        key="by_area",
        title=TABLE_TITLES["by_area"],
        headers=["STT", "Lĩnh vực", *count_headers],
        rows=[[a["code"], a["name"], *_count_cells(a, categories)] for a in stats["by_area"]],
        widths=[1.2, 5.0, *count_widths],
        total=["", "Tổng cộng", *_count_cells(stats["total"], categories)],
        note=f"Tỷ lệ hoàn thành (cách tính của Văn phòng Chính phủ) = {GOVERNMENT_OFFICE_FORMULA}.",
        empty=EMPTY["by_area"],
    )
    by_unit = Table(
        key="by_unit",
        title=TABLE_TITLES["by_unit"],
        headers=["STT", "Cơ quan chủ trì", *count_headers],
        rows=[
            [i, u["name"], *_count_cells(u, categories)]
            for i, u in enumerate(stats["by_unit"], start=1)
        ],
        widths=[1.2, 5.0, *count_widths],
        total=["", "Tổng cộng", *_count_cells(stats["total"], categories)],
        empty=EMPTY["by_unit"],
    )
    done = Table(
        key="done",
        title=TABLE_TITLES["done"],
        headers=[*TASK_HEADERS, "Ngày hoàn thành", "Kết quả, sản phẩm", "Số, ký hiệu văn bản"],
        rows=[
            [
                *_task_cells(i, t),
                _due(t),
                datetime.date.fromisoformat(t["completed_on"]) if t["completed_on"] else "",
                t["result"],
                "; ".join(t["documents"]),
            ]
            for i, t in enumerate(payload.get("done") or [], start=1)
        ],
        widths=[1.0, 6.0, 1.4, 3.0, 2.2, 2.2, 5.6, 2.6],
        note=f"Kết quả, sản phẩm báo cáo đến ngày {format_day(payload['as_of'])}.",
        empty=EMPTY["done"],
    )
    overdue = Table(
        key="overdue",
        title=TABLE_TITLES["overdue"],
        headers=[*TASK_HEADERS, "Số ngày quá hạn", "Tiến độ (%)", "Lý do, vướng mắc"],
        rows=[
            [
                *_task_cells(i, t),
                datetime.date.fromisoformat(t["due_date"]),
                t["days_overdue"],
                t["progress"],
                t.get("note", ""),
            ]
            for i, t in enumerate(payload["overdue"], start=1)
        ],
        widths=[1.0, 6.0, 1.4, 3.0, 2.2, 1.6, 1.6, 5.0],
        note=f"Tính đến ngày {format_day(payload['as_of'])}.",
        empty=EMPTY["overdue"],
    )
    reports = payload["reports"]
    on_time = sum(1 for r in reports if r["submission"] == "on_time")
    late = sum(1 for r in reports if r["submission"] == "late")
    missing = sum(1 for r in reports if r["submission"] == "missing")
    report_table = Table(
        key="reports",
        title=TABLE_TITLES["reports"],
        headers=["STT", "Cơ quan, đơn vị", "Trạng thái", "Ngày gửi", "Thời hạn", "Số ngày muộn"],
        rows=[
            [
                i,
                r["name"],
                r["status"],
                datetime.date.fromisoformat(r["submitted_on"]) if r["submitted_on"] else "",
                r["submission_label"],
                r["days_late"] if r["submission"] == "late" else "",
            ]
            for i, r in enumerate(reports, start=1)
        ],
        widths=[1.0, 6.0, 3.0, 2.4, 2.2, 1.8],
        note=(
            f"Phải báo cáo: {len(reports)}; gửi đúng hạn: {on_time}; gửi muộn: {late}; "
            f"chưa gửi: {missing}. Hạn gửi: {format_day(payload['period']['due_on'])}."
        ),
        empty=EMPTY["reports"],
    )
    return [by_area, by_unit, done, overdue, report_table]


def cell_text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return pct(value)
    if isinstance(value, datetime.date):
        return format_day(value)
    return str(value)


# --- DOCX --------------------------------------------------------------------------------

W = nsdecls("w")
BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
TABLE_FONT = 22  # half-points: 11 pt
TWIPS_PER_MM = 1440 / 25.4


def _run(text: str, *, bold: bool = False, size: int = TABLE_FONT) -> str:
    props = f'{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'


def _cell(text: str, width: int, *, bold=False, align="left") -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>{_run(text, bold=bold)}</w:p>'
        "</w:tc>"
    )


def table_xml(table: Table, width_twips: int) -> str:
    """A bordered table as WordprocessingML, its header row repeated on every page. Built as
    text: python-docx's cell-by-cell API is far too slow for thousands of rows."""
    scale = width_twips / sum(table.widths)
    widths = [int(w * scale) for w in table.widths]
    borders = "".join(
        BORDER.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
        "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>",
        "".join(
            _cell(h, w, bold=True, align="center")
            for h, w in zip(table.headers, widths, strict=True)
        ),
        "</w:tr>",
    ]

    def row_xml(cells: list, bold: bool = False) -> str:
        out = ["<w:tr><w:trPr><w:cantSplit/></w:trPr>"]
        for value, width in zip(cells, widths, strict=True):
            if isinstance(value, datetime.date):
                align = "center"
            elif isinstance(value, int | float) or value is None:
                align = "right"
            else:
                align = "left"
            out.append(_cell(cell_text(value), width, bold=bold, align=align))
        out.append("</w:tr>")
        return "".join(out)

    parts.extend(row_xml(row) for row in table.rows)
    if not table.rows and table.empty:
        # One row across every column saying the table is empty, rather than no rows.
        parts.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:gridSpan w:val="{len(widths)}"/></w:tcPr>'
            '<w:p><w:pPr><w:spacing w:before="20" w:after="20"/><w:ind w:firstLine="0"/>'
            f'<w:jc w:val="center"/></w:pPr>{_run(table.empty)}</w:p></w:tc></w:tr>'
        )
    if table.total is not None:
        parts.append(row_xml(table.total, bold=True))
    parts.append("</w:tbl>")
    return "".join(parts)


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
JC = {"justify": "both", "center": "center", "left": "left", "right": "right"}


def xml_text(text: str) -> str:
    """Text safe inside w:t: escaped, without the control characters XML forbids."""
    return escape(CONTROL_CHARS.sub("", text))


class BodyWriter:
    """Sections I–V as paragraphs formatted as documents.official's body (justified, 10 mm
    first line, 3 pt before and after), inserted in one go by `flush()`. python-docx's
    add_paragraph scans the whole body each time: too slow for 1,500 units' narratives."""

    def __init__(self, document):
        self.document = document
        self.parts: list[str] = []

    def _para(self, text: str, *, bold=False, italic=False, align="justify", keep=False):
        ppr = "<w:keepNext/>" if keep else ""
        ppr += '<w:spacing w:before="60" w:after="60"/><w:ind w:firstLine="567"/>'
        ppr += f'<w:jc w:val="{JC[align]}"/>'
        rpr = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
        self.parts.append(
            f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>"
            f'<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'
        )

    def add_heading(self, text: str, level: int = 1) -> None:
        self._para(text, bold=level <= 2, italic=level == 3, keep=True)

    def add_paragraph(self, text: str, *, bold=False, italic=False, align="justify") -> None:
        for line in (text or "").split("\n"):
            if line.strip():
                self._para(line.strip(), bold=bold, italic=italic, align=align)

    def flush(self, before=None) -> None:
        """Insert what was written before `before` (an element), or at the body's end."""
        root = parse_xml(f"<w:body {W}>{''.join(self.parts)}</w:body>")
        self.parts = []
        body = self.document.element.body
        if before is None:
            last = body[-1] if len(body) else None
            before = last if last is not None and last.tag == qn("w:sectPr") else None
        for element in list(root):
            if before is None:
                body.append(element)
            else:
                before.addprevious(element)


class TemplateAppendix:
    """The appendix's opening in an uploaded template (no section of its own there)."""

    def __init__(self, document):
        self.document = document

    @property
    def _text_width_mm(self) -> float:
        section = self.document.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / Mm(1)

    def add_appendix(self, title: str, subtitle: str = "", note: str = "", **_kw) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for text, bold, italic in (
            (title.upper(), True, False),
            (subtitle, True, False),
            (note, False, True),
        ):
            if text:
                paragraph = self.document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(text)
                run.bold, run.italic = bold or None, italic or None


def _lines(writer, text: str, empty: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        writer.add_paragraph(empty, italic=True)
        return
    writer.add_paragraph("\n".join(lines))


def _done(counts: dict) -> int:
    return counts["done_on_time"] + counts["done_late"]


def lead_sentences(payload: dict) -> list[str]:
    """What the leader reads first: tasks done of all, then the Government Office's rate
    with its formula named."""
    total = payload["stats"]["total"]
    c = total["counts"]
    done = _done(c)
    first = (
        f"{done}/{total['total']} nhiệm vụ đã hoàn thành "
        f"({pct(numbers.percent(done, total['total']))}), số liệu tính đến ngày "
        f"{format_day(payload['as_of'])}."
    )
    second = (
        f"Trong đó {c['done_on_time']} nhiệm vụ hoàn thành đúng hạn, {c['done_late']} nhiệm vụ "
        f"hoàn thành quá hạn; {c['overdue']} nhiệm vụ quá hạn chưa hoàn thành; "
        f"{c['due_soon'] + c['on_track']} nhiệm vụ đang thực hiện trong hạn; "
        f"{c['recurring']} nhiệm vụ thường xuyên. Tỷ lệ hoàn thành theo cách tính của Văn phòng "
        f"Chính phủ ({GOVERNMENT_OFFICE_FORMULA}): "
    )
    if total["completion_rate"] is None:
        second += "chưa tính được (chưa có nhiệm vụ đến hạn)."
    else:
        second += f"{done} ÷ ({done} + {c['overdue']}) = {pct(total['completion_rate'])}."
    return [first, second]


def area_sentence(row: dict) -> str:
    c = row["counts"]
    if not row["total"]:
        return "Số liệu: không có nhiệm vụ."
    done = _done(c)
    text = (
        f"Số liệu: {done}/{row['total']} nhiệm vụ đã hoàn thành "
        f"({pct(numbers.percent(done, row['total']))}; {c['done_on_time']} đúng hạn, "
        f"{c['done_late']} quá hạn); {c['overdue']} quá hạn chưa hoàn thành; "
        f"{c['due_soon'] + c['on_track']} đang thực hiện trong hạn; {c['recurring']} thường xuyên"
    )
    if row["completion_rate"] is not None:
        text += f"; tỷ lệ hoàn thành {pct(row['completion_rate'])}"
    return text + "."


def done_line(task: dict) -> str:
    when = format_day(task["completed_on"])
    late = ", quá hạn" if task["timeliness"] == "done_late" else ""
    result = task["result"].rstrip(" .;") or "chưa báo cáo sản phẩm"
    return (
        f"- {task['code']} {task['title']} (chủ trì: {task['lead_unit']}; hoàn thành"
        f"{' ngày ' + when if when else ''}{late}): {result}."
    ).replace("-  ", "- ")


def overdue_line(task: dict) -> str:
    note = (task.get("note") or "").rstrip(" .;") or "chưa báo cáo lý do"
    return (
        f"- {task['code']} {task['title']} (chủ trì: {task['lead_unit']}; thời hạn "
        f"{_due(task)}, quá {task['days_overdue']} ngày; tiến độ {task['progress']} %): {note}."
    ).replace("-  ", "- ")


def _area_block(writer, payload: dict, code: int, row: dict, narrative: str) -> None:
    """One area: its figures, the tasks done (each once, with its lead unit and result as
    of the cut-off), the tasks behind and why, then the units' own points."""
    writer.add_paragraph(area_sentence(row), italic=True)
    if payload.get("done") is None:
        # A report frozen before the lists existed (format 1): its narrative, as it was.
        _lines(writer, narrative, "Chưa có đơn vị báo cáo nội dung này.")
        return
    done = [t for t in payload["done"] if t["area"] == code]
    behind = [t for t in payload["overdue"] if t["area"] == code]
    writer.add_heading("a) Nhiệm vụ đã hoàn thành", level=3)
    writer.add_paragraph("\n".join(done_line(t) for t in done) or EMPTY["done"])
    writer.add_heading("b) Nhiệm vụ chậm tiến độ, nguyên nhân", level=3)
    writer.add_paragraph("\n".join(overdue_line(t) for t in behind) or EMPTY["overdue"])
    if narrative.strip():
        writer.add_heading("c) Các cơ quan, đơn vị báo cáo", level=3)
        _lines(writer, narrative, "")


def build_body(writer, payload: dict) -> None:
    """The figures first, then sections I–V, through `writer` (a BodyWriter; an
    OfficialDocument works too). The direction area is section I's content, so “Công tác
    chỉ đạo, điều hành” heads the report once."""
    n = payload["narrative"]
    plan = payload["plan"]
    reference = plan["title"]
    if plan["document_number"]:
        reference = f"Kế hoạch số {plan['document_number']}"
        if plan["issued_on"]:
            reference += f" ngày {format_day(plan['issued_on'])}"
        reference += f" ({plan['title']})"
    writer.add_paragraph(
        f"Thực hiện {reference}, {payload['issuing_body']} báo cáo kết quả thực hiện công tác "
        f"cải cách hành chính {payload['period']['phrase']} (số liệu từ ngày "
        f"{format_day(payload['period']['starts_on'])} đến ngày {format_day(payload['as_of'])}) "
        "như sau:"
    )
    first, rest = lead_sentences(payload)
    writer.add_paragraph(first, bold=True)
    writer.add_paragraph(rest)
    by_area = {a["code"]: a for a in payload["stats"]["by_area"]}
    direction = payload.get("direction_area")
    direction_area = next((a for a in payload["areas"] if a["code"] == direction), None)
    if direction_area is not None:
        writer.add_heading(f"I. {official.upper(direction_area['name'])}")
    else:
        writer.add_heading(SECTION_HEADINGS["I"])
    _lines(writer, n.get("direction", ""), "Chưa có nội dung.")
    if payload["missing_units"]:
        writer.add_paragraph(
            "Cơ quan, đơn vị chưa gửi báo cáo: " + "; ".join(payload["missing_units"]) + "."
        )
    else:
        writer.add_paragraph("Tất cả cơ quan, đơn vị phải báo cáo đã gửi báo cáo.")
    if payload["not_accepted_units"]:
        writer.add_paragraph(
            "Báo cáo đã gửi nhưng chưa được tiếp nhận (chưa tổng hợp): "
            + "; ".join(payload["not_accepted_units"])
            + "."
        )
    if direction_area is not None:
        code = direction_area["code"]
        _area_block(writer, payload, code, by_area[code], n.get(f"area_{code}", ""))
    writer.add_heading(SECTION_HEADINGS["II"])
    others = [a for a in payload["areas"] if a is not direction_area]
    for number, area in enumerate(others, start=1):
        writer.add_heading(f"{number}. {area['name']}", level=2)
        code = area["code"]
        _area_block(writer, payload, code, by_area[code], n.get(f"area_{code}", ""))
    writer.add_heading(SECTION_HEADINGS["III"])
    for key, title in ASSESSMENT_HEADINGS:
        writer.add_heading(title, level=2)
        _lines(writer, n.get(key, ""), "Chưa có nội dung.")
    writer.add_heading(SECTION_HEADINGS["IV"])
    _lines(writer, n.get("next_tasks", ""), "Chưa có nội dung.")
    writer.add_heading(SECTION_HEADINGS["V"])
    _lines(writer, n.get("proposals", ""), "Không có kiến nghị.")


def _small_paragraph(document, text: str, *, bold=False, italic=False, keep=False):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = keep or None
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(12)
    return paragraph


def build_appendix(writer, payload: dict, on_progress: Progress = _noop) -> None:
    """The statistics tables and the charts: `writer` is the OfficialDocument (a landscape
    section of its own) or a TemplateAppendix."""
    number = number_line(payload).replace("Số:", "").strip()
    writer.add_appendix(
        "PHỤ LỤC",
        "SỐ LIỆU THỐNG KÊ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH "
        + payload["period"]["phrase"].upper(),
        f"(Kèm theo Báo cáo số {number}; số liệu tính đến ngày {format_day(payload['as_of'])})",
    )
    document = writer.document
    width_mm = writer._text_width_mm
    for i, table in enumerate(tables(payload)):
        on_progress(
            50 + 8 * i, _("Đang dựng %(table)s") % {"table": table.title.split(".")[0].lower()}
        )
        _small_paragraph(document, table.title, bold=True, keep=True)
        anchor = _small_paragraph(document, table.note, italic=True)
        anchor._p.addprevious(parse_xml(table_xml(table, int(width_mm * TWIPS_PER_MM))))
    on_progress(85, _("Đang vẽ biểu đồ"))
    section = document.sections[-1]
    # Each chart opens a page of its own, title and picture together, the picture no taller
    # than what is left of the page under its title.
    height_mm = (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)
    for key, title in CHART_TITLES.items():
        heading = _small_paragraph(document, title, bold=True, keep=True)
        heading.paragraph_format.page_break_before = True
        png = chart_png(payload["charts"][key])
        if png is None:
            _small_paragraph(
                document, "(Không vẽ được biểu đồ: máy chủ thiếu thư viện matplotlib.)", italic=True
            )
            continue
        paragraph = _small_paragraph(document, "")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width, height = picture_size(png, width_mm=min(width_mm, 240), height_mm=height_mm - 30)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width), height=Mm(height))


def picture_size(png: bytes, *, width_mm: float, height_mm: float) -> tuple[float, float]:
    """The largest size with the PNG's proportions within width_mm × height_mm."""
    pixels_wide = int.from_bytes(png[16:20], "big")
    pixels_high = int.from_bytes(png[20:24], "big")
    scale = min(width_mm / pixels_wide, height_mm / pixels_high)
    return pixels_wide * scale, pixels_high * scale


# Faces with Times New Roman's metrics, in order; the text of the documents is set in one.
SERIF_FACES = ("Times New Roman", "Liberation Serif", "Tinos")
# Letters that Liberation Serif 1.x lacks and 2.x has: a face must draw them to be used.
VIETNAMESE_SAMPLE = "ạặậẹệịọộợụựỵĐđ"


def chart_font():
    """The document's serif face for the charts, as a matplotlib FontProperties, or None
    (matplotlib's default serif) when no face that draws every Vietnamese letter is
    installed. Debian's fonts-liberation2 provides one; the older fonts-liberation lacks ạ,
    ệ, ự…. matplotlib's font cache may predate the font's installation, so the system's font
    directories are read too."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    paths = [f.fname for f in font_manager.fontManager.ttflist if f.name in SERIF_FACES]
    paths += font_manager.findSystemFonts(fontext="ttf")
    found = []
    for path in sorted(set(paths)):
        try:
            face = FT2Font(path)
        except (OSError, RuntimeError):
            continue
        if face.family_name not in SERIF_FACES or face.style_name != "Regular":
            continue
        charmap = face.get_charmap()
        if all(ord(ch) in charmap for ch in VIETNAMESE_SAMPLE):
            found.append((SERIF_FACES.index(face.family_name), path))
    if not found:
        return None
    return font_manager.FontProperties(fname=min(found)[1])


def chart_png(rows: list[list]) -> bytes | None:
    """A horizontal bar chart of mean progress (0–100 %), one bar per row, as PNG bytes, in
    the document's serif face; long labels are wrapped (and shortened past three lines) and
    the picture is cropped to what is drawn, so that no label is cut off."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        return None
    font = chart_font()

    def face(size: float) -> dict:
        if font is None:
            return {"fontsize": size, "family": "serif"}
        props = font.copy()
        props.set_size(size)
        return {"fontproperties": props}

    labels = [_wrap(str(label), 34) for label, _value in rows]
    values = [float(value or 0) for _label, value in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = max(2.2, 0.22 * lines + 0.2 * len(rows) + 0.9)
    fig = Figure(figsize=(9.0, height), dpi=150)
    ax = fig.add_subplot()
    positions = list(range(len(rows)))
    bars = ax.barh(positions, values, color="#2f5597")
    ax.set_yticks(positions, labels, **face(10))
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("Tiến độ bình quân (%)", **face(10))
    for tick in ax.get_xticklabels():
        tick.update(face(9))
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            pct(value),
            va="center",
            **face(9),
        )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
    return out.getvalue()


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Lines of at most `width` characters, at most `max_lines` of them; a label longer
    than that ends with “…” rather than losing its end silently."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip(" ,;") + "…"
    return "\n".join(lines)


def _header(payload: dict) -> official.DocumentHeader:
    issued = payload["issued_on"]
    number = payload["document_number"]
    if number and "/" not in number:
        number += payload["number_suffix"]
    return official.DocumentHeader(
        parent_body=payload["parent_body"],
        issuing_body=payload["issuing_body"],
        kind=payload["title"],
        summary=payload["summary"],
        number=number,
        symbol=payload["number_suffix"].lstrip("/"),
        place=payload["place"],
        date=datetime.date.fromisoformat(issued) if issued else None,
        year=payload["period"]["year"],
    )


def _signature(payload: dict) -> official.Signature:
    signer = payload["signer"]
    return official.Signature(
        authority=signer["authority"], title=signer["title"] or "THỦ TRƯỞNG", name=signer["name"]
    )


def build_docx(
    payload: dict, template: bytes | None = None, on_progress: Progress = _noop
) -> bytes:
    """The consolidated report as DOCX: the shared official layout (documents.official), or
    the office's uploaded template with its placeholders filled."""
    if template:
        return _build_from_template(payload, template, on_progress)
    on_progress(20, _("Đang dựng văn bản"))
    doc = official.OfficialDocument(_header(payload))
    on_progress(30, _("Đang dựng nội dung báo cáo"))
    writer = BodyWriter(doc.document)
    build_body(writer, payload)
    writer.flush()
    doc.sign(
        _signature(payload),
        recipients=payload["recipients"],
        archive=f"VT, {payload['issuing_short']}",
    )
    build_appendix(doc, payload, on_progress)
    on_progress(92, _("Đang ghi tệp DOCX"))
    return _finish(doc.document, title=f"{payload['title']} {payload['summary']}", payload=payload)


# --- the office's own template -----------------------------------------------------------


def default_template() -> bytes:
    """The built-in layout as a template: documents.official's header, title and signature
    with placeholders where the values go. The office edits it in Word and uploads it."""
    doc = official.OfficialDocument(
        official.DocumentHeader(
            parent_body="{{co_quan_chu_quan}}",
            issuing_body="{{co_quan}}",
            kind="{{ten_loai}}",
            summary="{{trich_yeu}}",
            number="{{so_van_ban}}",
            place="{{dia_danh_ngay}}",
        )
    )
    doc.add_paragraph("{{noi_dung}}")
    doc.sign(
        official.Signature(authority="{{quyen_han}}", title="{{chuc_vu}}", name="{{nguoi_ky}}"),
        recipients=["{{noi_nhan}}"],
        archive="{{luu}}",
    )
    doc.document.add_paragraph("{{phu_luc}}")
    for paragraph in _all_paragraphs(doc.document):
        # The place and date line is one value here, with its blanks for the day.
        if paragraph.text.startswith("{{dia_danh_ngay}}"):
            paragraph.runs[0].text = "{{dia_danh_ngay}}"
            for run in paragraph.runs[1:]:
                run.text = ""
    return _finish(doc.document, title="Mẫu báo cáo kết quả thực hiện công tác CCHC")


def check_template(content: bytes) -> list[str]:
    """What is wrong with an uploaded template (empty when it can be used)."""
    try:
        doc = Document(io.BytesIO(content))
    except Exception:
        return [_("Tệp không phải văn bản DOCX hợp lệ.")]
    problems = []
    found = set()
    for paragraph in _all_paragraphs(doc):
        for name in PLACEHOLDER.findall(paragraph.text):
            name = name.lower()
            found.add(name)
            if name not in SCALARS | LISTS | BLOCKS:
                problems.append(
                    _("Không hiểu ô trống %(placeholder)s.") % {"placeholder": f"{{{{{name}}}}}"}
                )
    body_blocks = {
        m.group(1).lower()
        for p in doc.paragraphs
        if (m := PLACEHOLDER.fullmatch(p.text.strip())) and m.group(1).lower() in BLOCKS
    }
    if "noi_dung" not in body_blocks:
        problems.append(_("Mẫu cần một đoạn riêng chỉ chứa {{noi_dung}} (nội dung báo cáo)."))
    for name in (found & set(BLOCKS)) - body_blocks:
        problems.append(
            _("%(placeholder)s phải nằm trong một đoạn riêng, ngoài bảng.")
            % {"placeholder": f"{{{{{name}}}}}"}
        )
    return problems


def _all_paragraphs(doc):
    """Every paragraph: body, table cells (nested too), headers and footers."""

    def walk(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                yield from walk(part)


def _names(text: str) -> set[str]:
    return {name.lower() for name in PLACEHOLDER.findall(text)}


def _fill_scalars(paragraph, values: dict[str, str]) -> None:
    def sub(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1).lower(), m.group(0)), text)

    for run in paragraph.runs:
        if "{{" in run.text:
            run.text = sub(run.text)
    if PLACEHOLDER.search(paragraph.text):
        # Word split a placeholder over several runs: the paragraph's text goes into its
        # first run (and its format); the other runs are emptied.
        text = sub(paragraph.text)
        runs = paragraph.runs
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""


def _fill_list(paragraph, lines: list[str]) -> None:
    """Repeat the paragraph once per line, keeping its format."""
    anchor = paragraph._p
    for line in lines:
        clone = copy.deepcopy(anchor)
        anchor.addprevious(clone)
        p = Paragraph(clone, paragraph._parent)
        if p.runs:
            p.runs[0].text = line
            for run in p.runs[1:]:
                run.text = ""
        else:
            p.add_run(line)
    anchor.getparent().remove(anchor)


def _fill_block(doc, paragraph, build: Callable[[], None]) -> None:
    """Run `build` (which appends to the end of the body), then move what it appended to
    where the placeholder paragraph stands."""
    body = doc.element.body

    def content_end() -> int:
        children = list(body)
        return len(children) - (1 if children and children[-1].tag == qn("w:sectPr") else 0)

    start = content_end()
    build()
    new = list(body)[start : content_end()]
    anchor = paragraph._p
    for el in new:
        anchor.addprevious(el)
    anchor.getparent().remove(anchor)


def _build_from_template(payload: dict, template: bytes, on_progress: Progress) -> bytes:
    on_progress(20, _("Đang điền mẫu văn bản"))
    doc = Document(io.BytesIO(template))
    values = scalars(payload)
    recipients = [f"- {r.rstrip(';. ')};" for r in payload["recipients"]]
    blocks = []
    for paragraph in list(_all_paragraphs(doc)):
        names = _names(paragraph.text)
        if "noi_nhan" in names:
            _fill_list(paragraph, recipients)
        elif names & set(BLOCKS) and PLACEHOLDER.fullmatch(paragraph.text.strip()):
            blocks.append((names.pop(), paragraph))
        elif names:
            _fill_scalars(paragraph, values)
    for name, paragraph in blocks:
        if name == "noi_dung":
            on_progress(30, _("Đang dựng nội dung báo cáo"))
            writer = BodyWriter(doc)
            build_body(writer, payload)
            writer.flush(before=paragraph._p)
            paragraph._p.getparent().remove(paragraph._p)
        else:
            _fill_block(
                doc,
                paragraph,
                lambda: build_appendix(TemplateAppendix(doc), payload, on_progress),
            )
    on_progress(92, _("Đang ghi tệp DOCX"))
    return _finish(doc, title=f"{payload['title']} {payload['summary']}", payload=payload)


def _fixed_datetime(payload: dict | None) -> datetime.datetime:
    iso = (payload or {}).get("issued_on") or (payload or {}).get("as_of")
    day = datetime.date.fromisoformat(iso) if iso else datetime.date(2000, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _finish(doc, *, title: str, payload: dict | None = None) -> bytes:
    """Save with fixed core properties and zip timestamps: same content, same bytes."""
    props = doc.core_properties
    when = _fixed_datetime(payload).replace(tzinfo=None)
    props.author = (payload or {}).get("issuing_body", "")
    props.last_modified_by = props.author
    props.title = title
    props.subject = props.comments = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = when
    out = io.BytesIO()
    doc.save(out)
    return normalize_zip(out.getvalue(), _fixed_datetime(payload))


CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_zip(content: bytes, when: datetime.datetime | None = None) -> bytes:
    """Rewrite an OOXML zip with fixed member timestamps and fixed core dates, so that the
    same content gives the same bytes."""
    stamp = (
        (when or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .encode()
    )
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    return out.getvalue()


# --- XLSX --------------------------------------------------------------------------------


def build_xlsx(payload: dict) -> bytes:
    """The same tables as the DOCX appendix, one sheet each. Written row by row (openpyxl's
    write-only mode): thousands of rows in a second or two."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fonts = {
        "title": Font(name="Times New Roman", bold=True, size=13),
        "note": Font(name="Times New Roman", italic=True, size=11),
        "bold": Font(name="Times New Roman", bold=True, size=12),
        "normal": Font(name="Times New Roman", size=12),
    }
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def cell(ws, value, font: str, *, boxed: bool = False, align=None):
        if isinstance(value, str):
            # openpyxl refuses the control characters XML forbids.
            value = CONTROL_CHARS.sub("", value)
        c = as_text(WriteOnlyCell(ws, value=value))
        c.font = fonts[font]
        if boxed:
            c.border = border
        if align is not None:
            c.alignment = align
        if isinstance(value, datetime.date):
            c.number_format = "DD/MM/YYYY"
        elif isinstance(value, float):
            # A rate, written as on every page: one decimal and the sign (core.numbers).
            c.number_format = '0.0" %"'
        return c

    for table in tables(payload):
        ws = wb.create_sheet(SHEET_NAMES[table.key])
        for index, width in enumerate(table.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(6, width * 5)
        header_row = 4
        ws.freeze_panes = f"A{header_row + 1}"
        ws.append([cell(ws, table.title, "title")])
        subtitle = (
            f"{payload['issuing_body']} – {payload['summary']}; số liệu tính đến ngày "
            f"{format_day(payload['as_of'])}"
        )
        ws.append([cell(ws, subtitle, "note")])
        ws.append([])
        ws.append([cell(ws, h, "bold", boxed=True, align=centred) for h in table.headers])
        for row in table.rows:
            ws.append([cell(ws, v, "normal", boxed=True) for v in row])
        if not table.rows and table.empty:
            ws.append([cell(ws, table.empty, "normal")])
        if table.total is not None:
            ws.append([cell(ws, v, "bold", boxed=True) for v in table.total])
        if table.note:
            ws.append([])
            ws.append([cell(ws, table.note, "note")])
    wb.properties.creator = payload["issuing_body"]
    wb.properties.title = f"{payload['title']} {payload['summary']}"
    when = _fixed_datetime(payload)
    wb.properties.created = when.replace(tzinfo=None)
    out = io.BytesIO()
    wb.save(out)
    return normalize_zip(out.getvalue(), when)


# --- PDF ---------------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(content: bytes, timeout: int = 600) -> bytes:
    """Convert DOCX bytes to PDF with LibreOffice headless, in a private profile so that
    parallel conversions do not clash."""
    binary = soffice_path()
    if binary is None:
        raise PdfUnavailable(
            _(
                "Máy chủ chưa cài LibreOffice (gói libreoffice-writer-nogui) nên chưa xuất được "
                "PDF; hãy tải bản DOCX."
            )
        )
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as tmp:
        source = os.path.join(tmp, "bao-cao.docx")
        with open(source, "wb") as fh:
            fh.write(content)
        profile = os.path.join(tmp, "profile")
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                source,
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        target = os.path.join(tmp, "bao-cao.pdf")
        if result.returncode != 0 or not os.path.exists(target):
            raise RuntimeError(
                _("LibreOffice không chuyển được sang PDF: %(output)s")
                % {"output": (result.stderr or result.stdout).decode(errors="replace")[-500:]}
            )
        with open(target, "rb") as fh:
            return fh.read()


def render(
    payload: dict, fmt: str, *, template: bytes | None = None, on_progress: Progress = _noop
) -> bytes:
    """DOCX, XLSX or PDF bytes of the consolidated report."""
    if fmt == "xlsx":
        on_progress(40, _("Đang dựng bảng tính"))
        return build_xlsx(payload)
    if fmt == "pdf" and not pdf_available():
        docx_to_pdf(b"")  # raises PdfUnavailable with its message
    docx = build_docx(payload, template, on_progress)
    if fmt == "docx":
        return docx
    if fmt == "pdf":
        on_progress(94, _("Đang chuyển sang PDF"))
        return docx_to_pdf(docx)
    raise ValueError(f"Unknown format {fmt!r}")
