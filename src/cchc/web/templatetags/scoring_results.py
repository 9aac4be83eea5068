"""The year's scoring results where people already look: a card on the dashboard with the
counts per grade and the first ranks, linking to the results page (plans does not import
scoring; web sits above both). Only for those who may see the results."""

from django import template

from cchc.scoring import results

register = template.Library()


@register.inclusion_tag("scoring/partials/results_card.html", takes_context=True)
def results_card(context, plan) -> dict:
    """“Kết quả chấm điểm CCHC”: the results of the set the plan's issuing unit made for the
    plan's year; nothing when there are none the user may see."""
    user = context["request"].user
    summary = results.results_summary(user=user, unit=plan.issuing_unit, year=plan.year)
    return {"summary": summary}
