"""The consolidated report's statistics tables, shared by its DOCX appendix and its XLSX:
`tables(payload)` gives them as plain rows; `table_xml` lays one out as WordprocessingML."""

import datetime
from dataclasses import dataclass

from docx.oxml.ns import nsdecls

from cchc.lib.dates import format_day

from .common import due, pct, xml_text

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
    done_rows = payload.get("done") or []
    # Reports frozen before the office confirmed completions carry no "confirmed" key.
    reviewed = any("confirmed" in t for t in done_rows)
    confirmed = sum(1 for t in done_rows if t.get("confirmed"))
    done = Table(
        key="done",
        title=TABLE_TITLES["done"],
        headers=[
            *TASK_HEADERS,
            "Ngày hoàn thành",
            "Kết quả, sản phẩm",
            "Số, ký hiệu văn bản",
            *(["Văn phòng xác nhận"] if reviewed else []),
        ],
        rows=[
            [
                *_task_cells(i, t),
                due(t),
                datetime.date.fromisoformat(t["completed_on"]) if t["completed_on"] else "",
                t["result"],
                "; ".join(t["documents"]),
                *([("Đã xác nhận" if t.get("confirmed") else "Chưa xác nhận")] if reviewed else []),
            ]
            for i, t in enumerate(done_rows, start=1)
        ],
        widths=[1.0, 6.0, 1.4, 3.0, 2.2, 2.2, 5.6, 2.6, *([2.0] if reviewed else [])],
        note=f"Kết quả, sản phẩm báo cáo đến ngày {format_day(payload['as_of'])}."
        + (
            f" Văn phòng đã xác nhận {confirmed}/{len(done_rows)} nhiệm vụ báo cáo hoàn thành."
            if reviewed
            else ""
        ),
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


W = nsdecls("w")
BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
TABLE_FONT = 22  # half-points: 11 pt
TWIPS_PER_MM = 1440 / 25.4
# Where a cell's text goes in its markup (no character of it is escaped or dropped).
TEXT = "{text}"


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

    # A cell's markup around its text, by (width, bold, align): tens of thousands of rows
    # share a few of them.
    around: dict[tuple, list[str]] = {}

    def row_xml(cells: list, bold: bool = False) -> str:
        out = ["<w:tr><w:trPr><w:cantSplit/></w:trPr>"]
        for value, width in zip(cells, widths, strict=True):
            if isinstance(value, datetime.date):
                align = "center"
            elif isinstance(value, int | float) or value is None:
                align = "right"
            else:
                align = "left"
            key = (width, bold, align)
            if key not in around:
                around[key] = _cell(TEXT, width, bold=bold, align=align).split(TEXT)
            before, after = around[key]
            out += (before, xml_text(cell_text(value)), after)
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
