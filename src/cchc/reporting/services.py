"""Every write to periods, unit reports, nudges and the consolidated report: permission,
one transaction, one audit event. `actor=None` is the system itself (demo loader)."""

import datetime
import hashlib
import json
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.dates import format_day, format_day_time
from cchc.lib.files import check_upload, store_upload
from cchc.lib.text import person_name
from cchc.orgs.access import access_for
from cchc.orgs.models import Unit
from cchc.plans.models import Area, Plan, PlanStatus, Task, TaskStatus

from . import consolidation, data, permissions, rules
from .models import (
    NARRATIVE_PARTS,
    ConsolidatedReport,
    ConsolidatedStatus,
    ExportFormat,
    ExportStatus,
    PeriodKind,
    ReportExport,
    ReportingPeriod,
    ReportNudge,
    ReportStatus,
    ReportTemplate,
    UnitReport,
    UnitReportAttachment,
    UnitReportVersion,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERIOD_FIELDS = ["kind", "title", "starts_on", "ends_on", "due_on"]
PARTS = [key for key, _label in NARRATIVE_PARTS]


class StaleVersion(ValidationError):
    """A save named an older version than the one stored: someone saved in between.
    `current` is the stored row, so the page can show the newer text."""

    def __init__(self, message: str, current):
        super().__init__(message, code="stale")
        self.current = current


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _system_or(actor, check) -> None:
    """The system (actor None) may do anything; a person needs `check(access)`."""
    if actor is not None:
        _require(check(access_for(actor)), _("Bạn không có quyền thực hiện thao tác này."))


def _name(user) -> str:
    if user is None:
        return "system"
    return person_name(user)


# --- periods ---------------------------------------------------------------------------


def default_units(plan: Plan):
    """Every unit that leads or supports a (not cancelled) task of the plan."""
    through = Task.supporting_units.through
    live = Task.objects.filter(plan=plan).exclude(status=TaskStatus.CANCELLED)
    supports = through.objects.filter(unit_id=OuterRef("pk"), task__in=live)
    return Unit.objects.filter(Q(led_tasks__in=live) | Exists(supports)).distinct()


def _check_window(starts_on, ends_on, due_on) -> None:
    errors = {}
    if starts_on > ends_on:
        errors["ends_on"] = _("Ngày cuối của kỳ số liệu phải sau ngày đầu.")
    if due_on < ends_on:
        errors["due_on"] = _("Hạn gửi báo cáo không được trước ngày chốt số liệu.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def period_open(
    *,
    actor,
    plan: Plan,
    kind: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    title: str = "",
    units=None,
) -> ReportingPeriod:
    """Open a reporting period of a plan. Dates left out follow the national rule
    (rules.default_window); units left out are every unit that leads or supports a task."""
    plan = Plan.objects.select_related("issuing_unit").get(pk=plan.pk)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, plan))
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("Kế hoạch chưa ban hành nên chưa mở được kỳ báo cáo."))
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Kỳ báo cáo không hợp lệ.")})
    window = rules.default_window(kind, plan.year)
    if window is None and not (starts_on and ends_on and due_on):
        raise ValidationError(
            {"starts_on": _("Kỳ báo cáo đột xuất cần ghi rõ thời gian số liệu và hạn gửi.")}
        )
    starts_on = starts_on or window.starts_on
    ends_on = ends_on or window.ends_on
    due_on = due_on or window.due_on
    _check_window(starts_on, ends_on, due_on)
    if kind != PeriodKind.AD_HOC and ReportingPeriod.objects.filter(plan=plan, kind=kind).exists():
        raise ValidationError(
            {"kind": _("Kế hoạch này đã có kỳ báo cáo %(kind)s.") % {"kind": kind_label(kind)}}
        )
    period = ReportingPeriod.objects.create(
        plan=plan,
        kind=kind,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        due_on=due_on,
        created_by=actor,
    )
    unit_list = list(default_units(plan) if units is None else units)
    period.units.set(unit_list)
    changes = {f: [None, getattr(period, f)] for f in PERIOD_FIELDS}
    changes["plan"] = [None, plan.pk]
    changes["units"] = [None, sorted(u.pk for u in unit_list)]
    audit_record(actor=actor, action="period.open", obj=period, changes=changes)
    return period


