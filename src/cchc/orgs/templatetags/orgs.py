from django import template

from cchc.orgs.services import can_edit_unit_documents

register = template.Library()


@register.filter
def may_edit_documents(user, unit) -> bool:
    """{% if request.user|may_edit_documents:plan.issuing_unit %}: show the link only to
    those the page would let in."""
    return bool(unit) and can_edit_unit_documents(user, unit)
