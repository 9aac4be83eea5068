"""Request helpers shared by the apps' views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a view behind `login_required` gets: its user is a person, never the anonymous
    one, so it may be the `actor` of a service. A type for the checker only (as django-stubs
    advises); Django still passes an HttpRequest."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
