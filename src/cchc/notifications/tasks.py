"""Background work: the mail of one notification."""

from django_tasks import task

from . import services


@task()
def send_email(notification_id: int) -> str:
    notification = services.email_send(notification_id=notification_id)
    return notification.email_status if notification else "skipped"
