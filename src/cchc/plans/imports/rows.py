"""What reading a plan file gives: the plan, its sections and tasks, and its problems.

Pure: no database. Units are read as the names written in the file; matching them to
units, groups and areas' rows happens in `matching` and `preview`. Every problem found
names where it is (file, sheet or table, row, column), so the office can fix the file or
resolve the name in the preview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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
    # Where the deadline is written (sheet, row, column, header), for its problems.
    due_where: dict = field(default_factory=dict)


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
