import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from cchc.orgs.access import access_for
from cchc.orgs.models import Role

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Ok or not, and nothing else: the caller may be anyone on the network, so the
    database's vendor, host, port and role stay in the server's log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure makes the check fail
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a person lands: the appraisal council's members who hold no other role land
    on their queue of assessments to appraise; everyone else on the dashboard."""
    if access_for(request.user).roles() == {Role.APPRAISER}:
        return redirect("scoring:appraisal-queue")
    return redirect("plans:dashboard")
