"""Manual nudge (issue 11, đôn đốc): the office picks tasks on the task list, or units on
the dashboard, and sends a message; each lead unit's focal officers and head get one
notice listing its tasks, shown on each task's page and on their landing page until read."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.notifications.models import Kind, Notification
from cchc.plans import notices
from cchc.plans.models import Nudge
from tests.web_helpers import freeze_today

MESSAGE = "Đề nghị đơn vị khẩn trương hoàn thành, cập nhật tiến độ trước thứ Sáu."


@pytest.fixture(autouse=True)
def fresh_inbox(world, monkeypatch):
    """The world's plans were issued while it was built: start from an empty inbox, on the
    world's day (its tasks are overdue or due soon as of then)."""
    freeze_today(monkeypatch, world.today)
    Notification.objects.all().delete()
    return world


def bulk_nudge(client, world, keys, message=MESSAGE):
    ids = [world.tasks[k].pk for k in keys]
    data = {"ids": ids, "action": "nudge", "message": message, "next": "/tasks/"}
    return client.post(reverse("plans:task-bulk"), data)


def received(world) -> dict[str, list[Notification]]:
    rows: dict[str, list[Notification]] = {}
    for n in Notification.objects.filter(kind=Kind.NUDGE).select_related("recipient"):
        rows.setdefault(n.recipient.username, []).append(n)
    return rows


def test_the_office_nudges_two_tasks_of_two_units(world, client):
    client.force_login(world.users["office"])
    response = bulk_nudge(client, world, ["a_overdue", "b_track"])
    assert response.status_code == 302
    got = received(world)
    # Exactly each lead unit's focal officers and head, one notice each.
    assert {name: len(rows) for name, rows in got.items()} == {
        "focal_a": 1,
        "head_a": 1,
        "focal_b": 1,
        "head_b": 1,
    }
    [a] = got["focal_a"]
    assert a.title == "Văn phòng đôn đốc Cục Tuyên huấn: 1 nhiệm vụ"
    assert MESSAGE in a.body and "1.1 Tuyên truyền về cải cách hành chính" in a.body
    assert "3.1" not in a.body  # the other unit's task is not named to this one
    assert a.url == reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk])
    assert a.sent_by == world.users["office"]
    assert "3.1 Đơn giản hóa thủ tục hành chính" in got["head_b"][0].body
    # One nudge and one audit event per unit, naming its tasks.
    nudges = {n.unit.code: n for n in Nudge.objects.all()}
    assert sorted(nudges) == ["CTC", "CTH"]
    events = AuditEvent.objects.filter(action="nudge.send")
    assert sorted(e.changes["tasks"][1] for e in events) == sorted(
        [[world.tasks["a_overdue"].pk], [world.tasks["b_track"].pk]]
    )
    assert all(e.changes["message"][1] == MESSAGE for e in events)
    # Each task's page lists the nudge under “Nhắc việc, đôn đốc”, with its recipients.
    page = client.get(reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk]))
    [notice] = page.context["notices"]
    assert notice.title == a.title and MESSAGE in notice.body
    assert sorted(notice.recipients) == ["focal_a", "head_a"]
    assert "Nhắc việc, đôn đốc" in page.content.decode()
    other = client.get(reverse("plans:task-detail", args=[world.tasks["a_soon"].pk]))
    assert other.context["notices"] == []


def test_tasks_of_one_unit_make_one_notice_shown_on_each_task(world, client):
    client.force_login(world.users["office"])
    bulk_nudge(client, world, ["a_overdue", "a_soon"])
    got = received(world)
    assert sorted(got) == ["focal_a", "head_a"] and len(got["focal_a"]) == 1
    body = got["focal_a"][0].body
    assert "1.1 Tuyên truyền" in body and "2.1 Rà soát văn bản quy phạm nội bộ" in body
    assert got["focal_a"][0].url == (f"{reverse('plans:task-mine')}?plan={world.plan.pk}")
    for key in ["a_overdue", "a_soon"]:
        page = client.get(reverse("plans:task-detail", args=[world.tasks[key].pk]))
        assert len(page.context["notices"]) == 1, key
    # The focal officer sees it on the task too.
    client.force_login(world.users["focal_a"])
    page = client.get(reverse("plans:task-detail", args=[world.tasks["a_soon"].pk]))
    assert MESSAGE in page.content.decode()


