"""Every write of inspections: the office plans the year's inspections and orders each one
(decision, team, scope); the team checks and records findings; the inspected unit answers
each finding with what it did; the office (or the team head) accepts or reopens it; the
inspection closes when its last finding does."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.dates import format_day
from cchc.lib.files import check_upload, store_upload
from cchc.lib.refusals import WrongState
from cchc.lib.text import person_name
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit
from cchc.orgs.selectors import unit_contacts
from cchc.plans.models import Area, Task

from .models import (
    AnswerOutcome,
    ChecklistItem,
    ChecklistResult,
    Finding,
    FindingAnswer,
    FindingFile,
    FindingStatus,
    Inspection,
    InspectionMember,
    InspectionPlan,
    InspectionStatus,
)

PLAN_FIELDS = ["number", "issued_on", "note"]
FIELDS = ["unit", "decision_number", "decision_date", "starts_on", "ends_on", "note"]
FINDING_FIELDS = [
    "description",
    "area",
    "severity",
    "recommendation",
    "deadline",
    "responsible_unit",
]
# Who answers a finding for its unit: the people its notices go to.
ANSWER_ROLES = (Role.FOCAL, Role.UNIT_HEAD)
# Those who read every inspection of their branch without running it.
READ_ROLES = (Role.OFFICE, Role.LEADER, Role.APPRAISER, Role.VIEWER)


# --- who may do what ---------------------------------------------------------------------


def can_plan(user: User, unit: Unit) -> bool:
    """The office of a branch plans and orders its inspections."""
    return access_for(user).covers(unit.path, Role.OFFICE)


def is_office(user: User, inspection: Inspection) -> bool:
    return can_plan(user, inspection.plan.issuing_unit)


def member_of(user: User, inspection: Inspection) -> InspectionMember | None:
    return next((m for m in inspection.members.all() if m.user_id == user.pk), None)


def can_edit(user: User, inspection: Inspection) -> bool:
    """The decision, dates, team and scope: the office, until the inspection is concluded."""
    open_ = inspection.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)
    return open_ and is_office(user, inspection)


def can_lead(user: User, inspection: Inspection) -> bool:
    """Start, conclude, accept or reopen answers: the office or the team head."""
    member = member_of(user, inspection)
    return is_office(user, inspection) or bool(member and member.is_head)


def can_work(user: User, inspection: Inspection) -> bool:
    """The checklist and the findings: the office and the team, while inspecting."""
    if inspection.status != InspectionStatus.IN_PROGRESS:
        return False
    return is_office(user, inspection) or member_of(user, inspection) is not None


def answers_for(user: User, finding: Finding) -> bool:
    """The person is of the unit that must fix the finding: its focal officers, its head."""
    return access_for(user).covers(finding.responsible_unit.path, *ANSWER_ROLES)


def _live(finding: Finding) -> bool:
    return finding.inspection.status in (InspectionStatus.IN_PROGRESS, InspectionStatus.CONCLUDED)


def can_answer(user: User, finding: Finding) -> bool:
    """The responsible unit's focal officers and head answer an open finding."""
    return _live(finding) and finding.status == FindingStatus.OPEN and answers_for(user, finding)


def answer_check(*, actor: User, finding: Finding) -> None:
    """Refuse an answer: PermissionDenied to a person not of the responsible unit,
    WrongState while the finding does not wait for one (answered, closed)."""
    _refuse(answers_for(actor, finding), _("Chỉ đơn vị khắc phục trả lời kiến nghị đang mở."))
    if finding.status != FindingStatus.OPEN:
        raise WrongState(
            _("Kiến nghị đang ở trạng thái “%(status)s”, không trả lời được nữa.")
            % {"status": finding.get_status_display()}
        )
    if not _live(finding):
        raise WrongState(
            _("Cuộc kiểm tra đang ở trạng thái “%(status)s”, không trả lời kiến nghị được.")
            % {"status": finding.inspection.get_status_display()}
        )


