"""Two requests at the same moment, on real connections (PostgreSQL: row locks are real;
SQLite serialises writers anyway and its shared-cache test database cannot take this)."""

import threading

import pytest
from django.db import connection, connections

from cchc.reporting import services
from cchc.reporting.models import UnitReport, UnitReportVersion
from cchc.reporting.workflow import StaleVersion
from tests.test_reporting_world import make_period, write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database (DATABASE_URL)"
    ),
]


def race(*calls):
    """Run the calls in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects what each side got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_simultaneous_submissions_make_one(world):
    period = make_period(world)
    report = write(world, period, "CTH", "focal_a", results="Gửi cùng lúc")
    seen = report.version

    def submit():
        return services.unit_report_submit(
            actor=world.users["head_a"], report=report, expected_version=seen
        ).pk

    first, second = race(submit, submit)
    assert first == second and isinstance(first, int)
    assert UnitReportVersion.objects.count() == 1


def test_two_simultaneous_saves_one_is_refused(world):
    period = make_period(world)
    unit = world.units["CTH"]
    report = services.unit_report_open(actor=world.users["focal_a"], period=period, unit=unit)

    def save(user, text):
        return lambda: services.unit_report_save(
            actor=world.users[user],
            period=period,
            unit=unit,
            expected_version=report.version,
            narrative={"1": {"results": text}},
        ).part(1, "results")

    results = race(save("focal_a", "Bản A"), save("head_a", "Bản B"))
    saved = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, StaleVersion)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert UnitReport.objects.get().part(1, "results") == saved[0]
    assert refused[0].current.part(1, "results") == saved[0]
