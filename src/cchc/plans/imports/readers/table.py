"""Read a plan written in Excel (.xlsx) or Word (.docx): bytes in, `ParsedPlan` out.

Pure: no database. Units are read as the names written in the file; matching them to
units, groups and areas' rows happens in `import_services`. Every problem found names
where it is (file, sheet or table, row, column), so the office can fix the file or resolve
the name in the preview. Bad input never raises: it becomes a problem.

The task table is found by its header row; columns may come in any order and are named
with or without diacritics. Rows are read as
  - the header again (repeated on each page) or a row of column numbers: skipped;
  - a heading ("I. CÔNG TÁC CHỈ ĐẠO...", "II. CẢI CÁCH THỂ CHẾ", "1. Công tác tuyên
    truyền"), alone in the row or in a cell merged across it: an area or a sub-heading;
  - a row with STT: a task;
  - a row without STT after a task: more lines of that task.
A cell merged down over several rows gives its value to each of them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.lib.roman import is_roman
from cchc.lib.text import fold

# --- results -------------------------------------------------------------------------

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    """Something in the file that stops the import (error) or that the office should know."""

    message: str
    sheet: str = ""  # the sheet's name, or "Bảng 2" in a Word file
    row: int | None = None
    column: str = ""  # "C" in Excel, "3" in Word
    header: str = ""  # the column's header as written
    severity: str = ERROR
    # For names the preview can resolve: kind "unit" or "group", and the name's key.
    kind: str = ""
    name: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            label = _("cột %(column)s") % {"column": self.column}
            if self.header:
                label += f" ({self.header})"
            parts.append(label)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return (
            _("%(where)s: %(message)s") % {"where": where, "message": self.message}
            if where
            else self.message
        )


@dataclass
class UnitName:
    """One name of a unit or group as written in a cell, and where."""

    text: str
    sheet: str
    row: int
    column: str
    header: str


@dataclass
class ParsedSection:
    area_code: int
    title: str
    sheet: str
    row: int


@dataclass
class ParsedTask:
    code: str
    title: str
    area_code: int | None
    section: str
    lead_text: str
    supporting_text: str
    due_text: str
    deliverable: str
    notes: str
    sheet: str
    row: int
    order: int
    lead_names: list[UnitName] = field(default_factory=list)
    supporting_names: list[UnitName] = field(default_factory=list)


@dataclass
class ParsedPlan:
    filename: str
    sha256: str
    format: str = ""  # "xlsx" or "docx"
    title: str = ""
    document_number: str = ""
    issued_on: datetime.date | None = None
    purpose: str = ""
    requirements: str = ""
    implementation: str = ""
    tasks: list[ParsedTask] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def problem(self, message: str, **where) -> Problem:
        item = Problem(message=message, **where)
        self.problems.append(item)
        return item


# --- limits --------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "CCHC_IMPORT_MAX_MB", 20)) * 1024 * 1024


# A real workbook's XML compresses 5-30 times; a member that inflates far more than that,
# or a file whose parts add up to far more than the upload limit, is built to exhaust memory.
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024  # small members may compress well without being a threat
UNCOMPRESSED_FACTOR = 10

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

OLD_FORMATS = {
    ".xls": gettext_lazy(
        "Tệp .xls (Excel 97-2003) không được hỗ trợ: mở bằng Excel và lưu lại dưới dạng "
        "“Sổ làm việc Excel (.xlsx)”."
    ),
    ".doc": gettext_lazy(
        "Tệp .doc (Word 97-2003) không được hỗ trợ: mở bằng Word và lưu lại dưới dạng "
        "“Tài liệu Word (.docx)”."
    ),
    ".xlsm": gettext_lazy(
        "Tệp .xlsm (Excel có macro) không được nhận: lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
    ),
    ".xlsb": gettext_lazy(
        "Tệp .xlsb (Excel nhị phân) không được hỗ trợ: lưu lại dưới dạng "
        "“Sổ làm việc Excel (.xlsx)”."
    ),
    ".docm": gettext_lazy(
        "Tệp .docm (Word có macro) không được nhận: lưu lại dưới dạng “Tài liệu Word (.docx)”."
    ),
    ".ods": gettext_lazy(
        "Tệp .ods không được hỗ trợ: lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
    ),
    ".odt": gettext_lazy("Tệp .odt không được hỗ trợ: lưu lại dưới dạng “Tài liệu Word (.docx)”."),
}

CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".docm",
}


def _check_file(data: bytes, filename: str, plan: ParsedPlan) -> str | None:
    """The file's real format ("xlsx"/"docx"), or None after recording why it is refused."""
    ext = PurePath(filename).suffix.lower()
    if not data:
        plan.problem(_("Tệp rỗng."))
        return None
    if len(data) > max_bytes():
        plan.problem(
            _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}
        )
        return None
    if ext in OLD_FORMATS:
        plan.problem(str(OLD_FORMATS[ext]))
        return None
    if ext not in (".xlsx", ".docx"):
        plan.problem(
            _("Không nhận tệp “%(name)s”: chỉ nhận kế hoạch dạng Excel (.xlsx) hoặc Word (.docx).")
            % {"name": ext or filename}
        )
        return None
    kind = "Excel" if ext == ".xlsx" else "Word"
    if data.startswith(OLE_SIGNATURE):
        # Office wraps a password-protected .xlsx/.docx in an OLE container with an
        # EncryptionInfo stream; an OLE file without one is an old .xls/.doc renamed.
        if "EncryptionInfo".encode("utf-16-le") in data:
            plan.problem(
                _(
                    "Tệp %(kind)s được đặt mật khẩu: mở tệp, gỡ mật khẩu (Tệp > Thông tin > "
                    "Bảo vệ) rồi tải lên lại."
                )
                % {"kind": kind}
            )
        else:
            old = ".xls" if ext == ".xlsx" else ".doc"
            plan.problem(
                _("Tệp có đuôi %(ext)s nhưng thực chất là định dạng cũ %(old)s.")
                % {"ext": ext, "old": old}
                + " "
                + str(OLD_FORMATS[old])
            )
        return None
    if not data.startswith(ZIP_SIGNATURE):
        plan.problem(
            _(
                "Tệp không phải tệp %(kind)s thật (có thể là tệp khác được đổi đuôi thành "
                "%(ext)s): mở bằng %(kind)s và lưu lại dưới dạng %(ext)s."
            )
            % {"kind": kind, "ext": ext}
        )
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        plan.problem(
            _("Tệp %(kind)s bị hỏng, không đọc được: mở bằng %(kind)s để sửa rồi lưu lại.")
            % {"kind": kind}
        )
        return None
    total = sum(i.file_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            plan.problem(
                _(
                    "Tệp bị từ chối: phần “%(part)s” giải nén ra %(size)d MB (gấp %(ratio).0f "
                    "lần), dấu hiệu của tệp nén độc hại."
                )
                % {"part": info.filename, "size": info.file_size // 1024 // 1024, "ratio": ratio}
            )
            return None
    if total > UNCOMPRESSED_FACTOR * max_bytes():
        plan.problem(
            _("Tệp bị từ chối: nội dung giải nén ra %(size)d MB, vượt giới hạn %(limit)d MB.")
            % {
                "size": total // 1024 // 1024,
                "limit": UNCOMPRESSED_FACTOR * max_bytes() // 1024 // 1024,
            }
        )
        return None
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        bad_member = archive.testzip()
    except KeyError:
        plan.problem(
            _("Tệp không phải tệp %(kind)s thật (thiếu [Content_Types].xml).") % {"kind": kind}
        )
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        bad_member = "?"
    if bad_member is not None:
        plan.problem(
            _("Tệp %(kind)s bị hỏng, không đọc được: mở bằng %(kind)s để sửa rồi lưu lại.")
            % {"kind": kind}
        )
        return None
    found = [fmt for ctype, fmt in CONTENT_TYPES.items() if f'ContentType="{ctype}"' in types]
    if not found:
        plan.problem(
            _("Tệp không phải tệp %(kind)s thật (không có sổ làm việc hay tài liệu).")
            % {"kind": kind}
        )
        return None
    if found[0] in OLD_FORMATS:
        plan.problem(
            _("Tệp có đuôi %(ext)s nhưng chứa macro.") % {"ext": ext}
            + " "
            + str(OLD_FORMATS[found[0]])
        )
        return None
    # A .docx renamed .xlsx (or the reverse) is read for what it is.
    return found[0]


# --- cells and headers -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    # Cells of one merged range share a key; None for a cell merged with nothing.
    merge: object = None


def clean(value) -> str:
    """A cell's text: lines trimmed, spaces collapsed, empty lines dropped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r", "\n").replace("\v", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", fold(text)).split())


CODE_HEADERS = {"stt", "tt", "so tt", "so thu tu", "thu tu"}
# Columns our own XLSX export adds (status, timeliness, progress): derived, not read back.
EXPORT_ONLY_HEADERS = {"trang thai", "tinh trang thoi han", "tien do %"}


def header_field(text: str) -> str | None:
    """Which task field a header names: "code", "title", ..., "" for an extra column,
    None for an empty header or a column to ignore."""
    key = _header_key(text)
    if not key or key in EXPORT_ONLY_HEADERS:
        return None
    if key in CODE_HEADERS:
        return "code"
    if "chu tri" in key:
        return "lead"
    if "phoi hop" in key:
        return "supporting"
    if any(w in key for w in ("thoi gian", "thoi han", "han hoan thanh", "moc hoan thanh")):
        return "due"
    if "san pham" in key or "ket qua" in key:
        return "deliverable"
    if key == "ghi chu":
        return "notes"
    if "noi dung" in key or "nhiem vu" in key or "cong viec" in key:
        return "title"
    return ""


@dataclass
class Header:
    """Where each field's column is, and the extra columns kept in the notes."""

    fields: dict[str, int]
    extras: dict[int, str]
    labels: dict[int, str]
    rows: int  # how many rows the header takes (2 when a title spans two rows)
    signature: tuple
    texts: set[tuple[str, ...]] = field(default_factory=set)  # the header's rows as written

    @property
    def columns(self) -> set[int]:
        return set(self.fields.values()) | set(self.extras)


def read_header(rows: list[list[Cell]]) -> Header | None:
    """A header from one row, or two rows read together ("Cơ quan thực hiện" over
    "Chủ trì" | "Phối hợp"); None when the rows are not a task table's header."""
    if not rows:
        return None
    width = max(len(r) for r in rows)
    texts = []
    for col in range(width):
        parts: list[str] = []
        for row in rows:
            text = row[col].text if col < len(row) else ""
            if text and text not in parts:
                parts.append(text)
        texts.append(" ".join(" ".join(parts).split()))
    fields: dict[str, int] = {}
    extras: dict[int, str] = {}
    for col, text in enumerate(texts):
        name = header_field(text)
        if name is None:
            continue
        if name and name not in fields:
            fields[name] = col
        elif text:
            extras[col] = text
    if "title" not in fields or "lead" not in fields:
        return None
    signature = tuple(sorted(fields.items()))
    rows_as_written = {tuple(c.text for c in row) for row in rows}
    return Header(fields, extras, dict(enumerate(texts)), len(rows), signature, rows_as_written)


def find_header(rows: list[list[Cell]], limit: int = 40) -> tuple[int, Header] | None:
    """(index of the first row after the header, header) in the first `limit` rows.

    A header over two rows whose upper cells are merged down is found in its lower row
    alone; two rows are read together only when no single row is a header."""
    end = min(limit, len(rows))
    for i in range(end):
        header = read_header(rows[i : i + 1])
        if header is not None:
            return i + 1, header
    for i in range(end - 1):
        if any(c.text for c in rows[i]) and any(c.text for c in rows[i + 1]):
            header = read_header(rows[i : i + 2])
            if header is not None:
                return i + 2, header
    return None


# --- areas ---------------------------------------------------------------------------

# Words that say which of the seven areas a heading is about, folded. A heading in capitals
# or numbered with Roman numerals is an area when these words point to one area.
AREA_WORDS = {
    1: ("chi dao", "dieu hanh", "tuyen truyen"),
    2: ("the che",),
    3: ("thu tuc hanh chinh", "tthc"),
    4: ("to chuc bo may", "bo may"),
    5: ("che do cong vu", "cong vu", "cong chuc", "doi ngu can bo"),
    6: ("tai chinh cong", "co che tai chinh"),
    7: ("chinh phu dien tu", "chinh phu so", "hien dai hoa", "chuyen doi so"),
}
# A plainer heading ("1. Cải cách thể chế") is an area only when it starts with the area's
# own name; otherwise it is a sub-heading of the area above it.
AREA_NAMES = {
    1: ("cong tac chi dao", "chi dao, dieu hanh", "chi dao dieu hanh"),
    2: ("cai cach the che",),
    3: ("cai cach thu tuc hanh chinh", "cai cach tthc"),
    4: ("cai cach to chuc bo may", "cai cach bo may"),
    5: ("cai cach che do cong vu", "cai cach cong vu", "xay dung va nang cao chat luong doi ngu"),
    6: ("cai cach tai chinh cong",),
    7: (
        "xay dung chinh phu dien tu",
        "xay dung chinh phu so",
        "xay dung, phat trien chinh phu dien tu",
        "xay dung, phat trien chinh phu so",
        "chinh phu dien tu",
        "chinh phu so",
        "hien dai hoa hanh chinh",
        "hien dai hoa nen hanh chinh",
    ),
}

NUMBERING_RE = re.compile(
    r"^\s*(?P<num>[IVXLC]+|\d+(?:\.\d+)*|[a-zA-Zđ])\s*(?:[.)/:]|-(?=\s))\s*(?=\S)"
)
CODE_RE = re.compile(r"^(?:[IVXLC]+|\d+(?:[.-][0-9a-z]+)*|[a-zA-Zđ])\.?\)?$")


def split_numbering(text: str) -> tuple[str, str]:
    """("II", "CẢI CÁCH THỂ CHẾ") from "II. CẢI CÁCH THỂ CHẾ"; ("", text) if unnumbered."""
    match = NUMBERING_RE.match(text)
    if not match:
        return "", text.strip()
    return match.group("num"), text[match.end() :].strip()


def _has_words(key: str, words) -> list[str]:
    return [w for w in words if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", key)]


def area_by_words(text: str) -> list[int]:
    """The areas a heading's words point to, best first; several when it is unclear."""
    key = fold(text)
    scores = {code: len(_has_words(key, words)) for code, words in AREA_WORDS.items()}
    best = max(scores.values())
    if best == 0:
        return []
    return [code for code, score in scores.items() if score == best]


def area_by_name(text: str) -> int | None:
    key = fold(split_numbering(text)[1])
    for code, names in AREA_NAMES.items():
        if any(key.startswith(n) for n in names):
            return code
    return None


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# --- units in a cell -----------------------------------------------------------------

_GENERIC = r"(co quan|don vi|dia phuong|to chuc|doanh nghiep|ca nhan|phong|ban|cuc|vu|so|nganh)"
_GENERIC_RE = re.compile(rf"^(cac )?{_GENERIC}( (lien quan|co lien quan|truc thuoc))?$")


def is_collective(name: str) -> bool:
    """Words that name a group rather than one unit ("Các cục", "đơn vị liên quan")."""
    key = fold(name)
    return (
        key.startswith(("cac ", "tat ca ", "toan bo ", "moi "))
        or key.endswith((" lien quan", " truc thuoc"))
        or key in {"co quan, don vi", "cac co quan", "cac don vi"}
    )


def split_units(text: str) -> list[str]:
    """The names in a unit cell, split on line breaks, commas, semicolons and "và";
    "Các cơ quan, đơn vị liên quan" stays one name."""
    pieces: list[str] = []
    for line in re.split(r"[\n;]+", text):
        for part in re.split(r",|\s+và\s+|\s+VÀ\s+|\s+Và\s+", line):
            part = part.strip().lstrip("-–—•+*").strip().rstrip(".:").strip()
            if not part:
                continue
            if pieces and is_collective(pieces[-1]) and _GENERIC_RE.match(fold(part)):
                pieces[-1] = f"{pieces[-1]}, {part}"
            else:
                pieces.append(part)
    return pieces


# --- reading rows into tasks --------------------------------------------------------------


class _TableReader:
    """Turns the rows under one header into headings and tasks (see the module docstring)."""

    def __init__(self, plan: ParsedPlan, sheet: str, header: Header, state: dict, colname):
        self.plan = plan
        self.sheet = sheet
        self.header = header
        self.state = state  # area and section carry over from one table to the next
        self.colname = colname
        self.task: ParsedTask | None = None
        self.prev: list[Cell] = []
        self.parts: dict[str, list[tuple[str, int, int]]] = {}

    def _where(self, row: int, col: int) -> dict:
        return {
            "sheet": self.sheet,
            "row": row,
            "column": self.colname(col),
            "header": self.header.labels.get(col, ""),
        }

    def _above(self, cells: list[Cell], col: int) -> bool:
        """Is this cell the lower part of a cell merged down from the row above?"""
        cell = cells[col] if col < len(cells) else None
        prev = self.prev[col] if col < len(self.prev) else None
        return bool(cell and prev and cell.merge is not None and cell.merge == prev.merge)

    def feed(self, row: int, cells: list[Cell]) -> None:
        try:
            self._feed(row, cells)
        finally:
            self.prev = cells

    def _feed(self, row: int, cells: list[Cell]) -> None:
        width = len(cells)
        # A cell merged across columns counts once, in its first column.
        own: list[str] = []
        spans: set[int] = set()
        for col, cell in enumerate(cells):
            if cell.merge is not None and col > 0 and cells[col - 1].merge == cell.merge:
                own.append("")
                first = col - 1
                while first > 0 and cells[first - 1].merge == cell.merge:
                    first -= 1
                spans.add(first)
            else:
                own.append(cell.text)
        filled = [c for c in range(width) if own[c]]
        if not filled:
            return
        if self._is_header_again(cells) or self._is_numbering(own):
            return
        f = self.header.fields

        def value(name: str) -> str:
            col = f.get(name)
            return own[col] if col is not None and col < width else ""

        def fresh(name: str) -> str:
            col = f.get(name)
            return "" if col is None or self._above(cells, col) else value(name)

        code_col = f.get("code")
        code = value("code")
        if code_col is not None and self._above(cells, code_col):
            code = ""  # STT merged down: the same task goes on
        content = value("title")
        task_fields = ("lead", "supporting", "due", "deliverable")
        any_value = any(value(n) for n in task_fields)
        any_fresh = any(fresh(n) for n in task_fields + ("notes",)) or any(
            own[c] and not self._above(cells, c) for c in self.header.extras if c < width
        )

        if len(filled) == 1:
            only = filled[0]
            text = own[only]
            if only in spans or (only == code_col and not CODE_RE.match(text)):
                self._heading(text, row, only, merged=only in spans)
                return
        if code and not CODE_RE.match(code.rstrip(".")) and not content:
            self._heading(code, row, code_col)
            return
        code = code.rstrip(".").rstrip(")") if code else ""
        if code and content and not any_value:
            title = content if split_numbering(content)[0] else f"{code}. {content}"
            self._heading(title, row, f["title"], roman=is_roman(code))
            return
        if code:
            self._start_task(code, row, cells, own)
            return
        # No STT of its own.
        if content and not any_fresh and self._looks_like_heading(content):
            self._heading(content, row, f["title"])
            return
        if self.task is not None:
            self._continue_task(row, cells, own)
            return
        if content and not any_value:
            self._heading(content, row, f["title"])
            return
        self._start_task("", row, cells, own)

    # -- headings --

    def _looks_like_heading(self, text: str) -> bool:
        # "1. Công tác tuyên truyền" or "II. ..." in the content column is a heading; a line
        # starting "a)" or "-" is more of the task above.
        number, rest = split_numbering(text)
        if number and (number[0].isdigit() or is_roman(number)):
            return True
        return _is_capitals(text) or area_by_name(text) is not None

    def _heading(self, text: str, row: int, col, merged: bool = False, roman=False) -> None:
        self._close_task()
        number, rest = split_numbering(text)
        major = roman or is_roman(number) or _is_capitals(rest)
        current = self.state.get("area")
        area = None
        numbered_roman = roman or is_roman(number)
        if major:
            found = area_by_words(rest)
            if len(found) == 1 and (numbered_roman or found[0] != current):
                area = found[0]
            elif not numbered_roman and current is not None and (not found or current in found):
                area = None  # a sub-heading in capitals, within the area above
            else:
                names = ", ".join(str(c) for c in found) or _("không lĩnh vực nào")
                self.plan.problem(
                    _(
                        "Không xác định được lĩnh vực của tiêu đề “%(title)s” (khớp: %(areas)s). "
                        "Sửa tiêu đề theo tên một trong bảy lĩnh vực cải cách hành chính."
                    )
                    % {"title": text, "areas": names},
                    **self._where(row, col),
                )
                self.state["area"] = None
                self.state["section"] = ""
                self.state["bad_area"] = True
                return
        else:
            named = area_by_name(rest)
            if named is not None and named != current:
                area = named
        if area is not None:
            self.state["area"] = area
            self.state["section"] = ""
            self.state["bad_area"] = False
            return
        if current is None:
            if not self.state.get("bad_area"):
                self.plan.problem(
                    _(
                        "Tiêu đề “%(title)s” đứng trước mọi lĩnh vực: thêm dòng tiêu đề lĩnh vực "
                        "(ví dụ “I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH”) phía trên."
                    )
                    % {"title": text},
                    **self._where(row, col),
                )
            return
        self.state["section"] = text
        self.plan.sections.append(ParsedSection(current, text, self.sheet, row))

    # -- tasks --

    def _start_task(self, code: str, row: int, cells: list[Cell], own: list[str]) -> None:
        self._close_task()
        self.state["order"] = self.state.get("order", 0) + 1
        self.task = ParsedTask(
            code=code,
            title="",
            area_code=self.state.get("area"),
            section=self.state.get("section", ""),
            lead_text="",
            supporting_text="",
            due_text="",
            deliverable="",
            notes="",
            sheet=self.sheet,
            row=row,
            order=self.state["order"],
        )
        self.parts = {}
        for col in self.header.columns:
            # A cell merged down over several tasks gives its value to each of them; one
            # merged across columns counts in its first column only (`own`).
            text = own[col] if col < len(own) else ""
            if text:
                self.parts.setdefault(col, []).append((text, row, col))

    def _continue_task(self, row: int, cells: list[Cell], own: list[str]) -> None:
        for col in self.header.columns:
            if col >= len(cells) or not own[col] or self._above(cells, col):
                continue
            self.parts.setdefault(col, []).append((own[col], row, col))

    def _close_task(self) -> None:
        task = self.task
        if task is None:
            return
        self.task = None
        f = self.header.fields

        def joined(name: str, sep: str = "\n") -> str:
            col = f.get(name)
            return sep.join(t for t, *__ in self.parts.get(col, [])) if col is not None else ""

        task.title = joined("title")
        task.lead_text = joined("lead")
        task.supporting_text = joined("supporting")
        task.due_text = joined("due", " ")
        task.deliverable = joined("deliverable")
        notes = [joined("notes")] if joined("notes") else []
        for col, label in sorted(self.header.extras.items()):
            text = "\n".join(t for t, *__ in self.parts.get(col, []))
            if text:
                notes.append(f"{label}: {text}")
        task.notes = "\n".join(notes)
        for name, target in (("lead", task.lead_names), ("supporting", task.supporting_names)):
            for text, row, col in self.parts.get(f.get(name, -1), []):
                for piece in split_units(text):
                    target.append(UnitName(piece, **self._where(row, col)))
        where = self._where(task.row, f["title"])
        label = (
            (_("Nhiệm vụ %(code)s") % {"code": task.code}).strip() if task.code else _("Nhiệm vụ")
        )
        if not task.title:
            self.plan.problem(_("%(task)s không có nội dung.") % {"task": label}, **where)
        if task.area_code is None and not self.state.get("bad_area"):
            self.plan.problem(
                _(
                    "%(task)s (“%(title)s”) không thuộc lĩnh vực nào: thêm dòng tiêu đề "
                    "lĩnh vực phía trên."
                )
                % {"task": label, "title": _short(task.title)},
                **where,
            )
        if not task.lead_names:
            self.plan.problem(
                _("%(task)s (“%(title)s”) chưa có cơ quan chủ trì.")
                % {"task": label, "title": _short(task.title)},
                **self._where(task.row, f["lead"]),
            )
        self.plan.tasks.append(task)

    def finish(self) -> None:
        self._close_task()

    # -- rows that are not content --

    def _is_header_again(self, cells: list[Cell]) -> bool:
        texts = tuple(c.text for c in cells)
        if texts in self.header.texts:
            return True
        # Cheap test first: a header again names the content column as a header would.
        col = self.header.fields["title"]
        if col >= len(cells) or header_field(cells[col].text) != "title":
            return False
        header = read_header([cells])
        return header is not None and header.signature == self.header.signature

    @staticmethod
    def _is_numbering(own: list[str]) -> bool:
        """A row of column numbers under the header: (1) (2) (3) ..."""
        values = [t for t in own if t]
        if len(values) < 3:
            return False
        numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", t) for t in values]
        return all(numbers) and [int(m.group(1)) for m in numbers] == list(
            range(int(numbers[0].group(1)), int(numbers[0].group(1)) + len(values))
        )


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


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


def _parse_xlsx(data: bytes, plan: ParsedPlan) -> None:
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
        if not plan.title:
            plan.title = _title_above(rows[: start - header.rows])
        sheet = _("Trang tính “%(name)s”") % {"name": ws.title}
        reader = _TableReader(plan, sheet, header, state, lambda c: get_column_letter(c + 1))
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


def _title_case(text: str) -> str:
    """ "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026" -> "Kế hoạch cải cách hành chính năm 2026"."""
    if _is_capitals(text):
        text = text.lower()
    return text[:1].upper() + text[1:]


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


def _parse_docx(data: bytes, plan: ParsedPlan) -> None:
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
            reader = _TableReader(plan, sheet, header, state, lambda c: str(c + 1))
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


# --- entry point ----------------------------------------------------------------------


def parse_plan_file(data: bytes, filename: str) -> ParsedPlan:
    """Read a plan file. Never raises for bad input: `plan.errors` says what is wrong."""
    name = PurePath(filename).name
    plan = ParsedPlan(filename=name, sha256=hashlib.sha256(data).hexdigest())
    kind = _check_file(data, name, plan)
    if kind is None:
        return plan
    plan.format = kind
    if kind == "xlsx":
        _parse_xlsx(data, plan)
    else:
        _parse_docx(data, plan)
    if not plan.tasks and not plan.errors:
        plan.problem(_("Bảng nhiệm vụ không có nhiệm vụ nào."))
    return plan