def can_decide(user: User, finding: Finding) -> bool:
    return finding.status == FindingStatus.ANSWERED and can_lead(user, finding.inspection)


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the year's plan ---------------------------------------------------------------------


@transaction.atomic
def inspection_plan_create(
    *, actor: User, issuing_unit: Unit, year: int, values: dict
) -> InspectionPlan:
    _refuse(can_plan(actor, issuing_unit), _("Chỉ Văn phòng được lập kế hoạch kiểm tra."))
    if InspectionPlan.objects.filter(issuing_unit=issuing_unit, year=year).exists():
        raise ValidationError({"year": _("Năm %(year)d đã có kế hoạch kiểm tra.") % {"year": year}})
    plan = InspectionPlan(issuing_unit=issuing_unit, year=year, created_by=actor)
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    plan.full_clean()
    plan.save()
    changes = {"year": [None, year]} | {n: [None, getattr(plan, n)] for n in PLAN_FIELDS}
    audit_record(actor=actor, action="inspection_plan.create", obj=plan, changes=changes)
    return plan


@transaction.atomic
def inspection_plan_update(*, actor: User, plan: InspectionPlan, values: dict) -> InspectionPlan:
    _refuse(can_plan(actor, plan.issuing_unit), _("Chỉ Văn phòng được sửa kế hoạch kiểm tra."))
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    before = snapshot(plan, PLAN_FIELDS)
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    plan.full_clean()
    plan.save()
    changes = diff(plan, PLAN_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="inspection_plan.update", obj=plan, changes=changes)
    return plan


# --- an inspection: particulars, scope and checklist ---------------------------------------


def task_q(unit: Unit) -> Q:
    """Tasks the unit (or a unit below it) leads or supports."""
    return Q(lead_unit__path__startswith=unit.path) | Q(
        supporting_units__path__startswith=unit.path
    )


def _check_scope(plan: InspectionPlan, unit: Unit, tasks: Iterable[Task]) -> None:
    if unit.pk == plan.issuing_unit_id or not unit.path.startswith(plan.issuing_unit.path):
        raise ValidationError(
            {"unit": _("Chỉ kiểm tra được đơn vị thuộc %(unit)s.") % {"unit": plan.issuing_unit}}
        )
    ids = {t.pk for t in tasks}
    allowed = set(Task.objects.filter(task_q(unit), pk__in=ids).values_list("pk", flat=True))
    if ids - allowed:
        raise ValidationError(
            {"tasks": _("Chỉ chọn nhiệm vụ mà %(unit)s chủ trì hoặc phối hợp.") % {"unit": unit}}
        )


def _sync_checklist(inspection: Inspection) -> None:
    """One line per area and per chosen task of the scope: lines for what left the scope go
    unless the team already wrote on them; lines for what came in are added at the end."""
    areas = {a.pk: a for a in inspection.areas.all()}
    tasks = {t.pk: t for t in inspection.tasks.select_related("area")}
    items = list(inspection.checklist.all())
    stale = [
        i.pk
        for i in items
        if (i.area_id and i.area_id not in areas) or (i.task_id and i.task_id not in tasks)
        if not i.result and not i.note
    ]
    ChecklistItem.objects.filter(pk__in=stale).delete()
    have_areas = {i.area_id for i in items if i.area_id}
    have_tasks = {i.task_id for i in items if i.task_id}
    order = max((i.order for i in items), default=0)
    new = []
    for area in sorted(areas.values(), key=lambda a: a.code):
        if area.pk not in have_areas:
            order += 1
            text = _("%(code)s. %(name)s") % {"code": area.code, "name": area.name}
            new.append(ChecklistItem(inspection=inspection, area=area, text=text, order=order))
    for task in sorted(tasks.values(), key=lambda t: (t.area.code, t.order, t.pk)):
        if task.pk not in have_tasks:
            order += 1
            text = f"{task.code} {task.title}".strip()[:1000]
            new.append(ChecklistItem(inspection=inspection, task=task, text=text, order=order))
    ChecklistItem.objects.bulk_create(new)


