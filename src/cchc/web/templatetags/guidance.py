"""The guidance that applies to a task or a reporting period, on that page: web sits above
oversight and plans, so the plans and reporting templates need not know oversight."""

from django import template

from cchc.oversight import guidance_selectors

register = template.Library()
PARTIAL = "oversight/partials/guidance_applying.html"


@register.inclusion_tag(PARTIAL, takes_context=True)
def guidance_for_task(context, task) -> dict:
    user = context["request"].user
    return {"guidance": guidance_selectors.for_task(user=user, task=task)}


@register.inclusion_tag(PARTIAL, takes_context=True)
def guidance_for_period(context, period) -> dict:
    user = context["request"].user
    return {"guidance": guidance_selectors.for_period(user=user, period=period)}
