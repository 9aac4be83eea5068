"""The task list as XLSX, streamed through the one writer (documents.xlsx): rows in, a
workbook out, for up to tens of thousands of tasks. Nothing here reads the database: the
rows come from plans.selectors.task_export_rows, the status and timeliness labels from
the caller."""

from collections.abc import Iterable, Mapping
from typing import IO

from django.utils.translation import gettext as _

from .xlsx import Column, Style, Workbook

TEXT = Style()
WRAP = Style(wrap=True)
HEADER = Style(bold=True, fill="DDEBF7", vertical="center", wrap=True)


def task_columns() -> list[Column]:
    return [
        Column(_("STT"), 8),
        Column(_("Nội dung"), 60, WRAP),
        Column(_("Lĩnh vực"), 30, WRAP),
        Column(_("Cơ quan chủ trì"), 26, WRAP),
        Column(_("Cơ quan phối hợp"), 28, WRAP),
        Column(_("Thời gian hoàn thành"), 20, WRAP),
        Column(_("Hạn"), 12),
        Column(_("Trạng thái"), 16),
        Column(_("Tiến độ (%)"), 11),
        Column(_("Tình trạng"), 24),
        Column(_("Sản phẩm"), 40, WRAP),
        Column(_("Văn phòng xác nhận"), 24),
    ]


class TaskRows:
    """Turns task dicts into the export's cells; labels are given once per export."""

    def __init__(
        self,
        statuses: Mapping[str, str],
        timeliness: Mapping[str, str],
        reviews: Mapping[str, str] | None = None,
    ):
        self.statuses = statuses
        self.timeliness = timeliness
        self.reviews = reviews or {}
        self.areas: dict[int | None, str] = {}

    def __call__(self, row: Mapping) -> list:
        code = row.get("area__code")
        area = self.areas.get(code)
        if area is None:
            area = f"{code}. {row['area__name']}" if row.get("area__name") else ""
            self.areas[code] = area
        status = row.get("status") or ""
        timeliness = row.get("timeliness") or ""
        return [
            row.get("code") or "",
            row.get("title") or "",
            area,
            row.get("lead_unit__name") or "",
            row.get("supporting_units") or "",
            row.get("due_text") or "",
            row.get("due_date"),
            self.statuses.get(status, status),
            row.get("progress"),
            self.timeliness.get(timeliness, timeliness),
            row.get("deliverable") or "",
            self.reviews.get(row.get("review_state") or "", row.get("review_state") or ""),
        ]


def tasks_xlsx(
    rows: Iterable[Mapping],
    out: IO[bytes],
    *,
    statuses: Mapping[str, str] | None = None,
    timeliness: Mapping[str, str] | None = None,
    reviews: Mapping[str, str] | None = None,
) -> int:
    """Write every row to `out` as an XLSX workbook; returns the number of task rows.
    `statuses`, `timeliness` and `reviews` (the office's confirmation) name each value (a
    value without a name is written as is)."""
    cells = TaskRows(statuses or {}, timeliness or {}, reviews)
    columns = task_columns()
    count = 0
    with Workbook(out) as book:
        sheet = book.sheet(_("Nhiệm vụ"), columns, header_row=1, autofilter=True)
        sheet.append([c.header for c in columns], HEADER)
        for row in rows:
            sheet.append(cells(row))
            count += 1
    return count
