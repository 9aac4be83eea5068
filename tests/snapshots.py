"""Rows a fixture wrote, written again in later tests instead of running the fixture again.

The world is built through the real services: 259 queries, a third of the suite's time on
PostgreSQL when every test built it anew. `restore_or_build` builds it once per test
process and database, keeps the rows the build wrote (read back from every table, before
and after) and the files it stored, and in each later test writes those rows again, with
the same ids, inside that test's transaction, and the files into that test's media folder;
the objects it returns are deep copies of the first build's, as Django's `setUpTestData`
hands them out. It does so only when the database holds exactly
what it held before the first build (each table's row count and highest key), and only on
the same day (a test may have set the clock): otherwise it builds anew.
"""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone


@dataclass
class _Table:
    name: str
    key: str  # the primary key's column
    columns: list[str]


@dataclass
class _Snapshot:
    state: tuple  # each table's (count, highest key) before the build
    removed: dict[str, list]  # keys of rows the build changed or deleted, by table
    added: dict[str, list]  # rows the build wrote or changed, by table
    files: dict[str, bytes]  # files the build stored, by their path in the media folder
    value: Any


_taken: dict[tuple, _Snapshot] = {}
_tables: dict[str, list[_Table]] = {}


def restore_or_build(name: str, build: Callable[[], Any]) -> Any:
    """What `build()` returns, its rows in the database: built once, written again after."""
    key = (name, connection.vendor, connection.settings_dict["NAME"], timezone.localdate())
    tables = _tables_of_database()
    state = _state(tables)
    taken = _taken.get(key)
    if taken is not None and taken.state == state:
        _write(tables, taken)
        media = Path(settings.MEDIA_ROOT)
        for path, content in taken.files.items():
            (media / path).parent.mkdir(parents=True, exist_ok=True)
            (media / path).write_bytes(content)
        return copy.deepcopy(taken.value)
    before, files_before = _rows(tables), _files()
    value = build()
    after = _rows(tables)
    files = {
        path: content for path, content in _files().items() if files_before.get(path) != content
    }
    removed, added = {}, {}
    for table in tables:
        old, new = set(before[table.name]), set(after[table.name])
        gone = [row for row in before[table.name] if row not in new]
        if gone:
            removed[table.name] = [_key_of(table, row) for row in gone]
        written = [row for row in after[table.name] if row not in old]
        if written:
            added[table.name] = written
    _taken[key] = _Snapshot(state, removed, added, files, copy.deepcopy(value))
    return value


def _files() -> dict[str, bytes]:
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return {}
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


def _tables_of_database() -> list[_Table]:
    name = connection.settings_dict["NAME"]
    if name not in _tables:
        found = []
        introspection = connection.introspection
        with connection.cursor() as cursor:
            for table in sorted(introspection.django_table_names(only_existing=True)):
                columns = [c.name for c in introspection.get_table_description(cursor, table)]
                key = introspection.get_primary_key_column(cursor, table) or columns[0]
                found.append(_Table(table, key, columns))
        _tables[name] = found
    return _tables[name]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _state(tables: list[_Table]) -> tuple:
    """Each table's row count and highest key (as text: some keys are UUIDs), in one query."""
    parts = ", ".join(
        f"(SELECT COUNT(*) FROM {_q(t.name)}), "  # noqa: S608  # names from the schema
        f"(SELECT MAX(CAST({_q(t.key)} AS TEXT)) FROM {_q(t.name)})"
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # noqa: S608
        return tuple(cursor.fetchone())


def _rows(tables: list[_Table]) -> dict[str, list]:
    """Every row of every table, in key order: on PostgreSQL as JSON (written back as it was
    read, every type included), on SQLite as it is stored."""
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT row_to_json(t)::text FROM {_q(table.name)} t "  # noqa: S608
                    f"ORDER BY t.{_q(table.key)}"
                )
                out[table.name] = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f"SELECT * FROM {_q(table.name)} ORDER BY {_q(table.key)}")  # noqa: S608
                out[table.name] = cursor.fetchall()
    return out


def _key_of(table: _Table, row) -> Any:
    if isinstance(row, str):
        return json.loads(row)[table.key]
    return row[table.columns.index(table.key)]


def _write(tables: list[_Table], taken: _Snapshot) -> None:
    # In one transaction, which a transactional test lacks: the foreign keys are checked at
    # its end, once every table is written, not after each table (in name order).
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            keys = taken.removed.get(table.name)
            if keys:
                marks = ", ".join(["%s"] * len(keys))
                cursor.execute(
                    f"DELETE FROM {_q(table.name)} WHERE {_q(table.key)} IN ({marks})",  # noqa: S608
                    keys,
                )
        for table in tables:
            rows = taken.added.get(table.name)
            if not rows:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {_q(table.name)} SELECT * FROM "  # noqa: S608
                    f"json_populate_recordset(NULL::{_q(table.name)}, %s::json)",
                    ["[" + ",".join(rows) + "]"],
                )
            else:
                columns = ", ".join(_q(c) for c in table.columns)
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {_q(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
