"""Every read the reporting pages share, scoped to the user. A missing or forbidden object
raises Http404 (PermissionDenied where the object may be known but not this page)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from cchc.orgs.access import UNIT_ROLES, access_for
from cchc.orgs.models import Unit
from cchc.plans import permissions as plan_permissions
from cchc.plans.models import Area, Plan, PlanStatus

from . import data, documents, permissions
from .models import (
    NARRATIVE_PARTS,
    ConsolidatedReport,
    ReportExport,
    ReportingPeriod,
    ReportStatus,
    ReportTemplate,
    UnitReport,
    UnitReportVersion,
)


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def period_list(*, user) -> QuerySet[ReportingPeriod]:
    """Periods of the plans the user may read, with how many units must report and how many
    have submitted."""
    return (
        ReportingPeriod.objects.filter(
            plan__in=Plan.objects.filter(plan_permissions.plan_q(access_for(user)))
        )
        .select_related("plan__issuing_unit")
        .annotate(
            # Counted in subqueries: joining units and reports at once would multiply rows.
            units_due=_count(
                ReportingPeriod.units.through.objects.filter(reportingperiod_id=OuterRef("pk"))
            ),
            units_submitted=_count(
                UnitReport.objects.filter(
                    period_id=OuterRef("pk"), first_submitted_at__isnull=False
                )
            ),
        )
        .order_by("-plan__year", "plan_id", "-ends_on", "-id")
    )


def period_get(*, user, pk: int) -> ReportingPeriod:
    period = (
        ReportingPeriod.objects.filter(
            pk=pk, plan__in=Plan.objects.filter(plan_permissions.plan_q(access_for(user)))
        )
        .select_related("plan__issuing_unit__parent")
        .first()
    )
    if period is None:
        raise Http404(_("Không tìm thấy kỳ báo cáo."))
    return period


def manageable_plans(*, user) -> QuerySet[Plan]:
    """Issued plans whose periods this user (office of the issuing branch) may open."""
    access = access_for(user)
    return (
        Plan.objects.exclude(status=PlanStatus.DRAFT)
        .filter(access.unit_q("issuing_unit", "office"))
        .select_related("issuing_unit")
        .order_by("-year", "issuing_unit__path")
    )


@dataclass
class MyReport:
    period: ReportingPeriod
    unit: Unit
    report: UnitReport | None


def my_reports(*, user) -> list[MyReport]:
    """Every period in which one of the user's units must report, with its report."""
    access = access_for(user)
    if not access.paths_for(*UNIT_ROLES):
        return []
    through = ReportingPeriod.units.through
    pairs = list(
        through.objects.filter(access.unit_q("unit", *UNIT_ROLES))
        .exclude(reportingperiod__plan__status=PlanStatus.DRAFT)
        .select_related("reportingperiod__plan", "unit")
        .order_by("-reportingperiod__ends_on", "unit__path")
    )
    reports = {
        (r.period_id, r.unit_id): r
        for r in UnitReport.objects.filter(
            period_id__in={p.reportingperiod_id for p in pairs},
            unit_id__in={p.unit_id for p in pairs},
        )
    }
    return [
        MyReport(p.reportingperiod, p.unit, reports.get((p.reportingperiod_id, p.unit_id)))
        for p in pairs
    ]


# --- the office's board ----------------------------------------------------------------


@dataclass
class Board:
    period: ReportingPeriod
    as_of: datetime.date
    today: datetime.date
    rows: list[dict]
    counts: dict
    stats: dict
    categories: list[tuple[str, str]]
    consolidated: ConsolidatedReport | None
    exports: list[ReportExport]
    can_manage: bool
    can_approve: bool
    pdf_available: bool


def board(*, user, period: ReportingPeriod, today: datetime.date) -> Board:
    """Who must report and how they did, and the tasks by timeliness per area and per unit.
    A fixed number of queries, whatever the number of units and tasks."""
    access = access_for(user)
    if not permissions.can_view_board(access, period):
        raise PermissionDenied(_("Chỉ Văn phòng và lãnh đạo xem được bảng theo dõi kỳ báo cáo."))
    from cchc.plans.timeliness import Timeliness

    rows = data.report_rows(period)
    for row in rows:
        if row["submission"] == data.MISSING and today > period.due_on:
            row["days_overdue"] = (today - period.due_on).days
        else:
            row["days_overdue"] = 0
    as_of = period.as_of(today)
    stats = data.task_stats(period, as_of)
    _mark_changed_figures(period, rows, stats, as_of)
    return Board(
        period=period,
        as_of=as_of,
        today=today,
        rows=rows,
        counts=data.report_counts(rows),
        stats=stats,
        categories=[(k, str(v)) for k, v in Timeliness.choices],
        consolidated=ConsolidatedReport.objects.filter(period=period).first(),
        exports=latest_exports(period),
        can_manage=permissions.can_manage_periods(access, period.plan),
        can_approve=permissions.can_approve_consolidated(access, period),
        pdf_available=documents.pdf_available(),
    )


