"""The query planner's statistics, kept current on both databases.

SQLite keeps none until ANALYZE runs: without them it may read a list through the wrong
index (one unit's open tasks took 65 ms instead of 1.4 ms on `make bench`'s data).
PostgreSQL's autovacuum catches up with a bulk insert only some time after it. So the
statistics are read again after each bulk change (the scale seeder, the demo loader, a
plan import, a migration) and once a day by the worker; on SQLite each connection also
runs `PRAGMA optimize` as it closes (`lib/sqlite/base.py`), as SQLite's documentation
advises for short-lived connections.
"""

import contextlib
import sqlite3
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

# Rows SQLite's `PRAGMA optimize` reads per index when it decides to analyse one at a
# connection's close: enough for the planner, and a bounded cost whatever the table's size
# (SQLite's documentation suggests 100 to 1,000).
OPTIMIZE_ANALYSIS_LIMIT = 400


def statistics_refresh(
    *, models: Iterable[type[Model]] = (), using: str = DEFAULT_DB_ALIAS, vacuum: bool = False
):
    """ANALYZE the tables of `models` (every table when none is named), in full. `vacuum`,
    after a bulk load on PostgreSQL outside a transaction: VACUUM too, which marks the new
    pages all-visible as autovacuum would later, so that index-only scans need no heap."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    quote = connection.ops.quote_name
    tables = sorted({quote(model._meta.db_table) for model in models})
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A connection's earlier `PRAGMA optimize` may have left a limit: read every row.
            cursor.execute("PRAGMA analysis_limit=0")
        command = "ANALYZE"
        if vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block:
            command = "VACUUM (ANALYZE)"
        for table in tables or [""]:
            # Table names come from the models' metadata, quoted.
            cursor.execute(f"{command} {table}".strip())


def sqlite_optimize(raw: sqlite3.Connection) -> None:
    """`PRAGMA optimize` on a raw SQLite connection about to close: usually nothing; an
    ANALYZE of a table this connection queried when its statistics are missing or stale.
    Never waits for a lock and never fails: the next connection's close tries again."""
    with contextlib.suppress(sqlite3.Error):
        raw.execute("PRAGMA busy_timeout=0")
        raw.execute(f"PRAGMA analysis_limit={OPTIMIZE_ANALYSIS_LIMIT}")
        raw.execute("PRAGMA optimize")
