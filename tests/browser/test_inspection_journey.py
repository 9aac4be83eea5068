"""Journey 6, inspect: the office starts an inspection of agency A, records a finding and
concludes; the agency's focal officer answers it with evidence on a phone or a desktop;
the office accepts it, which closes the inspection, and downloads the minutes."""

import docx
import pytest
from playwright.sync_api import expect

from cchc.oversight.models import Finding, Inspection
from tests.browser.conftest import login, screenshot
from tests.test_inspections import make_inspection


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_an_inspection_from_its_start_to_its_closure(page, live_world, tmp_path, width, height):
    inspection = make_inspection(live_world)
    url = f"{page.base_url}/inspections/{inspection.pk}/"
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(url)
    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    page.get_by_role("link", name="Ghi phát hiện, kiến nghị").click()
    page.get_by_label("Nội dung phát hiện").fill("Chưa ban hành kế hoạch tuyên truyền CCHC.")
    page.locator("textarea[name=recommendation]").fill("Ban hành kế hoạch tuyên truyền CCHC.")
    page.get_by_label("Thời hạn khắc phục").fill("31/02/2027")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày 31/02/2027 không có trên lịch.")).to_be_visible()
    fits(page, width)
    page.get_by_label("Thời hạn khắc phục").fill("31/01/2027")
    page.get_by_role("button", name="Lưu").click()
    expect(
        page.get_by_text("Đã ghi kiến nghị; đơn vị khắc phục đã được thông báo.")
    ).to_be_visible()
    page.goto(url)
    page.get_by_text("Ghi số văn bản, ý kiến của đơn vị").click()
    page.get_by_label("Số biên bản").fill("12")
    page.get_by_label("Ý kiến của đơn vị được kiểm tra").fill("Đơn vị thống nhất với biên bản.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu số văn bản và ý kiến của đơn vị.")).to_be_visible()
    fits(page, width)
    page.get_by_role("textbox", name="Kết luận kiểm tra").fill(
        "Cục Tuyên huấn thực hiện cơ bản đầy đủ kế hoạch."
    )
    page.get_by_role("button", name="Kết luận", exact=True).click()
    expect(page.get_by_text("Đã kết luận kiểm tra.")).to_be_visible()
    fits(page, width)
    screenshot(page, f"inspection-office-{width}")

    page.context.clear_cookies()
    login(page, "focal_a")
    page.goto(f"{page.base_url}/inspections/")
    fits(page, width)
    page.goto(url)
    page.get_by_role("link", name="Trả lời", exact=True).click()
    page.get_by_label("Kết quả khắc phục").fill("Đã ban hành Kế hoạch số 12/KH-TH.")
    evidence = tmp_path / "ke-hoach-12.pdf"
    evidence.write_bytes(b"%PDF-1.4 ke hoach")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.get_by_text("Đã gửi trả lời kiến nghị.")).to_be_visible()
    expect(page.get_by_role("link", name="ke-hoach-12.pdf")).to_be_visible()
    fits(page, width)
    screenshot(page, f"inspection-unit-{width}")

    page.context.clear_cookies()
    login(page, "office")
    finding = Finding.objects.get(inspection=inspection)
    page.goto(f"{page.base_url}/inspections/findings/{finding.pk}/")
    page.get_by_role("button", name="Chấp nhận, đóng kiến nghị").click()
    expect(page.get_by_text("Đã đóng kiến nghị.")).to_be_visible()
    inspection.refresh_from_db()
    assert inspection.status == "closed"
    page.goto(url)
    fits(page, width)
    screenshot(page, f"inspection-closed-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Biên bản (DOCX)").click()
    text = "\n".join(p.text for p in docx.Document(str(download.value.path())).paragraphs)
    assert "BIÊN BẢN KIỂM TRA" in text and "Đơn vị thống nhất với biên bản." in text
    assert Inspection.objects.get(pk=inspection.pk).findings.get().status == "closed"
