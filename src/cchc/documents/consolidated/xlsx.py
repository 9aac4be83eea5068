"""The consolidated report's tables as XLSX: the same tables as the DOCX appendix, one
sheet each, through the one XLSX writer (documents.xlsx)."""

import io

from cchc.documents.xlsx import Column, Style, Workbook
from cchc.lib.dates import format_day

from .common import fixed_datetime
from .tables import tables

# Sheet names (at most 31 characters).
SHEET_NAMES = {
    "by_area": "Theo lĩnh vực",
    "by_unit": "Theo cơ quan chủ trì",
    "done": "Nhiệm vụ đã hoàn thành",
    "overdue": "Nhiệm vụ quá hạn",
    "reports": "Gửi báo cáo",
}
FACE = "Times New Roman"
TITLE = Style(font=FACE, size=13, bold=True, vertical="")
NOTE = Style(font=FACE, size=11, italic=True, vertical="")
NORMAL = Style(font=FACE, size=12, vertical="")
BOXED = Style(font=FACE, size=12, border="000000", vertical="")
BOXED_BOLD = Style(font=FACE, size=12, bold=True, border="000000", vertical="")
HEADER = Style(
    font=FACE,
    size=12,
    bold=True,
    border="000000",
    horizontal="center",
    vertical="center",
    wrap=True,
)
# A rate, written as on every page: one decimal and the sign (lib.numbers).
RATE_FORMAT = '0.0" %"'
HEADER_ROW = 4


def build_xlsx(payload: dict) -> bytes:
    out = io.BytesIO()
    when = fixed_datetime(payload).replace(tzinfo=None)
    subtitle = (
        f"{payload['issuing_body']} – {payload['summary']}; số liệu tính đến ngày "
        f"{format_day(payload['as_of'])}"
    )
    with Workbook(
        out,
        float_format=RATE_FORMAT,
        title=f"{payload['title']} {payload['summary']}",
        creator=payload["issuing_body"],
        created=when,
    ) as book:
        for table in tables(payload):
            columns = [
                Column(header, max(6, width * 5), BOXED)
                for header, width in zip(table.headers, table.widths, strict=True)
            ]
            ws = book.sheet(SHEET_NAMES[table.key], columns, header_row=HEADER_ROW)
            ws.append([table.title], TITLE)
            ws.append([subtitle], NOTE)
            ws.append()
            ws.append(table.headers, HEADER)
            for row in table.rows:
                ws.append(row)
            if not table.rows and table.empty:
                ws.append([table.empty], NORMAL)
            if table.total is not None:
                ws.append(table.total, BOXED_BOLD)
            if table.note:
                ws.append()
                ws.append([table.note], NOTE)
    return out.getvalue()
