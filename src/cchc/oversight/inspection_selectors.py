"""Reads of inspections, scoped to the user. The office of the issuing branch (and its
leader, appraisers and viewers, read-only) sees every inspection of its plans; a team member
the inspections they are on; the inspected unit's people those of their unit once a
decision orders it (or it has begun); a finding's responsible unit its own findings.
Anyone else gets 404."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from cchc.orgs.access import access_for
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.models import Area, PlanStatus, Task

from . import inspection_services as services
from .models import (
    ChecklistItem,
    Finding,
    FindingAnswer,
    FindingFile,
    FindingStatus,
    Inspection,
    InspectionMember,
    InspectionPlan,
    InspectionStatus,
)


def _not_draft() -> Q:
    return ~Q(status=InspectionStatus.PLANNED) | ~Q(decision_number="")


def whole_q(user) -> Q:
    """Inspections the user sees whole: every finding, the team and the checklist."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    branch = access.unit_q("plan__issuing_unit", *services.READ_ROLES)
    team = Q(Exists(InspectionMember.objects.filter(inspection=OuterRef("pk"), user=user)))
    unit = access.unit_q("unit", *services.ANSWER_ROLES) & _not_draft()
    return branch | team | unit


def visible_q(user) -> Q:
    """Also the inspections where one of the user's units must fix a finding."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    responsible = Finding.objects.filter(inspection=OuterRef("pk")).filter(
        access.unit_q("responsible_unit", *services.ANSWER_ROLES)
    )
    return whole_q(user) | Q(Exists(responsible))


def finding_q(user) -> Q:
    """Findings the user sees: all of an inspection seen whole, else their unit's own."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    whole = Inspection.objects.filter(whole_q(user), pk=OuterRef("inspection_id"))
    return Q(Exists(whole)) | access.unit_q("responsible_unit", *services.ANSWER_ROLES)


def may_see_any(user) -> bool:
    """Whether “Kiểm tra” belongs in the user's menu: the branch's readers always; others
    when some inspection is theirs to see."""
    access = access_for(user)
    if access.has(*services.READ_ROLES):
        return True
    return Inspection.objects.filter(visible_q(user)).exists()


# --- the year ----------------------------------------------------------------------------


def years(*, user) -> list[int]:
    plans = InspectionPlan.objects.filter(plan_q(user))
    return sorted(set(plans.values_list("year", flat=True)), reverse=True)


def plan_q(user) -> Q:
    access = access_for(user)
    if access.is_superuser:
        return Q()
    seen = Inspection.objects.filter(visible_q(user), plan=OuterRef("pk"))
    return access.unit_q("issuing_unit", *services.READ_ROLES) | Q(Exists(seen))


def inspection_list(*, user, year: int | None = None) -> QuerySet[Inspection]:
    """The inspections the user sees, with what the list shows of each (no query per row)."""
    qs = Inspection.objects.filter(visible_q(user))
    if year is not None:
        qs = qs.filter(plan__year=year)
    open_findings = Count("findings", filter=~Q(findings__status=FindingStatus.CLOSED))
    return (
        qs.select_related("plan__issuing_unit", "unit")
        .annotate(finding_count=Count("findings", distinct=True))
        .annotate(open_count=open_findings)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=InspectionMember.objects.filter(is_head=True).select_related("user"),
                to_attr="heads",
            )
        )
        .order_by("plan__issuing_unit__path", "starts_on", "id")
    )


@dataclass
class YearPlan:
    plan: InspectionPlan
    inspections: list[Inspection]
    can_plan: bool


def year_plans(*, user, year: int) -> list[YearPlan]:
    """The year's plans the user sees, each with its inspections the user sees."""
    plans = list(
        InspectionPlan.objects.filter(plan_q(user), year=year)
        .select_related("issuing_unit")
        .order_by("issuing_unit__path")
    )
    by_plan: dict[int, list[Inspection]] = {p.pk: [] for p in plans}
    for inspection in inspection_list(user=user, year=year):
        by_plan.setdefault(inspection.plan_id, []).append(inspection)
    access = access_for(user)
    return [
        YearPlan(p, by_plan[p.pk], access.covers(p.issuing_unit.path, Role.OFFICE)) for p in plans
    ]


def plan_get(*, user, pk: int) -> InspectionPlan:
    found = InspectionPlan.objects.filter(plan_q(user), pk=pk).select_related("issuing_unit")
    plan = found.first()
    if plan is None:
        raise Http404
    return plan


def office_plan_get(*, user, pk: int) -> InspectionPlan:
    """A plan the user's office runs; another's is not found."""
    plan = plan_get(user=user, pk=pk)
    if not services.can_plan(user, plan.issuing_unit):
        raise Http404
    return plan


# --- one inspection ----------------------------------------------------------------------


def inspection_get(*, user, pk: int) -> Inspection:
    found = (
        Inspection.objects.filter(visible_q(user), pk=pk)
        .select_related("plan__issuing_unit__parent", "unit")
        .prefetch_related(Prefetch("members", queryset=_members()))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _members() -> QuerySet[InspectionMember]:
    return InspectionMember.objects.select_related("user").order_by("-is_head", "id")


def _findings(user) -> QuerySet[Finding]:
    answers = FindingAnswer.objects.select_related("answered_by", "decided_by").prefetch_related(
        "files"
    )
    return (
        Finding.objects.filter(finding_q(user))
        .select_related("area", "responsible_unit", "inspection")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("number", "id")
    )


@dataclass
class FindingRow:
    finding: Finding
    can_answer: bool
    can_decide: bool
    overdue: bool


@dataclass
class InspectionPage:
    inspection: Inspection
    whole: bool
    can_edit: bool
    can_lead: bool
    can_work: bool
    can_close: bool
    members: list[InspectionMember]
    areas: list[Area]
    tasks: list[Task]
    checklist: list[ChecklistItem] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)


