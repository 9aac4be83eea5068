"""The assessment pages: one unit's assessment with every criterion."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.lib.http import AuthenticatedHttpRequest

from . import assessment_selectors as selectors

SECTION = {"nav_section": "scoring"}


@login_required
@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    page = selectors.assessment_page(user=request.user, assessment=assessment)
    return render(
        request, "scoring/assessment_detail.html", {"page": page, "a": assessment, **SECTION}
    )
