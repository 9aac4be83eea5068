"""“Số liệu tại ngày”: the dashboard, the task list and its export as they stood on a day."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from cchc.plans import progress
from tests.web_helpers import freeze_today

D = datetime.date


@pytest.fixture
def office(world, client, monkeypatch):
    """The world on 15/06/2026: task 2.1 reported done on 10/06, 1.1 at 40 % on 02/06."""
    freeze_today(monkeypatch, world.today)
    focal = world.users["focal_a"]
    progress.task_update_post(
        actor=focal, task=world.tasks["a_overdue"], progress=40, status="in_progress",
        note="Đang làm", reported_on=D(2026, 6, 2),
    )  # fmt: skip
    progress.task_update_post(
        actor=focal, task=world.tasks["a_soon"], status="done", deliverable="QĐ 7/QĐ-CT",
        reported_on=D(2026, 6, 10),
    )  # fmt: skip
    client.force_login(world.users["office"])
    return client


def dashboard(client, world, **params):
    return client.get(reverse("plans:dashboard"), {"plan": world.plan.pk, **params})


def stat(text: str, label: str) -> str:
    """The number on the dashboard card whose badge reads `label`."""
    after = text.split(f'aria-label="{label}: ', 1)[1]
    return after.split('"', 1)[0]


def test_the_dashboard_says_which_day_its_figures_are_for(world, office):
    text = dashboard(office, world).content.decode()
    assert "Số liệu tại ngày 15/06/2026 (hôm nay)" in text
    assert stat(text, "Hoàn thành đúng hạn") == "1"


def test_the_dashboard_as_of_a_past_day_counts_what_was_reported_by_then(world, office):
    text = dashboard(office, world, as_of="05/06/2026").content.decode()
    assert "Số liệu tại ngày 05/06/2026" in text and "không phải hôm nay" in text
    # 2.1 was reported done on 10/06: on 05/06 it was still open and not yet due (20/06).
    assert stat(text, "Hoàn thành đúng hạn") == "0"
    # Every link to the tasks behind a number keeps the day.
    assert "as_of=05%2F06%2F2026" in text
    assert "timeliness=overdue&amp;as_of=05%2F06%2F2026" in text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/2026", "không có trên lịch"),
        ("16/06/2026", "chưa tới"),
        ("hôm qua", "dd/mm/yyyy"),
        ("9" * 5000, "dd/mm/yyyy"),
        ("00/00/0000", "không có trên lịch"),
    ],
)
def test_a_bad_day_is_named_on_the_field_and_today_is_shown(world, office, value, words):
    for url in (reverse("plans:dashboard"), reverse("plans:task-list")):
        response = office.get(url, {"plan": world.plan.pk, "as_of": value})
        assert response.status_code == 200
        text = response.content.decode()
        assert words in text and "is-invalid" in text
        assert "Số liệu tại ngày 15/06/2026 (hôm nay)" in text


def test_the_task_list_as_of_a_day_shows_the_state_of_that_day(world, office):
    url = reverse("plans:task-list")
    done_now = office.get(url, {"plan": world.plan.pk, "status": "done"}).content.decode()
    assert "Rà soát văn bản quy phạm nội bộ" in done_now
    params = {"plan": world.plan.pk, "status": "done", "as_of": "05/06/2026"}
    done_then = office.get(url, params).content.decode()
    assert "Rà soát văn bản quy phạm nội bộ" not in done_then
    assert "Số liệu tại ngày 05/06/2026" in done_then
    # No bulk change of today's tasks from a past day's list.
    assert 'id="bulk-form"' not in done_then
    # The htmx fragment carries the notice too.
    fragment = office.get(url, params, HTTP_HX_REQUEST="true").content.decode()
    assert "Số liệu tại ngày 05/06/2026" in fragment


def test_the_export_as_of_a_day_has_that_days_status_and_progress(world, office):
    response = office.get(
        reverse("plans:task-export"), {"plan": world.plan.pk, "as_of": "01/06/2026"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["2.1"][7] == "Chưa thực hiện" and rows["1.1"][8] == 0
    response = office.get(
        reverse("plans:task-export"), {"plan": world.plan.pk, "as_of": "03/06/2026"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["1.1"][7] == "Đang thực hiện" and rows["1.1"][8] == 40
