import os

import pytest

from cchc.orgs import services as org_services
from tests.snapshots import restore_or_build
from tests.world import build_world, make_user


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing on a developer's machine; in CI, which must have
    every tool (`make install` brings them), fail instead, so green means it ran."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """A `replica` alias, a test mirror of the default as settings make it from
    DATABASE_REPLICA_URL (which pyproject.toml unsets here): no second database is made, and
    its connection sees what the default committed. No router sends reads there unless a
    test lists one (tests/test_replica.py), so every other test reads the default alone."""
    import copy

    from django.conf import settings
    from django.db import connections

    from cchc.lib.replica import REPLICA

    replica = copy.deepcopy(settings.DATABASES["default"])
    replica["TEST"] = {"MIRROR": "default"}
    settings.DATABASES[REPLICA] = replica
    # The connections may have read DATABASES already: give the new alias their defaults.
    connections.configure_settings(settings.DATABASES)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Tests empty every table between transactional tests, which the audit table's guard
    refuses; the guard's own tests put it back inside their transaction."""
    from django.db import connection

    from cchc.audit import guard

    with django_db_blocker.unblock():
        guard.remove(connection)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        {"transactional_db", "live_server"} & set(names)
        or (marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the areas a migration wrote among
    them: they are written again, so that the next test finds them whatever ran before it
    (pytest-xdist orders tests differently on each run)."""
    result = yield
    # With no next test, the session's fixtures went too: the test database is gone.
    if nextitem is not None and _transactional(item):
        from pytest_django.plugin import blocking_manager_key

        from cchc.plans.areas import seed_areas
        from cchc.plans.models import Area

        with item.config.stash[blocking_manager_key].unblock():
            seed_areas(Area)
    return result


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # PBKDF2's deliberate slowness costs seconds per world; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files of a test go to its own folder, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Audit anchors are files too: each test writes and checks its own.
    settings.CCHC_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


@pytest.fixture
def world(db):
    return restore_or_build("world", build_world)


@pytest.fixture
def sibling(world):
    """A sibling department, TCHC, beside TCCT under the ministry: its office unit and an
    office user of its own (a hostile office to TCCT's branch)."""
    tchc = org_services.unit_create(
        actor=None, code="TCHC", name="Tổng cục Hậu cần", parent=world.units["BQP"]
    )
    vp = org_services.unit_create(
        actor=None, code="TCHC-VP", name="Văn phòng Tổng cục Hậu cần", parent=tchc
    )
    office = make_user("office_h")
    org_services.membership_grant(actor=None, user=office, unit=tchc, role="office")
    return {"unit": tchc, "vp": vp, "office": office}


@pytest.fixture
def executor(transactional_db):
    """Takes the schema back and forth in a migration's test; every migration is applied
    again after it, as the other tests expect."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the API's per-token rate counts are keyed by the
    token's id, which SQLite reuses after a test's rollback."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
