"""When each waiting mail's job was due, so that one lost with its worker is queued again
(notifications.services.emails_requeue); mail already waiting was due when it was made."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_assessment_kind"),
        ("orgs", "0005_unit_alias_owner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="digest",
            name="due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_status", "pending")),
                fields=["email_due_at"],
                name="notification_mail_waiting",
            ),
        ),
        migrations.RunSQL(
            "UPDATE notifications_notification SET email_due_at = created_at "
            "WHERE email_status = 'pending'",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE notifications_digest SET due_at = created_at WHERE status = 'pending'",
            migrations.RunSQL.noop,
        ),
    ]
