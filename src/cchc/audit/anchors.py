"""Anchors: signed checkpoints of the chain's head, written outside the database.

An anchor records the id and hash of the last event at a moment, sealed with the current
key. Kept with the backups (CCHC_AUDIT_ANCHOR_DIR), it catches even a rewrite made with
the key: the rewritten chain verifies on its own but no longer holds the anchored hash.
`cchc audit_anchor` writes one (daily, and `cchc backup` does); `verify_audit` checks all.
"""

import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import keys
from .models import AuditEvent, AuditHead

FIELDS = ("event_id", "hash", "written_at", "key_id")


def _seal(data: dict, keyring: keys.Keyring) -> str:
    text = "|".join(str(data[f]) for f in FIELDS)
    return hmac.new(keyring.keys[data["key_id"]], text.encode(), hashlib.sha256).hexdigest()


def _folder() -> Path:
    return Path(settings.CCHC_AUDIT_ANCHOR_DIR)


def write() -> Path | None:
    """Anchor the chain's head now; None when the log is empty."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or not head.last_id:
        return None
    keyring = keys.keyring()
    now = timezone.now()
    data = {
        "event_id": head.last_id,
        "hash": head.last_hash,
        "written_at": now.isoformat(),
        "key_id": keyring.current_id,
    }
    data["seal"] = _seal(data, keyring)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"anchor-{head.last_id:012d}-{now:%Y%m%dT%H%M%S%f}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=1))
    temporary.replace(path)  # a crash leaves no half-written anchor
    return path


def _check_one(path: Path, data: dict, keyring: keys.Keyring, hashes: dict) -> str | None:
    if data.get("key_id") not in keyring.keys:
        return f"{path.name}: its key {data.get('key_id')!r} is not in the key file"
    if not hmac.compare_digest(_seal(data, keyring), str(data.get("seal", ""))):
        return f"{path.name}: its signature does not match (the anchor was changed)"
    stored = hashes.get(data["event_id"])
    if stored is None:
        return f"event {data['event_id']} anchored in {path.name} is missing"
    if stored != data["hash"]:
        return f"event {data['event_id']} differs from the anchor {path.name}"
    return None


def check() -> tuple[int, str | None]:
    """(anchors checked, the first disagreement or None)."""
    paths = sorted(_folder().glob("anchor-*.json"))
    keyring = keys.keyring()
    anchored = []
    for path in paths:
        try:
            data = json.loads(path.read_text())
            anchored.append((path, data, int(data["event_id"])))
        except (ValueError, KeyError, TypeError):
            return 0, f"{path.name} is not an anchor file"
    ids = [event_id for _, _, event_id in anchored]
    hashes = dict(AuditEvent.objects.filter(id__in=ids).values_list("id", "hash"))
    for count, (path, data, _) in enumerate(anchored):
        problem = _check_one(path, data, keyring, hashes)
        if problem:
            return count, problem
    return len(anchored), None