def kind_label(kind: str) -> str:
    return str(dict(PeriodKind.choices).get(kind, kind))


@transaction.atomic
def period_update(
    *,
    actor,
    period: ReportingPeriod,
    starts_on: datetime.date,
    ends_on: datetime.date,
    due_on: datetime.date,
    title: str = "",
    units=None,
) -> ReportingPeriod:
    """The office changes a period's window, deadline or the units that must report."""
    period = (
        ReportingPeriod.objects.select_for_update()
        .select_related("plan__issuing_unit")
        .get(pk=period.pk)
    )
    _system_or(actor, lambda a: permissions.can_manage_periods(a, period.plan))
    _check_window(starts_on, ends_on, due_on)
    before = snapshot(period, PERIOD_FIELDS)
    before_units = sorted(period.units.values_list("pk", flat=True))
    period.starts_on, period.ends_on, period.due_on = starts_on, ends_on, due_on
    period.title = title.strip()
    period.save()
    changes = diff(period, PERIOD_FIELDS, before)
    if units is not None:
        unit_list = list(units)
        period.units.set(unit_list)
        after_units = sorted(u.pk for u in unit_list)
        if after_units != before_units:
            changes["units"] = [before_units, after_units]
    if changes:
        audit_record(actor=actor, action="period.update", obj=period, changes=changes)
    return period


# --- a unit's report -------------------------------------------------------------------


def _period(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)


def _locked_report(report: UnitReport) -> UnitReport:
    return (
        UnitReport.objects.select_for_update()
        .select_related("period__plan__issuing_unit", "unit")
        .get(pk=report.pk)
    )


@transaction.atomic
def unit_report_open(
    *, actor, period: ReportingPeriod, unit: Unit, today: datetime.date | None = None
) -> UnitReport:
    """The unit's report for the period, created on first opening with a narrative
    prefilled from its tasks as of the window's end (or today, before then)."""
    period = _period(period)
    _system_or(actor, lambda a: permissions.can_write_report(a, unit))
    if not period.units.filter(pk=unit.pk).exists():
        raise ValidationError(_("Đơn vị không thuộc danh sách phải báo cáo kỳ này."))
    existing = UnitReport.objects.filter(period=period, unit=unit).first()
    if existing is not None:
        return existing
    as_of = period.as_of(today or timezone.localdate())
    narrative = data.prefill_narrative(data.unit_tasks(period, unit, as_of))
    report, created = UnitReport.objects.get_or_create(
        period=period, unit=unit, defaults={"narrative": narrative, "updated_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="unit_report.open",
            obj=report,
            changes={"period": [None, period.pk], "unit": [None, unit.pk]},
        )
    return report


def _clean_narrative(narrative: dict) -> dict:
    codes = {str(c) for c in Area.objects.values_list("code", flat=True)}
    out = {}
    for code, parts in (narrative or {}).items():
        if str(code) not in codes:
            continue
        cleaned = {p: (parts.get(p) or "").strip() for p in PARTS if (parts.get(p) or "").strip()}
        if cleaned:
            out[str(code)] = cleaned
    return out


def _apply_content(report: UnitReport, actor, narrative, proposals, next_tasks) -> dict:
    """Write the text into the report; return the audit changes (nothing when unchanged)."""
    changes = {}
    new = {
        "narrative": _clean_narrative(narrative) if narrative is not None else report.narrative,
        "proposals": (proposals if proposals is not None else report.proposals).strip(),
        "next_tasks": (next_tasks if next_tasks is not None else report.next_tasks).strip(),
    }
    for field, value in new.items():
        if getattr(report, field) != value:
            changes[field] = [getattr(report, field), value]
            setattr(report, field, value)
    if changes:
        report.version += 1
        report.updated_by = actor
        report.updated_at = timezone.now()
    return changes


def _stale_message(report: UnitReport) -> str:
    when = format_day_time(report.updated_at)
    return _(
        "Báo cáo vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. Bản mới nhất hiện "
        "bên dưới; hãy đối chiếu rồi lưu lại."
    ) % {"who": _name(report.updated_by), "when": when}


@transaction.atomic
def unit_report_save(
    *,
    actor,
    period: ReportingPeriod,
    unit: Unit,
    expected_version: int,
    narrative: dict,
    proposals: str = "",
    next_tasks: str = "",
    today: datetime.date | None = None,
) -> UnitReport:
    """Save the draft. `expected_version` is the version the writer loaded; if someone saved
    since, nothing is written and StaleVersion carries the newer report."""
    report = UnitReport.objects.filter(period=period, unit=unit).first()
    if report is None:
        report = unit_report_open(actor=actor, period=period, unit=unit, today=today)
    report = _locked_report(report)
    _system_or(actor, lambda a: permissions.can_write_report(a, report.unit))
    if not report.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )
    if report.version != expected_version:
        raise StaleVersion(_stale_message(report), report)
    changes = _apply_content(report, actor, narrative, proposals, next_tasks)
    if changes:
        report.save()
        audit_record(actor=actor, action="unit_report.save", obj=report, changes=changes)
    return report


