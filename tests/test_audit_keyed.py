"""The audit chain against someone who can write the database (issue 9): a keyed chain
they cannot recompute, a table that refuses changes, and anchors kept outside."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cchc.audit import anchors, guard, keys
from cchc.audit.models import AuditEvent, AuditHead
from cchc.audit.services import audit_record, event_hash, verify_chain


@pytest.fixture
def key_file(settings, tmp_path):
    settings.CCHC_AUDIT_KEY_FILE = tmp_path / "keys" / "audit.keys"
    settings.CCHC_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return settings.CCHC_AUDIT_KEY_FILE


@pytest.fixture
def chain(db, key_file):
    with transaction.atomic():
        for n in range(5):
            audit_record(actor=None, action="test.write", object_type="t", object_id=n)
    return list(AuditEvent.objects.order_by("id"))


def _plain_sha256(event: AuditEvent) -> str:
    """What the first release sealed an event with, which anyone can compute."""
    payload = {
        "id": event.id,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id),
        "changes": event.changes,
        "ip": event.ip_address,
        "prev": event.prev_hash,
        "key": event.key_id,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _rewrite(events, new_hash) -> None:
    """A database writer changes event 2 and reseals it and every event after it."""
    prev = events[0].hash
    for event in events[1:]:
        if event.id == events[1].id:
            event.changes = {"forged": True}
        event.prev_hash = prev
        event.hash = new_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            changes=event.changes, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_events_are_sealed_with_the_current_key(chain, key_file):
    assert {e.key_id for e in chain} == {"k1"}
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert verify_chain() == (5, None)


def test_a_chain_rewritten_without_the_key_is_caught(chain):
    _rewrite(chain, _plain_sha256)
    assert verify_chain()[1] == "event 2 was changed after it was written"


def test_rotating_the_key_keeps_old_events_verifiable(chain, key_file):
    out = StringIO()
    call_command("audit_key", "--rotate", stdout=out)
    assert "Khóa ký nhật ký mới: k2" in out.getvalue()
    with transaction.atomic():
        audit_record(actor=None, action="test.write", object_type="t", object_id=99)
    assert AuditEvent.objects.latest("id").key_id == "k2"
    assert verify_chain() == (6, None)


def test_a_lost_key_is_named(chain, key_file):
    key_file.write_text(f"k9 {'ab' * 32}\n")
    assert "names key 'k1', which the key file lacks" in verify_chain()[1]


def test_a_malformed_key_file_is_named(db, key_file):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("k1 not-hex\n")
    with pytest.raises(Exception, match="line 1"):
        keys.keyring()


def test_an_anchor_catches_a_rewrite_made_with_the_key(chain):
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    assert out.getvalue().startswith("Đã ghi mốc kiểm chứng: ")
    assert anchors.check() == (1, None)
    ring = keys.keyring()
    _rewrite(chain, lambda event: event_hash(event, ring))
    assert verify_chain() == (5, None)  # the key holder's rewrite seals correctly…
    count, problem = anchors.check()  # …but the anchor written before it disagrees
    assert "event 5" in problem
    with pytest.raises(CommandError, match="không khớp với mốc kiểm chứng"):
        call_command("verify_audit")


def test_a_forged_anchor_is_refused(chain, settings):
    path = anchors.write()
    data = json.loads(path.read_text())
    data["hash"] = "0" * 64
    path.write_text(json.dumps(data))
    assert "signature" in anchors.check()[1]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_audit_events(chain, sql):
    if connection.vendor == "sqlite" and sql.startswith("TRUNCATE"):
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused above")
    guard.install(connection)  # undone with the test's transaction
    if connection.vendor == "postgresql":  # the chain's deferred checks would block TRUNCATE
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 5
    with transaction.atomic():  # appending still works
        audit_record(actor=None, action="test.write", object_type="t", object_id=6)
    assert verify_chain() == (6, None)
