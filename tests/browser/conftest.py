"""Browser tests: Playwright for Python driving Debian's chromium against a live server."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django.utils import timezone

from tests.conftest import require
from tests.world import PASSWORD, build_world

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (building data, checking results) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"

pytestmark = pytest.mark.browser


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server on SQLite: the test database lives in memory, so every request
    shares the test's one connection, where two requests at once would interleave their
    transactions. The application runs one request at a time (connections are still
    served on their own threads), as in production, where SQLite's write lock (BEGIN
    IMMEDIATE) makes the second writer wait for the first: a double-clicked form then
    finds its first sending, as it does there, not a half-written one."""

    def set_app(self, application):
        lock = threading.Lock()

        def in_turn(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(in_turn)


if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), "chromium is not installed (make install installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(today=timezone.localdate())


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username: str) -> None:
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (CI runs them once, on SQLite)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
