"""The web journey: an uploaded plan file waits under the configured storage between upload
and confirmation, and is cleared when never confirmed."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cchc.lib.text import fold

if TYPE_CHECKING:
    from django.contrib.auth.models import User

STAGING_DIR = "imports"
# How long an unconfirmed upload is kept (`clear_import_uploads`, `cleanup`).
STAGING_DAYS = 2


def stage_file(*, actor: User, name: str, data: bytes) -> str:
    """Keep an uploaded plan file until the office confirms it; returns its storage path.

    Under the configured storage (never a process's memory), so any application process
    can show the preview and write the plan."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import get_valid_filename

    from cchc.lib.storage import CommitStorage

    token = secrets.token_urlsafe(12)
    safe = get_valid_filename(fold(name).replace(" ", "-")) or "ke-hoach"
    # No row names the file, so it takes its name as soon as it is whole, not on a commit.
    storage = default_storage
    if not isinstance(storage, CommitStorage):
        raise ImproperlyConfigured("STORAGES['default'] must be cchc.lib.storage.CommitStorage")
    return storage.save_now(f"{STAGING_DIR}/{actor.pk}/{token}/{safe}", ContentFile(data))


def staged_read(path: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(path, "rb") as handle:
        return handle.read()


def staged_discard(path: str) -> None:
    from django.core.files.storage import default_storage

    if path and default_storage.exists(path):
        default_storage.delete(path)


def staged_expired(*, older_than: datetime.timedelta) -> list[str]:
    """Uploaded plan files left unconfirmed for longer than `older_than` (the office closed
    the preview and never came back)."""
    from django.core.files.storage import default_storage

    cutoff = timezone.now() - older_than
    if not default_storage.exists(STAGING_DIR):
        return []
    expired = []
    users, __ = default_storage.listdir(STAGING_DIR)
    for user in users:
        tokens, __ = default_storage.listdir(f"{STAGING_DIR}/{user}")
        for token in tokens:
            __, files = default_storage.listdir(f"{STAGING_DIR}/{user}/{token}")
            for name in files:
                path = f"{STAGING_DIR}/{user}/{token}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    expired.append(path)
    return expired


def staged_clear(*, older_than: datetime.timedelta) -> int:
    """Remove the uploaded plan files `staged_expired` finds; returns how many."""
    expired = staged_expired(older_than=older_than)
    for path in expired:
        staged_discard(path)
    return len(expired)