def _attachment_list(report: UnitReport) -> list[dict]:
    return [
        {"id": a.pk, "name": a.original_name, "sha256": a.sha256, "size": a.size}
        for a in report.attachments.all()
    ]


@transaction.atomic
def unit_report_submit(
    *,
    actor,
    report: UnitReport,
    expected_version: int,
    narrative: dict | None = None,
    proposals: str | None = None,
    next_tasks: str | None = None,
    now: datetime.datetime | None = None,
) -> UnitReportVersion:
    """Submit the report (saving the given text first), freezing text, figures and task data
    into a new version. A repeat naming the same `expected_version` (a double click, a retry)
    returns the submission already made instead of making another."""
    report = _locked_report(report)
    has_head = permissions.unit_has_head(report.unit)
    _system_or(actor, lambda a: permissions.can_submit_report(a, report.unit, has_head=has_head))
    done = report.versions.filter(based_on_version=expected_version).first()
    if done is not None:
        return done
    if not report.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không gửi lại được.")
            % {"status": report.get_status_display()}
        )
    if report.version != expected_version:
        raise StaleVersion(_stale_message(report), report)
    changes = _apply_content(report, actor, narrative, proposals, next_tasks)
    now = now or timezone.now()
    period = report.period
    as_of = period.as_of(timezone.localdate(now))
    rows = data.unit_tasks(period, report.unit, as_of)
    version = UnitReportVersion.objects.create(
        report=report,
        number=report.versions.count() + 1,
        based_on_version=expected_version,
        narrative=report.narrative,
        proposals=report.proposals,
        next_tasks=report.next_tasks,
        figures=data.unit_figures(rows, as_of),
        tasks=rows,
        attachments=_attachment_list(report),
        submitted_by=actor,
        submitted_by_name=_name(actor),
        submitted_at=now,
    )
    before_status = report.status
    report.status = ReportStatus.SUBMITTED
    report.first_submitted_at = report.first_submitted_at or now
    report.last_submitted_at = now
    report.version += 1
    report.save()
    changes["status"] = [before_status, report.status]
    changes["version"] = [None, version.number]
    audit_record(actor=actor, action="unit_report.submit", obj=report, changes=changes)
    return version


@transaction.atomic
def unit_report_return(*, actor, report: UnitReport, comment: str) -> UnitReport:
    """The office sends a submitted report back, saying what to fix."""
    report = _locked_report(report)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đã gửi và chưa tiếp nhận."))
    if not comment.strip():
        raise ValidationError({"comment": _("Cần ghi rõ nội dung đơn vị phải sửa.")})
    report.status = ReportStatus.RETURNED
    report.return_comment = comment.strip()
    report.decided_by, report.decided_at = actor, timezone.now()
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="unit_report.return",
        obj=report,
        changes={"status": [ReportStatus.SUBMITTED, report.status], "comment": [None, comment]},
    )
    return report


