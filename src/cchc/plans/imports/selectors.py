"""The choice lists of the import pages: the units a user may import for, and every unit a
name may stand for; and the plan template to fill in."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db.models import Q

from cchc.documents.plan import plan_number
from cchc.documents.plan_template import PlanTemplate, plan_template_xlsx
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit
from cchc.orgs.selectors import agency_symbol

from ..models import Area

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def own_office_unit(user, units: list[Unit]) -> Unit | None:
    """Of `units` (the user's `office_units`), the unit of their own office membership (the
    top one if several): the unit whose plans they import."""
    own = set(access_for(user).paths_for(Role.OFFICE))
    mine = [u for u in units if u.path in own]
    if mine:
        return mine[0]
    return units[0] if len(units) == 1 else None


def plan_template(*, user, today: datetime.date) -> tuple[bytes, str, str]:
    """(content, filename, content type) of a plan to fill in, for the user's own issuing
    unit: its name on the title lines and as the examples' lead unit; placeholders for
    someone with no office of their own (a superuser)."""
    unit = own_office_unit(user, office_units(user=user))
    if unit is not None:
        body, lead = unit.name, unit.name
        symbol = plan_number("", agency_symbol(unit))[1]
    else:
        body, lead, symbol = "Tên cơ quan ban hành", "Tên cơ quan chủ trì", "KH-…"
    data = PlanTemplate(
        year=today.year,
        issuing_body=body,
        symbol=symbol,
        lead=lead,
        areas=list(Area.objects.order_by("code").values_list("name", flat=True)),
        created=today,
    )
    return plan_template_xlsx(data), f"mau-ke-hoach-{today.year}.xlsx", XLSX_TYPE
