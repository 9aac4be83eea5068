"""Read a Word document (.docx): its number, date, purpose, requirements and
implementation, and its task tables."""

from __future__ import annotations

import datetime
import io
import re

from django.utils.translation import gettext as _

from cchc.lib.text import fold

from ..rows import ParsedPlan
from .headers import Cell, clean, find_header
from .table import TableReader

# --- Word ------------------------------------------------------------------------------


def _docx_rows(table) -> list[list[Cell]]:
    """The table's rows on its layout grid. A cell spanning columns repeats in each; a cell
    merged down (w:vMerge) gives the rows below its own text and merge key."""
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    above: dict[int, Cell] = {}
    serial = 0
    for tr in table._tbl.tr_lst:
        row: list[Cell] = [Cell("")] * tr.grid_before
        offset = tr.grid_before
        current: dict[int, Cell] = {}
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and offset in above:
                cell = above[offset]
            else:
                serial += 1
                text = clean(_Cell(tc, table).text)
                merged = span > 1 or tc.vMerge == "restart"
                cell = Cell(text, ("tc", id(table), serial) if merged else None)
            for i in range(span):
                row.append(cell)
                current[offset + i] = cell
            offset += span
        rows.append(row)
        above = current
    return rows


DOC_NUMBER_RE = re.compile(r"^\s*s[oố]\s*[:.]?\s*(\d[^\s,;]*/[^\s,;]+)", re.IGNORECASE)
DATE_RE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
PART_RE = {
    "purpose": re.compile(r"^i\s*[.):-]\s*muc dich"),
    "content": re.compile(r"^ii\s*[.):-]\s*(noi dung|nhiem vu)"),
    "implementation": re.compile(r"^iii\s*[.):-]\s*to chuc thuc hien"),
}
SUBPART_RE = {
    "purpose": re.compile(r"^(\d+|[a-z])\s*[.)]\s*muc dich\s*:?$"),
    "requirements": re.compile(r"^(\d+|[a-z])\s*[.)]\s*yeu cau\s*:?$"),
}
END_RE = re.compile(r"^(noi nhan|phu luc|kt\.|tm\.|tl\.|q\.)")


def _read_front_matter(plan: ParsedPlan, text: str) -> None:
    """The number ("Số: 25/KH-CT") and date ("Hà Nội, ngày 10 tháng 01 năm 2026")."""
    for line in text.split("\n"):
        if not plan.document_number:
            match = DOC_NUMBER_RE.match(line)
            if match:
                plan.document_number = match.group(1).rstrip(".")
        if plan.issued_on is None:
            match = DATE_RE.search(fold(line))
            if match:
                day, month, year = (int(g) for g in match.groups())
                try:
                    plan.issued_on = datetime.date(year, month, day)
                except ValueError:
                    plan.problem(
                        _("Ngày ban hành “%(date)s” không phải ngày có thật.")
                        % {"date": line.strip()}
                    )


def parse_docx(data: bytes, plan: ParsedPlan) -> None:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds of error on a damaged file
        plan.problem(
            _("Tệp Word bị hỏng, không đọc được (%(error)s).") % {"error": type(exc).__name__}
        )
        return
    state: dict = {}
    part = ""
    sub = ""
    texts: dict[str, list[str]] = {"purpose": [], "requirements": [], "implementation": []}
    expect_summary = False
    tables = 0
    task_tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            rows = _docx_rows(block)
            located = find_header(rows, limit=3)
            if located is None:
                if not part:
                    _read_front_matter(plan, "\n".join(c.text for r in rows for c in r))
                if part == "implementation":
                    part = "done"
                continue
            task_tables += 1
            start, header = located
            sheet = _("Bảng %(number)d") % {"number": tables}
            reader = TableReader(plan, sheet, header, state, lambda c: str(c + 1))
            for r in range(start, len(rows)):
                reader.feed(r + 1, rows[r])
            reader.finish()
            continue
        text = clean(block.text)
        if not text:
            continue
        key = fold(text)
        if not part:
            _read_front_matter(plan, text)
        if expect_summary:
            plan.title = "Kế hoạch " + text[:1].lower() + text[1:]
            expect_summary = False
            continue
        if key == "ke hoach" and not plan.title:
            expect_summary = True
            continue
        matched = next((name for name, rx in PART_RE.items() if rx.match(key)), None)
        if matched and part != "done":
            part, sub = matched, ""
            continue
        if part == "purpose":
            subpart = next((n for n, rx in SUBPART_RE.items() if rx.match(key)), None)
            if subpart:
                sub = subpart
                continue
            texts[sub or "purpose"].append(text)
        elif part == "implementation":
            if END_RE.match(key):
                part = "done"
                continue
            texts["implementation"].append(text)
    plan.purpose = "\n".join(texts["purpose"])
    plan.requirements = "\n".join(texts["requirements"])
    plan.implementation = "\n".join(texts["implementation"])
    if not task_tables:
        plan.problem(
            _(
                "Không tìm thấy bảng nhiệm vụ trong tài liệu: cần một bảng có dòng tiêu đề với "
                "các cột STT, Nội dung (Nhiệm vụ), Cơ quan chủ trì, Cơ quan phối hợp, Thời gian "
                "hoàn thành, Sản phẩm."
            )
        )
