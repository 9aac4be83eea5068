"""`make bench`: time the main pages over HTTP against a real server, beside hand-written SQL.

    python -m cchc.demo.bench [--units 1500] [--tasks 60000] [--years 1] [--reps 10]
        [--export-reps 3] [--reseed | --as-seeded]

It uses its own data directory (`var/bench`, or `CCHC_BENCH_DATA_DIR`) and, when
`DATABASE_URL` is set, that database. It migrates, seeds the scale organisation with
`seed_scale` (skipped when the same numbers were seeded today), starts gunicorn with one
worker, logs in as the office (`bench.office`, at the root), as a viewer at the root
(`bench.viewer`, an ordinary reader) and as a focal officer (`bench.focal`), and times whole
HTTP requests: the dashboard, the dashboard as of a past date (the 15th, about five months
ago), the task list of this year's plan and of one unit, the overdue tasks of the whole
tree, and the XLSX export of every open task. Beside each, the same work as hand-written
SQL on the same database (for the as-of line, today's SQL). Exports are read back with
openpyxl and their rows compared with the SQL count: an export is never truncated.

With `--years N` (N > 1) it measures with this year's plan alone, adds the N-1 years before
(`seed_scale --add-years`: this year's data stays as it was), measures again and prints each
line's growth. It ends with issue 14's targets, met or missed, line by line. With
`--as-seeded` it measures the data as it stands (say ten years seeded beforehand with
`seed_scale --years 10`), once, without seeding.

Query counts come from a response header when the server sends one (X-Query-Count);
otherwise the same request is replayed in-process through Django's test client under
CaptureQueriesContext (marked "~"). A benchmark never fails on time: it prints.
"""

import argparse
import http.cookiejar
import io
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cchc.demo.bench_sql import Scope, Sql

PROJECT_DIR = Path(__file__).resolve().parents[3]
HOSTS = "127.0.0.1,localhost,testserver"
QUERY_HEADERS = ("X-Query-Count", "X-DB-Queries", "X-Queries", "X-SQL-Queries")
OPEN_FILTER = "status=open"
OPEN_FALLBACK = ("status=not_started", "status=in_progress")
# Issue 14's targets (a benchmark prints them; it never fails on time).
TARGET_DASHBOARD_MS = 150
TARGET_DASHBOARD_P95_MS = 300
TARGET_UNIT_LIST_MS = 50
TARGET_PAGE_RATIO = 1.5  # a page's median over its hand-written SQL's
TARGET_EXPORT_RATIO = 2.0
TARGET_AS_OF_RATIO = 2.0  # the dashboard as of a past date over today's
TARGET_GROWTH = 30.0  # % from one year of plans to ten
TARGET_EXPORT_S = 3.0
TARGET_PAGE_KB = 150
AS_OF = "dashboard as of a past date"


def configure() -> Path:
    """Point Django at the bench's own data directory before settings are read."""
    data_dir = Path(os.environ.get("CCHC_BENCH_DATA_DIR") or PROJECT_DIR / "var" / "bench")
    # The static directory too, or whitenoise warns that it is missing.
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["CCHC_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = HOSTS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    return data_dir


# --- measuring -------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Response:
    status: int | None
    body: bytes
    headers: dict
    seconds: float
    url: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error


class Session:
    """A browser-like HTTP client: cookies, CSRF token from the login page."""

    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        # Sent with every request (the API's bearer token).
        self.headers = headers or {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": self.base + path} if data is not None else {}
        headers |= self.headers
        # The bench's own server on 127.0.0.1 (self.base), never a user's URL.
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=900) as resp:
                content = resp.read()
                return Response(
                    resp.status,
                    content,
                    dict(resp.headers),
                    time.perf_counter() - started,
                    resp.url,
                )
        except urllib.error.HTTPError as exc:
            content = exc.read()
            return Response(
                exc.code,
                content,
                dict(exc.headers),
                time.perf_counter() - started,
                exc.url,
                f"HTTP {exc.code}",
            )
        except (urllib.error.URLError, OSError) as exc:
            return Response(None, b"", {}, time.perf_counter() - started, path, str(exc))

    def get(self, path: str) -> Response:
        response = self.request(path)
        if response.ok and urllib.parse.urlparse(response.url).path.startswith("/login/"):
            response.error = "redirected to the login page"
        return response

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def login(self, username: str, password: str, session_cookie: str) -> str:
        """Log in through the login form; returns "" on success, else what went wrong."""
        page = self.request("/login/")
        if not page.ok:
            return f"login page: {page.error or page.status}"
        match = re.search(
            rb'name="csrfmiddlewaretoken"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrfmiddlewaretoken"',
            page.body,
        )
        token = (match.group(1) or match.group(2)).decode() if match else self.cookie("csrftoken")
        done = self.request(
            "/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token,
                "next": "/healthz",
            },
        )
        if done.error:
            return f"login: {done.error}"
        if urllib.parse.urlparse(done.url).path.startswith("/login/") or not self.cookie(
            session_cookie
        ):
            return "login refused (wrong password or form changed)"
        return ""