def _set_scope(inspection: Inspection, areas: Iterable[Area], tasks: Iterable[Task]) -> dict:
    before = {
        "areas": sorted(inspection.areas.values_list("pk", flat=True)),
        "tasks": sorted(inspection.tasks.values_list("pk", flat=True)),
    }
    inspection.areas.set(list(areas))
    inspection.tasks.set(list(tasks))
    after = {
        "areas": sorted(a.pk for a in areas),
        "tasks": sorted(t.pk for t in tasks),
    }
    _sync_checklist(inspection)
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


@transaction.atomic
def inspection_create(
    *, actor: User, plan: InspectionPlan, values: dict, areas=(), tasks=()
) -> Inspection:
    _refuse(can_plan(actor, plan.issuing_unit), _("Chỉ Văn phòng được thêm cuộc kiểm tra."))
    areas, tasks = list(areas), list(tasks)
    _check_scope(plan, values["unit"], tasks)
    inspection = Inspection(plan=plan, created_by=actor)
    for name in FIELDS:
        setattr(inspection, name, values[name])
    _check_dates(inspection)
    inspection.full_clean()
    inspection.save()
    changes = {n: [None, getattr(inspection, n)] for n in FIELDS}
    changes |= _set_scope(inspection, areas, tasks)
    audit_record(actor=actor, action="inspection.create", obj=inspection, changes=changes)
    _announce(actor, inspection)
    return inspection


def _check_dates(inspection: Inspection) -> None:
    starts, ends = inspection.starts_on, inspection.ends_on
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("Ngày kết thúc phải sau ngày bắt đầu.")})


@transaction.atomic
def inspection_update(
    *, actor: User, inspection: Inspection, values: dict, areas=(), tasks=()
) -> Inspection:
    """Change the particulars and the scope (the checklist follows the scope); a decision
    newly set or changed tells the unit and the team."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_edit(actor, inspection), _("Chỉ Văn phòng được sửa cuộc kiểm tra chưa kết luận."))
    areas, tasks = list(areas), list(tasks)
    _check_scope(inspection.plan, values["unit"], tasks)
    before = snapshot(inspection, FIELDS)
    for name in FIELDS:
        setattr(inspection, name, values[name])
    _check_dates(inspection)
    inspection.full_clean()
    inspection.save()
    changes = diff(inspection, FIELDS, before) | _set_scope(inspection, areas, tasks)
    if changes:
        audit_record(actor=actor, action="inspection.update", obj=inspection, changes=changes)
    _announce(actor, inspection)
    return inspection


def _inspection_url(inspection: Inspection) -> str:
    return reverse("oversight:inspection-detail", kwargs={"pk": inspection.pk})


def _announce(actor: User | None, inspection: Inspection) -> int:
    """Once a decision orders the inspection, the inspected unit's focal officers and head
    and every member of the team hear of it (once per decision number and person)."""
    if not inspection.decision_number:
        return 0
    unit = inspection.unit
    people = list(unit_contacts(units=[unit])[unit.pk])
    people += [m.user for m in inspection.members.select_related("user")]
    when = ", ".join(
        format_day(d) for d in (inspection.starts_on, inspection.ends_on) if d is not None
    )
    message = Message(
        kind=Kind.INSPECTION,
        title=_("Kiểm tra công tác CCHC tại %(unit)s") % {"unit": unit.name},
        body=_("Quyết định kiểm tra số %(number)s%(date)s. Thời gian: %(when)s.")
        % {
            "number": inspection.decision_number,
            "date": f" ngày {format_day(inspection.decision_date)}"
            if inspection.decision_date
            else "",
            "when": when or _("sẽ báo sau"),
        },
        url=_inspection_url(inspection),
        unit=unit,
        key=f"inspection:{inspection.pk}:decision:{inspection.decision_number}"[:200],
        subject=inspection,
    )
    return len(notify(actor=actor, recipients=people, message=message))


# --- the team ----------------------------------------------------------------------------


@transaction.atomic
def inspection_member_add(
    *, actor: User, inspection: Inspection, user: User, position: str = "", is_head: bool = False
) -> InspectionMember:
    """Add a person to the team (or change their place in it); a head replaces the last."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_edit(actor, inspection), _("Chỉ Văn phòng được lập đoàn kiểm tra."))
    if not user.is_active:
        raise ValidationError({"user": _("Tài khoản này đã bị khóa.")})
    if is_head:
        inspection.members.filter(is_head=True).exclude(user=user).update(is_head=False)
    member, created = InspectionMember.objects.update_or_create(
        inspection=inspection, user=user, defaults={"position": position, "is_head": is_head}
    )
    audit_record(
        actor=actor,
        action="inspection.member_add" if created else "inspection.member_update",
        obj=inspection,
        changes={"member": [None, user.username], "is_head": [None, is_head]},
    )
    _announce(actor, inspection)
    return member