def _mark_changed_figures(period, rows: list[dict], stats: dict, as_of: datetime.date) -> None:
    """Give each row whose last submission froze other figures than the live ones as of the
    same day `changed_figures`: (frozen counts, live counts). Updates entered late (dated
    before the cut-off, written after the report was sent) change the live figures, never
    the frozen version. One query."""
    latest = (
        UnitReportVersion.objects.filter(report=OuterRef("report_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    frozen = {
        v["report__unit_id"]: v["figures"]
        for v in UnitReportVersion.objects.filter(
            report__period=period, number=Subquery(latest)
        ).values("report__unit_id", "figures")
    }
    live = {row["unit_id"]: row["counts"] for row in stats["by_unit"]}
    for row in rows:
        figures = frozen.get(row["unit_id"])
        row["changed_figures"] = None
        if not figures or figures.get("as_of") != as_of.isoformat():
            continue  # sent before the cut-off: its figures are of another day
        then = {k: figures.get("by_timeliness", {}).get(k, 0) for k in data.CATEGORIES}
        now = {k: live.get(row["unit_id"], {}).get(k, 0) for k in data.CATEGORIES}
        if then != now:
            row["changed_figures"] = (then, now)


def latest_exports(period: ReportingPeriod) -> list[ReportExport]:
    """The newest file request of each format (final ones first once approved)."""
    seen: dict[str, ReportExport] = {}
    for export in ReportExport.objects.filter(period=period).order_by("-final", "-id")[:30]:
        seen.setdefault(export.format, export)
    return [seen[f] for f in ("docx", "xlsx", "pdf") if f in seen]


# --- a unit's report -------------------------------------------------------------------


@dataclass
class AreaBlock:
    area: Area
    tasks: list[dict]
    parts: list[tuple[str, str, str]]  # (key, label, text)
    counts: dict


@dataclass
class UnitReportPage:
    period: ReportingPeriod
    unit: Unit
    report: UnitReport | None
    as_of: datetime.date
    areas: list[AreaBlock]
    figures: dict
    versions: list[UnitReportVersion] = field(default_factory=list)
    attachments: list = field(default_factory=list)
    can_write: bool = False
    can_submit: bool = False
    can_decide: bool = False
    has_head: bool = True


def unit_report_page(
    *, user, period: ReportingPeriod, unit: Unit, today: datetime.date
) -> UnitReportPage:
    """The unit's report with its live task data as of the window's end. Readable by the
    unit's own people and by oversight of the plan."""
    access = access_for(user)
    can_write = permissions.can_write_report(access, unit)
    if not (can_write or permissions.can_view_board(access, period)):
        raise Http404(_("Không tìm thấy báo cáo."))
    if not period.units.filter(pk=unit.pk).exists():
        raise Http404(_("Đơn vị không phải báo cáo kỳ này."))
    report = (
        UnitReport.objects.filter(period=period, unit=unit)
        .select_related("updated_by", "decided_by")
        .first()
    )
    as_of = period.as_of(today)
    rows = data.unit_tasks(period, unit, as_of)
    figures = data.unit_figures(rows, as_of)
    areas = []
    for area in Area.objects.order_by("code"):
        areas.append(
            AreaBlock(
                area=area,
                tasks=[r for r in rows if r["area"] == area.code],
                parts=[
                    (key, str(label), report.part(area.code, key) if report else "")
                    for key, label in NARRATIVE_PARTS
                ],
                counts=figures["by_area"].get(str(area.code), data.empty_counts()),
            )
        )
    has_head = permissions.unit_has_head(unit)
    return UnitReportPage(
        period=period,
        unit=unit,
        report=report,
        as_of=as_of,
        areas=areas,
        figures=figures,
        versions=list(report.versions.select_related("submitted_by")) if report else [],
        attachments=list(report.attachments.select_related("uploaded_by")) if report else [],
        can_write=can_write and (report is None or report.is_editable),
        can_submit=permissions.can_submit_report(access, unit, has_head=has_head)
        and (report is None or report.is_editable),
        can_decide=permissions.can_manage_periods(access, period.plan)
        and report is not None
        and report.status == ReportStatus.SUBMITTED,
        has_head=has_head,
    )


def report_get(*, user, pk: int) -> UnitReport:
    report = (
        UnitReport.objects.filter(pk=pk)
        .select_related("period__plan__issuing_unit", "unit")
        .first()
    )
    if report is None or not permissions.can_read_report(access_for(user), report):
        raise Http404(_("Không tìm thấy báo cáo."))
    return report


def version_get(*, user, report_pk: int, number: int) -> UnitReportVersion:
    report = report_get(user=user, pk=report_pk)
    version = report.versions.filter(number=number).select_related("submitted_by").first()
    if version is None:
        raise Http404(_("Không tìm thấy bản đã gửi."))
    version.report = report
    return version


def attachment_get(*, user, pk: int):
    from .models import UnitReportAttachment

    attachment = UnitReportAttachment.objects.filter(pk=pk).select_related("report").first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    report_get(user=user, pk=attachment.report_id)
    return attachment


# --- the consolidated report -----------------------------------------------------------


def consolidated_get(*, user, period: ReportingPeriod) -> ConsolidatedReport | None:
    if not permissions.can_read_consolidated(access_for(user), period):
        raise PermissionDenied(_("Không có quyền xem báo cáo tổng hợp."))
    return (
        ConsolidatedReport.objects.filter(period=period)
        .select_related("updated_by", "sent_by", "decided_by", "template")
        .first()
    )


def export_get(*, user, pk: int) -> ReportExport:
    export = ReportExport.objects.filter(pk=pk).select_related("period__plan__issuing_unit")
    export = export.first()
    if export is None or not permissions.can_read_consolidated(access_for(user), export.period):
        raise Http404(_("Không tìm thấy tệp báo cáo."))
    return export


def templates_for(*, user, unit: Unit) -> list[ReportTemplate]:
    if not access_for(user).covers(unit.path, "office"):
        return []
    return list(ReportTemplate.objects.filter(unit=unit).select_related("uploaded_by")[:20])
