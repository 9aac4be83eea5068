"""Journeys 3 (report) and 4 (consolidate) walked in Chromium, as people would."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from cchc.audit.services import verify_chain
from cchc.reporting import generation
from cchc.reporting.models import ConsolidatedStatus, ReportExport, ReportStatus, UnitReport

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_journeys_3_and_4(page, browser, live_world, tmp_path):
    try:
        journey(page, live_world, browser, tmp_path)
    finally:
        # The other people's tabs would keep polling the live server after the test.
        for context in browser.contexts:
            if context is not page.context:
                context.close()


def confirm_dialogs(tab) -> None:
    tab.on("dialog", lambda dialog: dialog.accept())


def journey(page, world, browser, tmp_path) -> None:
    confirm_dialogs(page)

    # The office opens the six-month period: the rule's dates, every unit with a task.
    login(page, "office")
    page.goto(f"{page.base_url}/reporting/")
    page.locator("#id_plan").select_option(str(world.plan.pk))
    page.locator("#id_kind").select_option("six_months")
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    expect(page.get_by_text("3 đơn vị phải báo cáo")).to_be_visible()
    expect(page.get_by_text("hạn gửi 20/06/2026")).to_be_visible()
    board_url = page.url

    # The focal officer writes; the unit head submits.
    focal = browser.new_context(locale="vi-VN").new_page()
    focal.base_url = page.base_url
    confirm_dialogs(focal)
    login(focal, "focal_a")
    focal.goto(f"{page.base_url}/reporting/")
    focal.locator("tr", has_text="Cục Tuyên huấn").get_by_role("link", name="Soạn báo cáo").click()
    expect(focal.get_by_text("Tuyên truyền về cải cách hành chính").first).to_be_visible()
    results = focal.locator("textarea[name=a1_results]")
    results.fill("Tổ chức 5 hội nghị tuyên truyền về cải cách hành chính.")
    focal.locator("textarea[name=proposals]").fill("Đề nghị bổ sung kinh phí tuyên truyền.")
    focal.get_by_role("button", name="Lưu bản nháp").click()
    expect(focal.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    expect(focal.get_by_role("button", name="Lưu và gửi báo cáo")).to_have_count(0)

    head = browser.new_context(locale="vi-VN").new_page()
    head.base_url = page.base_url
    confirm_dialogs(head)
    login(head, "head_a")
    head.goto(focal.url)
    expect(head.locator("textarea[name=a1_results]")).to_have_value(
        "Tổ chức 5 hội nghị tuyên truyền về cải cách hành chính."
    )
    head.get_by_role("button", name="Lưu và gửi báo cáo").click()
    expect(head.get_by_text(re.compile(r"Đã gửi báo cáo \(lần 1\)"))).to_be_visible()

    # The office accepts it and nudges the two units still missing.
    page.goto(board_url)
    row = page.locator("tr", has_text="Cục Tuyên huấn")
    expect(row.get_by_text("Đã gửi")).to_be_visible()
    row.get_by_role("link", name="Xem và tiếp nhận").click()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận báo cáo của Cục TH")).to_be_visible()
    page.get_by_role("button", name=re.compile("Đôn đốc tất cả 2 đơn vị")).click()
    expect(page.get_by_text("Đã ghi nhận đôn đốc 2 đơn vị")).to_be_visible()
    assert UnitReport.objects.get().status == ReportStatus.ACCEPTED

    # One click for the consolidated DOCX: the page polls until the worker is done.
    page.get_by_role("button", name="Tạo báo cáo tổng hợp (DOCX)").click()
    expect(page.get_by_text("Trang tự cập nhật")).to_be_visible()
    export = ReportExport.objects.get()
    generation.export_run(export_id=export.pk)  # what `cchc db_worker` does
    link = page.get_by_role("link", name=re.compile(r"Tải bao-cao-cchc-six-months-2026\.docx"))
    expect(link).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        link.click()
    target = tmp_path / "bao-cao.docx"
    download.value.save_as(target)
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2026" in texts
    assert "- Cục Tuyên huấn: Tổ chức 5 hội nghị tuyên truyền về cải cách hành chính." in texts

    # The office sends it to the leader, who approves it with its number and date.
    page.goto(f"{board_url}consolidated/")
    page.get_by_role("button", name="Trình Thủ trưởng").click()
    expect(page.get_by_text("Đã trình Thủ trưởng.")).to_be_visible()
    leader = browser.new_context(locale="vi-VN").new_page()
    leader.base_url = page.base_url
    login(leader, "leader")
    leader.goto(f"{board_url}consolidated/")
    leader.get_by_label("Số, ký hiệu").fill("15/BC-CT")
    leader.get_by_label("Ngày ban hành").fill("22/06/2026")
    leader.get_by_role("button", name="Phê duyệt").click()
    expect(leader.get_by_text("Đã phê duyệt báo cáo tổng hợp.")).to_be_visible()
    expect(leader.get_by_text("số 15/BC-CT ngày 22/06/2026")).to_be_visible()
    assert world.plan.reporting_periods.get().consolidated.status == ConsolidatedStatus.APPROVED
    screenshot(leader, "journey-4-leader-approved")
    assert verify_chain()[1] is None
