"""Reads on a PostgreSQL replica (cchc.lib.replica): the exports and the consolidated
report's figures read on the `replica` alias, everything else and every write on the
default; without DATABASE_REPLICA_URL there is no replica and no router.

The replica here is conftest.py's test mirror of the default: another connection to the
same database, which sees what the default committed, so these tests commit (transactional).
"""

import io
import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.lib.replica import REPLICA, read_alias, reads_from_replica
from cchc.orgs import services as org_services
from cchc.orgs.models import Unit
from cchc.plans.models import Task
from tests.api_helpers import api_as
from tests.test_reporting_world import make_period
from tests.test_scoring_results import scored  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

ROUTER = "cchc.lib.replica.ReplicaRouter"
TABLE = re.compile(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
# What a request reads and writes on the primary before and after its view: the session,
# the signed-in user, the second factor's devices, the audit log, an API token's use.
AROUND_THE_VIEW = ("django_session", "auth_", "otp_", "audit_", "api_", "axes_")


@pytest.fixture
def replica(settings):
    """The router on, as settings list it when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = [ROUTER]
    yield connections[REPLICA]
    connections[REPLICA].close()


def tables(queries) -> set[str]:
    return {name for q in queries for name in TABLE.findall(q["sql"])}


def captured(call):
    """(result, queries on the default, queries on the replica) of `call()`."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as secondary,
    ):
        result = call()
    return result, primary.captured_queries, secondary.captured_queries


def only_around_the_view(queries) -> bool:
    return all(name.startswith(AROUND_THE_VIEW) for name in tables(queries))


def test_the_task_export_reads_on_the_replica(world, client, replica):
    client.force_login(world.users["office"])
    url = reverse("plans:task-export")
    response, primary, secondary = captured(lambda: client.get(url, {"plan": world.plan.pk}))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == set(Task.objects.filter(plan=world.plan).values_list("title", flat=True))
    assert "plans_task" in tables(secondary)
    assert only_around_the_view(primary), tables(primary)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_plans_files_are_read_on_the_replica(world, client, replica, fmt):
    client.force_login(world.users["office"])
    url = reverse(f"imports:plan-export-{fmt}", args=[world.plan.pk])
    response, primary, secondary = captured(lambda: client.get(url))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert {"plans_plan", "plans_task"} <= tables(secondary)
    assert only_around_the_view(primary), tables(primary)


@pytest.mark.parametrize("kind", ["results-xlsx", "results-docx", "sheet", "set"])
def test_the_scoring_files_are_read_on_the_replica(world, scored, client, replica, kind):  # noqa: F811
    client.force_login(world.users["office"])
    assessment = scored.assessments.first()
    url = {
        "results-xlsx": reverse("scoring:results-export", args=[scored.pk, "xlsx"]),
        "results-docx": reverse("scoring:results-export", args=[scored.pk, "docx"]),
        "sheet": reverse("scoring:score-sheet", args=[assessment.pk, "xlsx"]),
        "set": reverse("scoring:set-export", args=[scored.pk]),
    }[kind]
    response, primary, secondary = captured(lambda: client.get(url))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK"
    assert any(name.startswith("scoring_") for name in tables(secondary)), tables(secondary)
    assert only_around_the_view(primary), tables(primary)


def test_the_consolidated_figures_are_read_on_the_replica(world, replica):
    period = make_period(world)
    client = api_as(world, "office")
    path = f"/periods/{period.pk}/consolidated"
    response, primary, secondary = captured(lambda: client.get(path))
    assert response.status_code == 200, response.content
    assert response.json()["data"]["period"]["id"] == period.pk
    assert {"reporting_reportingperiod", "plans_task"} <= tables(secondary)
    assert only_around_the_view(primary), tables(primary)


@pytest.fixture
def replica_down(replica):
    """The replica's server gone: a new connection to it fails (no such port; for SQLite's
    in-memory mirror, which closing keeps open, no such file)."""
    saved, kept = dict(replica.settings_dict), None
    if replica.vendor == "postgresql":
        replica.close()
        replica.settings_dict["PORT"] = "1"
    else:
        kept, replica.connection = replica.connection, None
        replica.settings_dict["NAME"] = "/nonexistent/replica.sqlite3"
    yield replica
    if kept is None:
        replica.close()
    else:
        replica.connection = kept
    replica.settings_dict.clear()
    replica.settings_dict.update(saved)


