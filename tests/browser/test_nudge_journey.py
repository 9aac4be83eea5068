"""Journey 5, nudge by hand: the office picks two tasks on the task list and nudges their
units with a message; a focal officer finds it on the page they land on, and marks it seen."""

import pytest
from playwright.sync_api import expect

from cchc.notifications.models import Kind, Notification
from tests.browser.conftest import login, screenshot

MESSAGE = "Đề nghị đơn vị khẩn trương hoàn thành và cập nhật tiến độ trước thứ Sáu."


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_office_nudges_and_the_unit_sees_it_on_landing(page, live_world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "office")
    page.goto(f"{page.base_url}/tasks/?plan={live_world.plan.pk}")
    page.get_by_label("Chọn nhiệm vụ 1.1").check()
    page.get_by_label("Chọn nhiệm vụ 3.1").check()
    if width < 768:  # the bulk actions fold away on a phone
        page.get_by_role("button", name="Thao tác hàng loạt").click()
    page.get_by_label("Nội dung đôn đốc").fill(MESSAGE)
    fits(page, width)
    screenshot(page, f"nudge-tasks-{width}")
    page.get_by_role("button", name="Đôn đốc", exact=True).click()
    expect(page.get_by_text("Đã đôn đốc 2 đơn vị")).to_be_visible()
    assert Notification.objects.filter(kind=Kind.NUDGE).count() == 4

    page.context.clear_cookies()
    login(page, "focal_a")
    banner = page.locator(".nudge-banner")
    expect(banner).to_contain_text("Văn phòng đôn đốc")
    expect(banner).to_contain_text(MESSAGE)
    fits(page, width)
    screenshot(page, f"nudge-landing-{width}")
    banner.get_by_role("button", name="Đã xem").click()
    expect(page.locator(".nudge-banner")).to_have_count(0)
    assert (
        Notification.objects.get(recipient__username="focal_a", kind=Kind.NUDGE).read_at is not None
    )
