"""Who may see and change a criteria set: the office of the branch that issues it writes;
the branch's leader, appraisers and viewers read; the units of the branch read a set once
it is in use (a draft is the office's work in progress)."""

from dataclasses import dataclass, fields

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
class Steps:
    """One yes or no per step a person may take on an assessment."""

    can_self_score: bool
    can_submit: bool
    can_appraise: bool
    can_send_appraisal: bool
    can_answer: bool
    can_enter_survey: bool
    can_finalise: bool
    can_reopen: bool


@dataclass(frozen=True)
class AssessmentAbilities(Steps):
    """The steps the person may take now: their roles reach it and the state allows it."""

    is_own_unit: bool


def step_roles(user, assessment: Assessment) -> Steps:
    """The steps the person's roles reach on this assessment, whatever its state: refused
    one of these, they lack the role (403)."""
    access = access_for(user)
    unit_path, branch_path = assessment.unit.path, assessment.criteria_set.unit.path
    own = access.covers(unit_path, *UNIT_ROLES)
    office = access.covers(branch_path, Role.OFFICE)
    appraiser = access.covers(unit_path, Role.APPRAISER)
    return Steps(
        can_self_score=own,
        can_submit=access.covers(unit_path, Role.UNIT_HEAD),
        can_appraise=appraiser,
        can_send_appraisal=appraiser,
        can_answer=own,
        can_enter_survey=office,
        can_finalise=office,
        can_reopen=office,
    )


def step_states(assessment: Assessment) -> Steps:
    """The steps the assessment's state allows now, whoever asks: every one needs its set
    in use; refused one of these, the assessment is in the wrong state (409)."""
    status = assessment.status
    in_use = assessment.criteria_set.status == SetStatus.IN_USE
    awaiting = status in (AssessmentStatus.SUBMITTED, AssessmentStatus.ANSWERED)
    return Steps(
        can_self_score=in_use and status == AssessmentStatus.DRAFT,
        can_submit=in_use and status == AssessmentStatus.DRAFT,
        can_appraise=in_use and awaiting,
        can_send_appraisal=in_use and status == AssessmentStatus.SUBMITTED,
        can_answer=in_use
        and status == AssessmentStatus.APPRAISED
        and assessment.answered_at is None,
        can_enter_survey=in_use and status != AssessmentStatus.FINALISED,
        can_finalise=in_use and status in (AssessmentStatus.APPRAISED, AssessmentStatus.ANSWERED),
        can_reopen=in_use and status != AssessmentStatus.DRAFT,
    )


def assessment_abilities(user, assessment: Assessment) -> AssessmentAbilities:
    who, now = step_roles(user, assessment), step_states(assessment)
    both = {f.name: getattr(who, f.name) and getattr(now, f.name) for f in fields(Steps)}
    # The unit's own people are those who score it.
    return AssessmentAbilities(is_own_unit=who.can_self_score, **both)
