"""Getting in, on a phone and on a laptop: the account page, a password change with a
weak password refused on its field, the office's page of its people, and the second
factor's setup page."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

STRONG = "Mat-Khau-Moi-Cua-Toi-2026"


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1366, 390])
def test_a_person_changes_their_password_and_the_office_finds_its_people(page, live_world, width):
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "office")
    if width < 992:  # the menu folds on small screens
        page.get_by_role("button", name="Mở menu").click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_title("Tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản: office")).to_be_visible()
    fits(page, width)
    screenshot(page, f"account-{width}")

    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.locator("#id_old_password").fill("test-pass-123")
    page.locator("#id_new_password1").fill("ngan")
    page.locator("#id_new_password2").fill("ngan")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Mật khẩu quá ngắn")).to_be_visible()
    fits(page, width)
    # Passwords are never sent back to the page: the old one is typed again.
    page.locator("#id_old_password").fill("test-pass-123")
    page.locator("#id_new_password1").fill(STRONG)
    page.locator("#id_new_password2").fill(STRONG)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()
    assert User.objects.get(username="office").check_password(STRONG)

    page.goto(page.url.rsplit("/account/", 1)[0] + "/account/members/")
    expect(page.get_by_role("heading", name="Người dùng trong khối")).to_be_visible()
    expect(page.get_by_text("(focal_a)")).to_be_visible()
    fits(page, width)
    screenshot(page, f"members-{width}")

    page.goto(page.url.rsplit("/account/", 1)[0] + "/account/second-factor/setup/")
    expect(page.get_by_role("img", name="Mã QR để quét bằng ứng dụng xác thực")).to_be_visible()
    fits(page, width)
    screenshot(page, f"second-factor-{width}")
