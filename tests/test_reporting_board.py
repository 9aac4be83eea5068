import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.orgs import services as org_services
from cchc.plans import progress as plan_progress
from cchc.plans import services as plan_services
from cchc.plans.models import Area, Task
from cchc.reporting import selectors, services
from tests.test_reporting_world import (
    LATE,
    ON_TIME,
    independent_counts,
    make_period,
    rate,
    submit,
    write,
)
from tests.web_helpers import on_day

D = datetime.date


@pytest.fixture
def period(world):
    return make_period(world)


def enrich(world):
    """More task states: done on time, done late, cancelled, an overdue one of CTC's."""
    t = world.tasks
    area = {a.code: a for a in Area.objects.all()}
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=t["a_soon"],
        status="done",
        deliverable="Báo cáo rà soát",
        reported_on=D(2026, 6, 1),
    )
    with on_day(world.issued_on):
        late = plan_services.task_create(
            actor=None,
            plan=world.plan,
            area=area[3],
            code="3.2",
            title="Công bố thủ tục nội bộ",
            lead_unit=world.units["CTC"],
            due_date=D(2026, 3, 31),
        )
    plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=late,
        status="done",
        deliverable="Quyết định 12/QĐ",
        reported_on=D(2026, 4, 10),
    )
    with on_day(world.issued_on):
        overdue = plan_services.task_create(
            actor=None,
            plan=world.plan,
            area=area[6],
            code="6.1",
            title="Tự chủ tài chính",
            lead_unit=world.units["CTC"],
            due_date=D(2026, 5, 31),
        )
    with on_day(world.issued_on):
        cancelled = plan_services.task_create(
            actor=None,
            plan=world.plan,
            area=area[6],
            code="6.2",
            title="Nhiệm vụ bỏ",
            lead_unit=world.units["CTC"],
            due_date=D(2026, 1, 31),
        )
    plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=cancelled,
        status="cancelled",
        note="Không làm nữa",
        reported_on=D(2026, 2, 1),
    )
    return overdue


def test_board_counts_reports_and_tasks_as_computed_independently(world, period):
    enrich(world)
    # CTH on time and accepted, CTC late, CTH-P1 missing.
    cth = write(world, period, "CTH", "focal_a", results="Đã làm")
    submit(world, cth, "head_a", now=ON_TIME)
    services.unit_report_accept(actor=world.users["office"], report=cth)
    submit(world, write(world, period, "CTC", "focal_b"), "head_b", now=LATE)

    board = selectors.board(user=world.users["office"], period=period, today=world.today)
    assert board.as_of == D(2026, 6, 14)
    assert {k: board.counts[k] for k in ("due", "on_time", "late", "missing")} == {
        "due": 3,
        "on_time": 1,
        "late": 1,
        "missing": 1,
    }
    # 1 of 3, cut to two decimals like every rate (core.numbers), written “33,3 %”.
    assert board.counts["pct"]["on_time"] == 33.33
    rows = {r["unit"].code: r for r in board.rows}
    assert rows["CTC"]["submission"] == "late" and rows["CTC"]["days_late"] == 3
    assert rows["CTH"]["status"] == "accepted" and rows["CTH-P1"]["submission"] == "missing"

    tasks = list(Task.objects.filter(plan=world.plan))
    for area_row in board.stats["by_area"]:
        expected = independent_counts(
            [t for t in tasks if t.area.code == area_row["code"]], board.as_of
        )
        assert area_row["counts"] == expected, area_row["name"]
        assert area_row["completion_rate"] == rate(expected)
    for unit_row in board.stats["by_unit"]:
        expected = independent_counts(
            [t for t in tasks if t.lead_unit_id == unit_row["unit_id"]], board.as_of
        )
        assert unit_row["counts"] == expected, unit_row["name"]
    total = independent_counts(tasks, board.as_of)
    assert board.stats["total"]["counts"] == total
    # 2 done (1 on time, 1 late), 2 overdue (1.1 and 6.1): 2 ÷ (2 + 2).
    assert total["done_on_time"] == 1 and total["done_late"] == 1 and total["overdue"] == 2
    assert board.stats["total"]["completion_rate"] == 50.0
    # Not-yet-due tasks are left out of the rate, whatever their number.
    assert total["on_track"] + total["due_soon"] + total["recurring"] > 0


