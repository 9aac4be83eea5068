"""Journey 5, urge: the office sets its reminder rules, the morning's run reminds the lead
unit, and its focal officer finds the reminder under the bell and on the task's page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cchc.notifications.models import Kind, Notification
from tests.browser.conftest import login, screenshot


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_a_reminder_reaches_the_focal_officer(page, live_world, width, height):
    task = live_world.tasks["a_soon"]  # due in five days: no default rule fires today
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(f"{page.base_url}/reminders/")
    rules = page.get_by_label("Nhắc trước hạn (ngày)")
    rules.fill("7, 5 ngày, 1")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("cách nhau bằng dấu phẩy, tối đa 5 số")).to_be_visible()
    fits(page, width)
    page.get_by_label("Nhắc trước hạn (ngày)").fill("7, 5, 1")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu quy tắc nhắc việc.")).to_be_visible()
    fits(page, width)
    screenshot(page, f"urge-rules-{width}")

    call_command("send_reminders")  # what the worker does each morning
    reminder = Notification.objects.get(kind=Kind.TASK_DUE, recipient__username="focal_a")
    assert reminder.subject_id == task.pk

    page.context.clear_cookies()
    login(page, "focal_a")
    unread = Notification.objects.filter(
        recipient__username="focal_a", read_at__isnull=True
    ).count()
    expect(page.locator("#unread-count")).to_contain_text(str(unread))
    page.get_by_title("Thông báo").click()
    # Measured once the list has loaded: mid-navigation there is no document to measure.
    page.wait_for_url("**/notifications/**")
    page.wait_for_load_state()
    fits(page, width)
    screenshot(page, f"urge-bell-{width}")
    page.get_by_role("link", name=reminder.title).click()
    expect(page.get_by_role("heading", name="Nhắc việc, đôn đốc")).to_be_visible()
    expect(page.locator("#h-notices + ul")).to_contain_text(reminder.title)
    fits(page, width)
    screenshot(page, f"urge-task-{width}")
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    if unread > 1:
        expect(page.locator("#unread-count")).to_contain_text(str(unread - 1))
    else:
        expect(page.locator("#unread-count")).to_have_count(0)
