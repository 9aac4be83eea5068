"""The guidance library (issue 11): the office sends guidance to chosen units, each unit
acknowledges every version, the office sees who has not and nudges them; the guidance that
applies shows on the task and the unit report pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.notifications.models import Kind, Notification
from cchc.orgs import services as org_services
from cchc.oversight import guidance_selectors as selectors
from cchc.oversight import guidance_services as services
from cchc.oversight.models import Acknowledgement, Guidance
from tests.test_reporting_world import make_period
from tests.world import make_user

VALUES = {
    "kind": "template",
    "number": "15/HD-VP",
    "title": "Biểu mẫu báo cáo quý",
    "issued_on": None,
    "effective_on": None,
    "summary": "Dùng từ quý III.",
    "include_below": False,
}


def pdf(name="mau.pdf", body=b"%PDF-1.4 mau"):
    return SimpleUploadedFile(name, body, "application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def draft(world, units=("CTH", "CTC"), **extra) -> Guidance:
    guidance = services.guidance_create(
        actor=world.users["office"],
        issuing_unit=world.units["TCCT"],
        values=VALUES | extra,
        units=[world.units[code] for code in units],
    )
    services.guidance_file_add(actor=world.users["office"], guidance=guidance, file=pdf())
    return guidance


def sent(world, **kwargs) -> Guidance:
    guidance = draft(world, **kwargs)
    services.guidance_publish(actor=world.users["office"], guidance=guidance)
    return Guidance.objects.get(pk=guidance.pk)


def recipients(guidance) -> set[str]:
    return set(
        Notification.objects.filter(kind=Kind.GUIDANCE, subject_id=guidance.pk).values_list(
            "recipient__username", flat=True
        )
    )


def test_publishing_tells_each_units_focal_officers_and_head_once(world):
    guidance = sent(world)
    assert recipients(guidance) == {"focal_a", "head_a", "focal_b", "head_b"}
    count = Notification.objects.filter(kind=Kind.GUIDANCE).count()
    assert count == 4
    services.guidance_publish(actor=world.users["office"], guidance=guidance)  # again
    assert Notification.objects.filter(kind=Kind.GUIDANCE).count() == count
    acks = Acknowledgement.objects.filter(guidance=guidance)
    assert {a.unit.code for a in acks} == {"CTH", "CTC"}
    assert all(a.received_at is None and a.read_at is None and a.version == 1 for a in acks)
    assert AuditEvent.objects.filter(action="guidance.publish").count() == 1


def test_a_branch_reaches_the_units_below(world):
    guidance = sent(world, units=("CTH",), include_below=True)
    assert {a.unit.code for a in guidance.acks.all()} == {"CTH", "CTH-P1"}


def test_publishing_needs_a_file_and_a_unit(world):
    guidance = services.guidance_create(
        actor=world.users["office"], issuing_unit=world.units["TCCT"], values=VALUES, units=[]
    )
    with pytest.raises(ValidationError, match="tệp"):
        services.guidance_publish(actor=world.users["office"], guidance=guidance)
    services.guidance_file_add(actor=world.users["office"], guidance=guidance, file=pdf())
    with pytest.raises(ValidationError, match="đơn vị"):
        services.guidance_publish(actor=world.users["office"], guidance=guidance)
    assert Guidance.objects.get(pk=guidance.pk).is_draft


def test_uploads_are_checked(world, settings):
    guidance = services.guidance_create(
        actor=world.users["office"], issuing_unit=world.units["TCCT"], values=VALUES, units=[]
    )
    with pytest.raises(ValidationError, match="rỗng"):
        services.guidance_file_add(
            actor=world.users["office"], guidance=guidance, file=pdf(body=b"")
        )
    settings.CCHC_MAX_UPLOAD_BYTES = 4
    client = Client()
    client.force_login(world.users["office"])
    url = reverse("oversight:guidance-file-add", args=[guidance.pk])
    response = client.post(url, {"file": pdf(), "description": "Bản cũ"})
    assert response.status_code == 200
    assert "vượt giới hạn" in response.content.decode()
    assert "Bản cũ" in response.content.decode()
    assert not guidance.files.exists()


def test_acknowledging_received_then_read(world):
    guidance = sent(world)
    ack = guidance.acks.get(unit=world.units["CTH"])
    client = Client()
    client.force_login(world.users["focal_a"])
    client.post(reverse("oversight:guidance-ack-received", args=[ack.pk]))
    ack.refresh_from_db()
    assert ack.received_by == world.users["focal_a"] and ack.read_at is None
    client.force_login(world.users["head_a"])
    client.post(reverse("oversight:guidance-ack-read", args=[ack.pk]))
    ack.refresh_from_db()
    assert ack.read_by == world.users["head_a"] and ack.received_by == world.users["focal_a"]
    assert AuditEvent.objects.filter(action="guidance.acknowledge").count() == 2


def test_opening_a_file_is_receiving_it(world):
    guidance = sent(world)
    client = Client()
    client.force_login(world.users["focal_b"])
    response = client.get(
        reverse("oversight:guidance-file-download", args=[guidance.files.get().pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 mau"
    acks = {a.unit.code: a for a in guidance.acks.all()}
    assert acks["CTC"].received_by == world.users["focal_b"] and acks["CTC"].read_at is None
    assert acks["CTH"].received_at is None


def test_a_unit_answers_only_for_itself(world):
    guidance = sent(world)
    ack = guidance.acks.get(unit=world.units["CTH"])
    with pytest.raises(PermissionDenied):
        services.acknowledgement_mark(actor=world.users["focal_b"], ack=ack, read=True)
    with pytest.raises(PermissionDenied):  # the office reads, but does not answer for units
        services.acknowledgement_mark(actor=world.users["office"], ack=ack, read=True)


def test_the_office_sees_who_has_not_and_nudges_only_them(world):
    guidance = sent(world)
    services.acknowledgement_mark(
        actor=world.users["focal_a"], ack=guidance.acks.get(unit=world.units["CTH"]), read=True
    )
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("oversight:guidance-detail", args=[guidance.pk])).content.decode()
    table = page[page.index('id="acks"') :]
    assert table.count("Chưa đọc") == 1 and "Cục Cán bộ" in table
    assert "Đôn đốc 1 đơn vị chưa đọc" in page
    before = set(Notification.objects.values_list("pk", flat=True))
    response = client.post(reverse("oversight:guidance-nudge", args=[guidance.pk]), follow=True)
    assert "Đã đôn đốc: Cục CB." in response.content.decode()
    new = Notification.objects.exclude(pk__in=before)
    assert set(new.values_list("recipient__username", flat=True)) == {"focal_b", "head_b"}
    assert AuditEvent.objects.filter(action="guidance.nudge").count() == 1


def test_a_new_version_asks_anew_and_keeps_the_old(world):
    guidance = sent(world)
    office = world.users["office"]
    for ack in guidance.acks.all():
        services.acknowledgement_mark(
            actor=world.users["focal_a" if ack.unit.code == "CTH" else "focal_b"],
            ack=ack,
            read=True,
        )
    with pytest.raises(ValidationError):  # a sent guidance changes files by a new version
        services.guidance_file_add(actor=office, guidance=guidance, file=pdf())
    services.guidance_revise(
        actor=office, guidance=guidance, files=[pdf("mau-v2.pdf")], effective_on=None, summary="Sửa"
    )
    guidance.refresh_from_db()
    assert guidance.version == 2
    old = guidance.acks.filter(version=1)
    new = guidance.acks.filter(version=2)
    assert old.count() == 2 and all(a.read_at for a in old)
    assert new.count() == 2 and not any(a.received_at for a in new)
    assert len(recipients(guidance)) == 4
    assert Notification.objects.filter(kind=Kind.GUIDANCE, subject_id=guidance.pk).count() == 8
    assert set(guidance.files.values_list("version", flat=True)) == {1, 2}


def test_a_unit_added_after_sending_gets_it(world):
    guidance = sent(world, units=("CTH",))
    values = VALUES | {"title": "Biểu mẫu đã sửa"}
    units = [world.units["CTH"], world.units["CTC"]]
    services.guidance_update(
        actor=world.users["office"], guidance=guidance, values=values, units=units
    )
    assert {a.unit.code for a in guidance.acks.all()} == {"CTH", "CTC"}
    assert "focal_b" in recipients(guidance)


# --- access -----------------------------------------------------------------------------


def test_only_the_office_of_the_issuing_branch_edits(world, sibling):
    guidance = sent(world)
    client = Client()
    for person in ("focal_a", "head_a", "leader"):
        client.force_login(world.users[person])
        for name in ("guidance-edit", "guidance-nudge", "guidance-revise", "guidance-publish"):
            response = client.post(reverse(f"oversight:{name}", args=[guidance.pk]))
            assert response.status_code == 403, (person, name)
    client.force_login(sibling["office"])  # another branch's office does not even see it
    assert client.get(reverse("oversight:guidance-detail", args=[guidance.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.guidance_nudge(actor=sibling["office"], guidance=guidance)


def test_a_unit_outside_the_recipients_sees_and_downloads_nothing(world):
    guidance = sent(world, units=("CTH",))
    ack = guidance.acks.get()
    client = Client()
    client.force_login(world.users["focal_b"])
    assert client.get(reverse("oversight:guidance-detail", args=[guidance.pk])).status_code == 404
    url = reverse("oversight:guidance-file-download", args=[guidance.files.get().pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("oversight:guidance-ack-read", args=[ack.pk])).status_code == 404
    assert (
        "Biểu mẫu báo cáo quý"
        not in client.get(reverse("oversight:guidance-list")).content.decode()
    )
    client.force_login(world.users["focal_a"])
    assert "Biểu mẫu báo cáo quý" in client.get(reverse("oversight:guidance-list")).content.decode()


def test_a_draft_is_the_offices_alone(world):
    guidance = draft(world)
    client = Client()
    client.force_login(world.users["focal_a"])
    assert client.get(reverse("oversight:guidance-detail", args=[guidance.pk])).status_code == 404
    client.force_login(world.users["office"])
    assert client.get(reverse("oversight:guidance-detail", args=[guidance.pk])).status_code == 200


def test_creating_through_the_page(world):
    client = Client()
    client.force_login(world.users["office"])
    url = reverse("oversight:guidance-create")
    data = {"kind": "guide", "title": "Hướng dẫn mới", "issued_on": "31/02/2026"}
    response = client.post(url, data | {"units": [world.units["CTH"].pk]})
    assert response.status_code == 200
    assert "Ngày 31/02/2026 không có trên lịch." in response.content.decode()
    assert "Hướng dẫn mới" in response.content.decode()
    data["issued_on"] = "30/06/2026"
    response = client.post(url, data | {"units": [world.units["CTH"].pk]})
    guidance = Guidance.objects.get(title="Hướng dẫn mới")
    assert response["Location"] == reverse("oversight:guidance-detail", args=[guidance.pk])
    assert guidance.issued_on.isoformat() == "2026-06-30" and guidance.is_draft
    client.force_login(world.users["focal_a"])
    assert client.get(url).status_code == 403


# --- where a focal officer works ---------------------------------------------------------


def test_linked_guidance_shows_on_the_task_and_the_unit_report(world):
    task = world.tasks["a_soon"]
    period = make_period(world)
    guidance = draft(world, units=("CTH",))
    guidance.tasks.set([task])
    guidance.periods.set([period])
    client = Client()
    client.force_login(world.users["focal_a"])
    task_url = reverse("plans:task-detail", args=[task.pk])
    report_url = reverse("reporting:unit-report", args=[period.pk, world.units["CTH"].pk])
    assert "Văn bản hướng dẫn áp dụng" not in client.get(task_url).content.decode()  # a draft
    services.guidance_publish(actor=world.users["office"], guidance=guidance)
    for url in (task_url, report_url):
        page = client.get(url).content.decode()
        assert "Văn bản hướng dẫn áp dụng" in page and "Biểu mẫu báo cáo quý" in page, url
    client.force_login(
        world.users["focal_b"]
    )  # not a recipient: the task is seen, not the guidance
    page = client.get(reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk]))
    assert "Biểu mẫu báo cáo quý" not in page.content.decode()


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        sent(world, number=f"{n}/HD-VP")
    user = make_user("focal_many")
    org_services.membership_grant(actor=None, user=user, unit=world.units["CTH"], role="focal")
    client = Client()
    client.force_login(user)
    # 15: the menu asks once whether some inspection is the focal officer's to see.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("oversight:guidance-list"))
    assert response.content.decode().count("chưa nhận") == 5


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("cai cach", True),  # typed without diacritics
        ("CẢI CÁCH", True),  # upper case, beyond ASCII (SQLite's LIKE folds ASCII alone)
        ("hành chính hướng dẫn", True),  # every word, in any order
        ("01/hd-vp", True),  # the number
        ("  ", True),  # no words: no filter
        ("cai tien", False),  # one word missing
        ("dang", False),  # Đ is a letter of its own, folded to d: not in this title
    ],
)
def test_the_search_ignores_diacritics_and_case(world, words, found):
    guidance = draft(world, number="01/HD-VP", title="Hướng dẫn cải cách hành chính")
    draft(world, number="02/HD-VP", title="Đăng ký thi đua")
    office = world.users["office"]
    listed = set(selectors.guidance_list(user=office, q=words).values_list("pk", flat=True))
    assert (guidance.pk in listed) is found
    client = Client()
    client.force_login(office)
    response = client.get(reverse("oversight:guidance-list"), {"q": words})
    assert response.status_code == 200
    assert ("Hướng dẫn cải cách hành chính" in response.content.decode()) is found


def test_an_edit_keeps_the_search_current(world):
    guidance = draft(world, title="Biểu mẫu cũ")
    services.guidance_update(
        actor=world.users["office"],
        guidance=guidance,
        values=VALUES | {"title": "Mẫu tổng hợp số liệu"},
        units=[world.units["CTH"]],
    )
    office = world.users["office"]
    assert selectors.guidance_list(user=office, q="tong hop").get() == guidance
    assert not selectors.guidance_list(user=office, q="bieu mau cu").exists()
