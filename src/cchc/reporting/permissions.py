"""Who may do what with periods, unit reports and the consolidated report (on orgs.access).

The office of the plan's issuing unit runs the periods and decides on units' reports; the
unit's focal officer writes, its head submits (the focal officer submits where the unit has
no head); the leader of the issuing unit approves the consolidated report.
"""

from cchc.orgs.access import OVERSIGHT_ROLES, UNIT_ROLES, Access
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.models import Plan

from .models import ReportingPeriod, UnitReport


def can_manage_periods(access: Access, plan: Plan) -> bool:
    """Open and change periods, decide on units' reports, nudge, consolidate."""
    return access.covers(plan.issuing_unit.path, Role.OFFICE)


def can_manage_templates(access: Access, unit: Unit) -> bool:
    """Replace the DOCX template of the consolidated reports that `unit` issues."""
    return access.covers(unit.path, Role.OFFICE)


def can_view_board(access: Access, period: ReportingPeriod) -> bool:
    return access.covers(period.plan.issuing_unit.path, *OVERSIGHT_ROLES)


def can_write_report(access: Access, unit: Unit) -> bool:
    return access.covers(unit.path, *UNIT_ROLES)


def unit_has_head(unit: Unit) -> bool:
    """Does anyone hold the unit_head role on this very unit?"""
    return Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD, user__is_active=True).exists()


def can_submit_report(access: Access, unit: Unit, *, has_head: bool) -> bool:
    if access.covers(unit.path, Role.UNIT_HEAD):
        return True
    return not has_head and access.covers(unit.path, Role.FOCAL)


def can_read_report(access: Access, report: UnitReport) -> bool:
    return can_write_report(access, report.unit) or can_view_board(access, report.period)


def can_approve_consolidated(access: Access, period: ReportingPeriod) -> bool:
    return access.covers(period.plan.issuing_unit.path, Role.LEADER)


def can_read_consolidated(access: Access, period: ReportingPeriod) -> bool:
    return can_view_board(access, period)