def test_a_focal_officer_cannot_nudge(world, client):
    focal = world.users["focal_a"]
    with pytest.raises(PermissionDenied):
        notices.task_nudge(actor=focal, task_ids=[world.tasks["a_overdue"].pk], message=MESSAGE)
    with pytest.raises(PermissionDenied):
        notices.unit_nudge(
            actor=focal,
            plan=world.plan,
            unit_ids=[world.units["CTH"].pk],
            message=MESSAGE,
            today=world.today,
        )
    client.force_login(focal)
    assert bulk_nudge(client, world, ["a_overdue"]).status_code == 403
    url = reverse("plans:plan-nudge", args=[world.plan.pk])
    response = client.post(url, {"units": [world.units["CTH"].pk], "message": MESSAGE})
    assert response.status_code == 403
    # The ministry's plan is not the department office's to nudge about either.
    with pytest.raises(PermissionDenied):
        notices.task_nudge(
            actor=world.users["office"],
            task_ids=[world.tasks["parent_task"].pk],
            message=MESSAGE,
        )
    assert not Nudge.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("message", "words"),
    [("", "hãy nhập"), ("   \n ", "hãy nhập"), ("x" * 5000, "tối đa 2000 ký tự")],
)
def test_an_empty_or_huge_message_is_refused_naming_the_field(world, client, message, words):
    with pytest.raises(ValidationError) as refused:
        notices.task_nudge(
            actor=world.users["office"], task_ids=[world.tasks["a_overdue"].pk], message=message
        )
    assert list(refused.value.message_dict) == ["message"]
    client.force_login(world.users["office"])
    response = bulk_nudge(client, world, ["a_overdue"], message=message)
    assert response.status_code == 302
    errors = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Nội dung đôn đốc" in e and words in e for e in errors), errors
    url = reverse("plans:plan-nudge", args=[world.plan.pk])
    response = client.post(url, {"units": [world.units["CTH"].pk], "message": message})
    assert response.status_code == 302
    errors = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Nội dung đôn đốc" in e and words in e for e in errors), errors
    assert not Nudge.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"units": ["abc"], "message": MESSAGE},
        {"units": ["99999999999999999999"], "message": MESSAGE},
        {"units": [], "message": MESSAGE},
        {"message": "\x00"},
    ],
)
def test_hostile_unit_nudges_are_refused_without_a_500(world, client, data):
    client.force_login(world.users["office"])
    response = client.post(reverse("plans:plan-nudge", args=[world.plan.pk]), data)
    assert response.status_code == 302
    assert not Nudge.objects.exists()


def test_a_unit_nudge_names_its_urgent_tasks_or_says_the_message_alone(world, client):
    client.force_login(world.users["office"])
    dashboard = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk})
    # The form offers the units with open tasks overdue or due soon (counted on the closed
    # form, listed when it opens).
    assert dashboard.context["nudge_count"] == 1
    opened = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk, "nudge": "1"})
    assert [(u.name, u.overdue, u.due_soon) for u in opened.context["nudge_units"]] == [
        ("Cục Tuyên huấn", 1, 1)
    ]
    assert "Đôn đốc đơn vị có nhiệm vụ quá hạn" in dashboard.content.decode()
    # Their checkboxes load when the form is opened (or with ?nudge=1 without JavaScript).
    assert 'name="units"' not in dashboard.content.decode()
    listed = client.get(reverse("plans:plan-nudge-units", args=[world.plan.pk])).content.decode()
    assert f'name="units" value="{world.units["CTH"].pk}"' in listed and "<html" not in listed
    opened = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk, "nudge": "1"})
    assert f'name="units" value="{world.units["CTH"].pk}"' in opened.content.decode()
    url = reverse("plans:plan-nudge", args=[world.plan.pk])
    units = [world.units["CTH"].pk, world.units["CTC"].pk]
    response = client.post(url, {"units": units, "message": MESSAGE})
    assert response.status_code == 302
    cth = Nudge.objects.get(unit=world.units["CTH"])
    assert sorted(t.pk for t in cth.tasks.all()) == sorted(
        [world.tasks["a_overdue"].pk, world.tasks["a_soon"].pk]
    )
    ctc = Nudge.objects.get(unit=world.units["CTC"])
    assert not ctc.tasks.exists()  # nothing urgent: the message alone
    got = received(world)
    assert got["focal_a"][0].title == "Văn phòng đôn đốc Cục Tuyên huấn: 2 nhiệm vụ"
    assert got["head_b"][0].title == "Văn phòng đôn đốc Cục Cán bộ"
    assert got["head_b"][0].body == MESSAGE
    assert AuditEvent.objects.filter(action="nudge.send").count() == 2
    # A unit outside the plan's branch is refused.
    response = client.post(url, {"units": [world.units["BQP"].pk], "message": MESSAGE})
    assert Nudge.objects.count() == 2
    # A focal officer's dashboard offers no nudge form.
    client.force_login(world.users["focal_a"])
    dashboard = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk})
    assert dashboard.context["nudge_count"] == 0
    assert "Đôn đốc đơn vị có nhiệm vụ quá hạn" not in dashboard.content.decode()
    listed = client.get(reverse("plans:plan-nudge-units", args=[world.plan.pk])).content.decode()
    assert 'name="units"' not in listed