def test_the_rate_reproduces_the_government_offices_published_figures():
    from cchc.reporting.data import completion_rate

    # Báo cáo 1270/BC-TCTTTg (2017): 16,051 done (14,068 on time, 1,983 late), 223 overdue.
    counts = {"done_on_time": 14068, "done_late": 1983, "overdue": 223, "on_track": 5000}
    assert completion_rate(counts) == 98.62
    assert completion_rate({"overdue": 3}) == 0.0
    assert completion_rate({"on_track": 3, "recurring": 2}) is None


def test_only_oversight_roles_see_the_board(world, period):
    for name in ("focal_a", "head_b", "nobody"):
        with pytest.raises(PermissionDenied):
            selectors.board(user=world.users[name], period=period, today=world.today)


def test_missing_reports_show_days_overdue_after_the_deadline(world, period):
    board = selectors.board(user=world.users["office"], period=period, today=D(2026, 6, 25))
    assert {r["days_overdue"] for r in board.rows} == {5}


def _grow(world, period, n: int, start: int) -> None:
    """Add n units, each leading a task and with a submitted report and a nudge."""
    area = Area.objects.get(code=2)
    for i in range(start, start + n):
        unit = org_services.unit_create(
            actor=None, code=f"U{i}", name=f"Đơn vị {i}", parent=world.units["TCCT"]
        )
        with on_day(world.issued_on):
            plan_services.task_create(
                actor=None,
                plan=world.plan,
                area=area,
                code=f"9.{i}",
                title=f"Nhiệm vụ {i}",
                lead_unit=unit,
                due_date=D(2026, 5, 1),
            )
        period.units.add(unit)
        report = services.unit_report_open(actor=None, period=period, unit=unit, today=world.today)
        services.unit_report_submit(
            actor=None, report=report, expected_version=report.version, now=timezone.now()
        )
        services.report_nudge(actor=None, period=period, units=[unit])


def _queries(world, period) -> int:
    user = world.users["office"]
    user.__dict__.pop("_cchc_access", None)
    with CaptureQueriesContext(connection) as ctx:
        board = selectors.board(user=user, period=period, today=world.today)
        assert board.rows
    return len(ctx.captured_queries)


def test_the_boards_query_count_does_not_grow_with_units(world, period):
    _grow(world, period, 2, 0)
    small = _queries(world, period)
    _grow(world, period, 12, 2)
    assert _queries(world, period) == small


def test_the_board_page_query_count_does_not_grow_with_units(world, period, client):
    from tests.world import sign_in

    sign_in(client, "office")
    url = f"/reporting/periods/{period.pk}/"
    _grow(world, period, 2, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, period, 12, 2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_late_update_changes_the_live_figures_not_the_frozen_version(world, period):
    report = write(world, period, "CTC", "focal_b")
    version = submit(world, report, "head_b", now=ON_TIME)
    frozen = dict(version.figures["by_timeliness"])
    board = selectors.board(user=world.users["office"], period=period, today=world.today)
    assert {r["unit"].code: r["changed_figures"] for r in board.rows}["CTC"] is None

    # Written after the report was sent, dated before the cut-off (14/06).
    plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=world.tasks["b_track"],
        status="done",
        deliverable="Quyết định 30/QĐ-CB",
        reported_on=D(2026, 6, 12),
    )
    version.refresh_from_db()
    assert version.figures["by_timeliness"] == frozen
    board = selectors.board(user=world.users["office"], period=period, today=world.today)
    then, now = {r["unit"].code: r for r in board.rows}["CTC"]["changed_figures"]
    assert then["on_track"] - now["on_track"] == 1
    assert now["done_on_time"] - then["done_on_time"] == 1

    office = Client()
    office.force_login(world.users["office"])
    text = office.get(reverse("reporting:period-detail", args=[period.pk])).content.decode()
    assert "Số liệu hiện nay khác số liệu trong bản đã gửi" in text
    assert "Số liệu tại ngày 14/06/2026" in text
