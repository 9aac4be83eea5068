"""The keys of the audit chain, kept outside the database.

Each event's hash is an HMAC under a key the database never holds, so someone who can
write the audit table cannot recompute the chain after changing it. The key file (setting
CCHC_AUDIT_KEY_FILE) has one `<key id> <64 hex digits>` per line; the last line signs new
events, the earlier ones still verify the events they signed (each event records its key
id). `cchc audit_key --rotate` appends a new key. Keep the file out of the database's
backups and readable only by the server's account.
"""

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LINE = re.compile(r"^(?P<id>[A-Za-z0-9_-]{1,16})\s+(?P<key>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


_cache: dict[tuple[str, int, int], Keyring] = {}


def _path() -> Path:
    return Path(settings.CCHC_AUDIT_KEY_FILE)


def _new_line(key_id: str) -> str:
    return f"{key_id} {secrets.token_hex(32)}\n"


def _create(path: Path) -> None:
    """The first key, written once even when two processes start together."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as out:
        out.write(_new_line("k1"))


def _parse(path: Path) -> Keyring:
    keys: dict[str, bytes] = {}
    last = ""
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise ImproperlyConfigured(f"{path}, line {number}: expected '<key id> <64 hex>'")
        keys[match["id"]] = bytes.fromhex(match["key"])
        last = match["id"]
    if not last:
        raise ImproperlyConfigured(f"{path} holds no audit key")
    return Keyring(keys=keys, current_id=last)


def keyring() -> Keyring:
    path = _path()
    if not path.exists():
        _create(path)
    stat = path.stat()
    stamp = (str(path), stat.st_mtime_ns, stat.st_size)
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = _parse(path)
    return _cache[stamp]


def rotate() -> str:
    """Append a new key, which signs every event from now on; returns its id."""
    numbers = [int(k[1:]) for k in keyring().keys if re.fullmatch(r"k\d+", k)]
    key_id = f"k{max(numbers, default=0) + 1}"
    with _path().open("a") as out:
        out.write(_new_line(key_id))
    return key_id
