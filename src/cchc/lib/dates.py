"""Dates as Vietnamese offices write them: one form to write, the same forms to read.

Fixed, not the active language's: an English browser would otherwise read 01/02 as
2 January, and an official document must not change with the reader's settings.
"""

import datetime
import time

from django.utils import timezone

DAY = "%d/%m/%Y"
DAY_TIME = "%d/%m/%Y %H:%M"
# What a person may type: day first, with slashes or dashes, or ISO.
INPUT_FORMATS = [DAY, "%d-%m-%Y", "%Y-%m-%d"]


def as_date(value) -> datetime.date | None:
    """A date from a date, a datetime (its local day) or an ISO string; None otherwise."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def parse_day(text: str) -> datetime.date:
    """The day written as `DAY` (“30/06/2026”); ValueError otherwise. Read without a
    datetime: a day has no time of day, so no time zone to get wrong."""
    return datetime.date(*time.strptime(text, DAY)[:3])


def format_day(value) -> str:
    """30/06/2026 (“dd/mm/yyyy”), from a date, a datetime or an ISO string; “” for none."""
    day = as_date(value)
    return day.strftime(DAY) if day else ""


def format_day_time(value: datetime.datetime | None) -> str:
    """30/06/2026 14:05 in the local time zone; a date alone is written as a day."""
    if not isinstance(value, datetime.datetime):
        return format_day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(DAY_TIME)


def format_short_day(day: datetime.date) -> str:
    """30/6/2026: the unpadded form plans write in their own text (“Trước 15/12/2026”)."""
    return f"{day.day}/{day.month}/{day.year}"
