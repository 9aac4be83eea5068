"""The daily run of reminders, by the background worker itself: each run catches up the
days since the last one, then queues each person's daily digest of notifications, and
queues the next run for tomorrow morning; it also refreshes the planner's statistics
(`lib/dbstats.py`)."""

import datetime

from django.utils import timezone
from django_tasks import task

from cchc.lib.dbstats import statistics_refresh
from cchc.lib.jobs import enqueue_once
from cchc.notifications.services import digests_queue

from . import services

# The hour, local time, at which the day's reminders go out.
RUN_HOUR = 7


def next_run(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(RUN_HOUR)))


@task()
def send_daily_reminders() -> int:
    sent = sum(n for _day, n in services.reminders_catch_up(today=timezone.localdate()))
    # After the reminders, so that today's are in today's digest.
    digests_queue()
    # Once a day, whatever the day's writes did to the data, the planner's statistics too.
    statistics_refresh()
    schedule(run_after=next_run(timezone.now()))
    return sent


def schedule(run_after: datetime.datetime | None = None) -> bool:
    """Queue the daily run unless one is already waiting; True when one was queued."""
    return enqueue_once(send_daily_reminders, run_after)
