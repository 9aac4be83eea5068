"""Reads about units that pages and documents share, scoped to the user where a page
shows them: an office sees the names its branch recorded (aliases and groups of units), and
no other branch's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cchc.documents.plan import PLAN_KIND, plan_number

from .access import access_for
from .models import Membership, Role, Unit, UnitAlias, UnitGroup

# The agency part of a plan's number as entered: "CT" in "25/KH-CT", "VP-BQP" in "3/KH-VP-BQP".
_AGENCY_IN_NUMBER = re.compile(rf"/\s*{PLAN_KIND}\s*-\s*(?P<agency>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)\s*$")


def agency_symbol(unit: Unit) -> str:
    """The abbreviation of the issuing unit's name in its plans' numbers ("CT" in "25/KH-CT"):
    the one answer for a draft and for an issued plan, so that the two never disagree.

    The office sets it on the unit; until then it is the one the unit's plans were issued
    with (the number on the signed paper is the record), and only then the unit's code."""
    if unit.symbol:
        return unit.symbol
    numbers = (
        unit.plans.exclude(document_number="")
        .order_by("-issued_on", "-pk")
        .values_list("document_number", flat=True)
    )
    for number in numbers[:20]:
        match = _AGENCY_IN_NUMBER.search(number.upper())
        if match:
            return match.group("agency")
    return unit.code


def plan_symbol(unit: Unit) -> str:
    """The symbol the unit's plans print now ("KH-CT"), also when the office has set none."""
    _number, symbol = plan_number("", agency_symbol(unit))
    return symbol


def alias_list(*, user) -> QuerySet[UnitAlias]:
    """Aliases owned by a unit in the scope of the user's office role."""
    access = access_for(user)
    return (
        UnitAlias.objects.filter(access.unit_q("owner", Role.OFFICE))
        .select_related("owner", "unit")
        .order_by("owner__path", "folded")
    )


def alias_get(*, user, pk: int) -> UnitAlias:
    """One of `alias_list`; 404 for any other, so another branch's alias is not seen."""
    return get_object_or_404(alias_list(user=user), pk=pk)


def group_list(*, user) -> QuerySet[UnitGroup]:
    """Groups of units defined for the plans of a unit in the user's office scope."""
    access = access_for(user)
    return (
        UnitGroup.objects.filter(access.unit_q("owner", Role.OFFICE))
        .select_related("owner")
        .prefetch_related("units")
        .order_by("owner__path", "folded")
    )


def group_get(*, user, pk: int) -> UnitGroup:
    return get_object_or_404(group_list(user=user), pk=pk)


def branch_units(owner: Unit, *, itself: bool = True) -> QuerySet[Unit]:
    """The active units of `owner`'s branch, in tree order: what its names may stand for."""
    return branches_units([owner], itself=itself)


def branches_units(owners: Sequence[Unit], *, itself: bool = True) -> QuerySet[Unit]:
    """The active units of any of the `owners`' branches, in tree order."""
    inside = Q()
    for owner in owners:
        inside |= Q(path__startswith=owner.path)
    units = Unit.objects.filter(inside, is_active=True)
    return (units if itself else units.exclude(pk__in=[o.pk for o in owners])).order_by("path")


def office_units(*, user) -> list[Unit]:
    """The units whose office the user is: whose plans the names page records names for,
    widest first."""
    ids = access_for(user).unit_ids.get(Role.OFFICE, ())
    return list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("path"))


# Who hears about a unit's work: those who do it and answer for it.
CONTACT_ROLES = (Role.FOCAL, Role.UNIT_HEAD)


def unit_contacts(
    *, units: Iterable[Unit], roles: Iterable[str] = CONTACT_ROLES
) -> dict[int, list]:
    """Each unit's focal officers and heads (or only `roles`; active accounts), or, for a
    unit that has none of its own, those of the nearest unit above it: a role over a unit
    covers those below."""
    units = list(units)
    path_ids = {u.pk: [int(part) for part in u.path.strip("/").split("/")] for u in units}
    memberships = (
        Membership.objects.filter(
            unit_id__in={pk for ids in path_ids.values() for pk in ids},
            role__in=list(roles),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username")
    )
    by_unit: dict[int, dict] = {}
    for m in memberships:
        by_unit.setdefault(m.unit_id, {})[m.user_id] = m.user
    contacts = {}
    for unit in units:
        nearest = next((pk for pk in reversed(path_ids[unit.pk]) if pk in by_unit), None)
        contacts[unit.pk] = list(by_unit[nearest].values()) if nearest else []
    return contacts
