"""Reporting periods and notifications through the API: what the web's selectors give each
role, one's own notifications only, marked read by the web's service."""

import json

import pytest
from django.test import Client
from django.urls import reverse
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


@pytest.mark.parametrize("role", ROLES)
def test_a_units_report_is_read_by_whom_the_web_shows_it(world, role):
    period = make_period(world)
    unit = world.units["CTH"]
    web = Client()
    web.force_login(world.users[role])
    web_status = web.get(reverse("reporting:unit-report", args=[period.pk, unit.pk])).status_code
    response = api_as(world, role).get(f"/periods/{period.pk}/reports/{unit.pk}")
    assert response.status_code == (200 if web_status == 200 else 404), (web_status, response)
    if response.status_code == 200:
        body = response.json()
        assert body["unit_id"] == unit.pk and set(body["narrative"]) == {
            str(c) for c in range(1, 8)
        }


def test_a_report_is_drafted_and_submitted_through_the_webs_services(world):
    period, unit = make_period(world), world.units["CTH"]
    url = f"/periods/{period.pk}/reports/{unit.pk}"
    focal, head = api_as(world, "focal_a"), api_as(world, "head_a")
    version = focal.get(url).json()["version"]
    draft = {"version": version, "narrative": {"1": {"results": "Đã tuyên truyền"}}}
    saved = focal.post(f"{url}/draft", draft)
    assert saved.status_code == 200, saved.content
    assert saved.json()["narrative"]["1"]["results"] == "Đã tuyên truyền"
    assert AuditEvent.objects.filter(action="unit_report.save").exists()
    # The same version again: someone saved since (this very client) — a conflict.
    stale = focal.post(f"{url}/draft", draft | {"proposals": "Khác"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    bad = focal.post(f"{url}/draft", {"version": 0, "narrative": {"9": {"x": "y"}}})
    assert bad.status_code == 400 and "narrative.9" in bad.json()["error"]["fields"]
    current = saved.json()["version"]
    assert focal.post(f"{url}/submit", {"version": current}).status_code == 403  # the head's
    submitted = head.post(f"{url}/submit", {"version": current}, key="s-1")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = head.post(f"{url}/submit", {"version": current}, key="s-1")
    assert again.json() == submitted.json() and submitted.json()["submissions"] == 1
    assert api_as(world, "focal_b").post(f"{url}/draft", draft).status_code == 404


def test_a_report_in_the_wrong_status_is_409_not_403(world):
    """A write the person's role allows, refused for the report's status (sent already),
    is a conflict with its state, with the service's message; one the role does not
    allow stays 403; nothing is written by either."""
    period, unit = make_period(world), world.units["CTH"]
    url = f"/periods/{period.pk}/reports/{unit.pk}"
    focal, head = api_as(world, "focal_a"), api_as(world, "head_a")
    version = head.get(url).json()["version"]
    sent = head.post(f"{url}/submit", {"version": version})
    assert sent.status_code == 200, sent.content
    now = sent.json()["version"]
    again = head.post(f"{url}/submit", {"version": now})
    assert again.status_code == 409, again.content
    assert again.json()["error"] == {
        "code": "conflict",
        "message": "Báo cáo đang ở trạng thái “Đã gửi”, không gửi lại được.",
        "fields": {},
    }
    draft = focal.post(f"{url}/draft", {"version": now, "proposals": "Sửa sau khi gửi"})
    assert draft.status_code == 409, draft.content
    assert draft.json()["error"]["message"] == "Báo cáo đang ở trạng thái “Đã gửi”, không sửa được."
    # The role is checked first: a focal officer never submits where the unit has a head.
    refused = focal.post(f"{url}/submit", {"version": now})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    report = selectors.unit_report_page(
        user=world.users["head_a"], period=period, unit=unit, today=timezone.localdate()
    ).report
    assert report.version == now and report.proposals == "" and report.versions.count() == 1
    assert AuditEvent.objects.filter(action="unit_report.submit").count() == 1
