"""The office's review of a completion through the API (issue 13): its queue, a task's
reviews, confirm and return through plans.review, with the web's permission, audit events
and messages; a second answer or a stale report is 409; hostile values never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.plans import progress
from cchc.plans.models import CompletionReview, Task, TaskStatus
from tests.api_helpers import ROLES, api_as


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message", "fields"}, data
    return data["error"]


@pytest.fixture
def done(world):
    """2.1 (led by agency A) reported done today by its focal officer."""
    return progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        status="done",
        deliverable="Quyết định 7/QĐ-CT",
    )


def readable(world, role: str, task) -> bool:
    web = Client()
    web.force_login(world.users[role])
    return web.get(reverse("plans:task-detail", args=[task.pk])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_is_the_offices(world, done, role):
    response = api_as(world, role).get("/reviews")
    if role == "office":
        assert response.status_code == 200, response.content
        page = response.json()
        assert page["count"] == 1 and page["pages"] == 1
        [row] = page["items"]
        assert row["id"] == world.tasks["a_soon"].pk and row["attempt"] == 1
        assert row["status"] == "done" and row["report_on"] == done.reported_on.isoformat()
    else:
        assert response.status_code == 403, response.content
        assert error_of(response)["message"] == "Chỉ Văn phòng xác nhận hoàn thành nhiệm vụ."


@pytest.mark.parametrize("role", ROLES)
def test_a_tasks_reviews_are_read_by_its_readers(world, done, role):
    task = world.tasks["a_soon"]
    response = api_as(world, role).get(f"/tasks/{task.pk}/reviews")
    if not readable(world, role, task):
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["report_id"], body["reviews"]) == ("awaiting", done.pk, [])
    assert body["can_review"] == (role == "office")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_confirms(world, done, role):
    task = world.tasks["a_soon"]
    response = api_as(world, role).post(f"/tasks/{task.pk}/confirm", {"rating": "met"})
    if role == "office":
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["decision"], body["rating"]) == ("confirmed", "met")
        assert body["report_id"] == done.pk
        event = AuditEvent.objects.get(action="task.completion_confirm")
        assert event.actor == world.users["office"] and event.object_id == str(task.pk)
        reviews = api_as(world, "focal_a").get(f"/tasks/{task.pk}/reviews").json()
        assert reviews["state"] == "confirmed" and reviews["reviews"][0]["id"] == body["id"]
    else:
        expected = 403 if readable(world, role, task) else 404
        assert response.status_code == expected, response.content
        assert not CompletionReview.objects.exists()


def test_a_return_needs_its_reason_and_reopens_the_task(world, done):
    office, task = api_as(world, "office"), world.tasks["a_soon"]
    for body in ({}, {"reason": "  "}):
        bare = office.post(f"/tasks/{task.pk}/return", body)
        assert bare.status_code == 400, bare.content
        assert error_of(bare)["fields"]["reason"] == [
            "Cần ghi rõ lý do trả lại để đơn vị biết phải làm gì."
        ]
    long = office.post(f"/tasks/{task.pk}/return", {"reason": "x" * 4001})
    assert long.status_code == 400 and "reason" in error_of(long)["fields"]
    returned = office.post(f"/tasks/{task.pk}/return", {"reason": "Thiếu quyết định ban hành."})
    assert returned.status_code == 201, returned.content
    assert returned.json()["decision"] == "returned" and returned.json()["return_update_id"]
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(action="task.completion_return").count() == 1
    # Nothing awaits an answer now: a second one is a conflict, said as the web says it.
    again = office.post(f"/tasks/{task.pk}/confirm", {"rating": "met"})
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"
    assert "trả lại" in error_of(again)["message"]


def test_a_stale_report_or_a_second_answer_is_409_and_a_retry_is_the_first(world, done):
    office, task = api_as(world, "office"), world.tasks["a_soon"]
    stale = office.post(f"/tasks/{task.pk}/confirm", {"rating": "met", "report": done.pk + 1})
    assert stale.status_code == 409, stale.content
    bad = office.post(f"/tasks/{task.pk}/confirm", {"rating": "good"})
    assert bad.status_code == 400
    assert error_of(bad)["fields"]["rating"] == [
        "Hãy chọn đánh giá chất lượng: đạt hoặc chưa đạt yêu cầu."
    ]
    body = {"rating": "not_met", "comment": "Chậm", "report": done.pk}
    first = office.post(f"/tasks/{task.pk}/confirm", body, key="c-1")
    again = office.post(f"/tasks/{task.pk}/confirm", body, key="c-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert CompletionReview.objects.count() == 1
    second = office.post(f"/tasks/{task.pk}/confirm", body)
    assert second.status_code == 409 and "xác nhận hoàn thành" in error_of(second)["message"]


HOSTILE_IDS = ["0", "-1", str(2**31), str(2**70), "abc", "1e3"]


def test_hostile_values_never_answer_500(world, done):
    office, task = api_as(world, "office"), world.tasks["a_soon"]
    for value in HOSTILE_IDS:
        for path in (f"/tasks/{value}/reviews",):
            assert office.get(path).status_code in (400, 404), path
        for action in ("confirm", "return"):
            response = office.post(f"/tasks/{value}/{action}", {"rating": "met", "reason": "x"})
            assert response.status_code in (400, 404), (value, action)
            error_of(response)
        response = office.post(f"/tasks/{task.pk}/confirm", {"rating": "met", "report": value})
        assert response.status_code in (400, 409), (value, response.content)
        response = office.get("/reviews", {"page": value, "limit": value})
        assert response.status_code in (200, 400), (value, response.content)
    for body in ({"rating": 5}, {"rating": ["met"]}, {"comment": "\x00"}, {"rating": "x" * 10**4}):
        response = office.post(f"/tasks/{task.pk}/confirm", body)
        assert response.status_code == 400, (body, response.content)
    raw = office.client.post(
        f"/api/v1/tasks/{task.pk}/return", "{", content_type="application/json",
        headers=office.headers,
    )  # fmt: skip
    assert raw.status_code == 400 and error_of(raw)["code"] == "invalid"
    far = office.get("/reviews", {"page": 999})
    assert far.status_code == 200 and far.json()["items"] == [] and far.json()["count"] == 1
    assert not CompletionReview.objects.exists()
