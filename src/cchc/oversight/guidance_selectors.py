"""Reads of the guidance library, scoped to the user: the office of the issuing branch sees
its guidance, drafts included; a receiving unit's people see what was sent to them."""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cchc.lib.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit
from cchc.plans.models import PlanStatus, Task
from cchc.reporting.models import ReportingPeriod

from .guidance_services import ACK_ROLES, can_manage
from .models import Acknowledgement, Guidance, GuidanceFile, GuidanceStatus


def visible_q(user) -> Q:
    access = access_for(user)
    if access.is_superuser:
        return Q()
    received = Acknowledgement.objects.filter(guidance=OuterRef("pk")).filter(
        access.unit_q("unit", *access.roles())
    )
    office = access.unit_q("issuing_unit", Role.OFFICE)
    return office | Q(Exists(received), status=GuidanceStatus.PUBLISHED)


def guidance_list(*, user, kind: str = "", status: str = "", q: str = "") -> QuerySet[Guidance]:
    qs = Guidance.objects.filter(visible_q(user)).select_related("issuing_unit")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    # Every word, in any order, diacritics and case ignored: "cai cach" finds "Cải cách".
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def guidance_get(*, user, pk: int) -> Guidance:
    guidance = Guidance.objects.filter(visible_q(user), pk=pk).select_related("issuing_unit")
    found = guidance.first()
    if found is None:
        raise Http404
    return found


def my_acks(*, user, guidance_ids) -> dict[int, list[Acknowledgement]]:
    """The current version's acknowledgements the user answers for, by guidance."""
    access = access_for(user)
    rows = (
        Acknowledgement.objects.filter(guidance_id__in=list(guidance_ids))
        .filter(version=F("guidance__version"))
        .filter(access.unit_q("unit", *ACK_ROLES) if not access.is_superuser else Q())
        .select_related("unit")
    )
    out: dict[int, list[Acknowledgement]] = {}
    for ack in rows:
        out.setdefault(ack.guidance_id, []).append(ack)
    return out


@dataclass
class GuidancePage:
    guidance: Guidance
    can_manage: bool
    files: list[GuidanceFile]
    old_files: list[GuidanceFile]
    mine: list[Acknowledgement]
    acks: list[Acknowledgement] = field(default_factory=list)
    pending: int = 0
    history: list[Acknowledgement] = field(default_factory=list)


def guidance_page(*, user, guidance: Guidance) -> GuidancePage:
    files = list(guidance.files.all())
    manage = can_manage(user, guidance.issuing_unit)
    page = GuidancePage(
        guidance=guidance,
        can_manage=manage,
        files=[f for f in files if f.version == guidance.version],
        old_files=[f for f in files if f.version != guidance.version],
        mine=my_acks(user=user, guidance_ids=[guidance.pk]).get(guidance.pk, []),
    )
    if manage:
        acks = list(
            guidance.acks.select_related("unit", "received_by", "read_by").order_by(
                "-version", "unit__path"
            )
        )
        page.acks = [a for a in acks if a.version == guidance.version]
        page.history = [a for a in acks if a.version != guidance.version]
        page.pending = sum(1 for a in page.acks if a.read_at is None)
    return page


def ack_get(*, user, pk: int) -> Acknowledgement:
    ack = Acknowledgement.objects.filter(pk=pk).select_related("unit", "guidance").first()
    if ack is None:
        raise Http404
    guidance_get(user=user, pk=ack.guidance_id)
    return ack


def file_get(*, user, pk: int) -> GuidanceFile:
    stored = GuidanceFile.objects.filter(pk=pk).select_related("guidance").first()
    if stored is None:
        raise Http404
    guidance_get(user=user, pk=stored.guidance_id)
    return stored


def _applying(user, qs: QuerySet[Guidance]) -> list[Guidance]:
    return list(
        qs.filter(visible_q(user), status=GuidanceStatus.PUBLISHED)
        .select_related("issuing_unit")
        .prefetch_related("files")
    )


def for_task(*, user, task: Task) -> list[Guidance]:
    """The published guidance linked to a task that the user may read."""
    return _applying(user, Guidance.objects.filter(tasks=task))


def for_period(*, user, period: ReportingPeriod) -> list[Guidance]:
    return _applying(user, Guidance.objects.filter(periods=period))


def unit_choices(issuing_unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=issuing_unit.path, is_active=True).order_by("path")


def task_choices(issuing_unit: Unit) -> QuerySet[Task]:
    """Tasks of the branch's plans in force, of this year and the last (a list to choose
    from, not the whole history)."""
    return (
        Task.objects.filter(plan__issuing_unit__path__startswith=issuing_unit.path)
        .filter(plan__status=PlanStatus.ISSUED, plan__year__gte=timezone.localdate().year - 1)
        .select_related("plan")
        .order_by("-plan__year", "plan_id", "id")
    )


def period_choices(issuing_unit: Unit) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(
        plan__issuing_unit__path__startswith=issuing_unit.path
    ).select_related("plan")
