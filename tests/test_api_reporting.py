"""Reporting periods and notifications through the API: what the web's selectors give each
role, one's own notifications only, marked read by the web's service."""

import json

import pytest
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.notifications.models import Kind
from cchc.notifications.selectors import notification_list
from cchc.notifications.services import Message, notify
from cchc.orgs.access import access_for
from cchc.reporting import selectors
from cchc.reporting.consolidation import document_data
from cchc.reporting.permissions import can_read_consolidated
from tests.api_helpers import ROLES, api_as
from tests.test_reporting_world import make_period


@pytest.mark.parametrize("role", ROLES)
def test_periods_are_the_webs(world, role):
    period = make_period(world)
    client, user = api_as(world, role), world.users[role]
    rows = client.get("/periods").json()
    assert [r["id"] for r in rows] == [p.pk for p in selectors.period_rows(user=user)]
    readable = bool(rows)
    response = client.get(f"/periods/{period.pk}")
    assert response.status_code == (200 if readable else 404)
    if readable:
        assert response.json()["label"] == period.label
        assert response.json()["units_due"] == period.units.count()


def test_notifications_are_ones_own(world):
    office, focal = world.users["office"], world.users["focal_a"]
    [mine] = notify(
        actor=office,
        recipients=[focal],
        message=Message(kind=Kind.NUDGE, title="Đôn đốc cập nhật", url="/tasks/mine/"),
    )
    client = api_as(world, "focal_a")
    rows = client.get("/notifications", {"unread": "true"}).json()
    own = notification_list(user=focal, unread=True)
    assert {r["id"] for r in rows} == set(own.values_list("pk", flat=True))
    assert rows[0]["id"] == mine.pk and rows[0]["read_at"] is None
    other = api_as(world, "focal_b")
    assert mine.pk not in {r["id"] for r in other.get("/notifications").json()}
    assert other.post(f"/notifications/{mine.pk}/read").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    assert AuditEvent.objects.filter(action="notification.read").count() == 1
    assert client.post(f"/notifications/{mine.pk}/read").status_code == 200
    assert AuditEvent.objects.filter(action="notification.read").count() == 1
    assert mine.pk not in {r["id"] for r in client.get("/notifications", {"unread": "1"}).json()}


@pytest.mark.parametrize("role", ROLES)
def test_consolidated_figures_for_who_may_read_the_report(world, role):
    period = make_period(world)
    response = api_as(world, role).get(f"/periods/{period.pk}/consolidated")
    may_read = can_read_consolidated(access_for(world.users[role]), period)
    # The issuing branch's oversight roles (the board's readers), no unit's people.
    assert may_read == (role in ("office", "leader", "appraiser", "viewer"))
    if not may_read:
        assert response.status_code in (403, 404), response.content
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approved"] is False
    live = document_data(period, None, today=timezone.localdate())
    assert body["data"] == json.loads(json.dumps(live))
    assert body["data"]["stats"] and body["data"]["period"]["id"] == period.pk