def sees_whole(*, user, inspection: Inspection) -> bool:
    return Inspection.objects.filter(whole_q(user), pk=inspection.pk).exists()


def findings_of(*, user, inspection: Inspection) -> list[Finding]:
    """The inspection's findings the user sees, each with its answers and their files."""
    findings = list(_findings(user).filter(inspection=inspection))
    for f in findings:
        f.inspection = inspection  # the caller's, with its members already read
    return findings


def inspection_page(*, user, inspection: Inspection, today: datetime.date) -> InspectionPage:
    whole = sees_whole(user=user, inspection=inspection)
    members = list(inspection.members.all())
    findings = findings_of(user=user, inspection=inspection)
    office = services.is_office(user, inspection)
    page = InspectionPage(
        inspection=inspection,
        whole=whole,
        can_edit=services.can_edit(user, inspection),
        can_lead=services.can_lead(user, inspection),
        can_work=services.can_work(user, inspection),
        can_close=office
        and inspection.status == InspectionStatus.CONCLUDED
        and all(f.status == FindingStatus.CLOSED for f in findings),
        members=members,
        areas=list(inspection.areas.order_by("code")),
        tasks=list(
            inspection.tasks.select_related("plan", "lead_unit").order_by("plan_id", "order")
        ),
        findings=[_row(user, f, today) for f in findings],
    )
    if whole:
        page.checklist = list(inspection.checklist.all())
    return page


def _row(user, finding: Finding, today: datetime.date) -> FindingRow:
    return FindingRow(
        finding=finding,
        can_answer=services.can_answer(user, finding),
        can_decide=services.can_decide(user, finding),
        overdue=finding.status == FindingStatus.OPEN and finding.deadline < today,
    )


def finding_get(*, user, pk: int) -> Finding:
    found = (
        _findings(user)
        .filter(pk=pk)
        .select_related("inspection__plan__issuing_unit", "inspection__unit")
        .prefetch_related(Prefetch("inspection__members", queryset=_members()))
        .first()
    )
    if found is None:
        raise Http404
    return found


def finding_row(*, user, finding: Finding, today: datetime.date) -> FindingRow:
    return _row(user, finding, today)


def member_get(*, user, pk: int) -> InspectionMember:
    member = InspectionMember.objects.filter(pk=pk).select_related("user").first()
    if member is None:
        raise Http404
    inspection_get(user=user, pk=member.inspection_id)
    return member


def finding_file_get(*, user, pk: int) -> FindingFile:
    stored = FindingFile.objects.filter(pk=pk).select_related("answer").first()
    if stored is None:
        raise Http404
    finding_get(user=user, pk=stored.answer.finding_id)
    return stored


# --- what forms offer --------------------------------------------------------------------


def unit_choices(issuing_unit: Unit) -> QuerySet[Unit]:
    """The units an office may inspect: those below it in its branch."""
    return Unit.objects.filter(path__startswith=issuing_unit.path, is_active=True).exclude(
        pk=issuing_unit.pk
    )


def task_choices(issuing_unit: Unit, year: int) -> QuerySet[Task]:
    """Tasks of the branch's issued plans of the year (the form checks the unit's part)."""
    return (
        Task.objects.filter(plan__issuing_unit__path__startswith=issuing_unit.path)
        .filter(plan__status=PlanStatus.ISSUED, plan__year=year)
        .select_related("plan", "lead_unit")
        .order_by("plan_id", "order", "id")
    )


def member_choices(issuing_unit: Unit):
    """People who may join a team: active accounts with a role in the branch."""
    users = Membership.objects.filter(
        unit__path__startswith=issuing_unit.path, unit__is_active=True
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=users, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def responsible_choices(inspection: Inspection) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=inspection.unit.path, is_active=True)


# --- open findings, on the dashboard and the unit's queue ------------------------------------


@dataclass
class OpenFindings:
    open: int
    overdue: int
    next: list[Finding]


def open_findings(*, user, today: datetime.date, unit_only: bool = False) -> OpenFindings:
    """Findings not yet closed that the user sees (`unit_only`: those their unit must fix),
    counted, and the nearest deadlines first."""
    access = access_for(user)
    qs = Finding.objects.exclude(status=FindingStatus.CLOSED)
    if unit_only:
        qs = qs.filter(access.unit_q("responsible_unit", *services.ANSWER_ROLES))
    else:
        qs = qs.filter(finding_q(user))
    counts = qs.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(status=FindingStatus.OPEN, deadline__lt=today)),
    )
    nearest: list[Finding] = []
    if counts["open"]:  # most pages that show the card have none: no second query
        related = qs.select_related("inspection__unit", "responsible_unit")
        nearest = list(related.order_by("deadline", "id")[:5])
    return OpenFindings(open=counts["open"], overdue=counts["overdue"], next=nearest)
