"""A focal officer double-clicks “Gửi cập nhật”: one update, with or without JavaScript."""

import pytest
from playwright.sync_api import expect

from cchc.plans.models import Evidence, TaskUpdate
from tests.browser.conftest import login


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page_js(request, browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="vi-VN",
        java_script_enabled=request.param,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def test_a_double_clicked_update_posts_once(page_js, live_world, tmp_path):
    page = page_js
    task = live_world.tasks["a_soon"]
    login(page, "focal_a")
    page.goto(f"{page.base_url}/tasks/{task.pk}/update/")
    paper = tmp_path / "bien-ban.pdf"
    paper.write_bytes(b"%PDF-1.4 minutes")
    page.get_by_label("Nội dung cập nhật").fill("Đã họp triển khai.")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(paper))
    page.get_by_role("button", name="Gửi cập nhật").dblclick()
    expect(page.get_by_text("Đã cập nhật tiến độ nhiệm vụ.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert TaskUpdate.objects.filter(task=task).count() == 1
    assert Evidence.objects.filter(task=task).count() == 1