@transaction.atomic
def unit_report_accept(*, actor, report: UnitReport) -> UnitReport:
    """The office accepts the last submission; it is what the consolidated report uses.
    Accepting an accepted report again changes nothing."""
    report = _locked_report(report)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if report.status == ReportStatus.ACCEPTED:
        return report
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận được báo cáo đã gửi."))
    latest = report.versions.order_by("-number").first()
    report.status = ReportStatus.ACCEPTED
    report.accepted_version = latest
    report.decided_by, report.decided_at = actor, timezone.now()
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="unit_report.accept",
        obj=report,
        changes={"status": [ReportStatus.SUBMITTED, report.status], "version": [None, latest.pk]},
    )
    return report


@transaction.atomic
def unit_report_attach(
    *, actor: "User | None", report: UnitReport, file: UploadedFile, description: str = ""
) -> UnitReportAttachment:
    """Attach an evidence file to a report being written."""
    report = _locked_report(report)
    _system_or(actor, lambda a: permissions.can_write_report(a, report.unit))
    if not report.is_editable:
        raise ValidationError(_("Báo cáo đã gửi, không đính kèm thêm được."))
    check_upload(file)
    attachment = UnitReportAttachment(
        report=report, description=description.strip(), uploaded_by=actor
    )
    store_upload(attachment, file)
    attachment.save()
    audit_record(
        actor=actor,
        action="unit_report.attach",
        obj=attachment,
        changes={
            "report": [None, report.pk],
            "name": [None, attachment.original_name],
            "sha256": [None, attachment.sha256],
        },
    )
    return attachment


@transaction.atomic
def report_nudge(
    *, actor, period: ReportingPeriod, units=None, message: str = ""
) -> list[ReportNudge]:
    """Record a nudge to each unit that has not submitted yet (all of them when `units` is
    None). Units that have submitted are skipped. The reminders part delivers them."""
    period = _period(period)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, period.plan))
    wanted = None if units is None else {u.pk for u in units}
    missing = [
        row["unit"]
        for row in data.report_rows(period)
        if row["submission"] == data.MISSING and (wanted is None or row["unit_id"] in wanted)
    ]
    text = message.strip() or _(
        "Đề nghị đơn vị gửi báo cáo kết quả thực hiện công tác cải cách hành chính "
        "%(period)s trước ngày %(due)s."
    ) % {"period": period.title_phrase, "due": format_day(period.due_on)}
    nudges = ReportNudge.objects.bulk_create(
        [ReportNudge(period=period, unit=unit, message=text, sent_by=actor) for unit in missing]
    )
    for nudge in nudges:
        audit_record(
            actor=actor,
            action="report.nudge",
            object_type="reporting.reportnudge",
            object_id=nudge.pk or "",
            changes={"period": [None, period.pk], "unit": [None, nudge.unit_id]},
        )
    return nudges


# --- the consolidated report -----------------------------------------------------------

CONSOLIDATED_FIELDS = [
    "document_number",
    "issued_on",
    "place",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
]


def _locked_consolidated(report: ConsolidatedReport) -> ConsolidatedReport:
    return (
        ConsolidatedReport.objects.select_for_update()
        .select_related("period__plan__issuing_unit")
        .get(pk=report.pk)
    )


