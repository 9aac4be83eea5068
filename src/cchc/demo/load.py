"""`make load`: many people at once against gunicorn with several workers, then a check
that everything the server said it saved is in the database and on disk.

    python -m cchc.demo.load [--users 100] [--time 5m] [--workers N] [--fresh] [--sqlite]

It uses its own data directory (`var/load`, or `CCHC_LOAD_DATA_DIR`) and its own database:
`DATABASE_URL`'s server with `_load` after the database name (created when missing,
dropped first with `--fresh`), migrated and loaded with the demo. It starts gunicorn as
`make serve` does (`WEB_CONCURRENCY` workers, default 2 × CPUs + 1) in demo mode (no second
factor, plain HTTP), runs locust headless with `locustfile.py` (focal officers posting
updates and evidence; office users on dashboards, boards, exports and the consolidated
report; the leader), prints one table (requests, failures, median, p95, p99 per kind of
request), then counts every update and file the load test was told succeeded in the
database and on disk. Exits non-zero on a failed request or a missing update or file.
"""

import argparse
import csv
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cchc.demo.bench import Session, free_port
from cchc.ops import serve

PROJECT_DIR = Path(__file__).resolve().parents[3]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PAGE_P95_TARGET_MS = 1000


def configure(sqlite: bool, fresh: bool) -> Path:
    """Point Django at the load test's own data directory and database."""
    data_dir = Path(os.environ.get("CCHC_LOAD_DATA_DIR") or PROJECT_DIR / "var" / "load")
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    os.environ |= {"CCHC_DATA_DIR": str(data_dir), "DEBUG": "false", "CCHC_DEMO": "true"}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    url = os.environ.get("DATABASE_URL", "")
    if sqlite:
        os.environ.pop("DATABASE_URL", None)
        if fresh:
            for leftover in data_dir.glob("cchc.sqlite3*"):
                leftover.unlink()
    elif url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = load_database(url, fresh)
    else:
        raise SystemExit(
            "make load runs on PostgreSQL: set DATABASE_URL (its server gets a database "
            "<name>_load), or pass --sqlite to try it on SQLite."
        )
    return data_dir


def load_database(url: str, fresh: bool) -> str:
    """The URL of `<name>_load` on the same server, created (or made anew) here."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_load"
    # The server's maintenance database: the one named in the URL need not exist.
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def prepare() -> None:
    """Migrate, and load the demo once (static files come from the source folders, as in
    the demo: locust does not fetch them)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not get_user_model().objects.filter(username="vanphong").exists():
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", verbosity=0, stdout=quiet)


def demo_plan(password: str) -> dict:
    """Who the simulated people are, from the demo's database."""
    from cchc.orgs.models import Membership, Role
    from cchc.reporting.models import ReportingPeriod

    def people(role: str, **where) -> list[dict]:
        members = Membership.objects.filter(role=role, **where).select_related("user", "unit")
        return [{"username": m.user.username, "unit": m.unit_id} for m in members]

    office = people(Role.OFFICE, unit__code="TCCT")
    periods = list(
        ReportingPeriod.objects.filter(plan__issuing_unit__code="TCCT").values_list("pk", flat=True)
    )
    return plan_for(
        focal=people(Role.FOCAL),
        office=office,
        leader=people(Role.LEADER),
        periods=periods,
        password=password,
    )


