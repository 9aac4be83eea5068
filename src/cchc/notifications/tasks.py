"""Background work: the mail of a batch of notifications over one connection, and a
person's daily digest."""

from collections import Counter

from django_tasks import task

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
