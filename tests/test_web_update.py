"""Posting an update with evidence through the form, and downloading the evidence."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.lib.text import short_filename
from cchc.plans import progress
from cchc.plans.models import Evidence, TaskStatus, TaskUpdate
from tests.web_helpers import freeze_today


@pytest.fixture
def focal(world, client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["focal_a"])
    return client


def url(task) -> str:
    return reverse("plans:task-update", args=[task.pk])


def test_update_form_shows_progress_fields_to_the_lead_unit(world, focal):
    response = focal.get(url(world.tasks["a_soon"]))
    assert response.status_code == 200
    text = response.content.decode()
    for words in ["Nội dung cập nhật", "Trạng thái", "Tiến độ (%)", "Sản phẩm đã có"]:
        assert words in text
    assert "Bắt buộc khi đánh dấu Hoàn thành" in text
    assert 'enctype="multipart/form-data"' in text and "multiple" in text
    assert 'value="15/06/2026"' in text  # reported_on defaults to today, dd/mm/yyyy


def test_post_an_update_with_files(world, focal):
    task = world.tasks["a_soon"]
    files = [
        SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4 quyet dinh", "application/pdf"),
        SimpleUploadedFile("bien-ban.docx", b"bien ban hop", "application/octet-stream"),
    ]
    response = focal.post(
        url(task),
        {
            "note": "Đã tổ chức rà soát 12 văn bản.",
            "status": "in_progress",
            "progress": "40",
            "deliverable": "",
            "reported_on": "14/06/2026",
            "effective_on": "10/06/2026",
            "file_description": "Biên bản rà soát",
            "files": files,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:task-detail", args=[task.pk])
    task.refresh_from_db()
    assert task.progress == 40 and task.status == TaskStatus.IN_PROGRESS
    update = TaskUpdate.objects.get(task=task)
    assert update.note == "Đã tổ chức rà soát 12 văn bản."
    assert update.reported_on.isoformat() == "2026-06-14"
    evidence = list(Evidence.objects.filter(update=update).order_by("original_name"))
    assert [e.original_name for e in evidence] == ["bien-ban.docx", "quyet-dinh.pdf"]
    assert all(e.effective_on.isoformat() == "2026-06-10" for e in evidence)
    assert all(e.description == "Biên bản rà soát" for e in evidence)
    assert AuditEvent.objects.filter(action="task.update_post", object_id=str(task.pk)).exists()
    assert AuditEvent.objects.filter(action="evidence.add").count() == 2

    page = focal.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert "Đã tổ chức rà soát 12 văn bản." in page and "quyet-dinh.pdf" in page
    download = focal.get(reverse("plans:evidence-download", args=[evidence[1].pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 quyet dinh"
    assert 'attachment; filename="quyet-dinh.pdf"' in download["Content-Disposition"]


def test_marking_done_requires_the_deliverable(world, focal):
    task = world.tasks["a_soon"]
    response = focal.post(
        url(task),
        {
            "note": "Hoàn thành rà soát.",
            "status": "done",
            "progress": "100",
            "deliverable": "",
            "reported_on": "15/06/2026",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Khi đánh dấu hoàn thành, cần ghi sản phẩm đã có." in form.errors["deliverable"]
    text = response.content.decode()
    # Nothing typed is lost: the note is still in the form.
    assert "Hoàn thành rà soát." in text
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    assert not TaskUpdate.objects.filter(task=task).exists()

    response = focal.post(
        url(task),
        {
            "note": "Hoàn thành rà soát.",
            "status": "done",
            "progress": "100",
            "deliverable": "Quyết định số 45/QĐ-CT ngày 14/6/2026",
            "reported_on": "15/06/2026",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.progress == 100
    assert task.completed_on.isoformat() == "2026-06-15"
    assert task.result == "Quyết định số 45/QĐ-CT ngày 14/6/2026"


def test_a_service_error_lands_next_to_its_field(world, focal):
    task = world.tasks["a_soon"]
    # No note, no change, no file: the service refuses and names the note field.
    response = focal.post(
        url(task),
        {"note": "", "status": task.status, "progress": task.progress, "reported_on": "15/06/2026"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Cần nhập nội dung cập nhật" in errors["note"][0]


def test_a_future_document_date_is_refused_with_the_file_asked_again(world, focal):
    task = world.tasks["a_soon"]
    response = focal.post(
        url(task),
        {
            "note": "Kèm văn bản.",
            "status": task.status,
            "progress": "10",
            "reported_on": "15/06/2026",
            "effective_on": "20/06/2026",
            "files": [SimpleUploadedFile("vb.pdf", b"x")],
        },
    )
    assert response.status_code == 200
    assert "tương lai" in response.context["form"].errors["effective_on"][0]
    text = response.content.decode()
    assert "hãy chọn lại tệp" in text
    assert "Kèm văn bản." in text
    assert not Evidence.objects.exists()
    assert not TaskUpdate.objects.exists()


def test_supporting_unit_adds_a_note_but_no_progress(
    world, client, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["focal_b"])
    task = world.tasks["a_overdue"]  # led by Cục TH, supported by Cục CB
    response = client.get(url(task))
    assert response.status_code == 200
    assert "status" not in response.context["form"].fields
    assert "Đơn vị phối hợp được thêm ghi chú" in response.content.decode()
    response = client.post(
        url(task),
        {
            "note": "Cục CB đã cung cấp số liệu.",
            "progress": "90",
            "status": "done",
            "deliverable": "Quyết định giả của đơn vị phối hợp",
            "reported_on": "15/06/2026",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 0 and task.status == TaskStatus.NOT_STARTED
    # The result is the lead unit's: the supporting unit's form has no such field.
    assert task.result == "" and TaskUpdate.objects.get(task=task).deliverable == ""
    assert TaskUpdate.objects.get(task=task).unit == world.units["CTC"]


def test_files_need_their_document_date(world, focal):
    task = world.tasks["a_soon"]
    response = focal.post(
        url(task),
        {
            "note": "Tệp",
            "status": task.status,
            "progress": "5",
            "reported_on": "15/06/2026",
            "effective_on": "",
            "files": [SimpleUploadedFile("vb.pdf", b"x")],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["effective_on"]
    assert not TaskUpdate.objects.exists()


def test_viewer_cannot_open_the_update_form(world, client):
    client.force_login(world.users["viewer"])
    response = client.get(url(world.tasks["a_soon"]))
    assert response.status_code == 403


def test_update_form_of_an_unseen_task_is_404(world, client):
    client.force_login(world.users["focal_b"])
    assert client.get(url(world.tasks["a_soon"])).status_code == 404
    assert client.post(url(world.tasks["a_soon"]), {"note": "x"}).status_code == 404


def test_evidence_of_another_unit_is_404(world, focal, client):
    task = world.tasks["a_soon"]
    focal.post(
        url(task),
        {
            "note": "Tệp",
            "status": task.status,
            "progress": "5",
            "reported_on": "15/06/2026",
            "effective_on": "15/06/2026",
            "files": [SimpleUploadedFile("mat.pdf", b"secret")],
        },
    )
    evidence = Evidence.objects.get()
    client.force_login(world.users["focal_b"])
    assert client.get(reverse("plans:evidence-download", args=[evidence.pk])).status_code == 404


def test_the_service_refuses_a_supporting_units_deliverable(world):
    task = world.tasks["a_overdue"]
    with pytest.raises(PermissionDenied):
        progress.task_update_post(
            actor=world.users["focal_b"], task=task, note="Số liệu", deliverable="QĐ 1/QĐ"
        )
    assert not TaskUpdate.objects.filter(task=task).exists()


@pytest.mark.parametrize("stem", ["ệ" * 300, "a" * 400, "Biên bản họp " * 40])
def test_a_very_long_file_name_is_shortened_safely_twice(world, focal, stem):
    task = world.tasks["a_soon"]
    for attempt in (1, 2):
        response = focal.post(
            url(task),
            {
                "note": f"Lần {attempt}",
                "status": task.status,
                "progress": str(10 * attempt),
                "reported_on": "15/06/2026",
                "effective_on": "15/06/2026",
                "files": [SimpleUploadedFile(f"{stem}.pdf", b"%PDF-1.4 x")],
            },
        )
        assert response.status_code == 302, response.content[:500]
    names = list(Evidence.objects.filter(task=task).values_list("original_name", "file"))
    assert len(names) == 2 and TaskUpdate.objects.filter(task=task).count() == 2
    for original, stored in names:
        assert original.endswith(".pdf") and len(original.encode()) <= 255
        assert stored.endswith(".pdf") and len(stored.rsplit("/", 1)[1].encode()) <= 255
    assert names[0][1] != names[1][1]


@pytest.mark.parametrize(
    ("name", "limit", "expected"),
    [
        ("bien-ban.pdf", 255, "bien-ban.pdf"),
        ("ệệệệ.docx", 11, "ệệ.docx"),  # 3 bytes a letter: two fit beside “.docx”
        ("no-extension", 5, "no-ex"),
        ("../../etc/passwd", 255, ".._.._etc_passwd"),
        (".hidden", 255, ".hidden"),
        ("x." + "y" * 40, 10, "x.yyyyyyyy"),  # an “extension” that long is part of the name
    ],
)
def test_short_filename(name, limit, expected):
    assert short_filename(name, limit) == expected
