"""A criteria set (bộ tiêu chí) as XLSX, through the one writer: rows in, a workbook out.
The same columns are what `scoring.transfer` reads back, so an export imports unchanged."""

from collections.abc import Iterable, Sequence
from typing import IO

from django.utils.translation import gettext_lazy as _

from .xlsx import Column, Style, Workbook

WRAP = Style(wrap=True)
HEADER = Style(bold=True, fill="DDEBF7", vertical="center", wrap=True)

# (key, header, width, style): the key is the row's field, the header what a person reads.
COLUMNS = [
    ("code", _("Mã"), 10, Style()),
    ("title", _("Tiêu chí"), 60, WRAP),
    ("max_points", _("Điểm tối đa"), 12, Style()),
    ("method", _("Phương thức"), 20, WRAP),
    ("ratio_source", _("Nguồn số liệu"), 30, WRAP),
    ("bands", _("Thang"), 20, Style()),
    ("guidance", _("Hướng dẫn chấm"), 50, WRAP),
    ("evidence_required", _("Tài liệu kiểm chứng"), 40, WRAP),
]


def criteria_xlsx(title: str, rows: Iterable[Sequence], out: IO[bytes]) -> None:
    """One sheet: a header row, then one row per criterion in the order given."""
    columns = [Column(str(header), width, style) for _key, header, width, style in COLUMNS]
    with Workbook(out, title=title) as book:
        sheet = book.sheet(str(_("Bộ tiêu chí")), columns)
        sheet.append([c.header for c in columns], HEADER)
        for row in rows:
            sheet.append(row)
