"""The import benchmark runs, imports every task, and leaves the database as it was."""

from cchc.audit.models import AuditEvent
from cchc.demo.import_bench import bench_import, build_workbook
from cchc.orgs.models import Unit
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.models import Plan


def test_the_bench_imports_every_task_and_rolls_back(db):
    before = (Plan.objects.count(), Unit.objects.count(), AuditEvent.objects.count())
    result = bench_import(tasks=120)
    assert result.tasks == 120 and result.total_seconds > 0
    assert "120 nhiệm vụ" in str(result)
    assert (Plan.objects.count(), Unit.objects.count(), AuditEvent.objects.count()) == before


def test_the_bench_workbook_reads_into_seven_areas():
    parsed = parse_plan_file(build_workbook(70, ["Cục A", "Cục B", "Cục C"]), "b.xlsx")
    assert not parsed.errors
    assert sorted({t.area_code for t in parsed.tasks}) == [1, 2, 3, 4, 5, 6, 7]
