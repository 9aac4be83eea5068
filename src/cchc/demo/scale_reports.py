"""The seeded plans' reporting: the four periods of the national rule each year (quý I,
6 tháng, quý III, năm) and, for every period already due, a submitted report from nearly
every unit that must report, most of them accepted. Bulk inserts, like the rest of the seed.
"""

import datetime
import random

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cchc.demo import bulk
from cchc.lib.files import remove_stored_after_commit
from cchc.plans.models import Plan
from cchc.reporting import rules
from cchc.reporting.models import (
    PeriodKind,
    ReportingPeriod,
    ReportStatus,
    UnitReport,
    UnitReportVersion,
)

KINDS = [PeriodKind.QUY_1, PeriodKind.SIX_MONTHS, PeriodKind.QUY_3, PeriodKind.YEAR]
REPORTED_SHARE = 0.98  # units that sent their report by the time of the seed
ACCEPTED_SHARE = 0.9  # of those, accepted by the office (the rest still submitted)
BATCH = 2000
RESULTS = [
    "Đã triển khai đầy đủ các nhiệm vụ theo kế hoạch; kết quả cơ bản đạt yêu cầu.",
    "Hoàn thành phần lớn nhiệm vụ; một số nhiệm vụ đang triển khai theo tiến độ.",
    "Các nhiệm vụ được thực hiện nghiêm túc, đúng thời hạn.",
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_reports(
    plan: Plan, unit_ids: list[int], areas: list[int], today, rng: random.Random, office, focal
) -> int:
    """The plan's periods, and the reports of those already due by `today`; returns the
    number of reports."""
    periods = []
    for kind in KINDS:
        window = rules.default_window(kind, plan.year)
        if window is None:  # ad hoc: never among KINDS
            continue
        periods.append(
            ReportingPeriod(
                plan=plan,
                kind=kind,
                starts_on=window.starts_on,
                ends_on=window.ends_on,
                due_on=window.due_on,
                created_by=office,
            )
        )
    ReportingPeriod.objects.bulk_create(periods)
    through = ReportingPeriod.units.through
    links = [(p.pk, u) for p in periods for u in unit_ids]
    bulk.insert_rows(through, ["reportingperiod_id", "unit_id"], links)
    reports = []
    for period in (p for p in periods if p.due_on <= today):
        for unit_id in unit_ids:
            if rng.random() < REPORTED_SHARE:
                reports.append(_report(period, unit_id, areas, rng, office))
    bulk.insert(reports)
    bulk.insert(
        [
            UnitReportVersion(
                report_id=r.pk,
                number=1,
                based_on_version=0,
                narrative=r.narrative,
                proposals=r.proposals,
                next_tasks=r.next_tasks,
                submitted_by=focal,
                submitted_by_name=f"{focal.last_name} {focal.first_name}".strip(),
                submitted_at=r.first_submitted_at or timezone.now(),
            )
            for r in reports
        ]
    )
    # The accepted version of each accepted report, in one statement.
    first = UnitReportVersion.objects.filter(report=OuterRef("pk"), number=1).values("pk")[:1]
    UnitReport.objects.filter(period__in=periods, status=ReportStatus.ACCEPTED).update(
        accepted_version=Subquery(first)
    )
    return len(reports)


def _report(period, unit_id: int, areas: list[int], rng, office) -> UnitReport:
    sent = period.due_on - datetime.timedelta(days=rng.randint(0, 10))
    accepted = rng.random() < ACCEPTED_SHARE
    narrative = {
        str(code): {"results": rng.choice(RESULTS), "limitations": "", "causes": ""}
        for code in rng.sample(areas, min(3, len(areas)))
    }
    return UnitReport(
        period=period,
        unit_id=unit_id,
        status=ReportStatus.ACCEPTED if accepted else ReportStatus.SUBMITTED,
        narrative=narrative,
        proposals="Đề nghị tăng cường tập huấn nghiệp vụ cải cách hành chính.",
        next_tasks="Tiếp tục thực hiện các nhiệm vụ còn lại của kế hoạch.",
        version=1,
        first_submitted_at=_at(sent, 9),
        last_submitted_at=_at(sent, 9),
        decided_by=office if accepted else None,
        decided_at=_at(sent + datetime.timedelta(days=rng.randint(1, 7)), 15) if accepted else None,
        updated_by=None,
        updated_at=_at(sent, 9),
    )


def clear_reports(plans, units) -> dict:
    """Remove the periods of `plans` and every report of `units`, with what hangs on them."""
    from cchc.reporting.models import (
        ConsolidatedReport,
        ReportExport,
        ReportNudge,
        ReportTemplate,
        UnitReportAttachment,
    )

    periods = ReportingPeriod.objects.filter(plan__in=plans)
    reports = UnitReport.objects.filter(Q(period__in=periods) | Q(unit__in=units))
    counts = {"periods": periods.count(), "reports": reports.count()}
    reports.update(accepted_version=None)
    versions = UnitReportVersion.objects.filter(report__in=reports)
    versions._raw_delete(versions.db)
    attachments = UnitReportAttachment.objects.filter(report__in=reports)
    exports = ReportExport.objects.filter(period__in=periods)
    templates = ReportTemplate.objects.filter(unit__in=units)
    # A row's delete leaves its file: the files go once the clearing commits.
    remove_stored_after_commit(
        name
        for rows in (attachments, exports, templates)
        for name in rows.values_list("file", flat=True)
    )
    attachments.delete()
    exports.delete()
    ConsolidatedReport.objects.filter(period__in=periods).delete()
    ReportNudge.objects.filter(period__in=periods).delete()
    ReportNudge.objects.filter(unit__in=units).delete()
    templates.delete()
    reports._raw_delete(reports.db)
    links = ReportingPeriod.units.through.objects.filter(reportingperiod__in=periods)
    links._raw_delete(links.db)
    ReportingPeriod.units.through.objects.filter(unit__in=units).delete()
    periods.delete()
    return counts