def test_the_landing_page_shows_unread_nudges_until_read(world, client):
    notices.task_nudge(
        actor=world.users["office"], task_ids=[world.tasks["a_overdue"].pk], message=MESSAGE
    )
    client.force_login(world.users["focal_a"])
    landing = client.get(reverse("web:home"), follow=True)
    text = landing.content.decode()
    assert "Văn phòng đôn đốc" in text and MESSAGE in text and "office" in text
    [n] = Notification.objects.filter(recipient=world.users["focal_a"])
    # “Đã xem” marks it read and comes back; the banner is gone.
    back = reverse("plans:dashboard")
    response = client.post(reverse("notifications:read", args=[n.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    n.refresh_from_db()
    assert n.read_at is not None
    assert "Văn phòng đôn đốc" not in client.get(back).content.decode()
    # Opening the other person's marks theirs read and leads to the task.
    client.force_login(world.users["head_a"])
    assert MESSAGE in client.get(back).content.decode()
    [m] = Notification.objects.filter(recipient=world.users["head_a"])
    response = client.get(reverse("notifications:open", args=[m.pk]))
    assert response["Location"] == reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk])
    assert MESSAGE not in client.get(back).content.decode()
    # Someone else's is not theirs to mark, and a foreign `next` is not followed.
    client.force_login(world.users["focal_b"])
    assert client.post(reverse("notifications:read", args=[m.pk])).status_code == 404
    client.force_login(world.users["head_a"])
    response = client.post(reverse("notifications:read", args=[m.pk]), {"next": "//evil.com/"})
    assert response["Location"] == reverse("notifications:list")


def test_the_landing_page_queries_do_not_grow_with_nudges(
    world, client, django_assert_max_num_queries
):
    office, task = world.users["office"], world.tasks["a_overdue"].pk
    notices.task_nudge(actor=office, task_ids=[task], message=MESSAGE)
    client.force_login(world.users["focal_a"])
    url = reverse("plans:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(12):
        notices.task_nudge(actor=office, task_ids=[task], message=f"{MESSAGE} {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('action="/notifications/') == 5  # the newest five
    assert "5 trong số 13 chưa xem" in page.content.decode()


@pytest.mark.parametrize("role", ["office", "leader", "viewer", "focal_a"])
def test_the_count_on_the_closed_form_is_the_units_the_open_form_lists(world, client, role):
    """The badge counts from the dashboard's own figures, the list asks the database: the same
    units, and nothing for those who may not nudge."""
    from cchc.plans import selectors

    user = world.users[role]
    summary = selectors.plan_summary(user=user, plan=world.plan, today=world.today)
    listed = selectors.nudge_units(user=user, plan=world.plan, today=world.today)
    assert selectors.nudge_count(user=user, summary=summary) == len(listed)
    if role == "office":
        assert len(listed) >= 1
        client.force_login(user)
        page = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk}).content.decode()
        opened = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk, "nudge": "1"})
        for html in (page, opened.content.decode()):
            badge = html[html.index('id="nudge-units"') :]
            assert f'text-bg-secondary">{len(listed)}</span>' in badge[: badge.index("</summary>")]
        assert all(u.name in opened.content.decode() for u in listed)
