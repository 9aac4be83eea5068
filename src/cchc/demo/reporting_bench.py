"""Time the consolidated report on a seeded database (`cchc seed_scale --units 1500
--tasks 60000`): the figures (document_data) and the DOCX built from them. Target: under
15 seconds for the whole.

    from cchc.demo.reporting_bench import bench_consolidated_docx
    result = bench_consolidated_docx()          # Django set up, the seeded plan present
    python -m cchc.demo.reporting_bench [--data-dir var/bench] [--reps 3] [--no-reports]

It works on the plan with the most tasks. The first run opens a year period for it (every
unit with a task must report) and, unless told not to, gives nine units in ten an accepted
report with a short narrative per area, so that the document carries the unit narratives a
real period would: bench data, bulk-inserted like seed_scale's, with one audit event.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass

TARGET_SECONDS = 15.0


@dataclass
class BenchResult:
    period_id: int
    units: int
    tasks: int
    accepted_reports: int
    data_seconds: float
    docx_seconds: float
    total_seconds: float
    docx_bytes: int
    target_seconds: float = TARGET_SECONDS

    @property
    def ok(self) -> bool:
        return self.total_seconds < self.target_seconds

    def line(self) -> str:
        verdict = "OK" if self.ok else "SLOW"
        return (
            f"consolidated DOCX: {self.units} units, {self.tasks} tasks, "
            f"{self.accepted_reports} accepted reports: figures {self.data_seconds:.2f} s + "
            f"DOCX {self.docx_seconds:.2f} s = {self.total_seconds:.2f} s "
            f"({self.docx_bytes / 1e6:.1f} MB) — target < {self.target_seconds:.0f} s: {verdict}"
        )


def _bench_period(with_reports: bool):
    from django.db.models import Count

    from cchc.plans.models import Plan, PlanStatus
    from cchc.reporting import services
    from cchc.reporting.models import PeriodKind, ReportingPeriod

    plan = (
        Plan.objects.exclude(status=PlanStatus.DRAFT)
        .annotate(n=Count("tasks"))
        .order_by("-n", "-year", "-id")
        .first()
    )
    if plan is None:
        raise SystemExit("No issued plan: run `cchc seed_scale` first.")
    period = ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.YEAR).first()
    if period is None:
        period = services.period_open(actor=None, plan=plan, kind=PeriodKind.YEAR)
    if with_reports and not period.unit_reports.exists():
        seed_accepted_reports(period)
    return period


def seed_accepted_reports(period, share: float = 0.9) -> int:
    """Bulk-insert accepted reports (with their frozen version) for `share` of the units
    that must report: bench data only, recorded by one audit event."""
    from django.db import transaction
    from django.utils import timezone

    from cchc.audit.services import audit_record
    from cchc.plans.models import Area
    from cchc.reporting.models import ReportStatus, UnitReport, UnitReportVersion

    units = list(period.units.order_by("path").values_list("id", "name"))
    chosen = units[: int(len(units) * share)]
    codes = list(Area.objects.order_by("code").values_list("code", flat=True))
    submitted = timezone.make_aware(
        datetime.datetime.combine(period.due_on - datetime.timedelta(days=1), datetime.time(9))
    )
    with transaction.atomic():
        reports = UnitReport.objects.bulk_create(
            [
                UnitReport(
                    period=period,
                    unit_id=unit_id,
                    status=ReportStatus.ACCEPTED,
                    narrative=_narrative(name, codes),
                    proposals=f"Đề nghị hỗ trợ {name} về kinh phí và nhân lực.",
                    next_tasks=f"{name} tiếp tục thực hiện các nhiệm vụ còn lại của kế hoạch.",
                    version=2,
                    first_submitted_at=submitted,
                    last_submitted_at=submitted,
                )
                for unit_id, name in chosen
            ],
            batch_size=500,
        )
        versions = UnitReportVersion.objects.bulk_create(
            [
                UnitReportVersion(
                    report=report,
                    number=1,
                    based_on_version=1,
                    narrative=report.narrative,
                    proposals=report.proposals,
                    next_tasks=report.next_tasks,
                    submitted_by_name="bench",
                    submitted_at=submitted,
                )
                for report in reports
            ],
            batch_size=500,
        )
        for report, version in zip(reports, versions, strict=True):
            report.accepted_version = version
        UnitReport.objects.bulk_update(reports, ["accepted_version"], batch_size=500)
        audit_record(
            actor=None,
            action="bench.seed_reports",
            obj=period,
            changes={"accepted_reports": [None, len(reports)]},
        )
    return len(reports)


def _narrative(name: str, codes: list[int]) -> dict:
    return {
        str(code): {
            "results": f"{name} đã triển khai các nhiệm vụ lĩnh vực {code} theo kế hoạch; "
            "kết quả cơ bản đạt yêu cầu.",
            "limitations": "Một số nhiệm vụ còn chậm so với thời hạn." if code == 3 else "",
            "causes": "Cán bộ làm công tác cải cách hành chính còn kiêm nhiệm."
            if code == 3
            else "",
        }
        for code in codes
    }


def bench_consolidated_docx(*, reps: int = 1, with_reports: bool = True) -> BenchResult:
    """Build the consolidated DOCX of the seeded plan `reps` times; the median of each step.
    Django must be set up, on a database seeded by `cchc seed_scale`."""
    from cchc.documents import consolidated
    from cchc.plans.models import Task
    from cchc.reporting import consolidation
    from cchc.reporting.models import UnitReport

    period = _bench_period(with_reports)
    today = period.ends_on + datetime.timedelta(days=7)
    data_times, docx_times, size = [], [], 0
    for _ in range(max(1, reps)):
        start = time.perf_counter()
        payload = consolidation.document_data(period, None, today=today)
        middle = time.perf_counter()
        content = consolidated.render(payload, "docx")
        end = time.perf_counter()
        data_times.append(middle - start)
        docx_times.append(end - middle)
        size = len(content)
    data_s, docx_s = statistics.median(data_times), statistics.median(docx_times)
    return BenchResult(
        period_id=period.pk,
        units=period.units.count(),
        tasks=Task.objects.filter(plan_id=period.plan_id).count(),
        accepted_reports=UnitReport.objects.filter(period=period, status="accepted").count(),
        data_seconds=round(data_s, 3),
        docx_seconds=round(docx_s, 3),
        total_seconds=round(data_s + docx_s, 3),
        docx_bytes=size,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="CCHC_DATA_DIR of the seeded database")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-reports", action="store_true", help="no unit reports seeded")
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["CCHC_DATA_DIR"] = args.data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    result = bench_consolidated_docx(reps=args.reps, with_reports=not args.no_reports)
    print(result.line())
    print({**asdict(result), "ok": result.ok})
    return 0


if __name__ == "__main__":
    sys.exit(main())
