"""Who may look after whose account."""

from django.contrib.auth.models import User

from cchc.orgs.access import Access
from cchc.orgs.models import Membership, Role

# Roles that decide and judge for a whole branch: their accounts need a second factor.
SECOND_FACTOR_ROLES = (Role.OFFICE, Role.LEADER, Role.APPRAISER)


def can_manage_members(access: Access) -> bool:
    return access.has(Role.OFFICE)


def can_manage_member(access: Access, member: User) -> bool:
    """The office may reset and unlock an account only when every unit the person works
    for lies in its branch: no office reaches a person who also answers to another."""
    # Staff accounts reach the admin: setting their password would hand the office the
    # admin's powers, so only a superuser looks after them.
    if member.pk == access.user_id or member.is_superuser:
        return False
    if member.is_staff and not access.is_superuser:
        return False
    if access.is_superuser:
        return True
    paths = list(Membership.objects.filter(user=member).values_list("unit__path", flat=True))
    return bool(paths) and all(access.covers(path, Role.OFFICE) for path in paths)


def needs_second_factor(access: Access) -> bool:
    return access.has(*SECOND_FACTOR_ROLES)  # superusers included
