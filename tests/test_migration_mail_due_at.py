"""Migration notifications 0007: mail already waiting was due when it was made, so that
the look for lost mail finds it; mail sent or not sent by mail has no due time."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notifications", "0006_assessment_kind")]
AFTER = [("notifications", "0007_mail_due_at")]


def test_waiting_mail_was_due_when_made(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Notification = apps.get_model("notifications", "Notification")
    Digest = apps.get_model("notifications", "Digest")
    person = get_user_model().objects.create(username="nguoi")
    waiting, sent = (
        Notification.objects.create(recipient_id=person.pk, kind="nudge", title=t, email_status=s)
        for t, s in (("Chờ", "pending"), ("Đã gửi", "sent"))
    )
    digest = Digest.objects.create(recipient_id=person.pk, status="pending")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Notification = apps.get_model("notifications", "Notification")
    Digest = apps.get_model("notifications", "Digest")
    assert Notification.objects.get(pk=waiting.pk).email_due_at == waiting.created_at
    assert Notification.objects.get(pk=sent.pk).email_due_at is None
    assert Digest.objects.get(pk=digest.pk).due_at == digest.created_at