@transaction.atomic
def inspection_member_remove(*, actor: User, member: InspectionMember) -> None:
    inspection = Inspection.objects.select_for_update().get(pk=member.inspection_id)
    _refuse(can_edit(actor, inspection), _("Chỉ Văn phòng được lập đoàn kiểm tra."))
    if member.is_head and inspection.status != InspectionStatus.PLANNED:
        raise ValidationError(
            _("Đang kiểm tra thì đoàn cần trưởng đoàn: hãy chọn trưởng đoàn khác trước.")
        )
    username = member.user.username
    member.delete()
    audit_record(
        actor=actor,
        action="inspection.member_remove",
        obj=inspection,
        changes={"member": [username, None]},
    )


# --- the status --------------------------------------------------------------------------


def _move(actor: User | None, inspection: Inspection, to: str, **extra) -> None:
    before = inspection.status
    inspection.status = to
    for name, value in extra.items():
        setattr(inspection, name, value)
    inspection.save()
    changes = {"status": [before, to]} | {
        k: [None, v] for k, v in extra.items() if k != "closed_at"
    }
    audit_record(actor=actor, action=f"inspection.{_VERBS[to]}", obj=inspection, changes=changes)


_VERBS: dict[str, str] = {
    InspectionStatus.IN_PROGRESS: "start",
    InspectionStatus.CONCLUDED: "conclude",
    InspectionStatus.CLOSED: "close",
}


@transaction.atomic
def inspection_start(*, actor: User, inspection: Inspection) -> Inspection:
    """The team begins: it needs its decision and exactly one head."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_lead(actor, inspection), _("Chỉ Văn phòng hoặc trưởng đoàn được bắt đầu."))
    if inspection.status != InspectionStatus.PLANNED:
        raise WrongState(_("Cuộc kiểm tra đã bắt đầu."))
    if not inspection.decision_number:
        raise ValidationError(_("Hãy ghi số quyết định kiểm tra trước khi bắt đầu."))
    if inspection.members.filter(is_head=True).count() != 1:
        raise ValidationError(_("Đoàn kiểm tra cần đúng một trưởng đoàn."))
    _move(actor, inspection, InspectionStatus.IN_PROGRESS)
    return inspection


@transaction.atomic
def inspection_conclude(
    *, actor: User, inspection: Inspection, conclusion: str, concluded_on: datetime.date | None
) -> Inspection:
    """The team's conclusion; an inspection whose findings are all closed closes with it."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_lead(actor, inspection), _("Chỉ Văn phòng hoặc trưởng đoàn được kết luận."))
    if inspection.status != InspectionStatus.IN_PROGRESS:
        raise WrongState(_("Chỉ kết luận được cuộc kiểm tra đang tiến hành."))
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Hãy ghi kết luận kiểm tra.")})
    _move(
        actor,
        inspection,
        InspectionStatus.CONCLUDED,
        conclusion=conclusion.strip(),
        concluded_on=concluded_on or timezone.localdate(),
    )
    _close_if_done(actor, inspection)
    return inspection


