"""The import pages over HTTP: upload, preview, resolve names, confirm; and the plan's
downloads."""

import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.demo.import_bench import build_workbook
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitAlias, UnitGroup
from cchc.plans.models import Plan
from tests.fixtures_plans import xlsx_plan
from tests.world import sign_in


@pytest.fixture
def office(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, "office")
    return client


def _upload(client, world, data=None, name="ke-hoach.xlsx", **fields):
    form = {
        "file": SimpleUploadedFile(name, data or xlsx_plan()),
        "year": 2026,
        "unit": world.units["TCCT"].pk,
        "title": "Kế hoạch nhập qua web",
    } | fields
    response = client.post(reverse("imports:upload"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_the_upload_page_is_for_the_office(client, world, office):
    page = office.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert "Nhập kế hoạch từ tệp Word hoặc Excel" in page.content.decode()
    client.logout()
    sign_in(client, "focal_a")
    assert client.get(reverse("imports:upload")).status_code == 403
    client.logout()
    assert client.get(reverse("imports:upload")).status_code == 302  # to the login page


def test_the_whole_journey(office, world):
    preview_url = _upload(office, world)
    page = office.get(preview_url).content.decode()
    # Every task read, every problem with its place, and the names to resolve.
    assert "Rà soát văn bản quy phạm nội bộ" in page
    assert "Trang tính “Phụ lục I”, dòng 8, cột E (CƠ QUAN PHỐI HỢP)" in page
    assert "“Văn phòng TCCT”" in page and "“Các cơ quan, đơn vị”" in page
    assert 'disabled aria-disabled="true"' in page  # "Xác nhận" waits for the names
    # Confirming now is refused and writes nothing.
    plans = Plan.objects.count()
    token = preview_url.rstrip("/").split("/")[-1]
    response = office.post(reverse("imports:confirm", args=[token]))
    assert response.status_code == 302 and Plan.objects.count() == plans

    office.post(
        reverse("imports:alias", args=[token]),
        {"name": "Văn phòng TCCT", "unit": world.units["VP"].pk},
    )
    assert UnitAlias.objects.filter(folded="van phong tcct", unit=world.units["VP"]).exists()
    office.post(
        reverse("imports:group", args=[token]),
        {"words": "Các cơ quan, đơn vị", "mode": "below"},
    )
    office.post(
        reverse("imports:group", args=[token]),
        {
            "words": "Các cục",
            "mode": "list",
            "units": [world.units["CTH"].pk, world.units["CTC"].pk],
        },
    )
    assert UnitGroup.objects.filter(owner=world.units["TCCT"]).count() == 2
    page = office.get(preview_url).content.decode()
    assert "Tên cần xác định" not in page and "aria-disabled" not in page

    response = office.post(reverse("imports:confirm", args=[token]))
    plan = Plan.objects.get(title="Kế hoạch nhập qua web")
    assert response["Location"] == reverse("plans:plan-detail", args=[plan.pk])
    assert plan.tasks.count() == 7 and plan.status == "draft"
    assert AuditEvent.objects.filter(action="plan.import", object_id=str(plan.pk)).exists()
    # The staged file is gone with the session entry.
    assert office.get(preview_url).status_code == 404


def test_a_bad_file_shows_its_message(office, world):
    preview_url = _upload(office, world, data=b"not a workbook", name="ke-hoach.xls")
    page = office.get(preview_url).content.decode()
    assert "Sổ làm việc Excel (.xlsx)" in page


def test_a_file_over_the_limit_is_refused_at_upload(office, world, settings):
    settings.CCHC_IMPORT_MAX_MB = 0
    response = office.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("kh.xlsx", xlsx_plan()),
            "year": 2026,
            "unit": world.units["TCCT"].pk,
        },
    )
    assert response.status_code == 200 and "vượt giới hạn 0 MB" in response.content.decode()


def test_another_users_staged_file_is_not_found(office, client, world, django_user_model):
    preview_url = _upload(office, world)
    client.logout()
    sign_in(client, "leader")
    assert client.get(preview_url).status_code in (403, 404)


def test_cancel_discards_the_file(office, world):
    preview_url = _upload(office, world)
    token = preview_url.rstrip("/").split("/")[-1]
    assert office.post(reverse("imports:cancel", args=[token])).status_code == 302
    assert office.get(preview_url).status_code == 404


def test_the_plan_downloads(office, client, world):
    docx_url = reverse("imports:plan-export-docx", args=[world.plan.pk])
    xlsx_url = reverse("imports:plan-export-xlsx", args=[world.plan.pk])
    assert docx_url == f"/plans/{world.plan.pk}/export.docx"
    response = office.get(docx_url)
    assert response.status_code == 200
    assert 'filename="ke-hoach-2026-TCCT-' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert "KẾ HOẠCH" in [p.text for p in document.paragraphs]
    response = office.get(xlsx_url)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A4"].value == "STT"
    # Someone who may not read a draft gets "not found".
    client.logout()
    sign_in(client, "focal_a")
    draft_url = reverse("imports:plan-export-docx", args=[world.draft.pk])
    assert client.get(draft_url).status_code == 404


def test_the_preview_reads_a_fixed_number_of_queries(office, world):
    """The preview of 1,000 tasks costs the same queries as that of a few."""
    names = []
    for i in range(1, 6):
        unit = org_services.unit_create(
            actor=None, code=f"Q{i}", name=f"Cục thử số {i}", parent=world.units["TCCT"]
        )
        names.append(unit.name)
    counts = []
    for tasks in (10, 1000):
        preview_url = _upload(office, world, data=build_workbook(tasks, names))
        with CaptureQueriesContext(connection) as queries:
            page = office.get(preview_url)
        assert page.status_code == 200 and "aria-disabled" not in page.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] < 40
