"""A double-clicked update makes one update (issue 9): the form carries a one-time
submission key, and the same form sent twice posts once."""

import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.plans import progress
from cchc.plans.models import Evidence, TaskStatus, TaskUpdate
from tests.web_helpers import freeze_today


@pytest.fixture
def focal(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["focal_a"])
    return client


def url(task) -> str:
    return reverse("plans:task-update", args=[task.pk])


def form_key(client, task) -> str:
    page = client.get(url(task)).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def sending(key: str) -> dict:
    """What the browser sends: the same fields and the same files, each time."""
    return {
        "note": "Đã tổ chức rà soát 12 văn bản.",
        "status": "in_progress",
        "progress": "40",
        "reported_on": "14/06/2026",
        "effective_on": "10/06/2026",
        "files": [
            SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 quyet dinh", "application/pdf"),
            SimpleUploadedFile("bien-ban.docx", b"bien ban hop", "application/octet-stream"),
        ],
        "submission_key": key,
    }


def test_each_empty_form_gets_its_own_key(world, focal):
    task = world.tasks["a_soon"]
    first, second = form_key(focal, task), form_key(focal, task)
    assert uuid.UUID(first) != uuid.UUID(second)


def test_the_same_post_twice_makes_one_update_with_one_set_of_evidence(world, focal, settings):
    task = world.tasks["a_soon"]
    key = form_key(focal, task)
    first = focal.post(url(task), sending(key))
    second = focal.post(url(task), sending(key))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == reverse("plans:task-detail", args=[task.pk])
    assert "Đã cập nhật tiến độ nhiệm vụ." in [str(m) for m in get_messages(second.wsgi_request)]
    assert focal.get(second["Location"]).status_code == 200
    update = TaskUpdate.objects.get(task=task)
    assert str(update.submission_key) == key
    assert Evidence.objects.filter(task=task).count() == 2
    assert AuditEvent.objects.filter(action="task.update_post").count() == 1
    assert AuditEvent.objects.filter(action="evidence.add").count() == 2
    stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(stored) == 2
    task.refresh_from_db()
    assert task.progress == 40 and task.status == TaskStatus.IN_PROGRESS


def test_a_new_form_posts_a_new_update(world, focal):
    task = world.tasks["a_soon"]
    focal.post(url(task), sending(form_key(focal, task)))
    focal.post(url(task), sending(form_key(focal, task)) | {"files": []})
    assert TaskUpdate.objects.filter(task=task).count() == 2


def test_a_form_without_a_key_still_posts(world, focal):
    task = world.tasks["a_soon"]
    data = sending("")
    assert focal.post(url(task), data).status_code == 302
    assert TaskUpdate.objects.get(task=task).submission_key is None


@pytest.mark.parametrize("key", ["not-a-key", "9" * 300, "' OR 1=1 --"])
def test_a_broken_key_is_a_form_error(world, focal, key):
    task = world.tasks["a_soon"]
    response = focal.post(url(task), sending(key))
    assert response.status_code == 200
    assert "Biểu mẫu không hợp lệ: hãy mở lại trang rồi gửi lại." in response.content.decode()
    assert not TaskUpdate.objects.exists()


def test_a_key_of_another_users_form_is_refused(world, focal, client):
    task = world.tasks["a_soon"]
    key = form_key(focal, task)
    focal.post(url(task), sending(key))
    client.force_login(world.users["head_a"])
    response = client.post(url(task), sending(key))
    assert response.status_code == 200
    assert "Biểu mẫu đã hết hiệu lực" in response.content.decode()
    assert TaskUpdate.objects.filter(task=task).count() == 1


def test_the_service_returns_the_first_entry_for_a_key_it_has_seen(world):
    key = uuid.uuid4()
    kwargs = dict(actor=world.users["focal_a"], task=world.tasks["a_soon"], submission_key=key)
    first = progress.task_update_post(note="Một lần", **kwargs)
    again = progress.task_update_post(note="Một lần", progress=50, **kwargs)
    assert again.pk == first.pk
    assert TaskUpdate.objects.count() == 1
    with pytest.raises(progress.ValidationError):
        progress.task_update_post(
            actor=world.users["focal_a"],
            task=world.tasks["a_overdue"],
            note="x",
            submission_key=key,
        )