RECORD_FIELDS = ["minutes_number", "notice_number", "inspected_opinion"]


@transaction.atomic
def inspection_records_set(
    *,
    actor: User,
    inspection: Inspection,
    minutes_number: str,
    notice_number: str,
    inspected_opinion: str,
) -> Inspection:
    """What the minutes and the conclusion notice print of their own: the numbers the
    office's register gave them and the unit's opinion at the closing meeting. Set by the
    office or the team head once the inspection has begun; blank, the documents leave a
    line to fill by hand."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_lead(actor, inspection), _("Chỉ Văn phòng hoặc trưởng đoàn ghi biên bản."))
    if inspection.status == InspectionStatus.PLANNED:
        raise WrongState(_("Cuộc kiểm tra chưa bắt đầu: chưa có biên bản để ghi."))
    before = snapshot(inspection, RECORD_FIELDS)
    inspection.minutes_number = " ".join(minutes_number.split())
    inspection.notice_number = " ".join(notice_number.split())
    inspection.inspected_opinion = inspected_opinion.strip()
    inspection.full_clean(validate_unique=False, validate_constraints=False)
    inspection.save(update_fields=RECORD_FIELDS)
    changes = diff(inspection, RECORD_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="inspection.records", obj=inspection, changes=changes)
    return inspection


@transaction.atomic
def inspection_close(*, actor: User, inspection: Inspection) -> Inspection:
    """The office closes a concluded inspection that asked nothing of the unit."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(is_office(actor, inspection), _("Chỉ Văn phòng được kết thúc cuộc kiểm tra."))
    if inspection.status != InspectionStatus.CONCLUDED:
        raise WrongState(_("Chỉ kết thúc được cuộc kiểm tra đã kết luận."))
    if inspection.findings.exclude(status=FindingStatus.CLOSED).exists():
        raise WrongState(
            _("Còn kiến nghị chưa đóng: cuộc kiểm tra kết thúc khi kiến nghị cuối cùng được đóng.")
        )
    _move(actor, inspection, InspectionStatus.CLOSED, closed_at=timezone.now())
    return inspection


def _close_if_done(actor: User | None, inspection: Inspection) -> None:
    findings = inspection.findings.all()
    if inspection.status != InspectionStatus.CONCLUDED or not findings.exists():
        return
    if not findings.exclude(status=FindingStatus.CLOSED).exists():
        _move(actor, inspection, InspectionStatus.CLOSED, closed_at=timezone.now())


# --- the checklist -----------------------------------------------------------------------


@transaction.atomic
def checklist_item_add(*, actor: User, inspection: Inspection, text: str) -> ChecklistItem:
    _refuse(can_work(actor, inspection), _("Chỉ đoàn kiểm tra ghi nội dung kiểm tra."))
    if not text.strip():
        raise ValidationError({"text": _("Hãy ghi nội dung kiểm tra.")})
    last = inspection.checklist.aggregate(m=Max("order"))["m"] or 0
    item = ChecklistItem(inspection=inspection, text=text.strip(), order=last + 1)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="checklist.add", obj=item, changes={"text": [None, item.text]})
    return item


@transaction.atomic
def checklist_save(
    *, actor: User, inspection: Inspection, rows: dict[int, dict]
) -> list[ChecklistItem]:
    """The team's results and notes (and wording) for the lines of the checklist:
    `rows` maps an item's id to its text, result ("" unchecked) and note."""
    _refuse(can_work(actor, inspection), _("Chỉ đoàn kiểm tra ghi kết quả kiểm tra."))
    items = list(inspection.checklist.select_for_update().filter(pk__in=list(rows)))
    changed = []
    for item in items:
        row = rows[item.pk]
        if row["result"] not in ("", *ChecklistResult.values):
            raise ValidationError({"result": _("Kết quả không hợp lệ.")})
        before = snapshot(item, ["text", "result", "note"])
        item.text, item.result, item.note = row["text"].strip(), row["result"], row["note"]
        changes = diff(item, ["text", "result", "note"], before)
        if changes:
            item.full_clean()
            item.save()
            audit_record(actor=actor, action="checklist.update", obj=item, changes=changes)
            changed.append(item)
    return changed