def plan_for(*, focal, office, leader, periods, password: str) -> dict:
    """The locustfile's plan: each focal officer with its unit's open tasks, an API token
    for each office user and leader, the periods to read."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cchc.api.services import token_create
    from cchc.plans.models import PlanStatus, Task, TaskStatus

    open_tasks = Task.objects.filter(
        plan__status=PlanStatus.ISSUED, status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]
    )
    for person in focal:
        ids = open_tasks.filter(lead_unit_id=person["unit"]).values_list("pk", flat=True)
        person["tasks"] = list(ids.order_by("pk")[:50])
    users = get_user_model().objects
    for person in [*office, *leader]:
        owner = users.get(username=person["username"])
        person["token"] = token_create(actor=None, owner=owner, name="make load", days=1)[1]
    return {
        "password": password,
        "today": timezone.localdate().strftime("%d/%m/%Y"),
        "focal": [p for p in focal if p["tasks"]],
        "office": office,
        "leader": leader or office,
        "periods": periods,
    }


# --- the server and locust ---------------------------------------------------------------


class Server:
    """gunicorn as `make serve` starts it, on a free port, logging to the data folder."""

    def __init__(self, data_dir: Path, workers: int | None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ) | {"CCHC_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.workers = serve.workers(self.env)
        self.log_path = data_dir / "gunicorn.log"
        self.cpu_at_start = self.cpu_used = 0.0

    def __enter__(self) -> "Server":
        with open(self.log_path, "wb") as log:
            # Our own Python and gunicorn, fixed arguments.
            self.proc = subprocess.Popen(  # noqa: S603
                serve.gunicorn_command(self.env), env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while not Session(self.base).get("/healthz").ok:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.log_path}")
            time.sleep(0.2)
        # Each worker's first requests load the URLs and templates: not part of the load.
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(lambda _: Session(self.base).get("/login/"), range(4 * self.workers)))
        self.cpu_at_start = processes_cpu_seconds(self.proc.pid)
        return self

    def __exit__(self, *exc) -> None:
        self.cpu_used = processes_cpu_seconds(self.proc.pid) - self.cpu_at_start
        self.proc.terminate()
        self.proc.wait(timeout=60)


def processes_cpu_seconds(pid: int) -> float:
    """CPU seconds used by a process, its children alive now and those it reaped (gunicorn's
    workers, replaced ones included); 0 where /proc is missing."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if stat.parent.name == str(pid):
            # utime, stime, and the reaped children's cutime, cstime
            total += sum(int(f) for f in fields[11:15]) / tick
        elif fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_locust(
    base: str,
    plan: Path,
    record: Path,
    out: Path,
    *,
    users: int,
    run_time: str,
    wait: str = "5-15",
    spawn_rate: float = 2,
) -> Path:
    """Run the locustfile headless; returns the CSV of its statistics. `wait` is each
    person's pause between requests in seconds ("low-high"); `spawn_rate` people start
    per second (each logs in: Argon2 costs a fifth of a CPU second by design)."""
    prefix = out / "locust"
    env = os.environ | {
        "CCHC_LOAD_PLAN": str(plan),
        "CCHC_LOAD_RECORD": str(record),
        "CCHC_LOAD_WAIT": wait,
    }
    command = [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"),
        *("--users", str(users), "--spawn-rate", str(spawn_rate)),
        *("--run-time", run_time, "--host", base, "--csv", str(prefix)),
        *("--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING"),
    ]
    with open(out / "locust.log", "wb") as log:
        # Our own Python and locust, fixed arguments.
        subprocess.run(command, env=env, stdout=log, stderr=log, check=False)  # noqa: S603
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit(f"locust wrote no statistics; see {out / 'locust.log'}")
    return stats


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    median: str
    p95: str
    p99: str

    @property
    def p95_ms(self) -> float:
        return float(self.p95) if self.p95 not in ("", "N/A") else 0.0


