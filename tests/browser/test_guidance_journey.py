"""The office writes a guidance, attaches its file and sends it (on a desktop); a focal
officer opens it on a phone and says it was read; the office sees it in its table."""

import pytest
from playwright.sync_api import expect

from cchc.oversight.models import Acknowledgement
from tests.browser.conftest import login, screenshot


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_office_sends_and_a_focal_officer_acknowledges(
    page, live_world, tmp_path, width, height
):
    u = live_world.units
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(f"{page.base_url}/guidance/new/")
    page.get_by_label("Loại").select_option("template")
    page.get_by_label("Số, ký hiệu").fill("21/HD-VP")
    page.get_by_label("Trích yếu").fill("Biểu mẫu báo cáo kết quả CCHC quý")
    page.get_by_label("Ngày ban hành").fill("31/02/2026")
    page.get_by_label("Đơn vị nhận").select_option([str(u["CTH"].pk), str(u["CTC"].pk)])
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày 31/02/2026 không có trên lịch.")).to_be_visible()
    fits(page, width)
    page.get_by_label("Ngày ban hành").fill("01/06/2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    upload = tmp_path / "bieu-mau.pdf"
    upload.write_bytes(b"%PDF-1.4 bieu mau")
    page.get_by_label("Tệp đính kèm").set_input_files(str(upload))
    page.get_by_role("button", name="Đính kèm", exact=True).click()
    expect(page.get_by_role("link", name="bieu-mau.pdf")).to_be_visible()
    page.get_by_role("button", name="Gửi các đơn vị").click()
    expect(page.get_by_text("Đã gửi văn bản; 4 thông báo.")).to_be_visible()
    expect(page.get_by_role("button", name="Đôn đốc 2 đơn vị chưa đọc")).to_be_visible()
    fits(page, width)
    screenshot(page, f"guidance-office-{width}")

    page.context.clear_cookies()
    login(page, "focal_a")
    page.goto(f"{page.base_url}/guidance/")
    fits(page, width)
    page.get_by_role("link", name="21/HD-VP – Biểu mẫu báo cáo kết quả CCHC quý").click()
    page.get_by_role("button", name="Đã đọc").click()
    expect(page.get_by_text("Đã xác nhận đã đọc.")).to_be_visible()
    fits(page, width)
    screenshot(page, f"guidance-focal-{width}")
    ack = Acknowledgement.objects.get(unit=u["CTH"])
    assert ack.read_by == live_world.users["focal_a"] and ack.received_at is not None

    page.context.clear_cookies()
    login(page, "office")
    page.goto(f"{page.base_url}/guidance/{ack.guidance_id}/")
    expect(page.get_by_role("button", name="Đôn đốc 1 đơn vị chưa đọc")).to_be_visible()
    page.get_by_role("button", name="Đôn đốc 1 đơn vị chưa đọc").click()
    expect(page.get_by_text("Đã đôn đốc: Cục CB.")).to_be_visible()
    fits(page, width)