def xlsx_rows(body: bytes) -> int:
    """Data rows of the first sheet: the non-empty rows after the header row."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    try:
        sheet = book.worksheets[0]
        header_seen, rows = False, 0
        for values in sheet.iter_rows(values_only=True):
            filled = sum(1 for v in values if v not in (None, ""))
            if not header_seen:
                header_seen = filled >= 3
                continue
            if filled:
                rows += 1
        return rows
    finally:
        book.close()


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, port: int):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = data_dir / "gunicorn.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cchc.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--timeout",
            "900",
            "--access-logfile",
            "-",
        ]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        # This Python's own gunicorn, with fixed arguments.
        self.proc = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                # The bench's own server on 127.0.0.1 (self.base), never a user's URL.
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:  # noqa: S310  # nosec
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            match = re.search(r"^PPid:\s+(\d+)", status, re.M)
            if match and int(match.group(1)) == self.proc.pid:
                pids.append(int(entry.name))
        return pids

    def peak_memory_mb(self) -> float | None:
        """VmHWM (peak resident set) of the worker, in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks) if peaks else None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


# --- the bench -------------------------------------------------------------------------


@dataclass
class Line:
    name: str
    role: str
    paths: list[str]
    sql: list
    reps: int
    export: bool = False
    api: bool = False  # a call of the API, with the role's token instead of its session
    samples: list[float] = field(default_factory=list)
    sql_samples: list[float] = field(default_factory=list)
    queries: str = "–"
    size: int | None = None  # bytes of the last response (the pages' target: < 150 KB)
    note: str = ""
    error: str = ""
    expect: str = ""  # text the page must carry (the as-of date), else the line is in error


def count_queries_in_process(username: str, paths: list[str], headers: dict | None = None) -> str:
    """Replay the requests through Django's test client and count their queries."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    total = 0
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers=headers or {})
            if isinstance(response, StreamingHttpResponse):
                for _ in response.streaming_content:
                    pass
            response.close()
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        total += len(captured.captured_queries)
    return f"~{total}"


def api_header(username: str) -> dict:
    """A fresh one-day API token of the bench's person, as the Authorization header."""
    from django.contrib.auth import get_user_model

    from cchc.api.services import token_create

    owner = get_user_model().objects.get(username=username)
    plain = token_create(actor=None, owner=owner, name="make bench", days=1)[1]
    return {"Authorization": f"Bearer {plain}"}


def ensure_seeded(units: int, tasks: int, years: int, reseed: bool) -> str:
    from django.core.management import call_command
    from django.utils import timezone

    from cchc.audit.models import AuditEvent
    from cchc.demo.scale import BENCH_USERS, analyze, scale_plans, scale_units
    from cchc.orgs.models import Membership

    today = timezone.localdate()
    plans = scale_plans()
    plan = plans.filter(year=today.year).first()
    last_seed = AuditEvent.objects.filter(action="scale.seed").order_by("-id").first()
    seeded_today = last_seed is not None and timezone.localdate(last_seed.created_at) == today
    ready = (
        not reseed
        and plan is not None
        and seeded_today
        and scale_units().count() == units
        and sorted(plans.values_list("year", flat=True))
        == list(range(today.year - years + 1, today.year + 1))
        and plan.tasks.count() == tasks
        and Membership.objects.filter(user__username__in=BENCH_USERS).count() == len(BENCH_USERS)
    )
    if ready:
        analyze()  # planner statistics as they are in service (autovacuum, PRAGMA optimize)
        return "already seeded today (use --reseed to rebuild)"
    started = time.perf_counter()
    out = io.StringIO()
    call_command("seed_scale", units=units, tasks=tasks, years=years, stdout=out)
    return f"seeded in {time.perf_counter() - started:.1f} s"


