"""What reading a plan file gives: the plan, its sections and tasks, and its problems.

Pure: no database. Units are read as the names written in the file; matching them to
units, groups and areas' rows happens in `matching` and `preview`. Every problem found
names where it is (file, sheet or table, row, column), so the office can fix the file or
resolve the name in the preview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

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
    # What the preview can resolve: kind "unit" or "group" and the name's key, or kind
    # "heading" and the number of a heading whose area the office picks.
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
    area_code: int | None  # None under an undecided heading, until the office picks
    title: str
    sheet: str
    row: int
    heading: int | None = None  # the undecided heading it lies under, by number


@dataclass
class UndecidedHeading:
    """A heading whose area neither its words nor its Roman numeral decide ("PHẦN THỨ BA:
    CÁC NHIỆM VỤ KHÁC"): the office picks the area in the preview, once for every task
    and sub-heading under it."""

    number: int  # 1, 2, … in reading order: how the preview's choice names it
    text: str
    sheet: str
    row: int
    column: str
    header: str
    candidates: list[int] = field(default_factory=list)  # the areas its words point to

    def where(self) -> str:
        return Problem("", sheet=self.sheet, row=self.row, column=self.column).where()


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
    # Where the deadline is written (sheet, row, column, header), for its problems.
    due_where: dict = field(default_factory=dict)
    heading: int | None = None  # the undecided heading it lies under, by number


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
    undecided: list[UndecidedHeading] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def problem(self, message: str, **where) -> Problem:
        item = Problem(message=message, **where)
        self.problems.append(item)
        return item

    def open_headings(self) -> list[UndecidedHeading]:
        """The undecided headings with a task or a sub-heading under them: those whose
        area matters."""
        used = {t.heading for t in self.tasks} | {s.heading for s in self.sections}
        return [h for h in self.undecided if h.number in used]

    def with_areas(self, areas: dict[int, int]) -> ParsedPlan:
        """A copy where the tasks and sub-headings under each undecided heading that
        `areas` (heading number -> area code) decides are in that area."""

        def decided(item):
            code = areas.get(item.heading) if item.heading is not None else None
            return replace(item, area_code=code) if code is not None else item

        return replace(
            self,
            tasks=[decided(t) for t in self.tasks],
            sections=[decided(s) for s in self.sections],
        )
