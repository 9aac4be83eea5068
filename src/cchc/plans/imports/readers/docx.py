"""Read a Word document (.docx): its number, date, purpose, requirements and
implementation, and its task tables."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _

from cchc.lib.text import fold

from ..rows import ParsedPlan
from .front import read_front_matter
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


class _WordReader:
    """Reads a document's blocks in order: the front matter until the first part, the
    title after “KẾ HOẠCH”, the texts of parts I and III, and every task table."""

    def __init__(self, plan: ParsedPlan):
        self.plan = plan
        self.state: dict = {}  # area and section carry over from one table to the next
        self.part = ""  # "purpose", "content", "implementation", then "done"
        self.sub = ""  # within the purpose: "purpose" or "requirements"
        self.texts: dict[str, list[str]] = {"purpose": [], "requirements": [], "implementation": []}
        self.expect_summary = False
        self.tables = 0
        self.task_tables = 0

    def table(self, table) -> None:
        self.tables += 1
        rows = _docx_rows(table)
        located = find_header(rows, limit=3)
        if located is None:
            if not self.part:
                read_front_matter(self.plan, "\n".join(c.text for r in rows for c in r))
            if self.part == "implementation":
                self.part = "done"
            return
        self.task_tables += 1
        start, header = located
        sheet = _("Bảng %(number)d") % {"number": self.tables}
        reader = TableReader(self.plan, sheet, header, self.state, lambda c: str(c + 1))
        for r in range(start, len(rows)):
            reader.feed(r + 1, rows[r])
        reader.finish()

    def paragraph(self, text: str) -> None:
        key = fold(text)
        if not self.part:
            read_front_matter(self.plan, text)
        if self.expect_summary:
            self.plan.title = "Kế hoạch " + text[:1].lower() + text[1:]
            self.expect_summary = False
            return
        if key == "ke hoach" and not self.plan.title:
            self.expect_summary = True
            return
        matched = next((name for name, rx in PART_RE.items() if rx.match(key)), None)
        if matched and self.part != "done":
            self.part, self.sub = matched, ""
        elif self.part == "purpose":
            self._purpose(text, key)
        elif self.part == "implementation":
            if END_RE.match(key):
                self.part = "done"
            else:
                self.texts["implementation"].append(text)

    def _purpose(self, text: str, key: str) -> None:
        subpart = next((n for n, rx in SUBPART_RE.items() if rx.match(key)), None)
        if subpart:
            self.sub = subpart
        else:
            self.texts[self.sub or "purpose"].append(text)

    def finish(self) -> None:
        plan = self.plan
        plan.purpose = "\n".join(self.texts["purpose"])
        plan.requirements = "\n".join(self.texts["requirements"])
        plan.implementation = "\n".join(self.texts["implementation"])
        if not self.task_tables:
            plan.problem(
                _(
                    "Không tìm thấy bảng nhiệm vụ trong tài liệu: cần một bảng có dòng tiêu đề "
                    "với các cột STT, Nội dung (Nhiệm vụ), Cơ quan chủ trì, Cơ quan phối hợp, "
                    "Thời gian hoàn thành, Sản phẩm."
                )
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
    reader = _WordReader(plan)
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            reader.table(block)
        elif text := clean(block.text):
            reader.paragraph(text)
    reader.finish()
