"""Read the task tables of an Excel workbook (.xlsx), one per visible sheet."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from cchc.lib.text import fold

from ..rows import ParsedPlan
from .front import read_front_matter
from .headers import Cell, clean, find_header
from .table import TableReader, is_capitals

# --- Excel ---------------------------------------------------------------------------


def _xlsx_rows(ws) -> list[list[Cell]]:
    """The sheet's rows as cells, each cell of a merged range carrying the range's value."""
    merged: dict[tuple[int, int], tuple[str, object]] = {}
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = values[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(values) else None
        text = clean(top)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = (text, rng.coord)
    rows = []
    for r, raw in enumerate(values, start=1):
        row = []
        for c, value in enumerate(raw, start=1):
            hit = merged.get((r, c))
            row.append(Cell(hit[0], hit[1]) if hit else Cell(clean(value)))
        rows.append(row)
    return rows


def _xlsx_formulas_without_value(data: bytes, plan: ParsedPlan, wanted: dict) -> None:
    """Formulas whose file keeps no computed value (a file written by a program, never
    opened in Excel) would be read as empty: name each such cell."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for title, (start, header, values) in wanted.items():
            ws = book[title]
            for r, raw in enumerate(ws.iter_rows(values_only=True), start=1):
                if r < start:
                    continue
                for c, value in enumerate(raw):
                    if c not in header.columns or not isinstance(value, str):
                        continue
                    if not value.startswith("="):
                        continue
                    cached = values[r - 1][c].text if c < len(values[r - 1]) else ""
                    if not cached:
                        plan.problem(
                            _(
                                "Ô %(cell)s chứa công thức %(formula)s nhưng tệp không lưu giá "
                                "trị đã tính: mở tệp bằng Excel, lưu lại rồi tải lên."
                            )
                            % {"cell": f"{get_column_letter(c + 1)}{r}", "formula": value},
                            sheet=_("Trang tính “%(name)s”") % {"name": title},
                            row=r,
                            column=get_column_letter(c + 1),
                            header=header.labels.get(c, ""),
                        )
    finally:
        book.close()


def parse_xlsx(data: bytes, plan: ParsedPlan) -> None:
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        # Merged ranges are only known to a full (not read-only) workbook.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        plan.problem(
            _("Tệp Excel bị hỏng, không đọc được (%(error)s).") % {"error": type(exc).__name__}
        )
        return
    state: dict = {}
    found: dict = {}
    skipped = []
    has_formulas = _zip_has_formulas(data)
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = _xlsx_rows(ws)
        located = find_header(rows)
        if located is None:
            skipped.append(ws.title)
            continue
        start, header = located
        sheet = _("Trang tính “%(name)s”") % {"name": ws.title}
        if not plan.title:
            plan.title = _title_above(rows[: start - header.rows])
            _front_above(plan, rows[: start - header.rows], sheet)
        reader = TableReader(plan, sheet, header, state, lambda c: get_column_letter(c + 1))
        for r in range(start, len(rows)):
            reader.feed(r + 1, rows[r])
        reader.finish()
        found[ws.title] = (start + 1, header, rows)
    if not found:
        names = ", ".join(f"“{t}”" for t in skipped) or _("(không có trang tính nào)")
        plan.problem(
            _(
                "Không tìm thấy bảng nhiệm vụ: trang tính %(sheets)s không có dòng tiêu đề nhận "
                "ra được. Bảng cần dòng tiêu đề với các cột STT, Nội dung (Nhiệm vụ), Cơ quan chủ "
                "trì, Cơ quan phối hợp, Thời gian hoàn thành, Sản phẩm."
            )
            % {"sheets": names}
        )
    elif has_formulas:
        _xlsx_formulas_without_value(data, plan, found)


def _zip_has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml or b"<x:f" in xml:
                    return True
    return False


def _title_above(rows: list[list[Cell]]) -> str:
    """The plan's title from the lines above the table ("KẾ HOẠCH cải cách ...")."""
    for row in rows:
        for cell in row:
            if fold(cell.text).startswith("ke hoach") and len(cell.text) > len("ke hoach") + 3:
                return _title_case(" ".join(cell.text.split()))
    return ""


def _front_above(plan: ParsedPlan, rows: list[list[Cell]], sheet: str) -> None:
    """The plan's number and date from the lines above the table, as from a Word file."""
    for r, row in enumerate(rows, start=1):
        seen = set()
        for cell in row:
            if cell.text and (cell.merge is None or cell.merge not in seen):
                seen.add(cell.merge)
                read_front_matter(plan, cell.text, sheet=sheet, row=r)


def _title_case(text: str) -> str:
    """ "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026" -> "Kế hoạch cải cách hành chính năm 2026"."""
    if is_capitals(text):
        text = text.lower()
    return text[:1].upper() + text[1:]
