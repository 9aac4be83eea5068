"""Read the rows under a task table's header into areas, sections and tasks.

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

import re

from django.utils.translation import gettext as _

from cchc.lib.roman import from_roman, is_roman
from cchc.lib.text import fold

from ..rows import ParsedPlan, ParsedSection, ParsedTask, UndecidedHeading, UnitName
from .headers import Cell, Header, header_field, read_header

# --- areas ---------------------------------------------------------------------------

# E-Government as a ministry writes it ("Chính phủ") and as a province or agency does
# ("chính quyền"), with the verbs that lead it.
_E_GOV = ("chinh phu dien tu", "chinh phu so", "chinh quyen dien tu", "chinh quyen so")
_E_GOV_LEADS = ("", "xay dung ", "xay dung, phat trien ", "xay dung va phat trien ", "phat trien ")

# Words that say which of the seven areas a heading is about, folded. A heading in capitals
# or numbered with Roman numerals is an area when these words point to one area.
AREA_WORDS = {
    1: ("chi dao", "dieu hanh", "tuyen truyen"),
    2: ("the che",),
    3: ("thu tuc hanh chinh", "tthc"),
    4: ("to chuc bo may", "bo may"),
    5: ("che do cong vu", "cong vu", "cong chuc", "doi ngu can bo"),
    6: ("tai chinh cong", "co che tai chinh", "quan ly tai chinh"),
    7: (*_E_GOV, "hien dai hoa", "chuyen doi so"),
}
# A plainer heading ("1. Cải cách thể chế") is an area only when it starts with the area's
# own name; otherwise it is a sub-heading of the area above it.
AREA_NAMES = {
    1: ("cong tac chi dao", "chi dao, dieu hanh", "chi dao dieu hanh"),
    2: ("cai cach the che",),
    3: ("cai cach thu tuc hanh chinh", "cai cach tthc"),
    4: ("cai cach to chuc bo may", "cai cach bo may"),
    5: ("cai cach che do cong vu", "cai cach cong vu", "xay dung va nang cao chat luong doi ngu"),
    6: ("cai cach tai chinh cong", "doi moi co che quan ly tai chinh"),
    7: (
        *(lead + words for lead in _E_GOV_LEADS for words in _E_GOV),
        "hien dai hoa hanh chinh",
        "hien dai hoa nen hanh chinh",
    ),
}

UNDECIDED = 0  # no area has this code

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


PART_RE = re.compile(r"^phan\s+(thu\s+[a-z]+|[ivxlc]+|\d+)\b")


def is_part(text: str) -> bool:
    """ "PHẦN THỨ BA: ...", "Phần II. ...": a part of the plan, a heading of the top level."""
    return bool(PART_RE.match(fold(text)))


def is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# --- units in a cell -----------------------------------------------------------------

_GENERIC = (
    r"(co quan|don vi|dia phuong|to chuc|doanh nghiep|ca nhan|phong|ban|cuc|vu|so|nganh"
    r"|doan the|hoi|chi cuc|trung tam)"
)
# What may follow the kind of unit in a group phrase: "liên quan", "trực thuộc", "thuộc
# tỉnh", "cấp huyện", "trên địa bàn tỉnh", "của tỉnh".
_QUALIFIER = r"( (co )?lien quan| truc thuoc\b.*| thuoc\b.*| cap\b.*| tren dia ban\b.*| cua\b.*)"
_GENERIC_RE = re.compile(rf"^((cac|tat ca|moi) )?{_GENERIC}((,| va)? {_GENERIC})*{_QUALIFIER}?$")


def is_collective(name: str) -> bool:
    """Words that name a group rather than one unit ("Các cục", "đơn vị liên quan")."""
    key = fold(name)
    return (
        key.startswith(("cac ", "tat ca ", "toan bo ", "moi "))
        or key.endswith((" lien quan", " truc thuoc"))
        or key in {"co quan, don vi", "cac co quan", "cac don vi"}
    )


def _in_group_phrase(previous: str, part: str) -> bool:
    """Does `part` go on the group phrase `previous` ("Các sở" + "ban" + "ngành thuộc
    tỉnh", "Sở" + "ban, ngành")? Only kinds of unit do, never a unit's own name."""
    if not _GENERIC_RE.match(fold(part)):
        return False
    return is_collective(previous) or bool(_GENERIC_RE.match(fold(previous)))


def split_units(text: str) -> list[str]:
    """The names in a unit cell, split on line breaks, commas, semicolons and "và"; a group
    phrase ("Các cơ quan, đơn vị liên quan", "Các sở, ban, ngành thuộc tỉnh") stays one."""
    pieces: list[str] = []
    for line in re.split(r"[\n;]+", text):
        parts = re.split(r"(,|\s+(?:và|VÀ|Và)\s+)", line)
        for i in range(0, len(parts), 2):
            part = parts[i].strip().lstrip("-–—•+*").strip().rstrip(".:").strip()
            if not part:
                continue
            if pieces and i and _in_group_phrase(pieces[-1], part):
                joiner = ", " if parts[i - 1] == "," else f" {parts[i - 1].strip()} "
                pieces[-1] = f"{pieces[-1]}{joiner}{part}"
            else:
                pieces.append(part)
    return pieces


# --- reading rows into tasks --------------------------------------------------------------

# The columns whose value makes a row a task's (with the content and the STT).
TASK_FIELDS = ("lead", "supporting", "due", "deliverable")


def _own_texts(cells: list[Cell]) -> tuple[list[str], set[int]]:
    """Each column's own text, where a cell merged across columns counts once, in its first
    column; and the first columns of such cells."""
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
    return own, spans


class TableReader:
    """Turns the rows under one header into headings and tasks (see the module docstring)."""

    def __init__(self, plan: ParsedPlan, sheet: str, header: Header, state: dict, colname):
        self.plan = plan
        self.sheet = sheet
        self.header = header
        self.state = state  # area and section carry over from one table to the next
        self.colname = colname
        self.task: ParsedTask | None = None
        self.prev: list[Cell] = []
        self.parts: dict[int, list[tuple[str, int, int]]] = {}

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
        own, spans = _own_texts(cells)
        filled = [col for col, text in enumerate(own) if text]
        if not filled or self._is_header_again(cells) or self._is_numbering(own):
            return
        if len(filled) == 1 and self._lone_heading(row, own, spans, filled[0]):
            return
        code_col = self.header.fields.get("code")
        code = self._value(own, "code")
        if code_col is not None and self._above(cells, code_col):
            code = ""  # STT merged down: the same task goes on
        content = self._value(own, "title")
        if code and not CODE_RE.match(code.rstrip(".")) and not content:
            self._heading(code, row, code_col)
            return
        code = code.rstrip(".").rstrip(")")
        if code:
            self._numbered(row, cells, own, code, content)
        else:
            self._unnumbered(row, cells, own, content)

    def _lone_heading(self, row: int, own: list[str], spans: set[int], only: int) -> bool:
        """Read a row's one filled cell as a heading if it is one (merged across the row, or
        in the STT column but no task number); say whether it was."""
        text = own[only]
        if only in spans or (only == self.header.fields.get("code") and not CODE_RE.match(text)):
            self._heading(text, row, only, merged=only in spans)
            return True
        return False

    def _numbered(
        self, row: int, cells: list[Cell], own: list[str], code: str, content: str
    ) -> None:
        if content and not self._any_value(own):
            title = content if split_numbering(content)[0] else f"{code}. {content}"
            self._heading(title, row, self.header.fields["title"], roman=is_roman(code))
        else:
            self._start_task(code, row, cells, own)

    def _unnumbered(self, row: int, cells: list[Cell], own: list[str], content: str) -> None:
        """A row without STT of its own: a heading, more of the task above, or a task."""
        title_col = self.header.fields["title"]
        if content and not self._any_fresh(cells, own) and self._looks_like_heading(content):
            self._heading(content, row, title_col)
        elif self.task is not None:
            self._continue_task(row, cells, own)
        elif content and not self._any_value(own):
            self._heading(content, row, title_col)
        else:
            self._start_task("", row, cells, own)

    def _value(self, own: list[str], name: str) -> str:
        """The row's own text in the column of `name` ("" when the table has none)."""
        col = self.header.fields.get(name)
        return own[col] if col is not None and col < len(own) else ""

    def _any_value(self, own: list[str]) -> bool:
        return any(self._value(own, name) for name in TASK_FIELDS)

    def _any_fresh(self, cells: list[Cell], own: list[str]) -> bool:
        """Does the row have a value of a task's own, not merged down from the row above?"""
        for name in (*TASK_FIELDS, "notes"):
            col = self.header.fields.get(name)
            if col is not None and not self._above(cells, col) and self._value(own, name):
                return True
        extras = (c for c in self.header.extras if c < len(own))
        return any(own[c] and not self._above(cells, c) for c in extras)

    # -- headings --

    def _looks_like_heading(self, text: str) -> bool:
        # "1. Công tác tuyên truyền" or "II. ..." in the content column is a heading; a line
        # starting "a)" or "-" is more of the task above.
        number, rest = split_numbering(text)
        if number and (number[0].isdigit() or is_roman(number)):
            return True
        return is_capitals(text) or is_part(text) or area_by_name(text) is not None

    def _heading(self, text: str, row: int, col, merged: bool = False, roman=False) -> None:
        self._close_task()
        number, rest = split_numbering(text)
        # A Roman numeral or "PHẦN THỨ BA" opens a part of the table: never a sub-heading.
        top = roman or is_roman(number) or is_part(rest)
        area = None
        if top or is_capitals(rest):
            area = self._major_area(text, row, col, number, rest, top)
            if area == UNDECIDED:
                return
        else:
            named = area_by_name(rest)
            if named is not None and named != self.state.get("area"):
                area = named
        if area is not None:
            self.state.update(area=area, section="", heading=None)
            return
        self._section(text, row, col)

    def _major_area(self, text: str, row: int, col, number: str, rest: str, top: bool):
        """The area a heading in capitals or opening a part names; None for a sub-heading
        within the area above; UNDECIDED when neither words nor numeral decide (the office
        picks the area in the preview)."""
        current = self.state.get("area")
        found = area_by_words(rest)
        by_order = from_roman(number) if is_roman(number) else None
        if len(found) == 1 and (top or found[0] != current):
            return found[0]
        if by_order in AREA_WORDS and (not found or by_order in found):
            return by_order  # words do not decide: "I"–"VII" are the areas in order
        opened = current is not None or self.state.get("heading") is not None
        if not top and opened and (not found or current in found):
            return None  # a sub-heading in capitals, within the area (or heading) above
        where = self._where(row, col)
        heading = UndecidedHeading(len(self.plan.undecided) + 1, text, **where, candidates=found)
        self.plan.undecided.append(heading)
        self.state.update(area=None, section="", heading=heading.number)
        return UNDECIDED

    def _section(self, text: str, row: int, col) -> None:
        """A sub-heading of the area above (or of the undecided heading above)."""
        current, heading = self.state.get("area"), self.state.get("heading")
        if current is None and heading is None:
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
        self.plan.sections.append(ParsedSection(current, text, self.sheet, row, heading))

    # -- tasks --

    def _start_task(self, code: str, row: int, cells: list[Cell], own: list[str]) -> None:
        self._close_task()
        self.state["order"] = self.state.get("order", 0) + 1
        self.task = ParsedTask(
            code=code,
            title="",
            area_code=self.state.get("area"),
            heading=self.state.get("heading"),
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
        due_parts = self.parts.get(f.get("due", -1))
        if due_parts:
            task.due_where = self._where(due_parts[0][1], due_parts[0][2])
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
        if task.area_code is None and task.heading is None:
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
        found = [re.fullmatch(r"\(?(\d{1,2})\)?", t) for t in values]
        numbers = [int(m.group(1)) for m in found if m]
        return len(numbers) == len(values) and numbers == list(
            range(numbers[0], numbers[0] + len(values))
        )


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
