"""make bench's report: the as-of date, the growth with history and issue 14's targets."""

import datetime

from cchc.demo.bench import AS_OF, Line, Run, past_day, report


def test_the_as_of_day_is_the_15th_about_five_months_back():
    assert past_day(datetime.date(2026, 12, 1)) == datetime.date(2026, 7, 15)
    assert past_day(datetime.date(2026, 3, 31)) == datetime.date(2025, 10, 15)
    assert past_day(datetime.date(2026, 5, 2)) == datetime.date(2025, 12, 15)


def line(name, ms, sql_ms, **extra) -> Line:
    found = Line(name, "viewer", ["/"], [], 3, **extra)
    found.samples = [ms / 1000] * 3
    found.sql_samples = [sql_ms / 1000] * 3
    found.size = 40 * 1024
    return found


def test_report_prints_growth_and_the_targets_line_by_line(capsys):
    one = Run([line("dashboard", 100, 80), line(AS_OF, 150, 80)], {}, {"viewer": 10}, 1)
    ten = Run([line("dashboard", 140, 90), line(AS_OF, 400, 90)], {}, {"viewer": 10}, 10)
    report(ten, one, 10)
    out = capsys.readouterr().out
    assert "10 year(s) of plans:" in out
    assert "+40 % | misses" in out  # the dashboard: 100 -> 140 ms
    assert "viewer: dashboard: median 140 ms, p95 140 ms: meets" in out
    assert "viewer: dashboard: 1.6× its SQL: misses" in out
    assert f"viewer: {AS_OF}: 2.9× today's dashboard: misses" in out
    assert "worst growth +167 %: misses" in out
    assert "viewer: dashboard: 40 KB: meets" in out


def test_report_of_a_line_in_error_says_so(capsys):
    broken = line("dashboard", 100, 80)
    broken.error = "HTTP 500"
    report(Run([broken], {}, {"viewer": 0}, 1))
    out = capsys.readouterr().out
    assert "viewer: dashboard: error: misses" in out
    assert "Growth" not in out


def test_bench_both_sets_the_databases_side_by_side(capsys):
    from cchc.demo.bench_both import side_by_side

    def result(ms):
        lines = [{"name": "dashboard", "role": "viewer", "median": ms, "sql": 0.1, "error": ""}]
        return {"vendor": "x", "runs": [{"years": 10, "lines": lines}]}

    side_by_side({"SQLite": result(0.2), "PostgreSQL": "no server answers at postgres://x"})
    out = capsys.readouterr().out
    assert "PostgreSQL: no server answers" in out
    row = next(x for x in out.splitlines() if x.startswith("10"))
    assert [c.strip() for c in row.split("|")] == [
        "10",
        "dashboard",
        "viewer",
        "200",
        "100",
        "2.0×",
        "–",
        "–",
        "–",
    ]
