"""Reads about units that pages and documents share."""

import re

from cchc.documents.plan import PLAN_KIND, plan_number

from .models import Unit

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
