"""Who may see and change a criteria set: the office of the branch that issues it writes;
the branch's leader, appraisers and viewers read; the units of the branch read a set once
it is in use (a draft is the office's work in progress)."""

from django.db.models import Q

from cchc.orgs.access import UNIT_ROLES, access_for
from cchc.orgs.models import Role, Unit

from .models import SetStatus

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
