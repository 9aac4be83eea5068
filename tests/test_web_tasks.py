"""The task list: filters, diacritics-blind search, the htmx fragment and bulk actions."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.orgs import services as org_services
from cchc.plans.models import Task
from tests.web_helpers import freeze_today
from tests.world import make_user


@pytest.fixture
def office(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["office"])
    return client


def codes(response) -> list[str]:
    return [t.code for t in response.context["page"].object_list]


def test_task_list_shows_the_columns(world, office):
    response = office.get(reverse("plans:task-list"), {"plan": world.plan.pk})
    assert response.status_code == 200
    assert codes(response) == ["1.1", "2.1", "3.1", "5.1", "7.1"]
    text = response.content.decode()
    for header in ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Trạng thái"]:
        assert header in text
    assert "Tháng 6/2026" in text and "20/06/2026" in text  # due text and parsed date
    assert "Sắp đến hạn" in text and "Thường xuyên" in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"timeliness": "overdue"}, ["1.1"]),
        ({"timeliness": "due_soon"}, ["2.1"]),
        ({"timeliness": "recurring"}, ["5.1"]),
        ({"status": "not_started"}, ["1.1", "2.1", "3.1", "5.1", "7.1"]),
        ({"status": "done"}, []),
        ({"area": "area7"}, ["7.1"]),
        ({"unit": "CTH"}, ["1.1", "2.1", "7.1"]),
        ({"lead_unit": "CTH"}, ["1.1", "2.1"]),
        ({"unit": "CTC", "timeliness": "on_track"}, ["3.1"]),
    ],
)
def test_task_list_filters(world, office, params, expected):
    from cchc.plans.models import Area

    query = {"plan": world.plan.pk}
    for key, value in params.items():
        if key in ("unit", "lead_unit"):
            value = world.units[value].pk
        elif key == "area":
            value = Area.objects.get(code=int(value.removeprefix("area"))).pk
        query[key] = value
    assert codes(office.get(reverse("plans:task-list"), query)) == expected


def test_invalid_filters_are_ignored_not_fatal(world, office):
    response = office.get(
        reverse("plans:task-list"),
        {"plan": world.plan.pk, "timeliness": "nonsense", "area": "x", "page": "999"},
    )
    assert response.status_code == 200
    assert codes(response) == ["1.1", "2.1", "3.1", "5.1", "7.1"]


HUGE = "99999999999999999999"  # beyond 2^63


@pytest.mark.parametrize("name", ["plan", "area", "unit", "lead_unit"])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "0", "1e9", "١", "9" * 4000])
def test_out_of_range_ids_in_the_query_are_ignored(world, office, name, value):
    for view in ("plans:task-list", "plans:task-mine", "plans:task-export", "plans:dashboard"):
        response = office.get(reverse(view), {name: value})
        # "١" reads as 1: a plan that may not exist (404); nothing is a server error.
        assert response.status_code in (200, 404), (view, name, value)


def test_out_of_range_ids_in_a_bulk_action_are_refused(world, office):
    response = office.post(
        reverse("plans:task-bulk"),
        {"ids": [HUGE], "action": "set_due", "due_date": "30/06/2026"},
        follow=True,
    )
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cai cach", ["1.1"]),
        ("CẢI CÁCH", ["1.1"]),
        ("Cai Cach", ["1.1"]),
        ("thu tuc", ["3.1"]),
        ("so hoa ho so", ["7.1"]),
        ("đơn giản", ["3.1"]),
        ("khong co nhiem vu nao nhu vay", []),
    ],
)
def test_search_ignores_diacritics_and_case(world, office, q, expected):
    response = office.get(reverse("plans:task-list"), {"plan": world.plan.pk, "q": q})
    assert codes(response) == expected


def test_search_without_diacritics_finds_the_words_with_them(world, office):
    response = office.get(reverse("plans:task-list"), {"q": "cai cach"})
    text = response.content.decode()
    assert "Tuyên truyền về cải cách hành chính" in text
    assert 'value="cai cach"' in text  # the words typed stay in the box


def test_htmx_request_gets_only_the_results_fragment(world, office):
    url = reverse("plans:task-list")
    full = office.get(url, {"plan": world.plan.pk, "q": "cai cach"})
    part = office.get(url, {"plan": world.plan.pk, "q": "cai cach"}, HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    fragment = part.content.decode()
    assert "<html" not in fragment and "<nav" not in fragment.split('id="task-results"')[0]
    assert fragment.lstrip().startswith('<div id="task-results"')
    assert "Tuyên truyền về cải cách hành chính" in fragment
    assert "<html" in full.content.decode()
    assert "HX-Request" in part["Vary"]
    # A history restore asks for the whole page again.
    restore = office.get(
        url, {"plan": world.plan.pk}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_the_phone_filter_button_counts_the_filters_after_an_htmx_swap(world, office):
    url = reverse("plans:task-list")
    full = office.get(url, {"plan": world.plan.pk}).content.decode()
    # On the page, the count sits in the button, not swapped in from elsewhere.
    assert '<span id="filter-count"> <span class="badge' in full and "1 điều kiện" in full
    assert "hx-swap-oob" not in full
    part = office.get(
        url, {"plan": world.plan.pk, "q": "cai cach", "status": "open"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<span id="filter-count" hx-swap-oob="true"> <span class="badge' in part
    assert "3 điều kiện" in part
    none = office.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert '<span id="filter-count" hx-swap-oob="true"></span>' in none  # the badge goes


def test_filter_form_works_without_javascript(world, office):
    text = office.get(reverse("plans:task-list")).content.decode()
    # A plain GET form to the same URL, with htmx as an extra on top.
    assert 'method="get" action="/tasks/"' in text
    assert 'hx-get="/tasks/"' in text and 'type="submit"' in text


def test_pagination(world, office, settings):
    settings.CCHC_PAGE_SIZE = 2
    first = office.get(reverse("plans:task-list"), {"plan": world.plan.pk})
    assert codes(first) == ["1.1", "2.1"]
    assert "page=2" in first.content.decode()
    third = office.get(reverse("plans:task-list"), {"plan": world.plan.pk, "page": 3})
    assert codes(third) == ["7.1"]


def test_office_sees_bulk_actions_others_do_not(world, office, client):
    text = office.get(reverse("plans:task-list")).content.decode()
    assert 'name="ids"' in text and "Đổi cơ quan chủ trì" in text and "Đổi thời hạn" in text
    client.force_login(world.users["leader"])
    text = client.get(reverse("plans:task-list")).content.decode()
    assert 'name="ids"' not in text


def test_bulk_change_of_lead_unit(world, office):
    tasks = [world.tasks["a_overdue"], world.tasks["a_soon"]]
    before = AuditEvent.objects.count()
    back = f"{reverse('plans:task-list')}?plan={world.plan.pk}&q=cai+cach"
    response = office.post(
        reverse("plans:task-bulk"),
        {
            "ids": [t.pk for t in tasks],
            "action": "set_lead_unit",
            "lead_unit": world.units["CTC"].pk,
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert set(
        Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("lead_unit", flat=True)
    ) == {world.units["CTC"].pk}
    events = AuditEvent.objects.filter(action="task.set_lead_unit")
    assert AuditEvent.objects.count() == before + 2
    assert {e.object_id for e in events} == {str(t.pk) for t in tasks}
    assert events[0].actor == world.users["office"]
    assert verify_chain()[1] is None
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2 nhiệm vụ" in m for m in messages)


def test_bulk_change_of_due_date(world, office):
    tasks = [world.tasks["b_track"], world.tasks["b_recurring"]]
    response = office.post(
        reverse("plans:task-bulk"),
        {
            "ids": [t.pk for t in tasks],
            "action": "set_due",
            "due_date": "30/09/2026",
            "due_text": "Quý III/2026",
        },
        follow=True,
    )
    assert response.status_code == 200
    for task in tasks:
        task.refresh_from_db()
        assert task.due_date == datetime.date(2026, 9, 30)
        assert task.due_text == "Quý III/2026"
        assert not task.is_recurring
    assert AuditEvent.objects.filter(action="task.set_due").count() == 2
    assert "Đã đổi thời hạn thành Quý III/2026 cho 2 nhiệm vụ." in response.content.decode()


def test_bulk_without_selection_says_so(world, office):
    response = office.post(
        reverse("plans:task-bulk"),
        {"action": "set_due", "due_date": "30/09/2026"},
        follow=True,
    )
    assert "Chưa chọn nhiệm vụ nào." in response.content.decode()


def test_bulk_missing_unit_is_a_message_not_a_change(world, office):
    task = world.tasks["a_soon"]
    response = office.post(
        reverse("plans:task-bulk"), {"ids": [task.pk], "action": "set_lead_unit"}, follow=True
    )
    assert "Hãy chọn cơ quan chủ trì mới." in response.content.decode()
    task.refresh_from_db()
    assert task.lead_unit == world.units["CTH"]


def test_bulk_is_refused_to_a_focal_officer(world, client):
    client.force_login(world.users["focal_a"])
    task = world.tasks["a_soon"]
    response = client.post(
        reverse("plans:task-bulk"),
        {"ids": [task.pk], "action": "set_due", "due_date": "30/09/2026"},
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.due_date == datetime.date(2026, 6, 20)


def test_bulk_on_a_task_outside_the_office_scope_is_refused(world, client):
    # An office of Cục TH may not move Cục CB's task.
    user = make_user("office_cth")
    org_services.membership_grant(actor=None, user=user, unit=world.units["CTH"], role="office")
    client.force_login(user)
    mine, theirs = world.tasks["a_soon"], world.tasks["b_track"]
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("plans:task-bulk"),
        {"ids": [mine.pk, theirs.pk], "action": "set_due", "due_date": "30/09/2026"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before
    mine.refresh_from_db()
    assert mine.due_date == datetime.date(2026, 6, 20)


def test_bulk_rejects_a_unit_outside_the_office_scope(world, office):
    task = world.tasks["a_soon"]
    response = office.post(
        reverse("plans:task-bulk"),
        {"ids": [task.pk], "action": "set_lead_unit", "lead_unit": world.units["BQP"].pk},
        follow=True,
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.lead_unit == world.units["CTH"]


def test_open_status_means_neither_done_nor_cancelled(world, office):
    from cchc.plans import progress

    progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        status="done",
        deliverable="Báo cáo rà soát",
    )
    response = office.get(reverse("plans:task-list"), {"plan": world.plan.pk, "status": "open"})
    assert codes(response) == ["1.1", "3.1", "5.1", "7.1"]
    assert "Chưa hoàn thành" in response.content.decode()


def test_dates_are_read_day_first_whatever_the_browser_language(world, office):
    task = world.tasks["a_soon"]
    office.post(
        reverse("plans:task-bulk"),
        {"ids": [task.pk], "action": "set_due", "due_date": "01/02/2026"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    task.refresh_from_db()
    assert task.due_date == datetime.date(2026, 2, 1)