def read_stats(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in csv.DictReader(f):
            rows.append(
                Row(
                    line["Name"],
                    int(line["Request Count"]),
                    int(line["Failure Count"]),
                    line["50%"],
                    line["95%"],
                    line["99%"],
                )
            )
    return rows


def failures_text(path: Path) -> list[str]:
    """Locust's failures file, one line per distinct failure."""
    failures = Path(str(path).replace("_stats.csv", "_failures.csv"))
    if not failures.exists():
        return []
    with failures.open(encoding="utf-8") as f:
        return [f"{r['Occurrences']}× {r['Name']}: {r['Error']}" for r in csv.DictReader(f)]


def print_stats(rows: list[Row]) -> None:
    headers = ["kind of request", "requests", "failures", "median ms", "p95 ms", "p99 ms"]
    table = [[r.name, f"{r.requests:,}", f"{r.failures:,}", r.median, r.p95, r.p99] for r in rows]
    widths = [max(len(line[i]) for line in [headers, *table]) for i in range(len(headers))]
    for number, line in enumerate([headers, *table]):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        print(" | ".join(cells))
        if number == 0:
            print("-+-".join("-" * w for w in widths))
    kinds = [r for r in rows if r.name != "Aggregated"]
    met = sum(1 for r in kinds if r.p95_ms < PAGE_P95_TARGET_MS)
    print(f"target p95 < {PAGE_P95_TARGET_MS} ms: met by {met} of {len(kinds)} kinds of request")


# --- the check ---------------------------------------------------------------------------


def check(record: Path) -> tuple[int, int, list[str]]:
    """Updates and files the server said it saved, and what of them is missing."""
    from cchc.plans.models import Evidence, TaskUpdate

    entries = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    notes = {e["note"]: e for e in entries}
    found = {
        u.note: u for u in TaskUpdate.objects.filter(note__in=list(notes)).select_related("task")
    }
    missing = []
    files = 0
    for note, entry in notes.items():
        update = found.get(note)
        if update is None or update.task_id != entry["task"]:
            missing.append(f"update “{note}” on task {entry['task']}")
            continue
        stored = {e.original_name: e for e in Evidence.objects.filter(update=update)}
        for sent in entry["files"]:
            files += 1
            evidence = stored.get(sent["name"])
            if evidence is None or evidence.sha256 != sent["sha256"]:
                missing.append(f"file {sent['name']} of “{note}” in the database")
            elif not _on_disk(evidence.file.path, sent):
                missing.append(f"file {sent['name']} of “{note}” on disk ({evidence.file.path})")
    return len(entries), files, missing


def _on_disk(path: str, sent: dict) -> bool:
    try:
        content = Path(path).read_bytes()
    except OSError:
        return False
    return len(content) == sent["size"] and hashlib.sha256(content).hexdigest() == sent["sha256"]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} GB RAM, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS") or 100))
    parser.add_argument("--time", default=os.environ.get("LOAD_TIME") or "5m", help="e.g. 90s, 5m")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument(
        "--wait", default="5-15", help="seconds between one person's requests (low-high)"
    )
    parser.add_argument("--spawn-rate", type=float, default=2, help="people started a second")
    parser.add_argument("--fresh", action="store_true", help="start from a new database")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args(argv)
    if args.users < 1:
        raise SystemExit("--users must be at least 1")

    data_dir = configure(args.sqlite, args.fresh)
    import django

    django.setup()
    from django.db import connection

    from cchc.demo.organisation import DEMO_PASSWORD

    started = time.perf_counter()
    prepare()
    plan_path, record = data_dir / "plan.json", data_dir / "saved.jsonl"
    plan_path.write_text(json.dumps(demo_plan(DEMO_PASSWORD)), encoding="utf-8")
    record.write_text("", encoding="utf-8")
    connection.close()  # the server and the check open their own
    server = Server(data_dir, args.workers)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        database = cursor.fetchone()[0].split(" on ")[0].split(",")[0]
    print(
        f"CCHC load: {args.users} users for {args.time} (started {args.spawn_rate:g} a second, "
        f"{args.wait} s between requests); {server.workers} gunicorn workers"
    )
    print(f"{database}; machine: {machine()}")
    print(f"ready in {time.perf_counter() - started:.0f} s; data and logs in {data_dir}")
    with server:
        stats = run_locust(
            server.base,
            plan_path,
            record,
            data_dir,
            users=args.users,
            run_time=args.time,
            wait=args.wait,
            spawn_rate=args.spawn_rate,
        )
    rows = read_stats(stats)
    print()
    print_stats(rows)
    served = sum(r.requests for r in rows if r.name == "Aggregated")
    if served and server.cpu_used:
        busy = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"gunicorn used {server.cpu_used:.0f} CPU-seconds for {served:,} requests "
            f"({1000 * server.cpu_used / served:.0f} ms a request); load average at the end "
            f"{busy} (1, 5, 15 min: every process on the machine)"
        )
    for line in failures_text(stats):
        print(f"  failure: {line}")
    updates, files, missing = check(record)
    print()
    if missing:
        print(f"check: {len(missing)} of what the server said it saved is missing:")
        for line in missing[:20]:
            print(f"  - {line}")
    else:
        print(
            f"check: all {updates:,} updates and {files:,} files the server said it saved are in "
            "the database and on disk, with the same SHA-256."
        )
    failed = sum(r.failures for r in rows if r.name == "Aggregated")
    return 1 if missing or failed or not updates else 0


if __name__ == "__main__":
    sys.exit(main())
