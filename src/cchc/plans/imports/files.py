"""Read a plan written in Excel (.xlsx) or Word (.docx): bytes in, `ParsedPlan` out.

First the file itself is checked (size, real format, old or macro formats, passwords,
damaged or hostile archives), then `readers.xlsx` or `readers.docx` reads its tables.
Bad input never raises: it becomes a problem.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from cchc.lib.office_files import OfficeFileRefused, office_file_kind

from .readers.docx import parse_docx
from .readers.xlsx import parse_xlsx
from .rows import ParsedPlan

# --- limits --------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "CCHC_IMPORT_MAX_MB", 20)) * 1024 * 1024


def _check_file(data: bytes, filename: str, plan: ParsedPlan) -> str | None:
    """The file's real format ("xlsx"/"docx"), or None after recording why it is refused."""
    try:
        return office_file_kind(data, filename, max_bytes=max_bytes())
    except OfficeFileRefused as exc:
        plan.problem(str(exc))
        return None


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
        parse_xlsx(data, plan)
    else:
        parse_docx(data, plan)
    if not plan.tasks and not plan.errors:
        plan.problem(_("Bảng nhiệm vụ không có nhiệm vụ nào."))
    return plan
