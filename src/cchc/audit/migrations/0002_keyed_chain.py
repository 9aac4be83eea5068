"""The chain becomes keyed: each event records its key id and every existing event is
signed again, in order, with the current key (its content is unchanged, so what the log
says stays; only the seals move from plain SHA-256 to HMAC). Then the table refuses
changes (audit/guard.py)."""

from django.db import migrations, models


def sign_again(apps, schema_editor):
    from cchc.audit import keys
    from cchc.audit.services import GENESIS, event_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    keyring = keys.keyring()
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.prev_hash, event.key_id = prev, keyring.current_id
        event.hash = event_hash(event, keyring)
        event.save(update_fields=["prev_hash", "key_id", "hash"])
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev if prev != GENESIS else "")


def install_guard(apps, schema_editor):
    from cchc.audit import guard

    guard.install(schema_editor.connection)


def remove_guard(apps, schema_editor):
    from cchc.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.RunPython(sign_again, migrations.RunPython.noop),
        migrations.RunPython(install_guard, remove_guard),
    ]
