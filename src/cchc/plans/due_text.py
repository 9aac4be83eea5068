"""Read the deadline words of a plan ("Quý II/2023", "Thường xuyên") into a date.

A month or quarter means its last day; a range means its end; "Thường xuyên" and "Cả năm"
make the task recurring; words naming no date give no date. The year, where omitted, is
the plan's year. The words themselves are always kept by the caller.
"""

import calendar
import datetime
import re
from typing import NamedTuple

from cchc.lib.roman import from_roman
from cchc.lib.text import fold


class DueDate(NamedTuple):
    due_date: datetime.date | None
    is_recurring: bool


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str, default: int) -> int:
    match = re.search(r"\b(19|20)\d{2}\b", text)
    return int(match.group(0)) if match else default


def _one(text: str, year: int) -> datetime.date | None:
    """A single point in time, or None when the words name no date."""
    y = _year(text, year)
    # "ngày 15 tháng 12 năm 2023": the day, not the month's end.
    match = re.search(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b", text)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        try:
            return datetime.date(int(match.group(3) or y), month, day)
        except ValueError:
            return None
    # "6/2023", "Trước 6/2023": a month of a year (not the tail of "30/6/2023").
    match = re.search(r"(?<![\d/.])(\d{1,2})\s*/\s*((?:19|20)\d{2})\b", text)
    if match and 1 <= int(match.group(1)) <= 12 and not re.search(r"\bquy\b", text):
        return _end_of_month(int(match.group(2)), int(match.group(1)))
    match = re.search(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?\b", text)
    if match and not text.startswith("thang") and not text.startswith("quy"):
        day, month = int(match.group(1)), int(match.group(2))
        y = int(match.group(3)) if match.group(3) else y
        try:
            return datetime.date(y, month, day)
        except ValueError:
            return None
    match = re.search(r"\bquy\s+(iv|iii|ii|i|[1-4])\b", text)
    if match:
        q = match.group(1)
        quarter = from_roman(q) or int(q)
        return _end_of_month(y, quarter * 3)
    # "6 tháng cuối năm" before "6 tháng": the half year it names ends on 31/12.
    if re.search(r"\b6\s+thang\s+cuoi\s+nam\b", text):
        return datetime.date(y, 12, 31)
    match = re.search(r"\b(6|9)\s+thang(\s+dau\s+nam)?\b", text)
    if match:
        return _end_of_month(y, int(match.group(1)))
    match = re.search(r"\bthang\s+(\d{1,2})\b", text)
    if match and 1 <= int(match.group(1)) <= 12:
        return _end_of_month(y, int(match.group(1)))
    if re.search(r"\b(nam|cuoi nam)\s+(19|20)\d{2}\b", text) or text.strip() == "cuoi nam":
        return datetime.date(y, 12, 31)
    return None


# A day and month as written: "ngày 31 tháng 2 (năm 2027)", "31/02/2027", "31/4", "30.2".
_DAY_RES = (
    re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b"),
    re.compile(r"(?<![\d/.])(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?\b"),
)


def impossible_day(text: str, plan_year: int) -> str:
    """The first day written in `text` that is shaped like a date (day 1-31, month 1-12)
    but does not exist ("31/02/2027", "31/4"), as dd/mm/yyyy; "" when there is none.
    `parse_due_text` reads such a day as no date, so the caller must say so."""
    words = fold(text)
    year = _year(words, plan_year)
    for pattern in _DAY_RES:
        for match in pattern.finditer(words):
            day, month = int(match.group(1)), int(match.group(2))
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            y = int(match.group(3)) if match.group(3) else year
            try:
                datetime.date(y, month, day)
            except ValueError:
                return f"{day:02d}/{month:02d}/{y}"
    return ""


def parse_due_text(text: str, plan_year: int) -> DueDate:
    words = fold(text)
    if not words:
        return DueDate(None, False)
    if re.search(r"\b(thuong xuyen|ca nam|hang nam|lien tuc)\b", words):
        return DueDate(None, True)
    # A range means its end: take the last part that names a date.
    parts = [p for p in re.split(r"\s+(?:-|–|—|den)\s+|\s*[–—]\s*", words) if p.strip()]
    year = _year(words, plan_year)
    for part in reversed(parts):
        found = _one(part.strip(), year)
        if found:
            return DueDate(found, False)
    return DueDate(None, False)
