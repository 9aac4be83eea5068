"""What every part of the consolidated report's files shares: how values are written, the
fixed date its files carry, and the progress callback."""

import datetime
import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from cchc.documents.ooxml import finish_docx
from cchc.lib import numbers
from cchc.lib.dates import format_day

Progress = Callable[[int, str], None]


def noop(_pct: int, _stage: str) -> None:
    return None


def pct(value: float | None) -> str:
    """A rate as every page and document writes it (core.numbers): 98.62 -> “98,6 %”."""
    return numbers.format_rate(value)


def number_line(payload: dict) -> str:
    number = payload["document_number"]
    if not number:
        return f"Số:        {payload['number_suffix']}"
    return f"Số: {number}" if "/" in number else f"Số: {number}{payload['number_suffix']}"


def due(task: dict) -> str:
    return task.get("due_text") or format_day(task.get("due_date"))


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text safe inside w:t: escaped, without the control characters XML forbids."""
    return escape(CONTROL_CHARS.sub("", text))


def fixed_datetime(payload: dict | None) -> datetime.datetime:
    """The date the files carry: the report's, not the clock's (same data, same bytes)."""
    iso = (payload or {}).get("issued_on") or (payload or {}).get("as_of")
    day = datetime.date.fromisoformat(iso) if iso else datetime.date(2000, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def finish(
    doc, *, title: str, payload: dict | None = None, splices: dict[str, str] | None = None
) -> bytes:
    """The DOCX bytes, with fixed core properties and zip timestamps; `splices` are the
    appendix's tables by the token of the paragraph each replaces."""
    author = (payload or {}).get("issuing_body", "")
    when = fixed_datetime(payload)
    return finish_docx(doc, title=title, author=author, when=when, splices=splices)