@transaction.atomic
def consolidated_open(
    *, actor, period: ReportingPeriod, today: datetime.date | None = None
) -> ConsolidatedReport:
    """The period's consolidated report, created on first use with a narrative generated
    from the accepted unit reports and the task data."""
    period = _period(period)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, period.plan))
    existing = ConsolidatedReport.objects.filter(period=period).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    report, created = ConsolidatedReport.objects.get_or_create(
        period=period,
        defaults={
            "narrative": consolidation.default_narrative(period, today),
            "recipients": consolidation.default_recipients(period),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="consolidated.open",
            obj=report,
            changes={"period": [None, period.pk]},
        )
    return report


def _check_consolidated_editable(report: ConsolidatedReport, expected_version: int) -> None:
    if not report.is_editable:
        raise ValidationError(
            _("Báo cáo tổng hợp đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )
    if report.version != expected_version:
        when = format_day_time(report.updated_at)
        raise StaleVersion(
            _(
                "Báo cáo tổng hợp vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. "
                "Bản mới nhất hiện bên dưới; hãy đối chiếu rồi lưu lại."
            )
            % {"who": _name(report.updated_by), "when": when},
            report,
        )


@transaction.atomic
def consolidated_save(
    *, actor, report: ConsolidatedReport, expected_version: int, narrative: dict, **fields
) -> ConsolidatedReport:
    """The office edits the generated narrative and the document's particulars."""
    report = _locked_consolidated(report)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    _check_consolidated_editable(report, expected_version)
    unknown = set(fields) - set(CONSOLIDATED_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    before = snapshot(report, CONSOLIDATED_FIELDS)
    keys = consolidation.narrative_keys()
    cleaned = {k: (narrative.get(k) or "").strip() for k in keys if k in narrative}
    new_narrative = {**report.narrative, **cleaned}
    changes = {}
    if new_narrative != report.narrative:
        changes["narrative"] = [
            {k: report.narrative.get(k) for k in cleaned},
            {k: cleaned[k] for k in cleaned},
        ]
        report.narrative = new_narrative
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    changes |= diff(report, CONSOLIDATED_FIELDS, before)
    if changes:
        report.version += 1
        report.updated_by, report.updated_at = actor, timezone.now()
        report.save()
        audit_record(actor=actor, action="consolidated.save", obj=report, changes=changes)
    return report


@transaction.atomic
def consolidated_regenerate(
    *, actor, report: ConsolidatedReport, expected_version: int, today: datetime.date | None = None
) -> ConsolidatedReport:
    """Replace the narrative with one generated afresh from the accepted unit reports."""
    report = _locked_consolidated(report)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    _check_consolidated_editable(report, expected_version)
    report.narrative = consolidation.default_narrative(report.period, today or timezone.localdate())
    report.version += 1
    report.updated_by, report.updated_at = actor, timezone.now()
    report.save()
    audit_record(
        actor=actor, action="consolidated.regenerate", obj=report, changes={"narrative": True}
    )
    return report


@transaction.atomic
def consolidated_send(*, actor, report: ConsolidatedReport) -> ConsolidatedReport:
    """The office sends the draft to the leader for approval."""
    report = _locked_consolidated(report)
    _system_or(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if report.status == ConsolidatedStatus.SENT:
        return report
    if not report.is_editable:
        raise ValidationError(_("Báo cáo tổng hợp đã được phê duyệt."))
    before = report.status
    report.status = ConsolidatedStatus.SENT
    report.sent_by, report.sent_at = actor, timezone.now()
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="consolidated.send",
        obj=report,
        changes={"status": [before, report.status]},
    )
    return report


@transaction.atomic
def consolidated_return(*, actor, report: ConsolidatedReport, comment: str) -> ConsolidatedReport:
    """The leader sends the draft back to the office with a comment."""
    report = _locked_consolidated(report)
    _system_or(actor, lambda a: permissions.can_approve_consolidated(a, report.period))
    if report.status != ConsolidatedStatus.SENT:
        raise ValidationError(_("Chỉ trả lại được báo cáo đã trình."))
    if not comment.strip():
        raise ValidationError({"comment": _("Cần ghi ý kiến khi trả lại.")})
    report.status = ConsolidatedStatus.RETURNED
    report.return_comment = comment.strip()
    report.decided_by, report.decided_at = actor, timezone.now()
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="consolidated.return",
        obj=report,
        changes={"status": [ConsolidatedStatus.SENT, report.status], "comment": [None, comment]},
    )
    return report


def active_template(unit: Unit) -> ReportTemplate | None:
    return ReportTemplate.objects.filter(unit=unit, is_active=True).first()


@transaction.atomic
def consolidated_approve(
    *,
    actor,
    report: ConsolidatedReport,
    document_number: str,
    issued_on: datetime.date,
) -> ConsolidatedReport:
    """The leader approves: the document's every input is frozen with its number and date,
    and the final DOCX and XLSX are generated in the background."""
    report = _locked_consolidated(report)
    _system_or(actor, lambda a: permissions.can_approve_consolidated(a, report.period))
    if report.status != ConsolidatedStatus.SENT:
        raise ValidationError(_("Chỉ phê duyệt được báo cáo đã trình."))
    if not document_number.strip():
        raise ValidationError({"document_number": _("Cần ghi số, ký hiệu của báo cáo.")})
    report.document_number = document_number.strip()
    report.issued_on = issued_on
    report.template = active_template(report.period.plan.issuing_unit)
    frozen = consolidation.document_data(report.period, report, today=issued_on)
    report.approved_data = frozen
    report.approved_hash = consolidation.data_hash(frozen)
    report.status = ConsolidatedStatus.APPROVED
    report.decided_by, report.decided_at = actor, timezone.now()
    report.version += 1
    report.save()
    audit_record(
        actor=actor,
        action="consolidated.approve",
        obj=report,
        changes={
            "status": [ConsolidatedStatus.SENT, report.status],
            "document_number": [None, report.document_number],
            "issued_on": [None, issued_on],
            "hash": [None, report.approved_hash],
        },
    )
    for fmt in (ExportFormat.DOCX, ExportFormat.XLSX):
        _queue_export(actor=actor, period=report.period, fmt=fmt, final=True)
    return report


@transaction.atomic
def template_upload(*, actor, unit: Unit, name: str, file: UploadedFile) -> ReportTemplate:
    """The office replaces the consolidated report's layout with its own DOCX template; the
    previous template stays stored (approved reports name the one they used)."""
    from . import documents

    _system_or(actor, lambda a: a.covers(unit.path, "office"))
    check_upload(file)
    content = file.read()
    file.seek(0)
    problems = documents.check_template(content)
    if problems:
        raise ValidationError({"file": problems})
    ReportTemplate.objects.filter(unit=unit, is_active=True).update(is_active=False)
    template = ReportTemplate(
        unit=unit,
        name=name.strip() or file.name,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    template.file.save(file.name, file, save=False)
    template.save()
    audit_record(
        actor=actor,
        action="report_template.upload",
        obj=template,
        changes={"unit": [None, unit.pk], "sha256": [None, template.sha256]},
    )
    return template


@transaction.atomic
def template_deactivate(*, actor, template: ReportTemplate) -> ReportTemplate:
    """Go back to the built-in layout."""
    template = ReportTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
    _system_or(actor, lambda a: a.covers(template.unit.path, "office"))
    if template.is_active:
        template.is_active = False
        template.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="report_template.deactivate",
            obj=template,
            changes={"is_active": [True, False]},
        )
    return template


# --- generating the files --------------------------------------------------------------


def _queue_export(*, actor, period: ReportingPeriod, fmt: str, final: bool) -> ReportExport:
    export = ReportExport.objects.create(
        period=period, format=fmt, final=final, requested_by=actor, stage=_("Đang chờ xử lý")
    )
    audit_record(
        actor=actor,
        action="report_export.request",
        obj=export,
        changes={"period": [None, period.pk], "format": [None, fmt], "final": [None, final]},
    )

    def enqueue() -> None:
        from .tasks import generate_report_file

        result = generate_report_file.enqueue(export.pk)
        ReportExport.objects.filter(pk=export.pk, task_result_id="").update(
            task_result_id=str(result.id)[:64]
        )

    transaction.on_commit(enqueue)
    return export


@transaction.atomic
def export_request(*, actor, period: ReportingPeriod, fmt: str) -> ReportExport:
    """Ask for the consolidated report's file; a background task builds it. Once the report
    is approved, the file is built from the approved, frozen data."""
    period = _period(period)
    _system_or(actor, lambda a: permissions.can_read_consolidated(a, period))
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Định dạng không hợp lệ.")})
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    final = consolidated is not None and consolidated.status == ConsolidatedStatus.APPROVED
    if not final:
        # Only the office drafts; everyone else reads what the leader approved.
        _system_or(actor, lambda a: permissions.can_manage_periods(a, period.plan))
        if consolidated is None:
            consolidated_open(actor=actor, period=period)
    return _queue_export(actor=actor, period=period, fmt=fmt, final=final)


def _progress(export_id: int, progress: int, stage: str, **extra) -> None:
    # Progress is bookkeeping for the page that polls, written at once (outside the
    # final transaction) so the page sees it while the work goes on.
    ReportExport.objects.filter(pk=export_id).update(progress=progress, stage=stage, **extra)


def export_run(*, export_id: int, today: datetime.date | None = None) -> ReportExport:
    """Build the file of one export request (run by the background task). A file already
    built from identical inputs is reused: the same inputs give the same bytes."""
    from django.core.files.base import ContentFile

    from . import documents

    export = ReportExport.objects.select_related("period__plan__issuing_unit").get(pk=export_id)
    if export.status == ExportStatus.DONE:
        return export
    _progress(export.pk, 5, _("Đang tổng hợp số liệu"), status=ExportStatus.RUNNING)
    try:
        period = export.period
        consolidated = ConsolidatedReport.objects.filter(period=period).first()
        if export.final and consolidated is not None and consolidated.approved_data:
            payload = consolidated.approved_data
            template = consolidated.template
        else:
            payload = consolidation.document_data(
                period, consolidated, today=today or timezone.localdate()
            )
            template = active_template(period.plan.issuing_unit)
        template_bytes = None
        if template is not None and export.format != ExportFormat.XLSX:
            with template.file.open("rb") as fh:
                template_bytes = fh.read()
        input_hash = hashlib.sha256(
            json.dumps(
                [consolidation.data_hash(payload), export.format, template and template.sha256]
            ).encode()
        ).hexdigest()
        same = (
            ReportExport.objects.filter(
                period=period,
                format=export.format,
                input_hash=input_hash,
                status=ExportStatus.DONE,
            )
            .exclude(file="")
            .first()
        )
        filename = consolidation.filename(payload, export.format)
        if same is not None:
            content = None
        else:
            content = documents.render(
                payload,
                export.format,
                template=template_bytes,
                on_progress=lambda pct, stage: _progress(export.pk, pct, stage),
            )
        with transaction.atomic():
            export = ReportExport.objects.select_for_update().get(pk=export.pk)
            if same is not None:
                export.file.name = same.file.name
            else:
                export.file.save(
                    f"{input_hash[:16]}.{export.format}", ContentFile(content), save=False
                )
            export.filename = filename
            export.input_hash = input_hash
            export.status = ExportStatus.DONE
            export.progress = 100
            export.stage = _("Đã xong")
            export.finished_at = timezone.now()
            export.save()
            audit_record(
                actor=export.requested_by,
                action="report_export.done",
                obj=export,
                changes={"hash": [None, input_hash], "reused": [None, same is not None]},
            )
    except documents.PdfUnavailable as exc:
        _fail(export.pk, str(exc))
    except Exception as exc:
        _fail(export.pk, _("Lỗi khi tạo tệp: %(error)s") % {"error": exc})
        raise
    export.refresh_from_db()
    return export


def _fail(export_id: int, message: str) -> None:
    with transaction.atomic():
        ReportExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            error=message,
            stage=_("Không tạo được"),
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action="report_export.failed",
            object_type="reporting.reportexport",
            object_id=export_id,
            changes={"error": [None, message]},
        )
