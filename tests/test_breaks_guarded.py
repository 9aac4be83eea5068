"""Behaviours whose one-line breaks once passed the whole suite (issue 8). Each test here
fails if its break comes back."""

import datetime
import io

import openpyxl
import pytest

from cchc.documents.tasks import tasks_xlsx
from cchc.lib import numbers
from cchc.plans.timeliness import Timeliness
from cchc.reporting import consolidated, data
from cchc.reporting.workflow import StaleVersion
from tests.test_reporting_world import make_period

D = datetime.date


@pytest.mark.parametrize("left_out", [Timeliness.DUE_SOON, Timeliness.ON_TRACK, "recurring"])
def test_the_completion_rate_leaves_tasks_not_yet_due_out_of_its_denominator(left_out):
    counts = data.empty_counts() | {Timeliness.DONE_ON_TIME: 2, Timeliness.DONE_LATE: 1}
    counts[Timeliness.OVERDUE] = 1
    assert data.completion_rate(counts) == 75.0
    counts[left_out] = 5
    assert data.completion_rate(counts) == 75.0  # 3 ÷ (3 + 1), whatever else there is
    # The published figure: 16,051 done and 223 overdue is 98.62 %, cut, not rounded.
    assert numbers.completion_rate(16051, 223) == 98.62
    assert numbers.format_rate(numbers.completion_rate(16051, 223)) == "98,6\u00a0%"


def test_a_stale_save_of_the_consolidated_report_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = world.users["office"]
    period = make_period(world)
    report = consolidated.consolidated_open(actor=office, period=period, today=D(2026, 6, 21))
    seen = report.version
    consolidated.consolidated_save(
        actor=office, report=report, expected_version=seen, narrative={"proposals": "Bản A"}
    )
    with pytest.raises(StaleVersion):
        consolidated.consolidated_save(
            actor=office, report=report, expected_version=seen, narrative={"proposals": "Bản B"}
        )
    report.refresh_from_db()
    assert report.narrative["proposals"] == "Bản A"


@pytest.mark.parametrize("count", [1, 511, 512, 513, 1025, 2600])
def test_the_xlsx_writer_keeps_every_row_across_its_buffer(count):
    rows = (
        {"id": n, "code": f"{n}", "title": f"Nhiệm vụ {n}", "area__code": 1, "progress": n % 101}
        for n in range(1, count + 1)
    )
    out = io.BytesIO()
    assert tasks_xlsx(rows, out) == count
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    codes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [str(n) for n in range(1, count + 1)]
