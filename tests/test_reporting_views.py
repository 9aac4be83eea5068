import re

import pytest
from django.test import Client

from cchc.reporting.models import (
    ExportStatus,
    ReportExport,
    ReportingPeriod,
    ReportNudge,
    ReportStatus,
    UnitReport,
    UnitReportVersion,
)
from tests.test_reporting_world import make_period, submit, write
from tests.world import sign_in

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def login(name: str) -> Client:
    client = Client()
    assert sign_in(client, name)
    return client


@pytest.fixture
def period(world):
    return make_period(world)


def unit_url(period, unit, action: str = "") -> str:
    """The unit's report page, or the URL of one of its actions ("save/", "submit/")."""
    return f"/reporting/periods/{period.pk}/units/{unit.pk}/{action}"


def form_data(version: int, results: str = "", **extra) -> dict:
    data = {"version": str(version), "proposals": "", "next_tasks": ""}
    for code in range(1, 8):
        for part in ("results", "limitations", "causes"):
            data[f"a{code}_{part}"] = ""
    data["a1_results"] = results
    data.update(extra)
    return data


@pytest.mark.parametrize("name", ["office", "leader", "viewer", "appraiser"])
def test_oversight_roles_see_the_board(world, period, name):
    response = login(name).get(f"/reporting/periods/{period.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Các đơn vị phải báo cáo" in text and "Cục Tuyên huấn" in text
    # Only the office is offered the nudge and edit buttons.
    assert ("Đôn đốc tất cả" in text) == (name == "office")
    # Whether each unit sent on time is "Tình trạng gửi", not the task's "Thời hạn".
    header = text.split('<th scope="col">{}</th>'.format("Trạng thái"), 1)[1].split("</tr>")[0]
    assert '<th scope="col">Tình trạng gửi</th>' in header and "Thời hạn" not in header


def test_a_units_people_are_taken_to_their_own_report(world, period):
    response = login("focal_b").get(f"/reporting/periods/{period.pk}/")
    assert response.status_code == 302
    assert response.url == unit_url(period, world.units["CTC"])
    assert login("focal_b").get(unit_url(period, world.units["CTH"])).status_code == 404
    assert login("nobody").get(f"/reporting/periods/{period.pk}/").status_code == 404


def test_the_period_list_offers_the_office_a_new_period(world):
    office = login("office")
    page = office.get("/reporting/")
    assert "Mở kỳ báo cáo" in page.content.decode()
    response = office.post(
        "/reporting/", {"plan": world.plan.pk, "kind": "quy_1", "title": "", "starts_on": ""}
    )
    period = ReportingPeriod.objects.get(kind="quy_1")
    assert response.status_code == 302 and response.url == f"/reporting/periods/{period.pk}/"
    assert period.due_on.strftime("%d/%m/%Y") == "20/03/2026"
    assert login("focal_a").post("/reporting/", {"plan": world.plan.pk}).status_code == 403
    submit(world, write(world, period, "CTH", "focal_a"), "head_a")
    listed = office.get("/reporting/").content.decode()
    assert re.search(r'<td class="num"[^>]*>\s*1 / 3\s*</td>', listed)
    # A focal officer sees the reports their unit owes.
    mine = login("focal_a").get("/reporting/").content.decode()
    assert "Báo cáo của đơn vị tôi" in mine and "Soạn báo cáo" in mine


def test_the_office_edits_a_period_with_dates_in_dd_mm_yyyy(world, period):
    office = login("office")
    assert "14/06/2026" in office.get(f"/reporting/periods/{period.pk}/edit/").content.decode()
    response = office.post(
        f"/reporting/periods/{period.pk}/edit/",
        {
            "starts_on": "15/12/2025",
            "ends_on": "14/06/2026",
            "due_on": "25/06/2026",
            "units": [world.units["CTH"].pk, world.units["CTC"].pk],
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.due_on.day == 25 and period.units.count() == 2
    assert login("focal_a").get(f"/reporting/periods/{period.pk}/edit/").status_code == 403


def test_the_report_page_shows_the_task_data_and_saves_the_draft(world, period):
    client = login("focal_a")
    url = unit_url(period, world.units["CTH"])
    page = client.get(url).content.decode()
    assert "Tuyên truyền về cải cách hành chính" in page and "Quá hạn" in page
    assert "Lưu và gửi báo cáo" not in page  # CTH has a head: the focal officer drafts only
    response = client.post(url + "save/", form_data(0, "Đã tổ chức 3 hội nghị"))
    assert response.status_code == 302
    report = UnitReport.objects.get()
    assert report.part(1, "results") == "Đã tổ chức 3 hội nghị"
    assert "Đã tổ chức 3 hội nghị" in client.get(url).content.decode()


def test_a_stale_save_is_refused_and_shows_the_newer_text(world, period):
    url = unit_url(period, world.units["CTH"])
    focal, head = login("focal_a"), login("head_a")
    focal.post(url + "save/", form_data(0, "Bản của đầu mối"))
    response = head.post(url + "save/", form_data(0, "Bản của thủ trưởng"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "bản mới hơn" in text
    assert "Bản của đầu mối" in text and "Bản của thủ trưởng" in text
    assert UnitReport.objects.get().part(1, "results") == "Bản của đầu mối"
    # The refused form now carries the newer version: saving again is deliberate.
    version = UnitReport.objects.get().version
    assert f'name="version" value="{version}"' in text


def test_a_double_click_on_submit_makes_one_submission(world, period):
    url = unit_url(period, world.units["CTH"])
    head = login("head_a")
    data = form_data(0, "Gửi một lần")
    first = head.post(url + "submit/", data)
    second = head.post(url + "submit/", data)
    assert first.status_code == second.status_code == 302
    assert UnitReportVersion.objects.count() == 1
    assert UnitReport.objects.get().status == ReportStatus.SUBMITTED


def test_the_office_returns_and_accepts_over_http(world, period):
    report = write(world, period, "CTH", "focal_a", results="Bản đầu")
    submit(world, report, "head_a")
    office = login("office")
    page = office.get(unit_url(period, world.units["CTH"])).content.decode()
    assert "Tiếp nhận" in page and "Trả lại để sửa" in page
    assert login("head_a").post(f"/reporting/reports/{report.pk}/accept/").status_code == 403
    office.post(f"/reporting/reports/{report.pk}/return/", {"comment": "Thiếu số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert (
        "Thiếu số liệu"
        in login("focal_a").get(unit_url(period, world.units["CTH"])).content.decode()
    )
    submit(world, write(world, period, "CTH", "focal_a", results="Bản sửa"), "head_a")
    office.post(f"/reporting/reports/{report.pk}/accept/")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    version_page = office.get(f"/reporting/reports/{report.pk}/versions/1/").content.decode()
    assert "Bản đầu" in version_page and "head_a" in version_page


def test_a_move_from_the_wrong_status_is_a_message_not_an_error_page(world, period):
    """Refused for the report's status (WrongState), not the person's role: the page says
    why, nothing changes."""
    report = write(world, period, "CTH", "focal_a", results="Bản đầu")
    submit(world, report, "head_a")
    office = login("office")
    office.post(f"/reporting/reports/{report.pk}/accept/")
    returned = office.post(
        f"/reporting/reports/{report.pk}/return/", {"comment": "Muộn"}, follow=True
    )
    assert returned.status_code == 200
    assert "Chỉ trả lại được báo cáo đã gửi và chưa tiếp nhận." in returned.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.return_comment == ""
    unit = world.units["CTH"]
    saved = login("focal_a").post(unit_url(period, unit, "save/"), form_data(report.version, "Sửa"))
    assert saved.status_code == 200
    assert "Báo cáo đang ở trạng thái “Đã tiếp nhận”, không sửa được." in saved.content.decode()
    assert UnitReport.objects.get(pk=report.pk).version == report.version


def test_one_click_nudges(world, period):
    office = login("office")
    office.post(f"/reporting/periods/{period.pk}/nudge/", {"unit": world.units["CTC"].pk})
    assert [n.unit.code for n in ReportNudge.objects.all()] == ["CTC"]
    office.post(f"/reporting/periods/{period.pk}/nudge/")
    assert ReportNudge.objects.count() == 4  # CTC again, CTH, CTH-P1
    assert login("focal_a").post(f"/reporting/periods/{period.pk}/nudge/").status_code == 403
    board = office.get(f"/reporting/periods/{period.pk}/").content.decode()
    assert "2 lần" in board


def test_the_file_is_built_in_the_background_and_the_page_polls(
    world, period, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    office = login("office")
    response = office.post(f"/reporting/periods/{period.pk}/exports/", {"format": "docx"})
    export = ReportExport.objects.get()
    assert response.url == f"/reporting/exports/{export.pk}/"
    # Queued (no worker yet): the partial asks to be polled again.
    partial = office.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/reporting/periods/{period.pk}/exports/", {"format": "xlsx"})
    done = ReportExport.objects.get(format="xlsx")
    assert done.status == ExportStatus.DONE and done.progress == 100
    partial = office.get(f"/reporting/exports/{done.pk}/", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in partial.content.decode()
    download = office.get(f"/reporting/exports/{done.pk}/download/")
    assert download["Content-Type"].endswith("spreadsheetml.sheet")
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert login("focal_a").get(f"/reporting/exports/{done.pk}/").status_code == 404


def test_without_libreoffice_the_pdf_button_says_so(world, period, monkeypatch):
    monkeypatch.setattr("cchc.documents.pdf.soffice_path", lambda: None)
    office = login("office")
    board = office.get(f"/reporting/periods/{period.pk}/").content.decode()
    assert "chưa cài LibreOffice" in board
    response = office.post(
        f"/reporting/periods/{period.pk}/exports/", {"format": "pdf"}, follow=True
    )
    assert "chưa cài LibreOffice" in response.content.decode()
    assert not ReportExport.objects.exists()


def test_the_consolidated_report_from_draft_to_approval(world, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = write(world, period, "CTH", "focal_a", results="Kết quả của Cục Tuyên huấn")
    submit(world, report, "head_a")
    office, leader = login("office"), login("leader")
    consolidated_url = f"/reporting/periods/{period.pk}/consolidated/"
    office.post(consolidated_url + "open/")
    page = office.get(f"/reporting/periods/{period.pk}/consolidated/").content.decode()
    # Not accepted yet: nothing of CTH's text is gathered.
    assert "Kết quả của Cục Tuyên huấn" not in page
    login("office").post(f"/reporting/reports/{report.pk}/accept/")
    from cchc.reporting.models import ConsolidatedReport

    consolidated = ConsolidatedReport.objects.get()
    office.post(
        consolidated_url + "regenerate/", {"version": consolidated.version, "place": "Hà Nội"}
    )
    page = office.get(f"/reporting/periods/{period.pk}/consolidated/").content.decode()
    assert "- Cục Tuyên huấn: Kết quả của Cục Tuyên huấn" in page
    consolidated.refresh_from_db()
    data = {f"n_{k}": v for k, v in consolidated.narrative.items()}
    data |= {
        "version": consolidated.version,
        "place": "Hà Nội",
        "signer_authority": "KT. Chủ nhiệm",
        "signer_title": "Phó Chủ nhiệm",
        "signer_name": "Nguyễn Văn A",
        "n_proposals": "Đề nghị bổ sung biên chế.",
    }
    office.post(consolidated_url + "save/", data)
    consolidated.refresh_from_db()
    assert consolidated.narrative["proposals"] == "Đề nghị bổ sung biên chế."
    assert consolidated.signer_name == "Nguyễn Văn A"
    draft_pdf = ReportExport.objects.create(
        period=period, format="pdf", final=False, status=ExportStatus.DONE
    )
    assert f"/reporting/exports/{draft_pdf.pk}/" in office.get(consolidated_url).content.decode()
    office.post(consolidated_url + "send/")
    assert office.post(consolidated_url + "return/", {"comment": "x"}).status_code == 403
    consolidated.refresh_from_db()
    assert consolidated.status == "sent"  # the office may not decide
    leader.post(
        consolidated_url + "approve/", {"document_number": "15/BC-CT", "issued_on": "20/06/2026"}
    )
    consolidated.refresh_from_db()
    assert consolidated.status == "approved" and consolidated.document_number == "15/BC-CT"
    assert consolidated.approved_data["narrative"]["proposals"] == "Đề nghị bổ sung biên chế."
    # Final files were queued from the frozen data.
    assert set(ReportExport.objects.filter(final=True).values_list("format", flat=True)) == {
        "docx",
        "xlsx",
    }
    # Once approved, the page offers only the files built from the approved data.
    for reader in (office, leader):
        page = reader.get(consolidated_url).content.decode()
        board = reader.get(f"/reporting/periods/{period.pk}/").content.decode()
        for final in ReportExport.objects.filter(final=True):
            assert f"/reporting/exports/{final.pk}/" in page
        assert f"/reporting/exports/{draft_pdf.pk}/" not in page + board
        assert "dự thảo" not in page.split('id="h-files"')[1].split("</section>")[0]
