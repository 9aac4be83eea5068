"""The application under gunicorn with two worker processes on PostgreSQL: a write served
by one process is read back by the other.

Runs only when DATABASE_URL points to PostgreSQL (CI's second run); the server is a
subprocess on the test database that pytest-django made, and the test's data is committed
(a transactional test) so that the server sees it. Which process served a request is read
from gunicorn's access log (`%(p)s`, the worker's pid), so nothing new is exposed.
"""

import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cchc.demo.bench import Session, free_port
from tests.api_helpers import token_for
from tests.conftest import require
from tests.world import build_world

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL); SQLite serialises writers anyway",
)
PROJECT_DIR = Path(settings.PROJECT_DIR)


def database_url() -> str:
    """The test database pytest-django created (test_<name>), as the server reads it."""
    db = connection.settings_dict
    quote = urllib.parse.quote
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'])}"


@pytest.fixture
def server(transactional_db, tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "CCHC_DATA_DIR": str(tmp_path / "data"),
        "CCHC_AUDIT_KEY_FILE": str(settings.CCHC_AUDIT_KEY_FILE),
        "PYTHONPATH": str(PROJECT_DIR / "src"),
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "cchc.wsgi", "--workers", "2"),
        *("--bind", f"127.0.0.1:{port}", "--no-control-socket"),
        *("--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(r)s"),
    ]
    with open(tmp_path / "gunicorn.log", "wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not Session(base).get("/healthz").ok:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz in 30 s"
            time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def served_by(log: Path, path: str, status: int, count: int) -> list[int]:
    """The pids of the workers that answered `path` with `status`, once `count` such lines
    are in the log (a worker writes its line just after the response)."""
    deadline = time.monotonic() + 10
    while True:
        pids = []
        for line in log.read_text().splitlines():
            pid, code, request = line.split(" ", 2)
            if int(code) == status and request.split(" ")[1] == path:
                pids.append(int(pid.strip("<>")))
        if len(pids) >= count or time.monotonic() > deadline:
            return pids
        time.sleep(0.05)


def test_a_write_in_one_process_is_read_by_the_other(server):
    base, log = server
    world = build_world(today=timezone.localdate())
    task = world.tasks["a_soon"]
    token = token_for(world.users["focal_a"])
    note = f"Ghi qua một tiến trình {uuid.uuid4()}"
    bearer = {"Authorization": f"Bearer {token}"}
    updates = f"/api/v1/tasks/{task.pk}/updates"
    post = urllib.request.Request(  # noqa: S310 - our own server
        base + updates,
        data=json.dumps({"note": note, "progress": 35}).encode(),
        headers=bearer | {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(post, timeout=20) as written:  # noqa: S310 - our own server
        assert written.status == 201
    (writer,) = served_by(log, updates, 201, 1)

    def read(_):
        response = Session(base, bearer).get(updates)
        return response.status == 200 and note in response.body.decode()

    # Concurrent reads, so both workers take some; each must see the committed write.
    readers: set[int] = set()
    for rounds in range(1, 11):
        with ThreadPoolExecutor(max_workers=6) as pool:
            assert all(pool.map(read, range(12)))
        readers = set(served_by(log, updates, 200, 12 * rounds))
        if readers - {writer}:
            break
    assert readers - {writer}, f"every read was served by the writer ({writer})"
    assert len(readers | {writer}) == 2


def test_the_load_test_runs_without_failure_and_its_check_passes(server, settings, tmp_path):
    """`make load` in small: a few simulated people for a few seconds, every kind of request
    answered, and every update and file the server said it saved found afterwards."""
    from cchc.demo import load
    from cchc.orgs.models import Membership
    from tests.test_reporting_world import make_period
    from tests.world import PASSWORD

    require(importlib.util.find_spec("locust") is not None, "locust is not installed")
    base, _ = server
    world = build_world(today=timezone.localdate())
    period = make_period(world)
    # The server verifies passwords with the real hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["cchc.accounts.hashers.OwaspArgon2PasswordHasher"]
    plan_people = ("focal_a", "focal_b", "office", "leader")
    for username in plan_people:
        world.users[username].set_password(PASSWORD)
        world.users[username].save()
    person = {
        m.user.username: {"username": m.user.username, "unit": m.unit_id}
        for m in Membership.objects.filter(user__in=[world.users[n] for n in plan_people])
    }
    plan = load.plan_for(
        focal=[person["focal_a"], person["focal_b"]],
        office=[person["office"]],
        leader=[person["leader"]],
        periods=[period.pk],
        password=PASSWORD,
    )
    # The check reads the files where the server wrote them.
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    plan_path, record = tmp_path / "plan.json", tmp_path / "saved.jsonl"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    record.touch()
    stats = load.run_locust(
        base, plan_path, record, tmp_path, users=6, run_time="8s", wait="0.2-0.5", spawn_rate=6
    )
    rows = load.read_stats(stats)
    total = next(r for r in rows if r.name == "Aggregated")
    assert total.failures == 0, load.failures_text(tmp_path / "locust_stats.csv")
    assert {"login", "focal: update form", "office: dashboard"} <= {r.name for r in rows}
    updates, files, missing = load.check(record)
    assert updates > 0
    assert missing == []
