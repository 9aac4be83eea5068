"""The plan a person is working on: the one they last chose in this session, else the plan
in force today for their branch. Every page's plan switcher shows it; the dashboard and
the task list start from it."""

from django.http import HttpRequest
from django.utils import timezone

from . import selectors
from .models import Plan

SESSION_KEY = "cchc_plan"


def remember(request: HttpRequest, plan: Plan) -> None:
    """Keep a plan the person chose (switcher, dashboard, task list filter) for the session."""
    if request.session.get(SESSION_KEY) != plan.pk:
        request.session[SESSION_KEY] = plan.pk


def current_plan(request: HttpRequest, menu: list[Plan] | None = None) -> Plan | None:
    """The chosen plan, else the plan in force. `menu`: the page's plan switcher
    (selectors.plan_menu); when it holds every plan the user may read, it is searched
    instead of asking the database again."""
    user = request.user
    every = menu if menu is not None and len(menu) < selectors.PLAN_MENU else None
    chosen = request.session.get(SESSION_KEY)
    if isinstance(chosen, int):
        # Read again through the user's scope: access may have changed since it was chosen.
        if every is None:
            plan = selectors.plan_list(user=user).filter(pk=chosen).first()
        else:
            plan = next((p for p in every if p.pk == chosen), None)
        if plan is not None:
            return plan
    return selectors.plan_in_force(user=user, today=timezone.localdate(), plans=every)
