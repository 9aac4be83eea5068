"""Helpers for the web tests: a fixed "today" and quick bulk data for scale tests."""

import contextlib
import datetime
import itertools
from unittest import mock

from django.utils import timezone

from cchc.lib.text import fold
from cchc.plans.models import Area, Task, TaskStatus


def freeze_today(monkeypatch, day: datetime.date) -> None:
    """Make timezone.localdate() (pages and services alike) answer `day`.

    The world's tasks are due relative to world.today; pinning the clock keeps their
    timeliness as the world describes it whatever day the suite runs.
    """
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


@contextlib.contextmanager
def on_day(day: datetime.date):
    """Services called inside act on `day`: a test adding tasks to an issued plan says on
    which day of the world they were added (figures as of an earlier day omit them)."""
    with mock.patch.object(timezone, "localdate", lambda *args, **kwargs: day):
        yield


def add_tasks(world, count: int, *, start: int = 0) -> list[Task]:
    """`count` extra tasks in the world's plan, spread over areas, units, statuses and dates.

    Test setup only: it bypasses the services on purpose (speed); pages under test don't.
    """
    areas = list(Area.objects.order_by("code"))
    units = [world.units[c] for c in ("CTH", "CTC", "CTH-P1", "VP", "TCCT")]
    statuses = itertools.cycle(
        [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED]
    )
    tasks = []
    for i in range(start, start + count):
        status = next(statuses)
        due = world.today + datetime.timedelta(days=(i % 90) - 45)
        title = f"Nhiệm vụ bổ sung số {i} về cải cách hành chính"
        tasks.append(
            Task(
                plan=world.plan,
                area=areas[i % len(areas)],
                code=f"9.{i}",
                order=1000 + i,
                title=title,
                lead_unit=units[i % len(units)],
                due_date=due,
                due_text=due.strftime("%d/%m/%Y"),
                is_recurring=i % 11 == 0,
                status=status,
                progress=100 if status == TaskStatus.DONE else (i * 7) % 100,
                completed_on=due if status == TaskStatus.DONE else None,
                search_text=fold(f"9.{i} {title}"),
            )
        )
    return Task.objects.bulk_create(tasks, batch_size=500)
