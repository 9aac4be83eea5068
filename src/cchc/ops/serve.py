"""`make serve`: the application in production on one machine.

    python -m cchc.ops.serve

Checks the environment before anything starts and names every setting that is missing,
then runs `cchc check --deploy`, `migrate` and `collectstatic`, and starts gunicorn with
`WEB_CONCURRENCY` worker processes (default 2 × CPUs + 1, at most 8) beside the background
worker (`cchc worker`). Both run until one of them stops or the command is interrupted;
then the other is stopped too, so a supervisor (systemd) restarts the pair.

On several machines, run `migrate` once per release and start this with
`CCHC_SERVE_RELEASE=false` on each, which skips the release steps.
"""

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

# settings.DEMO_SECRET_KEY, repeated so that the check runs before Django reads settings.
DEMO_SECRET_KEY = "insecure-local-demo-key-change-me"  # noqa: S105 - refused here
TRUE = ("1", "true", "yes", "on")
NEW_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def problems(env: Mapping[str, str]) -> list[str]:
    """What production lacks in this environment, one sentence each (empty: ready)."""
    found = []
    if env.get("CCHC_DEMO", "").lower() in TRUE:
        found.append("CCHC_DEMO is true: the demo's fixed key, plain HTTP, no second factor.")
    if env.get("DEBUG", "").lower() in TRUE:
        found.append("DEBUG is true: it shows code and settings to anyone on an error.")
    key = env.get("SECRET_KEY", "")
    if not key or key == DEMO_SECRET_KEY:
        found.append(f"SECRET_KEY is not set: make one with {NEW_KEY}")
    elif len(key) < 50 or len(set(key)) < 5:
        found.append(f"SECRET_KEY is too short or too plain (50+ varied characters): {NEW_KEY}")
    database = env.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://", "pgsql://")):
        found.append(
            "DATABASE_URL is not a PostgreSQL address (postgres://user:password@host:5432/db): "
            "several processes write at once, which SQLite serialises."
        )
    if not env.get("ALLOWED_HOSTS"):
        found.append("ALLOWED_HOSTS is not set: the host names people open (comma-separated).")
    if not env.get("CCHC_SITE_URL"):
        found.append(
            "CCHC_SITE_URL is not set: the address in mail links, e.g. https://cchc.bqp.vn"
        )
    return found


def workers(env: Mapping[str, str]) -> int:
    """Gunicorn's advice, 2 × CPUs + 1, capped: each sync worker holds ~150 MB and a
    database connection. `WEB_CONCURRENCY` says otherwise."""
    value = env.get("WEB_CONCURRENCY", "")
    if value:
        if not value.isdigit() or int(value) < 1:
            raise SystemExit(f"WEB_CONCURRENCY must be a whole number ≥ 1, not {value!r}")
        return int(value)
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_command(env: Mapping[str, str]) -> list[str]:
    bind = env.get("CCHC_BIND") or f"127.0.0.1:{env.get('PORT') or 8000}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "cchc.wsgi",
        "--bind",
        bind,
        "--workers",
        str(workers(env)),
        # A request running this long is stuck; the proxy's timeout is set a little above.
        "--timeout",
        "120",
        "--graceful-timeout",
        "30",
        # A worker is replaced after this many requests, so no slow leak grows for weeks.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        # Its control socket sits at one path per user; a second instance would take it.
        "--no-control-socket",
    ]


def run(step: list[str], env: Mapping[str, str]) -> None:
    print("$", shlex.join(step[2:] if step[0] == sys.executable else step), flush=True)
    # Our own Python and commands, fixed arguments.
    if subprocess.run(step, env=env, check=False).returncode:  # noqa: S603
        raise SystemExit(f"stopped: {shlex.join(step)} failed")


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    missing = problems(env)
    if missing:
        print("make serve runs the application in production; first set:", file=sys.stderr)
        for line in missing:
            print(f"  - {line}", file=sys.stderr)
        print("(.env.example lists every setting; `make run` is the local demo.)", file=sys.stderr)
        return 2
    cchc = [sys.executable, "-m", "cchc"]
    if env.get("CCHC_SERVE_RELEASE", "true").lower() in TRUE:
        run([*cchc, "check", "--deploy"], env)
        run([*cchc, "migrate", "--noinput"], env)
        run([*cchc, "collectstatic", "--noinput", "-v0"], env)
    web = gunicorn_command(env)
    print(f"gunicorn: {workers(env)} workers on {web[web.index('--bind') + 1]}", flush=True)
    # Our own Python, fixed arguments.
    processes = [
        subprocess.Popen([*cchc, "worker"], env=env),  # noqa: S603
        subprocess.Popen(web, env=env),  # noqa: S603
    ]
    return supervise(processes)


def supervise(processes: list[subprocess.Popen]) -> int:
    """Wait until one process stops or we are told to stop; then stop the others."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    first = None
    while not stopping and first is None:
        time.sleep(0.5)
        first = next((p for p in processes if p.poll() is not None), None)
    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=40)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if stopping or first is None:
        return 0
    name = "worker" if first is processes[0] else "gunicorn"
    print(f"{name} stopped (exit {first.returncode}); stopped the other too", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
