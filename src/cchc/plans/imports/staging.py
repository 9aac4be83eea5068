"""The web journey: an uploaded plan file waits under the configured storage between upload
and confirmation, and is cleared when never confirmed."""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from cchc.lib.text import fold

STAGING_DIR = "imports"


def stage_file(*, actor, name: str, data: bytes) -> str:
    """Keep an uploaded plan file until the office confirms it; returns its storage path.

    Under the configured storage (never a process's memory), so any application process
    can show the preview and write the plan."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import get_valid_filename

    token = secrets.token_urlsafe(12)
    safe = get_valid_filename(fold(name).replace(" ", "-")) or "ke-hoach"
    return default_storage.save(f"{STAGING_DIR}/{actor.pk}/{token}/{safe}", ContentFile(data))


def staged_read(path: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(path, "rb") as handle:
        return handle.read()


def staged_discard(path: str) -> None:
    from django.core.files.storage import default_storage

    if path and default_storage.exists(path):
        default_storage.delete(path)


def staged_clear(*, older_than: datetime.timedelta) -> int:
    """Remove uploaded plan files left unconfirmed for longer than `older_than` (the office
    closed the preview and never came back); returns how many were removed."""
    from django.core.files.storage import default_storage

    cutoff = timezone.now() - older_than
    removed = 0
    users, __ = (
        default_storage.listdir(STAGING_DIR) if default_storage.exists(STAGING_DIR) else ([], [])
    )
    for user in users:
        tokens, __ = default_storage.listdir(f"{STAGING_DIR}/{user}")
        for token in tokens:
            __, files = default_storage.listdir(f"{STAGING_DIR}/{user}/{token}")
            for name in files:
                path = f"{STAGING_DIR}/{user}/{token}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    removed += 1
    return removed
