"""The office sets who signs its plans from the plan page, on a phone."""

from cchc.orgs.models import Unit
from tests.browser.conftest import login, screenshot


def test_the_office_sets_the_plan_signer_on_a_phone(page, live_world):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "office")
    page.goto(f"{page.base_url}/plans/{live_world.plan.pk}/")
    page.get_by_role("link", name="Ký hiệu, người ký").click()
    page.get_by_label("Chữ viết tắt tên cơ quan (trong số, ký hiệu)").fill("KH/CT")
    page.get_by_label("Quyền hạn ký").fill("KT. CHỦ NHIỆM")
    page.get_by_label("Chức vụ người ký").fill("PHÓ CHỦ NHIỆM")
    page.get_by_label("Cấp bậc, họ tên người ký").fill("Thiếu tướng Nguyễn Văn Hạnh")
    page.get_by_role("button", name="Lưu").click()
    # The error is on its field, and the page fits the phone's width.
    assert page.locator(".invalid-feedback").first.inner_text().startswith("Chữ viết tắt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "unit-documents-390")
    page.get_by_label("Chữ viết tắt tên cơ quan (trong số, ký hiệu)").fill("CT")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/plans/{live_world.plan.pk}/")
    assert "Đã lưu ký hiệu và người ký" in page.content()
    unit = Unit.objects.get(code="TCCT")
    assert (unit.symbol, unit.signer_name) == ("CT", "Thiếu tướng Nguyễn Văn Hạnh")
