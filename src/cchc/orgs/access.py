"""Who may see and do what. Every selector and service asks here; nothing else decides.

A user's scope for a role is the set of unit paths of their memberships in that role; a
unit is in scope when its path starts with one of them.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

from .models import Membership, Role

# Roles that oversee a whole branch: they see every task of every unit in their scope.
OVERSIGHT_ROLES = {Role.OFFICE, Role.LEADER, Role.APPRAISER, Role.VIEWER}
# Roles that work inside one unit: they see the tasks their unit leads or supports.
UNIT_ROLES = {Role.UNIT_HEAD, Role.FOCAL}


@dataclass(frozen=True)
class Access:
    """The user's memberships, read once per request: role -> tuple of unit paths."""

    user_id: int | None
    is_superuser: bool = False
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unit_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        return self.is_superuser or any(self.paths.get(r) for r in roles)

    def roles(self) -> set[str]:
        return {r for r, p in self.paths.items() if p}

    def paths_for(self, *roles: str) -> tuple[str, ...]:
        return tuple(p for r in roles for p in self.paths.get(r, ()))

    def covers(self, unit_path: str, *roles: str) -> bool:
        """Is a unit with this path inside the scope of any of these roles?"""
        if self.is_superuser:
            return True
        return any(unit_path.startswith(p) for p in self.paths_for(*roles))

    def unit_q(self, lookup: str, *roles: str) -> Q:
        """Q matching rows whose unit (reached by `lookup`) is in scope of these roles."""
        if self.is_superuser:
            return Q()
        paths = self.paths_for(*roles)
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{lookup}__path__startswith": p}) for p in paths))


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return Access(user_id=None)
    cached = getattr(user, "_cchc_access", None)
    if cached is not None:
        return cached
    paths: dict[str, list[str]] = {}
    ids: dict[str, list[int]] = {}
    for role, unit_id, path in Membership.objects.filter(
        user=user, unit__is_active=True
    ).values_list("role", "unit_id", "unit__path"):
        paths.setdefault(role, []).append(path)
        ids.setdefault(role, []).append(unit_id)
    access = Access(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        paths={r: tuple(p) for r, p in paths.items()},
        unit_ids={r: tuple(i) for r, i in ids.items()},
    )
    user._cchc_access = access
    return access
