"""Shared set-up for the reporting tests (imported by the other test_reporting_* files).

Built on tests.world: the 2026 plan of TCCT, whose tasks are led by CTH, CTH-P1 and CTC
(CTC also supports CTH's overdue task). The six-month period runs 15/12/2025–14/06/2026,
due 20/06/2026; the world's "today" is 15/06/2026.
"""

import datetime

from django.utils import timezone

from cchc.plans.timeliness import Timeliness, timeliness
from cchc.reporting import services
from cchc.reporting.models import ReportingPeriod

ON_TIME = datetime.datetime(2026, 6, 18, 9, 30, tzinfo=timezone.get_current_timezone())
LATE = datetime.datetime(2026, 6, 23, 16, 0, tzinfo=timezone.get_current_timezone())


def test_helpers_are_importable():
    assert ON_TIME < LATE


def make_period(world, kind: str = "six_months") -> ReportingPeriod:
    return services.period_open(actor=world.users["office"], plan=world.plan, kind=kind)


def write(world, period, unit_code: str, user: str, *, results: str = "", **extra):
    """Open and save a unit's report; returns the saved report."""
    unit = world.units[unit_code]
    report = services.unit_report_open(
        actor=world.users[user], period=period, unit=unit, today=world.today
    )
    narrative = extra.pop("narrative", None) or {
        "1": {"results": results, "limitations": f"Hạn chế của {unit_code}"},
        "2": {"results": f"Kết quả thể chế của {unit_code}", "causes": f"Nguyên nhân {unit_code}"},
    }
    return services.unit_report_save(
        actor=world.users[user],
        period=period,
        unit=unit,
        expected_version=report.version,
        narrative=narrative,
        proposals=extra.get("proposals", f"Kiến nghị của {unit_code}"),
        next_tasks=extra.get("next_tasks", f"Nhiệm vụ kỳ tới của {unit_code}"),
        today=world.today,
    )


def submit(world, report, user: str, now=ON_TIME):
    report.refresh_from_db()
    return services.unit_report_submit(
        actor=world.users[user], report=report, expected_version=report.version, now=now
    )


def independent_counts(tasks, as_of: datetime.date) -> dict[str, int]:
    """Counts per category judged one task at a time by the Python rule, on the state each
    task's own updates gave it as of `as_of` (read here without plans.history)."""
    counts = {key: 0 for key, _label in Timeliness.choices}
    for task in tasks:
        known = [u for u in task.updates.all() if u.reported_on <= as_of]
        last = max(known, key=lambda u: (u.reported_on, u.pk), default=None)
        category = timeliness(
            status=last.status_after if last else "not_started",
            due_date=task.due_date,
            completed_on=last.completed_on if last else None,
            is_recurring=task.is_recurring,
            today=as_of,
        )
        if category != Timeliness.CANCELLED:
            counts[category] += 1
    return counts


def rate(counts: dict[str, int]) -> float | None:
    done = counts["done_on_time"] + counts["done_late"]
    counted = done + counts["overdue"]
    return int(10000 * done / counted) / 100 if counted else None
