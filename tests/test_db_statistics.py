"""The planner's statistics exist after the bulk changes that need them (issue 14): the
scale seeder, a migration, and on SQLite each connection's close. Nothing here is timed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext

from cchc.lib.dbstats import statistics_refresh
from cchc.plans.models import Task

pytestmark = pytest.mark.django_db


def analysed(table: str) -> bool:
    """Does the planner hold statistics of this table's rows?"""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return False
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
            return cursor.fetchone()[0] > 0
        # ANALYZE sets reltuples to what it counted (-1: never analysed; 0: analysed empty).
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0] > 0


def analyze_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("ANALYZE")]


def test_the_seeder_leaves_statistics_of_what_it_wrote():
    call_command("seed_scale", units=12, tasks=200, stdout=io.StringIO())
    for model in (Task, Task.supporting_units.through):
        assert analysed(model._meta.db_table), model._meta.db_table


def test_a_migration_that_ran_reads_the_statistics_again():
    call_command("seed_scale", units=12, tasks=200, stdout=io.StringIO())
    with CaptureQueriesContext(connection) as after_flush:
        emit_post_migrate_signal(0, False, "default")  # as `flush` does: no plan
    assert analyze_statements(after_flush.captured_queries) == []
    with CaptureQueriesContext(connection) as after_migrate:
        emit_post_migrate_signal(0, False, "default", plan=[("a migration", False)])
    assert analyze_statements(after_migrate.captured_queries) == ["ANALYZE"]
    assert analysed(Task._meta.db_table)


def test_a_refresh_of_some_tables_names_only_them():
    with CaptureQueriesContext(connection) as ctx:
        statistics_refresh(models=[Task])
    assert analyze_statements(ctx.captured_queries) == [
        f"ANALYZE {connection.ops.quote_name(Task._meta.db_table)}"
    ]


def test_a_vacuum_asked_inside_a_transaction_only_analyses():
    """The seeder asks for VACUUM (PostgreSQL cannot run it in a transaction: a test's)."""
    with CaptureQueriesContext(connection) as ctx:
        statistics_refresh(models=[Task], vacuum=True)
    assert analyze_statements(ctx.captured_queries) == [
        f"ANALYZE {connection.ops.quote_name(Task._meta.db_table)}"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM")
@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_load_postgresql_vacuums_for_index_only_scans():
    table = Task._meta.db_table
    with CaptureQueriesContext(connection) as ctx:
        statistics_refresh(models=[Task], vacuum=True)
    assert [q["sql"] for q in ctx.captured_queries] == [
        f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}"
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own PRAGMA optimize")
def test_an_sqlite_connection_leaves_statistics_of_what_it_queried_as_it_closes(tmp_path):
    import sqlite3

    path = tmp_path / "one.sqlite3"
    handler = ConnectionHandler({"default": {"ENGINE": "cchc.lib.sqlite", "NAME": str(path)}})
    db = handler["default"]
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, unit INTEGER)")
        cursor.execute("CREATE INDEX t_unit ON t (unit)")
        cursor.executemany("INSERT INTO t (unit) VALUES (%s)", [(i % 40,) for i in range(4000)])
        cursor.execute("SELECT COUNT(*) FROM t WHERE unit = %s", [7])
    raw = sqlite3.connect(path)
    stats = "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
    try:
        assert raw.execute(stats).fetchall() == []
        db.close()
        assert raw.execute("SELECT tbl, idx FROM sqlite_stat1").fetchall() == [("t", "t_unit")]
    finally:
        raw.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_compiles_no_query_for_a_page():
    # JIT cost about 0.9 s of the 1.2 s the dashboard's review counts took on 60,000 tasks.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_reads_its_file_through_a_memory_map(tmp_path):
    """Each SQLite connection maps its file (the settings' init_command): the history's
    seeks read pages in place rather than copying each into a cache a request discards."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    handler = ConnectionHandler(
        {"default": {**connection.settings_dict, "NAME": str(tmp_path / "mapped.sqlite3")}}
    )
    other = handler["default"]
    try:
        with other.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone()[0] == 1024**3
    finally:
        other.close()
