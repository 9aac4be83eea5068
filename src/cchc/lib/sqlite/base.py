"""Django's SQLite backend, which runs `PRAGMA optimize` as each connection closes.

SQLite's documentation asks this of applications with short-lived connections (here one
per request): it keeps the planner's statistics current as the data grows. See
`cchc.lib.dbstats`."""

from django.db.backends.sqlite3 import base

from cchc.lib.dbstats import sqlite_optimize


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's hook under close(), which the stubs do not list; close() itself keeps an
    # in-memory database (the tests') open.
    def _close(self) -> None:
        if self.connection is not None:
            sqlite_optimize(self.connection)
        super()._close()  # type: ignore[misc]
