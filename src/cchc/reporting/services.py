"""Every write to periods, units' reports, nudges and the consolidated report's templates:
permission, one transaction, one audit event. `actor=None` is the system itself (demo
loader). The consolidated report's own writes are in consolidated.py."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.audit.services import audit_record, diff, snapshot
from cchc.documents import consolidated as documents
from cchc.lib.dates import format_day
from cchc.lib.files import check_upload, store_upload
from cchc.lib.office_files import OfficeFileRefused, office_file_kind
from cchc.lib.refusals import WrongState
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify_many
from cchc.orgs.models import Unit
from cchc.orgs.selectors import unit_contacts
from cchc.plans.models import Area, Plan, PlanStatus, SupportingUnit, Task, TaskStatus

from . import data, permissions, rules
from .models import (
    NARRATIVE_PARTS,
    PeriodKind,
    ReportingPeriod,
    ReportNudge,
    ReportStatus,
    ReportTemplate,
    UnitReport,
    UnitReportAttachment,
    UnitReportVersion,
)
from .workflow import (
    UNIT_REPORT_ACCEPT,
    UNIT_REPORT_RETURN,
    UNIT_REPORT_SUBMIT,
    actor_name,
    authorize,
    check_version,
    reload_period,
    send_back,
    transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERIOD_FIELDS = ["kind", "title", "starts_on", "ends_on", "due_on"]
PARTS = [key for key, _label in NARRATIVE_PARTS]


# --- periods ---------------------------------------------------------------------------


def default_units(plan: Plan) -> QuerySet[Unit]:
    """Every unit that leads or supports a (not cancelled) task of the plan."""
    live = Task.objects.filter(plan=plan).exclude(status=TaskStatus.CANCELLED)
    supports = SupportingUnit.objects.filter(unit_id=OuterRef("pk"), plan=plan, task__in=live)
    return Unit.objects.filter(Q(led_tasks__in=live) | Exists(supports)).distinct()


def _check_window(starts_on: datetime.date, ends_on: datetime.date, due_on: datetime.date) -> None:
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
    actor: User | None,
    plan: Plan,
    kind: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    title: str = "",
    units: Iterable[Unit] | None = None,
) -> ReportingPeriod:
    """Open a reporting period of a plan. Dates left out follow the national rule
    (rules.default_window); units left out are every unit that leads or supports a task."""
    plan = Plan.objects.select_related("issuing_unit").get(pk=plan.pk)
    authorize(actor, lambda a: permissions.can_manage_periods(a, plan))
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("Kế hoạch chưa ban hành nên chưa mở được kỳ báo cáo."))
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Kỳ báo cáo không hợp lệ.")})
    if not (starts_on and ends_on and due_on):
        window = rules.default_window(kind, plan.year)
        if window is None:
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
    actor: User | None,
    period: ReportingPeriod,
    starts_on: datetime.date,
    ends_on: datetime.date,
    due_on: datetime.date,
    title: str = "",
    units: Iterable[Unit] | None = None,
) -> ReportingPeriod:
    """The office changes a period's window, deadline or the units that must report."""
    period = (
        ReportingPeriod.objects.select_for_update()
        .select_related("plan__issuing_unit")
        .get(pk=period.pk)
    )
    authorize(actor, lambda a: permissions.can_manage_periods(a, period.plan))
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


def _locked_report(report: UnitReport) -> UnitReport:
    return (
        UnitReport.objects.select_for_update()
        .select_related("period__plan__issuing_unit", "unit")
        .get(pk=report.pk)
    )


@transaction.atomic
def unit_report_open(
    *, actor: User | None, period: ReportingPeriod, unit: Unit, today: datetime.date | None = None
) -> UnitReport:
    """The unit's report for the period, created on first opening with a narrative
    prefilled from its tasks as of the window's end (or today, before then)."""
    period = reload_period(period)
    authorize(actor, lambda a: permissions.can_write_report(a, unit))
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


def _apply_content(
    report: UnitReport,
    actor: User | None,
    narrative: dict | None,
    proposals: str | None,
    next_tasks: str | None,
) -> dict[str, Any]:
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


STALE = gettext_lazy(
    "Báo cáo vừa được %(who)s lưu lúc %(when)s, sau khi bạn mở trang. Bản mới nhất hiện "
    "bên dưới; hãy đối chiếu rồi lưu lại."
)


