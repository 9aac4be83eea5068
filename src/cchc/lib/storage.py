"""Uploaded files take their names only with the rows that name them.

`CommitStorage` (the default storage) writes every new file as a waiting copy under
`.incoming/` in the media folder (so on the same file system) and links it to its name
when the database transaction that saves its row commits; when the transaction rolls
back, the waiting copy goes with it. So a crash before the commit leaves only a waiting
copy, which `cchc cleanup` removes; a crash between the commit and the link leaves a
waiting copy that a row names, which reads find where it waits and `cchc cleanup` links.
Every file field (evidence, report attachments, report templates, generated reports) and
the import's staged uploads go through it, with no change to the code that saves them.
"""

import contextlib
import os
import weakref

from django.core.files.storage import FileSystemStorage
from django.db import transaction

INCOMING = ".incoming"


def final_name(name: str) -> str:
    return name.removeprefix(f"{INCOMING}/")


def waiting_name(name: str) -> str:
    return f"{INCOMING}/{final_name(name)}"


def publish(source: str, target: str) -> bool:
    """Give a waiting copy its name: a hard link, which never replaces a file, then drop the
    copy. False when there was nothing to publish (already done)."""
    if not os.path.lexists(source):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.link(source, target)
    os.unlink(source)
    return True


def _discard_unless_committed(source: str, state: dict) -> None:
    if not state["committed"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(source)


class CommitStorage(FileSystemStorage):
    """The file system storage, writing through a waiting copy published on commit."""

    def exists(self, name: str) -> bool:
        # The waiting copy first: publishing links the name before it drops the copy, so a
        # name being published is always seen in one place or the other.
        return super().exists(waiting_name(name)) or super().exists(final_name(name))

    def is_name_available(self, name: str, max_length: int | None = None) -> bool:
        # Measured and checked as the name it will have, also while it waits.
        return super().is_name_available(final_name(name), max_length)

    def _save(self, name: str, content) -> str:
        waiting = super()._save(waiting_name(name), content)  # type: ignore[misc]  # not in the stubs
        name = final_name(waiting)
        self._publish_on_commit(waiting, name)
        return name

    def _publish_on_commit(self, waiting: str, name: str) -> None:
        source, target = self.path(waiting), self.path(name)
        state = {"committed": False}

        def on_commit() -> None:
            state["committed"] = True  # from now on the copy is the row's file: kept
            publish(source, target)

        # Django lets go of the hook of a transaction that rolls back (or of its savepoint);
        # the copy is removed then. Outside a transaction the hook runs at once.
        weakref.finalize(on_commit, _discard_unless_committed, source, state)
        transaction.on_commit(on_commit, robust=True)

    def save_now(self, name: str, content) -> str:
        """Save a file that no row names (an upload waiting for the office's confirmation):
        through a waiting copy as well, but published at once, in or out of a transaction."""
        name = self.save(name, content)
        publish(self.path(waiting_name(name)), self.path(name))
        return name

    def _readable(self, name: str) -> str:
        """The name itself, or its waiting copy while the link has not been made yet."""
        if not super().exists(name) and super().exists(waiting_name(name)):
            return waiting_name(name)
        return name

    def _open(self, name: str, mode: str = "rb"):
        return super()._open(self._readable(name), mode)  # type: ignore[misc]  # not in the stubs

    def size(self, name: str) -> int:
        return super().size(self._readable(name))

    def delete(self, name: str) -> None:
        super().delete(waiting_name(name))
        super().delete(final_name(name))
