"""What a crash leaves among the files, found and put right (`cchc cleanup`).

- A waiting copy under the media folder's `.incoming/` (lib/storage.py) is a file whose
  transaction never committed: removed. If a row names it, the crash came between the
  commit and the link: it is linked to its name instead.
- A big upload Django spilled into `FILE_UPLOAD_TEMP_DIR` while a request read it: removed.
- A file in the media folder that no row names (any file field of any model,
  `lib.files.named_files`): removed. The services that delete a row remove its file
  themselves on commit (`remove_stored_after_commit`), by the same rule.
- The import's staged uploads are named by no row, only by a session: they are removed
  after the import's own grace period (`clear_import_uploads`), not as orphans.
- Rows that only grow: the API's answers kept for Idempotency-Key retries, once older than
  CCHC_IDEMPOTENCY_HOURS (the API forgets them then anyway), and the rate limit's counts of
  past minutes (with the database cache).

Nothing younger than the given age is touched: it may belong to a request still running.
"""

import contextlib
import datetime
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from cchc.api.models import IdempotencyKey, RateCount
from cchc.api.services import idempotency_cutoff, idempotency_expire, rate_cutoff, rate_expire
from cchc.lib.files import named_files
from cchc.lib.storage import INCOMING, publish
from cchc.plans.imports.staging import STAGING_DAYS, STAGING_DIR, staged_expired


@dataclass
class Cleanup:
    """What a cleanup links (committed files a crash left waiting) and removes."""

    linked: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    expired_keys: int = 0  # Idempotency-Key answers past their time
    expired_rates: int = 0  # the API's call counts of past minutes


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in root.rglob("*") if not p.is_dir())


def _name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def find(*, older_than: datetime.timedelta) -> Cleanup:
    """What `run` would do; reads only."""
    media = Path(settings.MEDIA_ROOT)
    waiting_root = media / INCOMING
    cutoff = time.time() - older_than.total_seconds()

    def old(path: Path) -> bool:
        return path.lstat().st_mtime < cutoff

    # The disk before the rows: a file that takes its name after this listing had its row
    # committed before, so the rows read next name it.
    waiting = [p for p in _files(waiting_root) if old(p)]
    stored = [
        p for p in _files(media) if _name(p, media).split("/")[0] not in (INCOMING, STAGING_DIR)
    ]
    spilled = [p for p in _files(Path(settings.FILE_UPLOAD_TEMP_DIR)) if old(p)]
    named = named_files()
    found = Cleanup()
    for path in waiting:
        name = _name(path, waiting_root)
        if name in named and not os.path.lexists(media / name):
            found.linked.append(path)
        else:
            found.removed.append(path)
    found.removed += spilled
    found.removed += [p for p in stored if _name(p, media) not in named and old(p)]
    staged = staged_expired(older_than=datetime.timedelta(days=STAGING_DAYS))
    found.removed += [media / name for name in staged]
    found.expired_keys = IdempotencyKey.objects.filter(created_at__lt=idempotency_cutoff()).count()
    found.expired_rates = RateCount.objects.filter(minute__lt=rate_cutoff()).count()
    return found


def run(*, older_than: datetime.timedelta) -> Cleanup:
    """Link the committed files a crash left waiting and remove the leftovers."""
    done = find(older_than=older_than)
    media = Path(settings.MEDIA_ROOT)
    for path in done.linked:
        publish(str(path), str(media / _name(path, media / INCOMING)))
    for path in done.removed:
        path.unlink(missing_ok=True)
    _prune(media / INCOMING, older_than)
    done.expired_keys = idempotency_expire()
    done.expired_rates = rate_expire()
    return done


def _prune(root: Path, older_than: datetime.timedelta) -> None:
    """Remove the empty folders waiting copies left; not a fresh one, which a save may be
    about to write into."""
    cutoff = time.time() - older_than.total_seconds()
    for folder, __, __ in os.walk(root, topdown=False):
        path = Path(folder)
        if path != root and not any(path.iterdir()) and path.stat().st_mtime < cutoff:
            with contextlib.suppress(OSError):  # written into meanwhile
                path.rmdir()
