"""Background work: the mail of one notification, and a person's daily digest."""

from django_tasks import task

from . import services


@task()
def send_email(notification_id: int) -> str:
    notification = services.email_send(notification_id=notification_id)
    return notification.email_status if notification else "skipped"


@task()
def send_digest(digest_id: int) -> str:
    digest = services.digest_send(digest_id=digest_id)
    return digest.status if digest else "skipped"
