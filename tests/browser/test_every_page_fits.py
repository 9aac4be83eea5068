"""Every page of the application, found from the URL configuration, fits a phone (issue 10).

Each page a person can open (every URL of tests/test_every_url.py that answers an HTML page
to a GET) is shown in Chromium at 390×844 to the office and to a unit's focal officer: the
page must not pan sideways (its width is the screen's), and a screenshot is kept.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_every_url import ANY_USER, SCOPED, make_objects, url_of

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

WIDTH = 390


def _pages(objects: dict) -> list[tuple[str, str]]:
    urls = [(name, reverse(name)) for name in sorted(ANY_USER)]
    urls += [(name, url_of(name, objects)) for name in sorted(SCOPED)]
    return urls


def _html_pages(username: str, objects: dict) -> list[tuple[str, str]]:
    """The URLs that show this person a page (not a download, a redirect or a refusal)."""
    client = Client()
    client.force_login(objects["users"][username])
    shown = []
    for name, url in _pages(objects):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            shown.append((name, url))
    return shown


@pytest.mark.parametrize("username", ["office", "focal_a"])
def test_no_page_pans_sideways_on_a_phone(page, live_world, settings, username):
    objects = make_objects(live_world) | {"users": live_world.users}
    pages = _html_pages(username, objects)
    # Both people open the main lists and the pages of their work; the count guards the
    # discovery itself (a broken lookup would pass with nothing visited).
    assert len(pages) >= 12, pages
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(page, username)
    too_wide = []
    for name, url in pages:
        page.goto(f"{page.base_url}{url}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide.append((name, width))
        screenshot(page, f"fit-{WIDTH}-{username}-{name.replace(':', '-')}")
    assert too_wide == [], f"pages wider than {WIDTH} px: {too_wide}"
