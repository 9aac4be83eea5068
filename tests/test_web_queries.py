"""Pages issue the same number of queries with 10 tasks as with 1,000 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.orgs import services as org_services
from tests.web_helpers import add_tasks, freeze_today
from tests.world import make_user


def count_queries(client, url: str, params: dict, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def pages(world) -> list[tuple[str, dict, dict]]:
    plan = world.plan.pk
    return [
        (reverse("plans:dashboard"), {}, {}),
        (reverse("plans:dashboard"), {"plan": plan, "unit": world.units["CTH"].pk}, {}),
        (reverse("plans:task-list"), {"plan": plan}, {}),
        (reverse("plans:task-list"), {"plan": plan, "unit": world.units["CTC"].pk}, {}),
        (reverse("plans:task-list"), {"timeliness": "overdue", "q": "cai cach"}, {}),
        (reverse("plans:task-list"), {"plan": plan}, {"HTTP_HX_REQUEST": "true"}),
        (reverse("plans:task-mine"), {}, {}),
        (reverse("plans:plan-detail", args=[plan]), {}, {}),
    ]


@pytest.mark.parametrize("persona", ["office", "focal_a", "superuser"])
def test_queries_do_not_grow_with_the_number_of_tasks(world, client, monkeypatch, persona):
    freeze_today(monkeypatch, world.today)
    if persona == "superuser":
        user = make_user("root", is_superuser=True, is_staff=True)
    else:
        user = world.users[persona]
    # The focal officer also works as the office of its unit: both roles in one person.
    if persona == "focal_a":
        org_services.membership_grant(actor=None, user=user, unit=world.units["CTH"], role="office")
    client.force_login(user)

    add_tasks(world, 5)  # the world's 5 + 5 = 10 tasks in the plan
    # A first pass leaves the session as it stays (the chosen plan remembered).
    [count_queries(client, url, params, **h) for url, params, h in pages(world)]
    small = [count_queries(client, url, params, **h) for url, params, h in pages(world)]
    add_tasks(world, 990, start=5)  # 1,000 tasks
    large = [count_queries(client, url, params, **h) for url, params, h in pages(world)]
    assert large == small
