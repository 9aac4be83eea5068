"""A criteria set out to XLSX and back in. The import reads the columns the export writes
(documents.criteria.COLUMNS, found by their headers wherever they stand), places each row
by its code ("1.2.3" under "1.2"), and lists every problem by row and column; it never
raises for bad input and writes nothing itself (the service writes when there is none)."""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from cchc.documents.criteria import COLUMNS
from cchc.documents.xlsx import column_letter
from cchc.lib.office_files import OfficeFileRefused, office_file_kind
from cchc.lib.text import fold

from . import tree
from .models import Criterion, Method, RatioSource

MAX_ROWS = 2000
REQUIRED = ("code", "title", "max_points")
TEXT_LIMITS = {"title": 1000, "guidance": 10000, "evidence_required": 10000, "bands": 200}


def export_row(c: Criterion) -> list:
    return [
        c.code,
        c.title,
        float(c.max_points),
        c.get_method_display() if c.method else "",
        c.get_ratio_source_display() if c.ratio_source else "",
        c.bands,
        c.guidance,
        c.evidence_required,
    ]


@dataclass
class Row:
    """One criterion as read, with the sheet row it came from."""

    number: int
    code: str = ""
    title: str = ""
    max_points: Decimal = Decimal("0")
    method: str = ""
    ratio_source: str = ""
    bands: str = ""
    guidance: str = ""
    evidence_required: str = ""


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)

    def at(self, row: int, key: str, message: str) -> None:
        letter = column_letter(self.columns[key]) if key in self.columns else ""
        where = (
            _("Dòng %(row)d, cột %(col)s") % {"row": row, "col": letter}
            if letter
            else _("Dòng %(row)d") % {"row": row}
        )
        self.problems.append(f"{where}: {message}")


def _choices(choices) -> dict[str, str]:
    """Folded code and label -> value, so “Tỷ lệ từ số liệu”, “ty le tu so lieu” and
    “ratio” all read as one method."""
    out = {}
    for value, label in choices:
        out[fold(value)] = value
        out[fold(str(label))] = value
    return out


def parse_criteria_file(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    try:
        kind = office_file_kind(
            data, filename, max_bytes=settings.CCHC_IMPORT_MAX_MB * 1024 * 1024, allowed=(".xlsx",)
        )
    except OfficeFileRefused as exc:
        parsed.problems.append(str(exc))
        return parsed
    if kind != "xlsx":
        parsed.problems.append(_("Tệp không phải sổ làm việc Excel (.xlsx)."))
        return parsed
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError) as exc:
        parsed.problems.append(_("Không đọc được tệp Excel: %(why)s") % {"why": exc})
        return parsed
    _read_sheet(book.worksheets[0], parsed)
    if not parsed.problems:
        _check_tree(parsed)
    return parsed


def _header(ws, parsed: Parsed) -> int:
    """The header row's number, with `parsed.columns` filled; 0 when there is none."""
    wanted = {fold(str(header)): key for key, header, _w, _s in COLUMNS}
    for number, cells in enumerate(ws.iter_rows(max_row=20, values_only=True), 1):
        found: dict[str, int] = {}
        for index, value in enumerate(cells):
            key = wanted.get(fold(str(value or "")).strip())
            if key:
                found.setdefault(key, index)
        if all(k in found for k in REQUIRED):
            parsed.columns = found
            return number
    return 0


def _read_sheet(ws, parsed: Parsed) -> None:
    start = _header(ws, parsed)
    if not start:
        headers = ", ".join(str(h) for k, h, _w, _s in COLUMNS if k in REQUIRED)
        parsed.problems.append(_("Không thấy dòng tiêu đề có các cột %(h)s.") % {"h": headers})
        return
    if ws.max_row - start > MAX_ROWS:
        parsed.problems.append(_("Tệp có quá %(n)d dòng tiêu chí.") % {"n": MAX_ROWS})
        return
    for number, cells in enumerate(ws.iter_rows(min_row=start + 1), start + 1):
        values = {key: cells[i] if i < len(cells) else None for key, i in parsed.columns.items()}
        if all(c is None or c.value is None or str(c.value).strip() == "" for c in values.values()):
            continue  # a blank row
        parsed.rows.append(_read_row(number, values, parsed))


def _text(cell, key: str, number: int, parsed: Parsed) -> str:
    value = None if cell is None else cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", "") == "f":
        parsed.at(number, key, _("ô chứa công thức; hãy nhập giá trị."))
        return ""
    text = str(value).strip()
    limit = TEXT_LIMITS.get(key)
    if limit and len(text) > limit:
        parsed.at(number, key, _("dài quá %(n)d ký tự.") % {"n": limit})
    return text


def _read_row(number: int, cells: dict, parsed: Parsed) -> Row:
    text = {key: _text(cells.get(key), key, number, parsed) for key in parsed.columns}
    row = Row(number=number, code=text.get("code", "").rstrip("."), title=text.get("title", ""))
    for key in ("bands", "guidance", "evidence_required"):
        setattr(row, key, text.get(key, ""))
    if not row.code:
        parsed.at(number, "code", _("thiếu mã."))
    elif not tree.CODE.fullmatch(row.code):
        parsed.at(number, "code", tree.code_message())
    if not row.title:
        parsed.at(number, "title", _("thiếu tên tiêu chí."))
    _read_points(row, cells.get("max_points"), text.get("max_points", ""), parsed)
    row.method = _read_choice(row, "method", text, Method, parsed)
    row.ratio_source = _read_choice(row, "ratio_source", text, RatioSource, parsed)
    if row.method != Method.RATIO and (row.ratio_source or row.bands):
        message = _("nguồn số liệu và thang chỉ dùng cho phương thức tỷ lệ.")
        parsed.at(number, "ratio_source" if row.ratio_source else "bands", message)
    return row


def _read_points(row: Row, cell, text: str, parsed: Parsed) -> None:
    value = None if cell is None else cell.value
    if getattr(cell, "data_type", "") == "f":
        return  # said once already, by _text
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, float) else str(value)
    if not text:
        parsed.at(row.number, "max_points", _("thiếu điểm tối đa."))
        return
    points = tree.parse_points(text)
    if points is None:
        message = _("“%(v)s” không phải số điểm (từ 0 đến 9999,99, tối đa hai chữ số thập phân).")
        parsed.at(row.number, "max_points", message % {"v": text[:40]})
        return
    row.max_points = points


def _read_choice(row: Row, key: str, text: dict, kind, parsed: Parsed) -> str:
    written = text.get(key, "")
    if not written:
        return ""
    value = _choices(kind.choices).get(fold(written).strip())
    if value is None:
        labels = "; ".join(str(label) for label in kind.labels)
        message = _("“%(v)s” không có trong danh mục (%(labels)s).")
        parsed.at(row.number, key, message % {"v": written[:40], "labels": labels})
        return ""
    return value


def _check_tree(parsed: Parsed) -> None:
    rows: dict[str, int] = {}
    for row in parsed.rows:
        rows.setdefault(row.code, row.number)
    for problem in tree.validate_nodes(parsed.rows):
        number = rows.get(problem.code)
        if number is None:
            parsed.problems.append(problem.message)
        else:
            # A duplicate names the later row, the one to change.
            same = [r.number for r in parsed.rows if r.code == problem.code]
            if problem.field == "code" and len(same) > 1:
                number = same[-1]
            parsed.at(number, problem.field, problem.message)
