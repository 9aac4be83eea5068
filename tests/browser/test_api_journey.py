"""The API's pages in Chromium: the docs page draws the operations from local files alone,
under the strict CSP with no violation; a person makes a token, sees it once, on a phone."""

import pytest
from playwright.sync_api import expect

from cchc.api.models import ApiToken
from cchc.api.services import secret_hash

from .conftest import login, screenshot
from .test_dashboard_charts_journey import watch

pytestmark = pytest.mark.browser


def test_the_docs_page_loads_nothing_from_outside(page, live_world):
    errors = watch(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{page.base_url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/tasks/{task_id}/updates").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.cspViolations || []") == []
    assert errors == []
    outside = [url for url in requests if not url.startswith(page.base_url)]
    assert outside == [] and any("swagger-ui-bundle.js" in url for url in requests)
    screenshot(page, "api-docs-1366")


def test_a_token_is_made_and_shown_once_on_a_phone(page, live_world):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "focal_a")
    page.goto(f"{page.base_url}/account/")
    page.get_by_role("link", name="Quản lý mã truy cập").click()
    page.get_by_label("Tên").fill("Hệ thống Cục TH")
    page.get_by_label("Thời hạn (ngày)").fill("30")
    page.get_by_role("button", name="Tạo mã").click()
    plain = page.locator("#new-token").inner_text().strip()
    assert ApiToken.objects.get().secret_hash == secret_hash(plain)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "api-token-390")
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_text("Đã thu hồi").first).to_be_visible()
    assert ApiToken.objects.get().revoked_at is not None
