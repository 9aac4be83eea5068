"""Production refuses the demo's secrets and passes `check --deploy`; the health check tells
an anonymous caller only ok or not ok; a refused request logs one line (issue 9)."""

import io
import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from cchc.lib.logs import ForbiddenWithoutTraceback
from cchc.web import views

SETUP = "import django; django.setup(); print('started')"


def _start(**env) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with exactly these settings in the environment."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CCHC_DEMO", "SECRET_KEY", "DEBUG")}
    clean.update(DJANGO_SETTINGS_MODULE="cchc.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=clean, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_demo_key():
    from django.conf import settings

    result = _start(SECRET_KEY=settings.DEMO_SECRET_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_demo_starts_with_its_fixed_key():
    assert _start(CCHC_DEMO="true").stdout.strip() == "started"


STATIC_BACKEND = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.STORAGES['staticfiles']['BACKEND'])"
)


def test_production_names_static_files_by_their_hash_and_the_demo_does_not():
    key = "x7-Vq2pL9sT4wZ8yB1nM6cR3hJ5kD0fG-aE8uI2oP7lK4jH9gF6dS3aQ"
    for env, backend in [
        ({"SECRET_KEY": key}, "cchc.lib.static.HashedStaticFilesStorage"),
        ({"CCHC_DEMO": "true"}, "whitenoise.storage.CompressedStaticFilesStorage"),
    ]:
        clean = {k: v for k, v in os.environ.items() if k not in ("CCHC_DEMO", "DEBUG")}
        clean |= {"DJANGO_SETTINGS_MODULE": "cchc.settings", **env}
        result = subprocess.run(
            [sys.executable, "-c", STATIC_BACKEND],
            env=clean,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == backend, result.stderr


def test_hashed_static_files_are_cached_for_good_and_a_missing_one_keeps_its_name(
    settings, tmp_path
):
    from django.core.management import call_command
    from django.templatetags.static import static
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = []
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "cchc.lib.static.HashedStaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", "-v0", "-i", "vendor*")
    url = static("web/app.css")
    assert url.startswith("/static/web/app.") and url != "/static/web/app.css"
    assert static("web/nowhere.css") == "/static/web/nowhere.css"
    whitenoise = WhiteNoiseMiddleware(get_response=lambda request: None)
    assert whitenoise.immutable_file_test("", url)
    assert not whitenoise.immutable_file_test("", "/static/web/app.css")


def test_production_passes_the_deploy_check():
    # The browser tests allow async-unsafe calls in this process; production does not.
    dropped = ("CCHC_DEMO", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean["SECRET_KEY"] = "x7-Vq2pL9sT4wZ8yB1nM6cR3hJ5kD0fG-aE8uI2oP7lK4jH9gF6dS3aQ"
    result = subprocess.run(
        [sys.executable, "-m", "cchc", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_health_check_says_only_ok(client, db):
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


class DownDatabase:
    """The database as the health check sees it when the server is unreachable."""

    vendor = "postgresql"

    def cursor(self):
        raise OSError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')


def test_health_check_failure_hides_the_database(client, db, monkeypatch, caplog):
    monkeypatch.setattr(views, "connection", DownDatabase())
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert "db.internal" not in response.text
    assert "5432" in caplog.text  # the operator still finds the cause in the log


@pytest.fixture
def server_log():
    """What the server's console handler writes, read back as text."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ForbiddenWithoutTraceback) for f in h.filters)
    )
    out = io.StringIO()
    previous = handler.setStream(out)
    yield out
    handler.setStream(previous)


def test_a_refused_request_logs_one_line(client, world, server_log):
    client.force_login(world.users["focal_a"])
    unit = world.units["TCCT"]
    response = client.get(reverse("orgs:unit-documents", args=[unit.pk]))
    assert response.status_code == 403
    lines = server_log.getvalue().strip().splitlines()
    assert lines == [f"Forbidden (Permission denied): /units/{unit.pk}/documents/"]


def test_sessions_expire_after_inactivity(settings):
    # Requests renew the session (at most once a minute: tests/test_accounts.py).
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "cchc.accounts.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