def add_years(units: int, tasks: int, years: int) -> str:
    """The earlier years beside the data measured (this year's plan is left as it is)."""
    from django.core.management import call_command

    started = time.perf_counter()
    out = io.StringIO()
    call_command("seed_scale", units=units, tasks=tasks, years=years, add_years=True, stdout=out)
    return f"added the earlier years in {time.perf_counter() - started:.1f} s"


def past_day(today):
    """The 15th of the month about five months ago: the as-of line's date."""
    import datetime

    month = today.month - 5
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 15)


def fmt_ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    right = {2, 3, 4, 5, 6, 7}

    def line(cells):
        return " | ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1500)
    parser.add_argument("--tasks", type=int, default=60000, help="tasks a year")
    parser.add_argument(
        "--years",
        type=int,
        default=1,
        help="years of plans; above 1, measure with this year alone, add the earlier "
        "years, and measure again",
    )
    parser.add_argument("--reps", type=int, default=10, help="timed requests per page")
    parser.add_argument("--export-reps", type=int, default=3, help="timed requests per export")
    parser.add_argument("--reseed", action="store_true", help="rebuild the scale data")
    parser.add_argument(
        "--as-seeded",
        action="store_true",
        help="measure the data as it is, however many years it holds, without seeding",
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json", help="also write the medians to this file (bench_both)")
    args = parser.parse_args(argv)

    data_dir = configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    print(f"CCHC bench: {connection.vendor} {db['NAME']}; data in {data_dir}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    if args.as_seeded:
        from cchc.demo.scale import analyze

        analyze()
        runs = [measure(args, data_dir)]
        report(runs[0])
    else:
        runs = seed_and_measure(args, data_dir)
    if args.json:
        Path(args.json).write_text(json.dumps(summary(connection.vendor, runs), indent=1))

    from cchc.demo.import_bench import bench_import
    from cchc.demo.reporting_bench import bench_consolidated_docx

    print()
    print(bench_import(tasks=1000))
    print(bench_consolidated_docx().line())
    return 0


def seed_and_measure(args, data_dir: Path) -> list["Run"]:
    """This year alone, then (`--years` above 1) with the earlier years added."""
    seeded = ensure_seeded(args.units, args.tasks, 1, args.reseed)
    print(f"{args.units} units, {args.tasks} tasks, this year only: {seeded}")
    runs = [measure(args, data_dir)]
    if args.years > 1:
        report(runs[0])
        print()
        print(f"{args.years} years: {add_years(args.units, args.tasks, args.years)}")
        runs.append(measure(args, data_dir))
        report(runs[1], runs[0], args.years)
    else:
        report(runs[0])
    return runs


@dataclass
class Run:
    lines: list[Line]
    memory: dict
    open_counts: dict
    years: int
    vendor: str = ""


def measure(args, data_dir: Path) -> Run:
    """Time every line once on the data as it is now."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from cchc.demo.scale import (
        BENCH_FOCAL,
        BENCH_OFFICE,
        BENCH_PASSWORD,
        BENCH_VIEWER,
        scale_plans,
    )
    from cchc.orgs.models import Membership, Role
    from cchc.plans.timeliness import soon_days

    today = timezone.localdate()
    plan = scale_plans().get(year=today.year)
    office_unit = Membership.objects.get(user__username=BENCH_OFFICE, role=Role.OFFICE).unit
    focal_unit = Membership.objects.get(user__username=BENCH_FOCAL, role=Role.FOCAL).unit
    scopes = {
        "office": Scope("office", BENCH_OFFICE, office_unit.path),
        "focal": Scope("focal", BENCH_FOCAL, focal_unit.path),
        "viewer": Scope("viewer", BENCH_VIEWER, office_unit.path),
    }
    sql = Sql(today, soon_days(), settings.CCHC_PAGE_SIZE)
    open_counts = {role: sql.count_open(scope) for role, scope in scopes.items()}
    branch = plan.tasks.filter(lead_unit__path__startswith=focal_unit.path).count()
    years = scale_plans().count()
    as_of = past_day(today)
    print(
        f"today {today:%d/%m/%Y}; {years} year(s) of plans; this year's plan {plan.pk}; focal "
        f"unit {focal_unit.pk} ({focal_unit.name}: {branch} tasks in its branch); open tasks "
        f"(every year): office {open_counts['office']}, focal {open_counts['focal']}; as-of "
        f"line: {as_of:%d/%m/%Y}"
    )
    lines = bench_lines(args, scopes, sql, plan.pk, focal_unit.pk, focal_unit.path, as_of)

    bearer = {role: api_header(scope.username) for role, scope in scopes.items()}
    server = Server(data_dir, args.port or free_port())
    print(f"starting gunicorn on {server.base} (log: {server.log_path})")
    memory: dict[str, float | None] = {}
    try:
        server.start()
        sessions: dict[str, Session | str] = {}
        for role, scope in scopes.items():
            session = Session(server.base)
            problem = session.login(scope.username, BENCH_PASSWORD, settings.SESSION_COOKIE_NAME)
            sessions[role] = problem or session
        for line in [x for x in lines if not x.export]:
            caller = Session(server.base, bearer[line.role]) if line.api else sessions[line.role]
            run_line(line, caller, open_counts[line.role], sql)
        memory["pages"] = server.peak_memory_mb()
        for line in [x for x in lines if x.export]:
            run_line(line, sessions[line.role], open_counts[line.role], sql)
        memory["all"] = server.peak_memory_mb()
    finally:
        server.stop()

    for line in lines:
        if not line.error and line.queries == "–":
            line.queries = count_queries_in_process(
                scopes[line.role].username, line.paths, bearer[line.role] if line.api else None
            )
    return Run(lines, memory, open_counts, years, connection.vendor)


def bench_lines(args, scopes, sql: Sql, plan_id, unit_id, unit_path, as_of) -> list[Line]:
    from django.conf import settings

    lines: list[Line] = []
    for role, scope in scopes.items():
        dashboard = sql.dashboard(scope, plan_id)
        lines += [
            Line("dashboard", role, ["/dashboard/"], dashboard, args.reps),
            # The hand-written SQL of the as-of line is today's (the same counts, no history).
            Line(
                AS_OF,
                role,
                [f"/dashboard/?as_of={as_of:%d/%m/%Y}"],
                dashboard,
                args.reps,
                expect=f"{as_of:%d/%m/%Y}",
            ),
            Line(
                "task list of this year's plan",
                role,
                [f"/tasks/?plan={plan_id}"],
                sql.plan_list(scope, plan_id),
                args.reps,
            ),
            Line(
                "task list of one unit",
                role,
                [f"/tasks/?unit={unit_id}"],
                sql.unit_list(scope, unit_path),
                args.reps,
            ),
            Line(
                "API: task list of one unit",
                role,
                [f"/api/v1/tasks?unit={unit_id}&limit={settings.CCHC_PAGE_SIZE}"],
                sql.unit_list(scope, unit_path),
                args.reps,
                api=True,
            ),
            Line(
                "overdue, whole tree",
                role,
                ["/tasks/?timeliness=overdue"],
                sql.overdue_list(scope),
                args.reps,
            ),
        ]
        if role == "focal":  # the list a unit's people land on
            lines.append(
                Line(
                    "work queue (Việc của tôi)",
                    role,
                    ["/tasks/mine/"],
                    sql.work_queue(scope),
                    args.reps,
                )
            )
        if role != "viewer":  # the viewer's scope and export are the office's
            lines.append(
                Line(
                    "export of open tasks",
                    role,
                    [f"/tasks/export.xlsx?{OPEN_FILTER}"],
                    sql.export(scope),
                    args.export_reps,
                    export=True,
                )
            )
    return lines


def run_line(line: Line, session, open_count: int, sql: Sql) -> None:
    """Warm up both sides, then alternate one HTTP sample and one SQL sample, so that
    both see the same load on the machine."""
    sql.time(line.sql)
    prepare_http(line, session, open_count)
    for _ in range(line.reps):
        if not line.error:
            sample_http(line, session)
        line.sql_samples.append(sql.time(line.sql))


def prepare_http(line: Line, session, open_count: int) -> None:
    if isinstance(session, str):
        line.error = session
        return
    if not line.export:
        warm = session.get(line.paths[0])
        if not warm.ok:
            line.error = warm.error or f"HTTP {warm.status}"
        elif line.expect and line.expect.encode() not in warm.body:
            line.error = f"the page does not show {line.expect}"
        return
    # The first export warms up and checks the filter: every open task, no more, no less.
    rows, error = export_rows(session, line.paths)
    if error:
        line.error = error
        return
    if rows != open_count:
        fallback = [f"/tasks/export.xlsx?{q}" for q in OPEN_FALLBACK]
        fallback_rows, fallback_error = export_rows(session, fallback)
        if not fallback_error and fallback_rows == open_count:
            line.note = f"'{OPEN_FILTER}' ignored ({rows} rows): not_started + in_progress"
            line.paths, rows = fallback, fallback_rows
    verdict = "complete" if rows == open_count else "TRUNCATED OR WRONG"
    line.note = "; ".join(filter(None, [line.note, f"{rows} rows, SQL {open_count}: {verdict}"]))


def sample_http(line: Line, session: Session) -> None:
    total, counted = 0.0, 0
    for path in line.paths:
        response = session.get(path)
        if not response.ok:
            line.error = response.error or f"HTTP {response.status}"
            return
        total += response.seconds
        line.size = len(response.body)
        headers = {k.lower(): v for k, v in response.headers.items()}
        found = [headers[h.lower()] for h in QUERY_HEADERS if h.lower() in headers]
        if found and found[0].isdigit() and counted >= 0:
            counted += int(found[0])
        else:
            counted = -1
    line.samples.append(total)
    if counted >= 0:
        line.queries = str(counted)


def export_rows(session: Session, paths: list[str]) -> tuple[int, str]:
    """Rows in all the exports, and "" or what went wrong."""
    rows = 0
    for path in paths:
        response = session.get(path)
        if not response.ok:
            return 0, response.error or f"HTTP {response.status}"
        try:
            rows += xlsx_rows(response.body)
        except Exception as exc:  # a broken file is a result to report, not a crash
            return 0, f"unreadable XLSX: {exc}"
    return rows, ""


def summary(vendor: str, runs: list[Run]) -> dict:
    """The medians of each run, for `bench_both`'s side-by-side table."""
    return {
        "vendor": vendor,
        "runs": [
            {
                "years": run.years,
                "lines": [
                    {
                        "name": x.name,
                        "role": x.role,
                        "median": None if x.error else median_of(x.samples),
                        "sql": median_of(x.sql_samples),
                        "error": x.error,
                    }
                    for x in run.lines
                ],
            }
            for run in runs
        ],
    }


def median_of(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def report(run: Run, first: Run | None = None, years: int = 1) -> None:
    rows = []
    for line in run.lines:
        median, sql_median = median_of(line.samples), median_of(line.sql_samples)
        ratio = f"{median / sql_median:,.1f}×" if median and sql_median else "–"
        note = line.error or line.note
        if line.name == AS_OF and not line.error:
            note = "SQL: today's (no history); " + as_of_ratio(run, line)[1]
        if len(line.paths) > 1 and not line.error:
            note = f"{note} ({len(line.paths)} requests)"
        rows.append(
            [
                line.name,
                line.role,
                fmt_ms(median) if not line.error else "error",
                fmt_ms(p95(line.samples)) if line.samples else "–",
                "–" if line.size is None or line.export else f"{line.size / 1024:,.0f}",
                line.queries,
                fmt_ms(sql_median),
                ratio,
                note,
            ]
        )
    print()
    print(f"{run.years} year(s) of plans:")
    print_table(
        ["name", "role", "median ms", "p95 ms", "KB", "queries", "SQL median ms", "ratio", "note"],
        rows,
    )
    print()
    print(
        "KB: size of the page as sent (uncompressed); queries: '~' = counted by replaying "
        "the request in-process (test client)."
    )
    pages, peak = run.memory.get("pages"), run.memory.get("all")
    print(
        "server peak memory (VmHWM of the gunicorn worker): "
        f"{f'{pages:.0f} MB' if pages else '–'} after the pages, "
        f"{f'{peak:.0f} MB' if peak else '–'} after the exports"
    )
    if run.vendor == "sqlite":
        print(
            "  on SQLite it counts the database's pages a request maps (settings: mmap_size), "
            "the system's file cache, shared and let go when the request's connection closes"
        )
    if first is not None:
        print()
        growth(first, run)
    print()
    targets(run, first)
    print("Benchmarks never fail on time.")


def as_of_ratio(run: Run, line: Line) -> tuple[float | None, str]:
    """The as-of dashboard's median over today's dashboard's, same role."""
    today = next((x for x in run.lines if x.name == "dashboard" and x.role == line.role), None)
    past, now = median_of(line.samples), median_of(today.samples) if today else None
    if not past or not now:
        return None, "today's dashboard: –"
    return past / now, f"{past / now:.1f}× today's dashboard"


def growth(first: Run, last: Run) -> None:
    """Each line's median with this year alone beside the one with every year."""
    before = {(x.name, x.role): x for x in first.lines}
    rows = []
    for line in last.lines:
        old = before.get((line.name, line.role))
        a = median_of(old.samples) if old else None
        b = median_of(line.samples)
        change = (b / a - 1) * 100 if a and b else None
        verdict = "–" if change is None else ("meets" if change < TARGET_GROWTH else "misses")
        # An export has more rows with history (the earlier years' unfinished tasks).
        rows_note = (
            f"{first.open_counts[line.role]:,} → {last.open_counts[line.role]:,} rows"
            if line.export
            else ""
        )
        rows.append(
            [
                line.name,
                line.role,
                fmt_ms(a),
                fmt_ms(b),
                "–" if change is None else f"{change:+.0f} %",
                verdict,
                rows_note,
            ]
        )
    print(f"Growth with history (target < {TARGET_GROWTH:.0f} %):")
    print_table(
        [
            "name",
            "role",
            f"{first.years} y median ms",
            f"{last.years} y median ms",
            "growth",
            "",
            "note",
        ],
        rows,
    )


def targets(run: Run, first: Run | None) -> None:
    """Issue 14's targets, line by line."""
    print(
        f"Targets: dashboard median < {TARGET_DASHBOARD_MS} ms and p95 < "
        f"{TARGET_DASHBOARD_P95_MS} ms; one unit's list < {TARGET_UNIT_LIST_MS} ms; every page "
        f"within {TARGET_PAGE_RATIO}× its SQL, an export within {TARGET_EXPORT_RATIO}×; as of a "
        f"past date within {TARGET_AS_OF_RATIO}× today; 1 year vs more < {TARGET_GROWTH:.0f} %; "
        f"pages < {TARGET_PAGE_KB} KB; export of 40,000 rows < {TARGET_EXPORT_S:.0f} s, never "
        "truncated."
    )
    for line in run.lines:
        for what, ok in line_targets(run, line):
            print(f"  {line.role}: {line.name}: {what}: {'meets' if ok else 'misses'}")
    if first is not None:
        before = {(x.name, x.role): median_of(x.samples) for x in first.lines}
        changes = []
        for x in run.lines:
            old, new = before.get((x.name, x.role)), median_of(x.samples)
            if old and new:
                changes.append(new / old - 1)
        worst = max(changes, default=None)
        if worst is not None:
            ok = worst * 100 < TARGET_GROWTH
            print(
                f"  every line: {first.years} y vs {run.years} y, worst growth "
                f"{worst * 100:+.0f} %: {'meets' if ok else 'misses'}"
            )


def line_targets(run: Run, line: Line) -> list[tuple[str, bool]]:
    if line.error or not line.samples:
        return [("error", False)]
    median = statistics.median(line.samples)
    sql = median_of(line.sql_samples)
    found = []
    if line.name in ("dashboard", AS_OF):
        high = p95(line.samples)
        found.append(
            (
                f"median {median * 1000:.0f} ms, p95 {high * 1000:.0f} ms",
                median * 1000 < TARGET_DASHBOARD_MS and high * 1000 < TARGET_DASHBOARD_P95_MS,
            )
        )
    if line.name == "task list of one unit":
        found.append((f"{median * 1000:.0f} ms", median * 1000 < TARGET_UNIT_LIST_MS))
    if sql and line.name != AS_OF:
        limit = TARGET_EXPORT_RATIO if line.export else TARGET_PAGE_RATIO
        found.append((f"{median / sql:.1f}× its SQL", median / sql < limit))
    if line.name == AS_OF:
        ratio, text = as_of_ratio(run, line)
        found.append((text, ratio is not None and ratio < TARGET_AS_OF_RATIO))
    if line.size is not None and not line.export and not line.api:
        kb = line.size / 1024
        found.append((f"{kb:,.0f} KB", kb < TARGET_PAGE_KB))
    if line.export:
        rows = run.open_counts[line.role]
        size = "" if rows >= 40000 else " (fewer rows than the target's 40,000)"
        complete = "TRUNCATED" not in line.note
        found.append(
            (f"{rows:,} rows in {median:.2f} s{size}", median < TARGET_EXPORT_S and complete)
        )
    return found


if __name__ == "__main__":
    sys.exit(main())
