"""Migration audit 0002 seals the events written before it with the key, keeping what
they say, and installs the table's guard."""

import hashlib
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from cchc.audit import guard
from cchc.audit.models import AuditEvent
from cchc.audit.services import GENESIS, verify_chain

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0002_keyed_chain")]


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    guard.remove(connection)  # the other tests empty the table between them


def _old_hash(row: dict) -> str:
    payload = {
        "id": row["id"],
        "created_at": row["created_at"].isoformat(),
        "actor": None,
        "actor_name": "system",
        "action": row["action"],
        "object_type": "t",
        "object_id": str(row["id"]),
        "changes": row["changes"],
        "ip": None,
        "prev": row["prev_hash"],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def test_old_events_are_sealed_with_the_key_and_then_guarded(executor):
    import datetime

    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldEvent = apps.get_model("audit", "AuditEvent")
    OldHead = apps.get_model("audit", "AuditHead")
    prev = GENESIS
    when = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
    for n in range(1, 4):
        row = {"id": n, "created_at": when, "action": f"old.{n}", "changes": {"n": n}}
        row["prev_hash"] = prev
        OldEvent.objects.create(
            **row, actor_name="system", object_type="t", object_id=str(n), hash=_old_hash(row)
        )
        prev = _old_hash(row)
    OldHead.objects.create(pk=1, last_id=3, last_hash=prev)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.changes) for e in events] == [(f"old.{n}", {"n": n}) for n in (1, 2, 3)]
    assert len({e.key_id for e in events}) == 1 and events[0].key_id
    assert verify_chain() == (3, None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=1).update(action="rewritten")
