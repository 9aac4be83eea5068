"""The plan's number and date as its first lines give them ("Số: 25/KH-CT", "Hà Nội, ngày
10 tháng 01 năm 2026"), in a Word document or above an Excel table."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from cchc.lib.text import fold

from ..rows import ParsedPlan

# "Số: 25/KH-CT" at the start of a line, or the number of the plan a table is attached to:
# "(Kèm theo Kế hoạch số 120/KH-UBND ngày 05/02/2024 của ...)".
DOC_NUMBER_RE = re.compile(r"^\s*s[oố]\s*[:.]?\s*(\d[^\s,;]*/[^\s,;]+)", re.IGNORECASE)
ATTACHED_NUMBER_RE = re.compile(r"\bs[oố]\s*[:.]?\s*(\d[^\s,;()]*/[^\s,;()]+)", re.IGNORECASE)
# "ngày 10 tháng 01 năm 2026" or "ngày 05/02/2024".
DATE_RE = re.compile(
    r"ngay\s+(\d{1,2})(?:\s+thang\s+|\s*[/.-]\s*)(\d{1,2})(?:\s+nam\s+|\s*[/.-]\s*)(\d{4})"
)


def _number(line: str, key: str) -> str:
    match = DOC_NUMBER_RE.match(line)
    if not match and "kem theo" in key:
        match = ATTACHED_NUMBER_RE.search(line)
    return match.group(1).rstrip(".") if match else ""


def read_front_matter(plan: ParsedPlan, text: str, **where) -> None:
    """The number ("Số: 25/KH-CT", "Kèm theo Kế hoạch số 120/KH-UBND") and date ("Hà Nội,
    ngày 10 tháng 01 năm 2026", "ngày 05/02/2024"); `where` names the cell, if any. The
    grounds ("Căn cứ Kế hoạch số ...") name other documents, never this one."""
    for line in text.split("\n"):
        key = fold(line)
        if key.startswith("can cu"):
            continue
        if not plan.document_number:
            plan.document_number = _number(line, key)
        if plan.issued_on is None:
            match = DATE_RE.search(key)
            if match:
                day, month, year = (int(g) for g in match.groups())
                try:
                    plan.issued_on = datetime.date(year, month, day)
                except ValueError:
                    plan.problem(
                        _("Ngày ban hành “%(date)s” không phải ngày có thật.")
                        % {"date": line.strip()},
                        **where,
                    )
