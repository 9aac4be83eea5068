"""The one way to append to the audit log. Call it inside the service's transaction."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from . import keys
from .context import client_address
from .models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from django.contrib.auth.models import User

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        # Order carries meaning: a change is [before, after].
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _client_ip() -> str | None:
    """The request's address in the form the database stores it (IPv6 compressed and in
    lower case), so the hash computed now matches the row read back; None if not an IP."""
    value = (client_address.get() or "").strip()
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return clean_ipv6_address(value) if ":" in value else value


def event_hash(event: AuditEvent, keyring: keys.Keyring | None = None) -> str:
    """HMAC-SHA-256, under the key the event names, of its content and the previous
    event's hash. Raises KeyError for a key id the key file does not hold."""
    keyring = keyring or keys.keyring()
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
    return hmac.new(keyring.keys[event.key_id], text.encode(), hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event. `changes` maps field -> [before, after] (or any JSON detail)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        id=head.last_id + 1,
        created_at=timezone.now().replace(microsecond=0),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        changes=_jsonable(changes or {}),
        ip_address=_client_ip(),
        prev_hash=head.last_hash or GENESIS,
    )
    keyring = keys.keyring()
    event.key_id = keyring.current_id
    event.hash = event_hash(event, keyring)
    event.save(force_insert=True)
    head.last_id, head.last_hash = event.id, event.hash
    head.save(update_fields=["last_id", "last_hash"])
    return event


def diff(instance: models.Model, fields: list[str], before: dict) -> dict:
    """Field -> [before, after] for the fields whose value changed."""
    out = {}
    for name in fields:
        after = getattr(instance, name)
        if _jsonable(before.get(name)) != _jsonable(after):
            out[name] = [before.get(name), after]
    return out


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: getattr(instance, name) for name in fields}


def verify_chain() -> tuple[int, str | None]:
    """Walk the chain; return (events checked, description of the first break or None)."""
    prev = GENESIS
    expected_id = 1
    count = 0
    keyring = keys.keyring()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.id != expected_id:
            return count, f"event {expected_id} is missing (next found is {event.id})"
        if event.prev_hash != prev:
            return count, f"event {event.id} does not follow event {event.id - 1}"
        if event.key_id not in keyring.keys:
            return count, f"event {event.id} names key {event.key_id!r}, which the key file lacks"
        if not hmac.compare_digest(event_hash(event, keyring), event.hash):
            return count, f"event {event.id} was changed after it was written"
        prev = event.hash
        expected_id += 1
        count += 1
    # The head is written only by audit_record: it knows the last event the application
    # appended, so removing the last events, or appending one by hand, shows here.
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            return count, f"the chain head is missing: events after event {count} cannot be checked"
        return count, None
    if count < head.last_id:
        return count, f"event {count + 1} and later are missing (the log ended at {head.last_id})"
    if count > head.last_id:
        return count, (
            f"event {head.last_id + 1} was not written by the application "
            f"(the log it wrote ended at event {head.last_id})"
        )
    if count and head.last_hash != prev:
        return count, f"event {count} was changed or replaced after it was written"
    return count, None
