"""Background work: the mail of a batch of notifications over one connection, a person's
daily digest, and every quarter of an hour the mail whose job was lost queued again."""

import datetime
from collections import Counter

from django.utils import timezone
from django_tasks import task

from cchc.lib.jobs import enqueue_once

from . import services


@task()
def send_emails(notification_ids: list[int]) -> dict[str, int]:
    """How many of the batch ended in each state (sent, pending: to be tried again...)."""
    done = services.emails_send(notification_ids=notification_ids)
    return dict(Counter(n.email_status for n in done))


@task()
def send_email(notification_id: int) -> str:
    """One notification: jobs queued before batches may still name it."""
    notification = services.email_send(notification_id=notification_id)
    return notification.email_status if notification else "skipped"


@task()
def send_digest(digest_id: int) -> str:
    digest = services.digest_send(digest_id=digest_id)
    return digest.status if digest else "skipped"


# How often the worker looks for mail whose job was lost (services.MAIL_LOST_AFTER).
REQUEUE_EVERY = datetime.timedelta(minutes=15)


@task()
def requeue_lost_mail() -> int:
    """Queue again the mail whose job was lost, then this same look a while later."""
    found = services.emails_requeue()
    schedule_requeue(run_after=timezone.now() + REQUEUE_EVERY)
    return found


def schedule_requeue(run_after: datetime.datetime | None = None) -> bool:
    """Queue the look unless one is already waiting; True when one was queued."""
    return enqueue_once(requeue_lost_mail, run_after)
