"""Cells as read from a sheet or a Word table, and the header row that names the columns."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from cchc.lib.text import fold

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
