"""`make serve`: what it asks of production before starting, and the health check."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.ops import serve

READY = {
    "SECRET_KEY": "x7-Vq2pL9sT4wZ8yB1nM6cR3hJ5kD0fG-aE8uI2oP7lK4jH9gF6dS3aQ",
    "DATABASE_URL": "postgres://cchc:secret@db.internal:5432/cchc",
    "ALLOWED_HOSTS": "cchc.bqp.vn",
    "CCHC_SITE_URL": "https://cchc.bqp.vn",
}


def test_a_complete_production_environment_has_no_problem():
    assert serve.problems(READY) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": serve.DEMO_SECRET_KEY}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is too short or too plain"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///var/cchc.sqlite3"}, "DATABASE_URL"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"CCHC_SITE_URL": ""}, "CCHC_SITE_URL"),
        ({"CCHC_DEMO": "true"}, "CCHC_DEMO"),
        ({"DEBUG": "1"}, "DEBUG"),
    ],
)
def test_each_missing_or_unsafe_setting_is_named(change, named):
    found = serve.problems(READY | change)
    assert len(found) == 1
    assert named in found[0]


def test_an_empty_environment_names_every_required_setting():
    text = "\n".join(serve.problems({}))
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CCHC_SITE_URL"):
        assert name in text


def test_workers_follow_the_cpus_unless_told(monkeypatch):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 2)
    assert serve.workers({}) == 5
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 64)
    assert serve.workers({}) == 8
    assert serve.workers({"WEB_CONCURRENCY": "3"}) == 3


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_wrong_worker_count_stops_with_its_name(value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        serve.workers({"WEB_CONCURRENCY": value})


def test_gunicorn_binds_where_it_is_told():
    command = serve.gunicorn_command({"CCHC_BIND": "0.0.0.0:9000", "WEB_CONCURRENCY": "4"})
    assert command[command.index("--bind") + 1] == "0.0.0.0:9000"
    assert command[command.index("--workers") + 1] == "4"
    default = serve.gunicorn_command({"PORT": "8123"})
    assert default[default.index("--bind") + 1] == "127.0.0.1:8123"


def test_the_health_check_is_one_query_and_no_session(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 1
    assert "sessionid" not in response.cookies


def database_setting(expression: str, pgbouncer: str) -> str:
    """settings.DATABASES['default'] + `expression`, as printed by a fresh process."""
    code = f"from django.conf import settings; print(settings.DATABASES['default']{expression})"
    env = os.environ | {
        "DATABASE_URL": "postgres://cchc@db.internal:6432/cchc",
        "CCHC_PGBOUNCER": pgbouncer,
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("value", "disabled"), [("", False), ("true", True)])
def test_pgbouncer_turns_server_side_cursors_off(value, disabled):
    assert database_setting("['DISABLE_SERVER_SIDE_CURSORS']", value) == str(disabled)


@pytest.mark.parametrize(
    ("value", "options"),
    [("", "-c jit=off -c work_mem=32MB -c random_page_cost=1.1"), ("true", None)],
)
def test_planner_options_except_through_pgbouncer_which_refuses_them(value, options):
    expression = ".get('OPTIONS', {}).get('options')"
    assert database_setting(expression, value) == str(options)