@transaction.atomic
def unit_report_save(
    *,
    actor: User | None,
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
    authorize(actor, lambda a: permissions.can_write_report(a, report.unit))
    if not report.is_editable:
        raise WrongState(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )
    check_version(report, expected_version, STALE)
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
    actor: User | None,
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
    authorize(actor, lambda a: permissions.can_submit_report(a, report.unit, has_head=has_head))
    done = report.versions.filter(based_on_version=expected_version).first()
    if done is not None:
        return done
    with transition(report, UNIT_REPORT_SUBMIT, actor=actor) as changes:
        check_version(report, expected_version, STALE)
        changes |= _apply_content(report, actor, narrative, proposals, next_tasks)
        version = _freeze(report, actor, expected_version, now or timezone.now())
        report.first_submitted_at = report.first_submitted_at or version.submitted_at
        report.last_submitted_at = version.submitted_at
        changes["version"] = [None, version.number]
    return version


def _freeze(
    report: UnitReport, actor: User | None, expected_version: int, now: datetime.datetime
) -> UnitReportVersion:
    """The submission: the report's text, figures and task data as of the cut-off."""
    as_of = report.period.as_of(timezone.localdate(now))
    rows = data.unit_tasks(report.period, report.unit, as_of)
    return UnitReportVersion.objects.create(
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
        submitted_by_name=actor_name(actor),
        submitted_at=now,
    )


@transaction.atomic
def unit_report_return(*, actor: User | None, report: UnitReport, comment: str) -> UnitReport:
    """The office sends a submitted report back, saying what to fix."""
    report = _locked_report(report)
    authorize(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    missing = _("Cần ghi rõ nội dung đơn vị phải sửa.")
    return send_back(report, UNIT_REPORT_RETURN, actor=actor, comment=comment, missing=missing)


@transaction.atomic
def unit_report_accept(*, actor: User | None, report: UnitReport) -> UnitReport:
    """The office accepts the last submission; it is what the consolidated report uses.
    Accepting an accepted report again changes nothing."""
    report = _locked_report(report)
    authorize(actor, lambda a: permissions.can_manage_periods(a, report.period.plan))
    if report.status == ReportStatus.ACCEPTED:
        return report
    with transition(report, UNIT_REPORT_ACCEPT, actor=actor) as changes:
        report.accepted_version = report.versions.latest("number")
        report.decided_by, report.decided_at = actor, timezone.now()
        changes["version"] = [None, report.accepted_version.pk]
    return report


@transaction.atomic
def unit_report_attach(
    *, actor: User | None, report: UnitReport, file: UploadedFile, description: str = ""
) -> UnitReportAttachment:
    """Attach an evidence file to a report being written."""
    report = _locked_report(report)
    authorize(actor, lambda a: permissions.can_write_report(a, report.unit))
    if not report.is_editable:
        raise WrongState(_("Báo cáo đã gửi, không đính kèm thêm được."))
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
    *,
    actor: User | None,
    period: ReportingPeriod,
    units: Iterable[Unit] | None = None,
    message: str = "",
) -> list[ReportNudge]:
    """Nudge each unit that has not submitted yet (all of them when `units` is None): the
    nudge is recorded and its focal officers and head are notified. Units that have
    submitted are skipped."""
    period = reload_period(period)
    authorize(actor, lambda a: permissions.can_manage_periods(a, period.plan))
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
    contacts = unit_contacts(units=missing)
    sends = []
    for nudge in nudges:
        audit_record(
            actor=actor,
            action="report.nudge",
            object_type="reporting.reportnudge",
            object_id=nudge.pk or "",
            changes={"period": [None, period.pk], "unit": [None, nudge.unit_id]},
        )
        notice = Message(
            kind=Kind.NUDGE,
            title=_("Đôn đốc gửi báo cáo %(period)s") % {"period": period.title_phrase},
            body=text,
            url=reverse("reporting:unit-report", args=[period.pk, nudge.unit_id]),
            unit=nudge.unit,
        )
        sends.append((contacts[nudge.unit_id], notice))
    notify_many(actor=actor, sends=sends)
    return nudges


@transaction.atomic
def template_upload(
    *, actor: User | None, unit: Unit, name: str, file: UploadedFile
) -> ReportTemplate:
    """The office replaces the consolidated report's layout with its own DOCX template; the
    previous template stays stored (approved reports name the one they used)."""
    authorize(actor, lambda a: permissions.can_manage_templates(a, unit))
    check_upload(file)
    content = file.read()
    file.seek(0)
    filename = file.name or ""  # an upload without a name is refused as not a .docx
    try:  # the plan import's checks first: a zip bomb must not reach python-docx
        office_file_kind(
            content,
            filename,
            max_bytes=settings.CCHC_IMPORT_MAX_MB * 1024 * 1024,
            allowed=(".docx",),
        )
    except OfficeFileRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    problems = documents.check_template(content)
    if problems:
        raise ValidationError({"file": problems})
    ReportTemplate.objects.filter(unit=unit, is_active=True).update(is_active=False)
    template = ReportTemplate(
        unit=unit,
        name=name.strip() or filename,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    template.file.save(filename, file, save=False)
    template.save()
    audit_record(
        actor=actor,
        action="report_template.upload",
        obj=template,
        changes={"unit": [None, unit.pk], "sha256": [None, template.sha256]},
    )
    return template


@transaction.atomic
def template_deactivate(*, actor: User | None, template: ReportTemplate) -> ReportTemplate:
    """Go back to the built-in layout."""
    template = ReportTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
    authorize(actor, lambda a: permissions.can_manage_templates(a, template.unit))
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
