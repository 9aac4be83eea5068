from cchc.demo.reporting_bench import bench_consolidated_docx
from cchc.reporting.models import ReportingPeriod, UnitReport


def test_the_bench_builds_the_docx_of_the_largest_plan(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = bench_consolidated_docx(reps=1)
    period = ReportingPeriod.objects.get(pk=result.period_id)
    assert period.plan == world.plan and period.kind == "year"
    assert result.units == 3 and result.tasks == 5
    assert result.accepted_reports == UnitReport.objects.filter(status="accepted").count() == 2
    assert result.docx_bytes > 10_000 and result.ok
    # A second run reuses the period and its reports.
    again = bench_consolidated_docx(reps=1)
    assert again.period_id == result.period_id and again.accepted_reports == 2
