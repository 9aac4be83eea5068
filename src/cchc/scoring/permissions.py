"""Who may see and change a criteria set: the office of the branch that issues it writes;
the branch's leader, appraisers and viewers read; the units of the branch read a set once
it is in use (a draft is the office's work in progress)."""

from dataclasses import dataclass

from django.db.models import Q

from cchc.orgs.access import UNIT_ROLES, access_for
from cchc.orgs.models import Role, Unit

from .models import Assessment, AssessmentStatus, SetStatus

READ_ROLES = (Role.OFFICE, Role.LEADER, Role.APPRAISER, Role.VIEWER)


def can_manage(user, unit: Unit) -> bool:
    return access_for(user).covers(unit.path, Role.OFFICE)


def _ancestors(path: str) -> list[str]:
    """ "/1/4/" -> ["/1/", "/1/4/"]: the paths of a unit and every unit above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def visible_q(user) -> Q:
    """CriteriaSet rows the user may read."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    overseen = access.unit_q("unit", *READ_ROLES)
    above = {a for p in access.paths_for(*UNIT_ROLES) for a in _ancestors(p)}
    if not above:
        return overseen
    return overseen | (Q(unit__path__in=above) & ~Q(status=SetStatus.DRAFT))


# --- assessments ---------------------------------------------------------------------------
#
# A unit's people (focal officers, the head) see their unit's assessment from its first
# draft; the branch's office, leader, appraisers and viewers see it once the unit has sent it
# for appraisal. No one sees another unit's self-assessment before then; the office's
# progress page shows only where each unit stands.


def assessment_q(user) -> Q:
    """Assessment rows the user may open."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    own = access.unit_q("unit", *UNIT_ROLES)
    overseen = access.unit_q("unit", *READ_ROLES) & ~Q(status=AssessmentStatus.DRAFT)
    return own | overseen


@dataclass(frozen=True)
class AssessmentAbilities:
    is_own_unit: bool
    can_self_score: bool
    can_submit: bool
    can_appraise: bool
    can_send_appraisal: bool
    can_answer: bool
    can_enter_survey: bool
    can_finalise: bool
    can_reopen: bool


def assessment_abilities(user, assessment: Assessment) -> AssessmentAbilities:
    access = access_for(user)
    unit_path, branch_path = assessment.unit.path, assessment.criteria_set.unit.path
    status = assessment.status
    own = access.covers(unit_path, *UNIT_ROLES)
    office = access.covers(branch_path, Role.OFFICE)
    appraiser = access.covers(unit_path, Role.APPRAISER)
    in_use = assessment.criteria_set.status == SetStatus.IN_USE
    awaiting = status in (AssessmentStatus.SUBMITTED, AssessmentStatus.ANSWERED)
    return AssessmentAbilities(
        is_own_unit=own,
        can_self_score=in_use and own and status == AssessmentStatus.DRAFT,
        can_submit=in_use
        and access.covers(unit_path, Role.UNIT_HEAD)
        and status == AssessmentStatus.DRAFT,
        can_appraise=in_use and appraiser and awaiting,
        can_send_appraisal=in_use and appraiser and status == AssessmentStatus.SUBMITTED,
        can_answer=in_use
        and own
        and status == AssessmentStatus.APPRAISED
        and assessment.answered_at is None,
        can_enter_survey=in_use and office and status != AssessmentStatus.FINALISED,
        can_finalise=in_use
        and office
        and status in (AssessmentStatus.APPRAISED, AssessmentStatus.ANSWERED),
        can_reopen=in_use and office and status != AssessmentStatus.DRAFT,
    )