# --- findings ----------------------------------------------------------------------------


def _check_responsible(inspection: Inspection, unit: Unit) -> None:
    if not unit.path.startswith(inspection.unit.path):
        raise ValidationError(
            {
                "responsible_unit": _("Đơn vị khắc phục phải là %(unit)s hoặc đơn vị trực thuộc.")
                % {"unit": inspection.unit}
            }
        )


def _finding_url(finding: Finding) -> str:
    return reverse("oversight:finding-detail", kwargs={"pk": finding.pk})


def _tell_unit(actor: User, finding: Finding, key: str, title: str, body: str) -> int:
    unit = finding.responsible_unit
    message = Message(
        kind=Kind.FINDING,
        title=title,
        body=body,
        url=_finding_url(finding),
        unit=unit,
        key=key,
        subject=finding,
    )
    return len(
        notify(actor=actor, recipients=unit_contacts(units=[unit])[unit.pk], message=message)
    )


@transaction.atomic
def finding_create(*, actor: User, inspection: Inspection, values: dict) -> Finding:
    """Record a finding; its responsible unit hears of it at once."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse(can_work(actor, inspection), _("Chỉ đoàn kiểm tra ghi phát hiện, kiến nghị."))
    _check_responsible(inspection, values["responsible_unit"])
    last = inspection.findings.aggregate(m=Max("number"))["m"] or 0
    finding = Finding(inspection=inspection, number=last + 1, created_by=actor)
    for name in FINDING_FIELDS:
        setattr(finding, name, values[name])
    finding.full_clean()
    finding.save()
    changes = {n: [None, getattr(finding, n)] for n in FINDING_FIELDS}
    audit_record(actor=actor, action="finding.create", obj=finding, changes=changes)
    _tell_unit(
        actor,
        finding,
        f"finding:{finding.pk}:recorded",
        _("Kiến nghị sau kiểm tra: %(text)s") % {"text": finding.recommendation[:120]},
        _("%(unit)s khắc phục trước ngày %(deadline)s.\n%(description)s")
        % {
            "unit": finding.responsible_unit.name,
            "deadline": format_day(finding.deadline),
            "description": finding.description,
        },
    )
    return finding


@transaction.atomic
def finding_update(*, actor: User, finding: Finding, values: dict) -> Finding:
    finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    _refuse(can_work(actor, finding.inspection), _("Chỉ đoàn kiểm tra sửa phát hiện, kiến nghị."))
    _check_responsible(finding.inspection, values["responsible_unit"])
    before = snapshot(finding, FINDING_FIELDS)
    for name in FINDING_FIELDS:
        setattr(finding, name, values[name])
    finding.full_clean()
    finding.save()
    changes = diff(finding, FINDING_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="finding.update", obj=finding, changes=changes)
    return finding


@transaction.atomic
def finding_answer(
    *, actor: User, finding: Finding, text: str, files: Iterable[File] = ()
) -> FindingAnswer:
    """The unit says what it did, with evidence; the office and the team head hear of it."""
    finding = (
        Finding.objects.select_for_update()
        .select_related("inspection__plan__issuing_unit", "inspection__unit", "responsible_unit")
        .get(pk=finding.pk)
    )
    answer_check(actor=actor, finding=finding)
    if not text.strip():
        raise ValidationError({"text": _("Hãy ghi kết quả khắc phục.")})
    answer = FindingAnswer.objects.create(finding=finding, text=text.strip(), answered_by=actor)
    names = []
    for file in files:
        check_upload(file, field="files")
        stored = FindingFile(answer=answer, uploaded_by=actor)
        store_upload(stored, file)
        stored.save()
        names.append(stored.original_name)
    finding.status = FindingStatus.ANSWERED
    finding.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="finding.answer",
        obj=finding,
        changes={"status": [FindingStatus.OPEN, FindingStatus.ANSWERED], "files": [None, names]},
    )
    _tell_office(actor, finding, answer)
    return answer


def _tell_office(actor: User, finding: Finding, answer: FindingAnswer) -> int:
    inspection = finding.inspection
    issuing = inspection.plan.issuing_unit
    people = list(unit_contacts(units=[issuing], roles=[Role.OFFICE])[issuing.pk])
    people += [m.user for m in inspection.members.filter(is_head=True).select_related("user")]
    message = Message(
        kind=Kind.FINDING,
        title=_("%(unit)s đã trả lời kiến nghị số %(n)d")
        % {"unit": finding.responsible_unit.name, "n": finding.number},
        body=_("%(who)s: %(text)s") % {"who": person_name(actor), "text": answer.text[:1000]},
        url=_finding_url(finding),
        unit=finding.responsible_unit,
        key=f"finding:{finding.pk}:answer:{answer.pk}",
        subject=finding,
    )
    return len(notify(actor=actor, recipients=people, message=message))


def _latest_answer(finding: Finding) -> FindingAnswer:
    # An answered finding has at least one answer.
    return finding.answers.select_for_update().order_by("-answered_at", "-id")[0]


@transaction.atomic
def finding_accept(*, actor: User, finding: Finding) -> Finding:
    """Close an answered finding; the last one closed closes a concluded inspection."""
    finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    _refuse(
        can_lead(actor, finding.inspection),
        _("Chỉ Văn phòng hoặc trưởng đoàn được đóng kiến nghị."),
    )
    if finding.status != FindingStatus.ANSWERED:
        raise WrongState(_("Chỉ đóng được kiến nghị đơn vị đã trả lời."))
    now = timezone.now()
    answer = _latest_answer(finding)
    answer.outcome, answer.decided_by, answer.decided_at = AnswerOutcome.ACCEPTED, actor, now
    answer.save()
    finding.status, finding.closed_at, finding.closed_by = FindingStatus.CLOSED, now, actor
    finding.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action="finding.accept",
        obj=finding,
        changes={"status": [FindingStatus.ANSWERED, FindingStatus.CLOSED]},
    )
    inspection = Inspection.objects.select_for_update().get(pk=finding.inspection_id)
    _close_if_done(actor, inspection)
    return finding


@transaction.atomic
def finding_reopen(*, actor: User, finding: Finding, reason: str) -> Finding:
    """Send an answered finding back to its unit, saying why."""
    finding = (
        Finding.objects.select_for_update()
        .select_related("inspection", "responsible_unit")
        .get(pk=finding.pk)
    )
    _refuse(
        can_lead(actor, finding.inspection),
        _("Chỉ Văn phòng hoặc trưởng đoàn được mở lại kiến nghị."),
    )
    if finding.status != FindingStatus.ANSWERED:
        raise WrongState(_("Chỉ mở lại được kiến nghị đơn vị đã trả lời."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")})
    answer = _latest_answer(finding)
    answer.outcome, answer.reason = AnswerOutcome.REOPENED, reason.strip()
    answer.decided_by, answer.decided_at = actor, timezone.now()
    answer.save()
    finding.status, finding.reopen_reason = FindingStatus.OPEN, reason.strip()
    finding.save(update_fields=["status", "reopen_reason"])
    audit_record(
        actor=actor,
        action="finding.reopen",
        obj=finding,
        changes={"status": [FindingStatus.ANSWERED, FindingStatus.OPEN], "reason": [None, reason]},
    )
    _tell_unit(
        actor,
        finding,
        f"finding:{finding.pk}:reopen:{answer.pk}",
        _("Kiến nghị số %(n)d được mở lại") % {"n": finding.number},
        _("Lý do: %(reason)s\nHạn khắc phục: %(deadline)s.")
        % {"reason": finding.reopen_reason, "deadline": format_day(finding.deadline)},
    )
    return finding
