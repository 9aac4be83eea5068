"""Xác nhận hoàn thành on a phone: agency A reports 2.1 done; the office finds it in its
queue, returns it with a reason; the focal officer reads why, reports again; the office
confirms it “đạt yêu cầu”. Every page fits 390 px; screenshots are kept."""

import pytest
from playwright.sync_api import expect

from cchc.plans import progress
from cchc.plans.models import CompletionReview

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

WIDTH = 390


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def switch(page, username: str) -> None:
    page.context.clear_cookies()  # the login page sends a signed-in person away
    login(page, username)


def report_done(world) -> None:
    progress.task_update_post(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], status="done",
        deliverable="Quyết định 7/QĐ-CT",
    )  # fmt: skip


def test_the_office_returns_then_confirms_a_completion_on_a_phone(page, live_world):
    task = live_world.tasks["a_soon"]
    report_done(live_world)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(page, "office")
    page.goto(f"{page.base_url}/tasks/reviews/")
    fits(page)
    screenshot(page, "review-queue-390")
    page.get_by_role("link", name="Rà soát văn bản quy phạm nội bộ").click()
    expect(page.get_by_text("Chờ văn phòng xác nhận")).to_be_visible()
    fits(page)
    screenshot(page, "review-task-390")
    page.get_by_label("Lý do trả lại").fill("Chưa kèm quyết định đã ký.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Đã trả lại nhiệm vụ")).to_be_visible()

    switch(page, "focal_a")
    page.goto(f"{page.base_url}/tasks/{task.pk}/")
    expect(page.locator("#review").get_by_text("Chưa kèm quyết định đã ký.")).to_be_visible()
    fits(page)
    screenshot(page, "review-returned-unit-390")

    report_done(live_world)
    switch(page, "office")
    page.goto(f"{page.base_url}/tasks/{task.pk}/")
    page.get_by_label("Đạt yêu cầu", exact=True).check()
    page.get_by_label("Nhận xét").fill("Đã đủ tài liệu kiểm chứng.")
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_text("Đã xác nhận: đạt yêu cầu")).to_be_visible()
    fits(page)
    screenshot(page, "review-confirmed-390")
    assert list(CompletionReview.objects.values_list("attempt", "decision")) == [
        (2, "confirmed"),
        (1, "returned"),
    ]
