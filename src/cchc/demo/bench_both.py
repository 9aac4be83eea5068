"""`make bench-both`: the bench on SQLite and on PostgreSQL, the two tables side by side.

    python -m cchc.demo.bench_both [bench options: --years 10 --reps 10 …]

SQLite in `var/bench` (or CCHC_BENCH_DATA_DIR); PostgreSQL at DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench, data directory `var/bench-pg` or
CCHC_BENCH_PG_DATA_DIR) when its server answers, else the table says why. Each bench
prints its own full report first.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from cchc.demo.bench import PROJECT_DIR, fmt_ms, print_table

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/bench"


def reachable(url: str) -> bool:
    parts = urllib.parse.urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 3):
            return True
    except OSError:
        return False


def run_bench(env: dict, argv: list[str], out: Path) -> dict | str:
    """One bench in a process of its own (its own Django settings); its medians, or why
    there are none."""
    command = [sys.executable, "-m", "cchc.demo.bench", *argv, "--json", str(out)]
    # This Python's own bench with the caller's options.
    done = subprocess.run(command, env=env, check=False)  # noqa: S603
    if done.returncode or not out.exists():
        return f"bench exited with {done.returncode}"
    return json.loads(out.read_text())


def side_by_side(results: dict[str, dict | str]) -> None:
    names = list(results)
    keyed: dict[tuple, dict] = {}
    for name, result in results.items():
        if isinstance(result, str):
            continue
        for run in result["runs"]:
            for line in run["lines"]:
                key = (run["years"], line["name"], line["role"])
                keyed.setdefault(key, {})[name] = line
    headers = ["years", "name", "role"]
    for name in names:
        headers += [f"{name} ms", f"{name} SQL ms", f"{name} ratio"]
    rows = []
    for (years, line_name, role), by_db in keyed.items():
        row = [str(years), line_name, role]
        for name in names:
            line = by_db.get(name)
            median, sql = (line["median"], line["sql"]) if line else (None, None)
            ratio = f"{median / sql:.1f}×" if median and sql else "–"
            row += [fmt_ms(median) if not (line and line["error"]) else "error", fmt_ms(sql), ratio]
        rows.append(row)
    print()
    for name, result in results.items():
        if isinstance(result, str):
            print(f"{name}: {result}")
    print_table(headers, rows)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    pg_url = os.environ.get("DATABASE_URL") or PG_DEFAULT
    results: dict[str, dict | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_bench(base, argv, Path(tmp) / "sqlite.json")
        if reachable(pg_url):
            pg_env = base | {"DATABASE_URL": pg_url}
            pg_dir = os.environ.get("CCHC_BENCH_PG_DATA_DIR") or PROJECT_DIR / "var" / "bench-pg"
            pg_env["CCHC_BENCH_DATA_DIR"] = str(pg_dir)
            results["PostgreSQL"] = run_bench(pg_env, argv, Path(tmp) / "pg.json")
        else:
            results["PostgreSQL"] = f"no server answers at {pg_url}"
    side_by_side(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
