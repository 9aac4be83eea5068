"""The choice lists of the import pages: the units a user may import for, and every unit a
name may stand for."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit


def office_units(*, user) -> list[Unit]:
    """Units whose plans this user may import: those in the scope of their office role."""
    access = access_for(user)
    qs = Unit.objects.filter(is_active=True).only("id", "code", "name", "path")
    if not access.is_superuser:
        paths = access.paths_for(Role.OFFICE)
        if not paths:
            return []
        qs = qs.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
    return list(qs.order_by("path"))


def unit_choices() -> list[Unit]:
    """Every active unit, in tree order: what a name in a plan may stand for."""
    return list(Unit.objects.filter(is_active=True).only("id", "code", "name", "path"))
