"""Every read the reporting pages share, scoped to the user. A missing or forbidden object
raises Http404 (PermissionDenied where the object may be known but not this page)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cchc.documents import consolidated as documents
from cchc.orgs.access import UNIT_ROLES, Access, access_for
from cchc.orgs.models import Unit
from cchc.plans import permissions as plan_permissions
from cchc.plans.models import Area, Plan, PlanStatus
from cchc.plans.timeliness import Timeliness

from . import data, permissions
from .models import (
    NARRATIVE_PARTS,
    ConsolidatedReport,
    ConsolidatedStatus,
    ReportExport,
    ReportingPeriod,
    ReportStatus,
    ReportTemplate,
    UnitReport,
    UnitReportAttachment,
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


def period_rows(*, user, limit: int = 200) -> list[ReportingPeriod]:
    """The first rows of period_list, each saying whether the user may open its board."""
    access = access_for(user)
    periods = list(period_list(user=user)[:limit])
    for period in periods:
        period.can_view_board = permissions.can_view_board(access, period)  # type: ignore[attr-defined]
    return periods


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


def manageable_plans(*, user, opening: bool = False) -> QuerySet[Plan]:
    """Issued plans whose periods this user (office of the issuing branch) may open. When the
    user is `opening` one and there are none, 403."""
    access = access_for(user)
    plans = (
        Plan.objects.exclude(status=PlanStatus.DRAFT)
        .filter(access.unit_q("issuing_unit", "office"))
        .select_related("issuing_unit")
        .order_by("-year", "issuing_unit__path")
    )
    if opening and not plans.exists():
        raise PermissionDenied(_("Chỉ Văn phòng được mở kỳ báo cáo."))
    return plans


@dataclass(frozen=True)
class PeriodAbilities:
    """What the user may do in one period, computed once from the rules of permissions.py;
    pages show only the actions allowed (the services check again)."""

    can_manage: bool  # the office: edit, nudge, decide on units' reports, draft, templates
    can_view_board: bool
    can_read_consolidated: bool
    can_edit_consolidated: bool  # the office, until the draft is sent (again after a return)
    can_approve: bool  # the leader, once the draft is sent: approve it or return it
    can_export: bool  # the office's drafts; once approved, every reader's approved file


def _abilities(
    access: Access, period: ReportingPeriod, consolidated: ConsolidatedReport | None
) -> PeriodAbilities:
    can_manage = permissions.can_manage_periods(access, period.plan)
    status = consolidated.status if consolidated else None
    return PeriodAbilities(
        can_manage=can_manage,
        can_view_board=permissions.can_view_board(access, period),
        can_read_consolidated=permissions.can_read_consolidated(access, period),
        can_edit_consolidated=can_manage and (consolidated is None or consolidated.is_editable),
        can_approve=permissions.can_approve_consolidated(access, period)
        and status == ConsolidatedStatus.SENT,
        can_export=can_manage or status == ConsolidatedStatus.APPROVED,
    )


def period_abilities(*, user, period: ReportingPeriod) -> PeriodAbilities:
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    return _abilities(access_for(user), period, consolidated)


@dataclass
class PeriodEditPage:
    period: ReportingPeriod
    units: QuerySet[Unit]  # the units that may be asked to report: the issuing branch
    initial: dict  # the period's values, for the form


def period_edit_page(*, user, pk: int) -> PeriodEditPage:
    period = period_get(user=user, pk=pk)
    if not permissions.can_manage_periods(access_for(user), period.plan):
        raise PermissionDenied(_("Chỉ Văn phòng được sửa kỳ báo cáo."))
    root = period.plan.issuing_unit.path
    initial = {name: getattr(period, name) for name in ("title", "starts_on", "ends_on", "due_on")}
    initial["units"] = list(period.units.values_list("pk", flat=True))
    return PeriodEditPage(
        period=period,
        units=Unit.objects.filter(path__startswith=root, is_active=True).order_by("path"),
        initial=initial,
    )


def period_units(*, period: ReportingPeriod, pk: int | None) -> list[Unit] | None:
    """The unit `pk` among those that must report in the period (404 otherwise); None (every
    unit) when no unit is named."""
    if not pk:
        return None
    units = list(period.units.filter(pk=pk))
    if not units:
        raise Http404(_("Đơn vị không phải báo cáo kỳ này."))
    return units


@dataclass
class MyReport:
    period: ReportingPeriod
    unit: Unit
    report: UnitReport | None


def my_reports(*, user, period: ReportingPeriod | None = None) -> list[MyReport]:
    """Every period (or the one given) in which one of the user's units must report, with
    its report."""
    access = access_for(user)
    if not access.paths_for(*UNIT_ROLES):
        return []
    through = ReportingPeriod.units.through
    in_period = {"reportingperiod": period} if period else {}
    pairs = list(
        through.objects.filter(access.unit_q("unit", *UNIT_ROLES), **in_period)
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


def own_reports(*, user, period: ReportingPeriod) -> list[MyReport]:
    """The reports the user's units owe in the period, for someone who may not see its
    board; 404 when they owe none."""
    mine = my_reports(user=user, period=period)
    if not mine:
        raise Http404(_("Không tìm thấy kỳ báo cáo."))
    return mine


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
    abilities: PeriodAbilities
    pdf_available: bool


def board(*, user, period: ReportingPeriod, today: datetime.date) -> Board:
    """Who must report and how they did, and the tasks by timeliness per area and per unit.
    A fixed number of queries, whatever the number of units and tasks."""
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    abilities = _abilities(access_for(user), period, consolidated)
    if not abilities.can_view_board:
        raise PermissionDenied(_("Chỉ Văn phòng và lãnh đạo xem được bảng theo dõi kỳ báo cáo."))
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
        consolidated=consolidated,
        exports=latest_exports(period, consolidated),
        abilities=abilities,
        pdf_available=documents.pdf_available(),
    )


@dataclass
class Completeness:
    """The dashboard's card: how the units' reports stand today in a plan's current period.
    `counts` are the board's own (`data.report_counts`), None when the user may not see the
    board or the plan has no period."""

    plan: Plan
    period: ReportingPeriod | None
    today: datetime.date
    counts: dict | None

    @property
    def submitted(self) -> int:
        return self.counts["on_time"] + self.counts["late"] if self.counts else 0


def _by_cut_off(period: ReportingPeriod) -> tuple:
    return (period.ends_on, period.due_on, period.pk)


def current_period(periods: list[ReportingPeriod], today: datetime.date) -> ReportingPeriod | None:
    """The period being reported on: the latest whose data window has closed by `today`
    (its reports are due, or late); before any has closed, the next to close."""
    closed = [p for p in periods if p.ends_on <= today]
    return max(closed, key=_by_cut_off) if closed else min(periods, key=_by_cut_off, default=None)


def plan_completeness(*, user, plan_pk: int, today: datetime.date) -> Completeness:
    """The board's report counts for the plan's current period; 404 for a plan the user may
    not read."""
    access = access_for(user)
    plan = Plan.objects.filter(plan_permissions.plan_q(access), pk=plan_pk).first()
    if plan is None:
        raise Http404(_("Không tìm thấy kế hoạch."))
    periods = list(ReportingPeriod.objects.filter(plan=plan).select_related("plan__issuing_unit"))
    period = current_period(periods, today)
    if period is None or not permissions.can_view_board(access, period):
        return Completeness(plan, period, today, None)
    return Completeness(plan, period, today, data.report_counts(data.report_rows(period)))


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


def latest_exports(
    period: ReportingPeriod, consolidated: ConsolidatedReport | None
) -> list[ReportExport]:
    """The newest file request of each format; once the report is approved, only files built
    from the approved data (a draft's file would pass for the approved report)."""
    found = ReportExport.objects.filter(period=period)
    if consolidated is not None and consolidated.status == ConsolidatedStatus.APPROVED:
        found = found.filter(final=True)
    seen: dict[str, ReportExport] = {}
    for export in found.order_by("-final", "-id")[:30]:
        seen.setdefault(export.format, export)
    return [seen[f] for f in ("docx", "xlsx", "pdf") if f in seen]


# --- a unit's report -------------------------------------------------------------------


def areas() -> list[Area]:
    return list(Area.objects.order_by("code"))


def _check_report_reader(access: Access, period: ReportingPeriod, unit: Unit) -> None:
    """A unit's report is read by the unit's own people and by oversight of the plan."""
    if not (
        permissions.can_write_report(access, unit) or permissions.can_view_board(access, period)
    ):
        raise Http404(_("Không tìm thấy báo cáo."))
    if not period.units.filter(pk=unit.pk).exists():
        raise Http404(_("Đơn vị không phải báo cáo kỳ này."))


def unit_get(*, pk: int) -> Unit:
    """A unit by id; what the user may do with its report the services say."""
    return get_object_or_404(Unit, pk=pk)


def report_unit_get(*, user, period: ReportingPeriod, pk: int) -> Unit:
    """A unit that reports in the period, whose report the user may read (else 404)."""
    unit = unit_get(pk=pk)
    _check_report_reader(access_for(user), period, unit)
    return unit


@dataclass(frozen=True)
class UnitReportAbilities:
    """What the user may do on one unit's report; the page shows only what is allowed."""

    can_write: bool  # the unit's people, while it is a draft or returned
    can_submit: bool  # its head (its focal officer where it has none), at the same times
    can_decide: bool  # the office, once it is submitted: accept it or return it


def _report_abilities(
    access: Access, period: ReportingPeriod, unit: Unit, report: UnitReport | None
) -> UnitReportAbilities:
    editable = report is None or report.is_editable
    has_head = permissions.unit_has_head(unit)
    return UnitReportAbilities(
        can_write=permissions.can_write_report(access, unit) and editable,
        can_submit=permissions.can_submit_report(access, unit, has_head=has_head) and editable,
        can_decide=permissions.can_manage_periods(access, period.plan)
        and report is not None
        and report.status == ReportStatus.SUBMITTED,
    )


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
    abilities: UnitReportAbilities
    versions: list[UnitReportVersion] = field(default_factory=list)
    attachments: list = field(default_factory=list)


def unit_report_page(
    *, user, period: ReportingPeriod, unit: Unit, today: datetime.date
) -> UnitReportPage:
    """The unit's report with its live task data as of the window's end. Readable by the
    unit's own people and by oversight of the plan."""
    access = access_for(user)
    _check_report_reader(access, period, unit)
    report = (
        UnitReport.objects.filter(period=period, unit=unit)
        .select_related("updated_by", "decided_by")
        .first()
    )
    as_of = period.as_of(today)
    rows = data.unit_tasks(period, unit, as_of)
    figures = data.unit_figures(rows, as_of)
    blocks = []
    for area in Area.objects.order_by("code"):
        blocks.append(
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
    return UnitReportPage(
        period=period,
        unit=unit,
        report=report,
        as_of=as_of,
        areas=blocks,
        figures=figures,
        abilities=_report_abilities(access, period, unit, report),
        versions=list(report.versions.select_related("submitted_by")) if report else [],
        attachments=list(report.attachments.select_related("uploaded_by")) if report else [],
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


def version_sections(version: UnitReportVersion) -> list[dict]:
    """One submission's text, tasks and counts per area, as it was sent."""
    return [
        {
            "area": area,
            "parts": [(label, version.part(area.code, key)) for key, label in NARRATIVE_PARTS],
            "tasks": [t for t in version.tasks if t["area"] == area.code],
            "counts": version.figures.get("by_area", {}).get(str(area.code)),
        }
        for area in areas()
    ]


def attachment_get(*, user, pk: int) -> UnitReportAttachment:
    attachment = UnitReportAttachment.objects.filter(pk=pk).select_related("report").first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    report_get(user=user, pk=attachment.report_id)
    return attachment


# --- the consolidated report -----------------------------------------------------------


def consolidated_get(
    *, user, period: ReportingPeriod, required: bool = False
) -> ConsolidatedReport | None:
    """The period's consolidated report (None before the office drafts it; 404 then when
    `required`); 403 for who may not read it."""
    if not permissions.can_read_consolidated(access_for(user), period):
        raise PermissionDenied(_("Không có quyền xem báo cáo tổng hợp."))
    report = (
        ConsolidatedReport.objects.filter(period=period)
        .select_related("updated_by", "sent_by", "decided_by", "template")
        .first()
    )
    if report is None and required:
        raise Http404(_("Chưa có báo cáo tổng hợp."))
    return report


@dataclass
class ConsolidatedPage:
    period: ReportingPeriod
    report: ConsolidatedReport | None
    abilities: PeriodAbilities
    areas: list[Area]
    exports: list[ReportExport]
    pdf_available: bool


def consolidated_page(*, user, period: ReportingPeriod) -> ConsolidatedPage:
    report = consolidated_get(user=user, period=period)
    return ConsolidatedPage(
        period=period,
        report=report,
        abilities=_abilities(access_for(user), period, report),
        areas=areas(),
        exports=latest_exports(period, report),
        pdf_available=documents.pdf_available(),
    )


def export_get(*, user, pk: int, ready: bool = False) -> ReportExport:
    """An export request of a period whose consolidated report the user may read; with
    `ready`, only once its file is built (404 before)."""
    found = ReportExport.objects.filter(pk=pk).select_related("period__plan__issuing_unit")
    export = found.first()
    if export is None or not permissions.can_read_consolidated(access_for(user), export.period):
        raise Http404(_("Không tìm thấy tệp báo cáo."))
    if ready and not export.file:
        raise Http404(_("Tệp chưa sẵn sàng."))
    return export


@dataclass
class TemplatesPage:
    period: ReportingPeriod
    unit: Unit  # the plan's issuing unit, whose consolidated reports use the template
    templates: list[ReportTemplate]


def templates_page(*, user, pk: int) -> TemplatesPage:
    period = period_get(user=user, pk=pk)
    unit = period.plan.issuing_unit
    if not permissions.can_manage_templates(access_for(user), unit):
        raise PermissionDenied(_("Chỉ Văn phòng được thay mẫu báo cáo."))
    templates = ReportTemplate.objects.filter(unit=unit).select_related("uploaded_by")
    return TemplatesPage(period=period, unit=unit, templates=list(templates[:20]))


def template_get(*, period: ReportingPeriod, pk: int) -> ReportTemplate:
    """A template of the period's issuing unit (the caller read the period); 404 otherwise."""
    return get_object_or_404(ReportTemplate, pk=pk, unit=period.plan.issuing_unit)


def pdf_available() -> bool:
    """Whether this server can give the consolidated report as PDF (LibreOffice is here)."""
    return documents.pdf_available()


def template_placeholders() -> dict:
    """What the template page lists: the placeholders an office's template may hold."""
    return {"scalars": documents.SCALARS, "lists": documents.LISTS, "blocks": documents.BLOCKS}


def default_template() -> bytes:
    """The built-in layout of the consolidated report as a DOCX template to edit."""
    return documents.default_template()
