"""The fixtures' snapshots (tests/snapshots.py) write back exactly what the build wrote."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from tests import snapshots
from tests.world import build_world


def _world_and_a_file():
    world = build_world()
    name = default_storage.save("evidence/bien-ban.pdf", ContentFile(b"%PDF-1.4 snapshot"))
    return world, name


def _refuse():
    raise AssertionError("built again instead of restored")


def test_a_restored_build_holds_the_same_rows_files_and_objects(db, settings, tmp_path):
    tables = snapshots._tables_of_database()
    mark = transaction.savepoint()
    built, name = snapshots.restore_or_build("self-check", _world_and_a_file)
    rows = snapshots._rows(tables)
    transaction.savepoint_rollback(mark)
    assert snapshots._rows(tables) != rows  # the rollback took the build away
    settings.MEDIA_ROOT = tmp_path / "another-test"

    restored, restored_name = snapshots.restore_or_build("self-check", _refuse)

    assert snapshots._rows(tables) == rows
    assert default_storage.location == str(tmp_path / "another-test")
    with default_storage.open(restored_name) as stored:
        assert stored.read() == b"%PDF-1.4 snapshot"
    assert restored is not built and restored.units["CTH"] is not built.units["CTH"]
    assert {k: u.pk for k, u in restored.units.items()} == {k: u.pk for k, u in built.units.items()}
    assert restored.tasks["a_overdue"].due_date == built.tasks["a_overdue"].due_date


def test_a_database_that_changed_is_built_again(db):
    snapshots.restore_or_build("self-check-2", build_world)
    mark = transaction.savepoint()
    calls = []
    snapshots.restore_or_build("self-check-2", lambda: calls.append(1))
    assert calls == [1]  # the world's rows are there: not the state it was built on
    transaction.savepoint_rollback(mark)
