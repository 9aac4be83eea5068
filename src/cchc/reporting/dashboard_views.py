"""The dashboard's card of report completeness, served by the reporting app (plans, which
draws the dashboard, may not import reporting): htmx swaps the card in; without scripts the
dashboard's link opens it as a page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from cchc.lib.http import is_htmx

from . import selectors


@login_required
@require_GET
def plan_completeness(request: HttpRequest, pk: int) -> HttpResponse:
    """How the units' reports stand today in the plan's current period (the board's counts)."""
    card = selectors.plan_completeness(user=request.user, plan_pk=pk, today=timezone.localdate())
    template = "reporting/partials/plan_completeness.html"
    if not is_htmx(request):
        template = "reporting/plan_completeness.html"
    context = {"card": card, "current_plan": card.plan, "nav_section": "dashboard"}
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
