"""Access matrix of the oversight pages (issue 11): notifications, reminder rules, guidance,
every role of the world over HTTP, reading and acting.

The rules, read from the tables below:

* Notifications are one's own: everyone reads their list and chooses how to receive them;
  a notice of someone else answers 404.
* Reminder rules are the issuing unit's office's alone (403 for every other role).
* Guidance: the office of the issuing branch drafts, edits, sends and nudges; the branch's
  oversight roles (leader, appraiser, viewer) and the receiving units' people read what was
  sent; a unit it was not sent to sees nothing (404), a draft is the office's alone. Only
  the receiving unit's people acknowledge it, for their unit.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.oversight.models import Acknowledgement, ReminderRules
from tests.snapshots import restore_or_build
from tests.test_every_url import SCOPED, make_objects, url_of
from tests.world import sign_in

ROLES = ["office", "leader", "appraiser", "viewer", "head_a", "focal_a", "head_b", "focal_b"]
ROLES += ["nobody"]
OVERSEERS = {"leader", "appraiser", "viewer"}
UNIT_A = {"head_a", "focal_a"}


def expect(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


# What a GET answers, by page and role ("draft": the detail page of a guidance not sent).
READS = {
    "notifications:list": expect(200),
    "notifications:preferences": expect(200),
    "notifications:open": expect(404, focal_a=302),  # focal_a's own notice
    "oversight:reminders": expect(403, office=302),
    "oversight:reminder-rules": expect(403, office=200),
    "oversight:guidance-list": expect(200),
    "oversight:guidance-create": expect(403, office=200),
    "oversight:guidance-detail": expect(404, office=200, **dict.fromkeys(OVERSEERS | UNIT_A, 200)),
    "draft": expect(404, office=200),
    "oversight:guidance-edit": expect(403, office=200, head_b=404, focal_b=404, nobody=404),
    "oversight:guidance-file-download": expect(
        404, office=200, **dict.fromkeys(OVERSEERS | UNIT_A, 200)
    ),
}


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return restore_or_build("objects", lambda: make_objects(world))


def client_of(role: str) -> Client:
    client = Client()
    assert sign_in(client, role)
    return client


def url(name: str, objects: dict) -> str:
    if name == "draft":
        return reverse("oversight:guidance-detail", args=[objects["guidance_draft"].pk])
    return url_of(name, objects) if name in SCOPED else reverse(name)


@pytest.mark.parametrize("role", ROLES)
def test_reads(objects, role):
    client = client_of(role)
    answers = {name: client.get(url(name, objects)).status_code for name in READS}
    assert answers == {name: row[role] for name, row in READS.items()}


def _rules_changed(world) -> bool:
    rules = ReminderRules.objects.filter(unit=world.units["TCCT"]).first()
    return rules is not None and rules.overdue_every == 3


def _ack(objects) -> Acknowledgement:
    return Acknowledgement.objects.get(pk=objects["ack"].pk)


# Each action: the POST, what it changes when allowed, and the roles allowed.
ACTIONS = {
    "rules": (
        lambda o: (
            url_of("oversight:reminder-rules", o),
            {"before_due": "7, 1", "overdue_every": 3, "escalate_after": 14}
            | {"report_before": 3, "report_after": 1},
        ),
        lambda world, o: _rules_changed(world),
        {"office"},
    ),
    "publish": (
        lambda o: (url_of("oversight:guidance-publish", o), {}),
        lambda world, o: (
            not o["guidance_draft"].__class__.objects.get(pk=o["guidance_draft"].pk).is_draft
        ),
        {"office"},
    ),
    "ack-read": (
        lambda o: (url_of("oversight:guidance-ack-read", o), {}),
        lambda world, o: _ack(o).read_at is not None,
        UNIT_A,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions(world, objects, role, action):
    request, changed, allowed = ACTIONS[action]
    path, data = request(objects)
    client = client_of(role)  # logging in is audited too
    events = AuditEvent.objects.count()
    response = client.post(path, data)
    if role in allowed:
        assert response.status_code == 302, response.content[:500]
        assert changed(world, objects)
        assert AuditEvent.objects.count() > events
    else:
        assert response.status_code in (403, 404)
        assert not changed(world, objects)
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ROLES)
def test_mark_all_read_touches_only_ones_own(world, objects, role):
    notice = objects["notification"]  # focal_a's
    client_of(role).post(reverse("notifications:read-all"))
    notice.refresh_from_db()
    assert (notice.read_at is not None) == (role == "focal_a")
