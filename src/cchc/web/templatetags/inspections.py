"""Inspections where people already look: the open findings on the dashboard and on the
unit's work queue (plans does not import oversight; web sits above both), and the badges
of the inspection pages, each with its words."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from cchc.oversight import inspection_selectors
from cchc.oversight.models import FindingSeverity, FindingStatus, InspectionStatus

register = template.Library()

INSPECTION_COLOURS = {
    InspectionStatus.PLANNED: "secondary",
    InspectionStatus.IN_PROGRESS: "primary",
    InspectionStatus.CONCLUDED: "info",
    InspectionStatus.CLOSED: "success",
}
FINDING_COLOURS = {
    FindingStatus.OPEN: "warning",
    FindingStatus.ANSWERED: "info",
    FindingStatus.CLOSED: "success",
}
SEVERITY_COLOURS = {
    FindingSeverity.SERIOUS: "danger",
    FindingSeverity.MEDIUM: "warning",
    FindingSeverity.MINOR: "light border",
}


def _badge(colour: str, text) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, text)


@register.simple_tag
def inspection_badge(inspection) -> str:
    return _badge(
        INSPECTION_COLOURS.get(inspection.status, "secondary"), inspection.get_status_display()
    )


@register.simple_tag
def finding_badge(finding) -> str:
    return _badge(FINDING_COLOURS.get(finding.status, "secondary"), finding.get_status_display())


@register.simple_tag
def severity_badge(finding) -> str:
    return _badge(
        SEVERITY_COLOURS.get(finding.severity, "secondary"), finding.get_severity_display()
    )


@register.inclusion_tag("oversight/partials/open_findings.html", takes_context=True)
def open_findings(context, unit_only: bool = False) -> dict:
    """“Kiến nghị kiểm tra chưa xong”: counts and the nearest deadlines the user sees (with
    `unit_only`, those the user's unit must fix); nothing when there are none."""
    user = context["request"].user
    today = timezone.localdate()
    found = inspection_selectors.open_findings(user=user, today=today, unit_only=unit_only)
    return {"found": found, "today": today}
