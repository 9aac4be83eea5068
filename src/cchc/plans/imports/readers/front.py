"""The plan's number and date as its first lines give them ("Số: 25/KH-CT", "Hà Nội, ngày
10 tháng 01 năm 2026"), in a Word document or above an Excel table."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from cchc.lib.text import fold

from ..rows import ParsedPlan

DOC_NUMBER_RE = re.compile(r"^\s*s[oố]\s*[:.]?\s*(\d[^\s,;]*/[^\s,;]+)", re.IGNORECASE)
DATE_RE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


def read_front_matter(plan: ParsedPlan, text: str) -> None:
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
