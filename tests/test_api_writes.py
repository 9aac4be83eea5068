"""Posting progress and evidence through the API: the web's service, its audit event, its
messages; idempotent retries; edit conflicts; pages that stay whole while tasks are added;
a task page's queries that do not grow with the tasks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.api.models import IdempotencyKey
from cchc.audit.models import AuditEvent
from cchc.plans import services
from cchc.plans.models import Evidence, TaskUpdate
from tests.api_helpers import api_as
from tests.world import sign_in


def error_of(response) -> dict:
    assert set(response.json()) == {"error"}, response.content
    return response.json()["error"]


def test_an_update_writes_the_webs_audit_event(world):
    a_soon, a_overdue = world.tasks["a_soon"], world.tasks["a_overdue"]
    web = Client()
    assert sign_in(web, "focal_a")
    today = timezone.localdate().strftime("%d/%m/%Y")
    form = {"note": "Đã họp", "progress": "40", "status": "in_progress", "reported_on": today}
    assert web.post(f"/tasks/{a_overdue.pk}/update/", form).status_code == 302
    by_web = AuditEvent.objects.filter(object_id=str(a_overdue.pk)).latest("id")

    api = api_as(world, "focal_a")
    body = {"note": "Đã họp", "progress": 40, "status": "in_progress"}
    response = api.post(f"/tasks/{a_soon.pk}/updates", body)
    assert response.status_code == 201, response.content
    by_api = AuditEvent.objects.filter(object_id=str(a_soon.pk)).latest("id")
    assert (by_api.action, by_api.actor, by_api.object_type) == (
        by_web.action,
        by_web.actor,
        by_web.object_type,
    )
    assert set(by_api.changes) == set(by_web.changes)
    assert by_api.changes["progress"] == [0, 40] == by_web.changes["progress"]
    update = TaskUpdate.objects.get(pk=response.json()["id"])
    assert (update.progress, update.status_after, update.author) == (
        40,
        "in_progress",
        world.users["focal_a"],
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"progress": 150}, "progress"),
        ({"progress": -5}, "progress"),
        ({"progress": "abc"}, "progress"),
        ({"progress": 10**30}, "progress"),
        ({}, "note"),
        ({"status": "finished"}, "status"),
        ({"status": "done"}, "deliverable"),
        ({"note": "x", "reported_on": "2999-01-01"}, "reported_on"),
        ({"note": "x", "reported_on": "31/02/2026"}, "reported_on"),
        ({"note": "x", "based_on_update": -1}, "based_on_update"),
        ({"note": "a\x00b"}, "note"),
        ({"note": "x", "deliverable": "\x00"}, "deliverable"),
    ],
)
def test_a_bad_update_is_400_naming_the_field(world, body, field):
    api = api_as(world, "focal_a")
    events = AuditEvent.objects.count()
    response = api.post(f"/tasks/{world.tasks['a_soon'].pk}/updates", body)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"], error
    assert field in error["message"]
    assert AuditEvent.objects.count() == events


def test_a_retry_with_the_same_key_writes_once(world):
    api, task = api_as(world, "focal_a"), world.tasks["a_soon"]
    body = {"note": "Lần một", "progress": 20}
    first = api.post(f"/tasks/{task.pk}/updates", body, key="k-1")
    again = api.post(f"/tasks/{task.pk}/updates", body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert TaskUpdate.objects.filter(task=task).count() == 1
    assert AuditEvent.objects.filter(action="task.update_post").count() == 1
    other = api.post(f"/tasks/{task.pk}/updates", {"note": "Khác", "progress": 30}, key="k-1")
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    assert TaskUpdate.objects.filter(task=task).count() == 1
    # Keys are each person's own: another user's same key is a new request.
    other_user = api_as(world, "head_a").post(f"/tasks/{task.pk}/updates", body, key="k-1")
    assert other_user.status_code == 201
    assert IdempotencyKey.objects.count() == 2


def test_a_refused_request_keeps_no_answer(world):
    api, task = api_as(world, "focal_a"), world.tasks["a_soon"]
    assert api.post(f"/tasks/{task.pk}/updates", {"progress": 150}, key="k").status_code == 400
    assert api.post(f"/tasks/{task.pk}/updates", {"progress": 50}, key="k").status_code == 201
    assert api.post(f"/tasks/{task.pk}/updates", {"note": "x"}, key="k" * 300).status_code == 400


def test_a_stale_update_is_a_conflict(world):
    api, task = api_as(world, "focal_a"), world.tasks["a_soon"]
    assert api.get(f"/tasks/{task.pk}").json()["latest_update_id"] is None
    first = api.post(f"/tasks/{task.pk}/updates", {"progress": 10, "based_on_update": 0})
    assert first.status_code == 201
    # Someone else posts; a client still based on nothing is told, and nothing is written.
    api_as(world, "head_a").post(f"/tasks/{task.pk}/updates", {"note": "Thủ trưởng ghi"})
    stale = api.post(f"/tasks/{task.pk}/updates", {"progress": 60, "based_on_update": 0})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    assert TaskUpdate.objects.filter(task=task).count() == 2
    latest = api.get(f"/tasks/{task.pk}").json()["latest_update_id"]
    fresh = api.post(f"/tasks/{task.pk}/updates", {"progress": 60, "based_on_update": latest})
    assert fresh.status_code == 201


def test_evidence_is_uploaded_through_the_service(world, settings):
    api, task = api_as(world, "focal_b"), world.tasks["a_overdue"]  # B supports this task
    paper = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 hop", "application/pdf")
    today = timezone.localdate().isoformat()
    response = api.post_multipart(
        f"/tasks/{task.pk}/evidence",
        {"file": paper, "effective_on": today, "description": "Biên bản"},
        key="e-1",
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert evidence.unit == world.units["CTC"] and evidence.original_name == "bien-ban.pdf"
    assert AuditEvent.objects.filter(action="evidence.add", object_id=str(evidence.pk)).exists()
    paper.seek(0)
    again = api.post_multipart(
        f"/tasks/{task.pk}/evidence",
        {"file": paper, "effective_on": today, "description": "Biên bản"},
        key="e-1",
    )
    assert again.json() == response.json() and Evidence.objects.count() == 1
    # Downloaded by who may read it: the unit that sent it and the lead unit, not agency A's
    # neighbour with no part in the task.
    url = response.json()["download_url"].removeprefix("/api/v1")
    for role, status in (("focal_b", 200), ("focal_a", 200), ("office", 200), ("nobody", 404)):
        got = api_as(world, role).get(url)
        assert got.status_code == status, role
        if status == 200:
            assert b"".join(got.streaming_content) == b"%PDF-1.4 hop"
    settings.CCHC_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4 " + b"x" * 100, "application/pdf")
    response = api.post_multipart(
        f"/tasks/{task.pk}/evidence", {"file": big, "effective_on": today}
    )
    assert response.status_code == 413, response.content
    assert error_of(response)["code"] == "too_large"
    assert "file" in error_of(response)["fields"]
    paper.seek(0)
    nul = api.post_multipart(
        f"/tasks/{task.pk}/evidence", {"file": paper, "effective_on": today, "description": "\x00"}
    )
    assert nul.status_code == 400 and "description" in error_of(nul)["fields"]
    missing = api.post_multipart(f"/tasks/{task.pk}/evidence", {"effective_on": today})
    assert missing.status_code == 400 and "file" in error_of(missing)["fields"]
    future = SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf")
    settings.CCHC_MAX_UPLOAD_BYTES = 1000
    response = api.post_multipart(
        f"/tasks/{task.pk}/evidence", {"file": future, "effective_on": "2999-01-01"}
    )
    assert response.status_code == 400 and "effective_on" in error_of(response)["fields"]
    assert Evidence.objects.count() == 1
    # A viewer reads but may not upload.
    viewer = api_as(world, "viewer").post_multipart(
        f"/tasks/{task.pk}/evidence", {"file": future, "effective_on": today}
    )
    assert viewer.status_code == 403 and error_of(viewer)["code"] == "forbidden"


def _add_task(world, code: str):
    return services.task_create(
        actor=None,
        plan=world.plan,
        area=world.tasks["a_soon"].area,
        code=code,
        title=f"Nhiệm vụ thêm {code}",
        lead_unit=world.units["CTH"],
        due_text="Năm 2026",
    )


def test_pages_walk_every_task_once_while_tasks_are_added(world):
    api = api_as(world, "office")
    seen, cursor, added = [], None, []
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get("/tasks", params).json()
        seen += [row["id"] for row in page["items"]]
        if len(added) < 3:
            added.append(_add_task(world, f"9.{len(added)}").pk)
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(seen) == {t.pk for t in world.tasks.values()} | set(added)
    assert seen == sorted(seen)


def test_a_task_page_costs_the_same_queries_however_many_tasks(world):
    api = api_as(world, "office")
    api.get("/tasks", {"limit": 200})  # the token's last use is written once, here
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/tasks", {"limit": 200}).json()["items"]) == 8
    for n in range(30):
        _add_task(world, f"8.{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/tasks", {"limit": 200}).json()["items"]) == 38
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 4