def test_a_replica_that_does_not_answer_leaves_the_export_on_the_primary(
    world, client, replica_down
):
    client.force_login(world.users["office"])
    url = reverse("plans:task-export")
    # Any read tried there would fail the request.
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(url, {"plan": world.plan.pk})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row - 1 == Task.objects.filter(plan=world.plan).count()
    assert "plans_task" in tables(primary.captured_queries)
    with reads_from_replica():
        assert read_alias() == "default"


def test_writes_in_the_scope_go_to_the_primary(world, replica):
    parent = world.units["BQP"]

    def write():
        with reads_from_replica():
            assert read_alias() == REPLICA
            unit = org_services.unit_create(actor=None, code="X1", name="Mới", parent=parent)
            Unit.objects.filter(pk=unit.pk).update(name="Đổi tên")
            with transaction.atomic():  # it may follow a write: read the primary
                assert read_alias() == "default"
                inside = Unit.objects.get(pk=unit.pk).name
            return unit, inside, Unit.objects.get(pk=unit.pk)

    (unit, inside, read), primary, secondary = captured(write)
    assert inside == "Đổi tên" and read.name == "Đổi tên" and read._state.db == REPLICA
    assert read_alias() == "default"  # the scope ended
    statements = [q["sql"].split()[0].upper() for q in secondary]
    assert statements == ["SELECT"]  # the one read outside any transaction
    written = tables(q for q in primary if not q["sql"].upper().startswith("SELECT"))
    assert {"orgs_unit", "audit_auditevent"} <= written
    # Saving what the replica gave writes the primary too.
    read.name = "Lần nữa"
    _, primary, secondary = captured(read.save)
    assert not secondary and Unit.objects.get(pk=unit.pk).name == "Lần nữa"


def test_without_the_router_the_scope_reads_the_primary(world, client):
    """The test settings as DATABASE_REPLICA_URL's absence leaves them: no router."""
    client.force_login(world.users["office"])
    url = reverse("plans:task-export")
    response, primary, secondary = captured(lambda: client.get(url, {"plan": world.plan.pk}))
    assert response.status_code == 200
    assert not secondary and "plans_task" in tables(primary)


def settings_of(env: dict, code: str) -> str:
    """What a fresh process's settings print, with `env` over the environment."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "cchc.settings"} | env
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; {code}"],
        env={k: v for k, v in env.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PRINT = "import json; print(json.dumps([settings.DATABASES, settings.DATABASE_ROUTERS]))"
PRIMARY = "postgres://cchc@db1.internal:5432/cchc"


@pytest.mark.django_db(databases=[])
def test_without_a_replica_url_there_is_no_replica_and_no_router():
    databases, routers = json.loads(settings_of({"DATABASE_URL": PRIMARY}, PRINT))
    assert list(databases) == ["default"] and routers == []


@pytest.mark.django_db(databases=[])
def test_a_replica_url_makes_the_alias_with_the_primarys_options():
    env = {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "postgres://ro@db2.internal/cchc"}
    databases, routers = json.loads(settings_of(env, PRINT))
    default, replica = databases["default"], databases[REPLICA]
    assert routers == [ROUTER]
    assert (replica["HOST"], replica["USER"]) == ("db2.internal", "ro")
    assert replica["TEST"] == {"MIRROR": "default"}
    for key in ("ENGINE", "OPTIONS", "CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS"):
        assert replica[key] == default[key], key


@pytest.mark.django_db(databases=[])
def test_a_replica_of_another_kind_of_database_is_refused():
    env = {"DATABASE_URL": None, "DATABASE_REPLICA_URL": "postgres://ro@db2.internal/cchc"}
    with pytest.raises(AssertionError, match="must name a replica of DATABASE_URL"):
        settings_of(env, PRINT)
