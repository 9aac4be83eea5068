"""The dashboard at a glance, in Chromium: the two charts are drawn under the strict CSP
without a single violation, fit the screen at 1366 and 390 px, and a bar opens its tasks."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.plans.timeliness import Timeliness
from cchc.reporting import services

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

# Collected in the page itself: what the CSP refused (Chromium also logs it as an error).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", function (event) {
  (window.cspViolations = window.cspViolations || []).push(
    event.violatedDirective + " " + event.blockedURI
  );
});
"""

# Where a segment of a chart is drawn: the middle of the bar of one row and one category.
SEGMENT = """([key, row, dataset]) => {
  const canvas = document.querySelector(`canvas[data-chart="${key}"]`);
  const bar = Chart.getChart(canvas).getDatasetMeta(dataset).data[row];
  const box = canvas.getBoundingClientRect();
  return {x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y};
}"""


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(WATCH_CSP)
    return errors


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_charts_are_drawn_and_a_bar_opens_its_tasks(page, live_world, width, height):
    services.period_open(actor=live_world.users["office"], plan=live_world.plan, kind="six_months")
    errors = watch(page)
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")

    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(2)
    for i in range(2):
        expect(canvases.nth(i)).to_be_visible()
        box = canvases.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, box
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('canvas[data-chart]'))"
            ".map(c => Chart.getChart(c).data.datasets.length)"
        )
        == [len(Timeliness.choices)] * 2
    )
    # The report completeness card, swapped in by htmx beside the task figures.
    expect(page.locator("#report-completeness [data-submitted]")).to_have_text(re.compile(r"0/\d+"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"dashboard-{width}")

    # Area 1 holds the one overdue task; its bar's red segment opens the list of it.
    overdue = [code for code, __ in Timeliness.choices].index(Timeliness.OVERDUE)
    page.locator("canvas[data-chart='area']").scroll_into_view_if_needed()
    point = page.evaluate(SEGMENT, ["area", 0, overdue])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/tasks/\?.*timeliness=overdue"))
    assert f"area={live_world.tasks['a_overdue'].area_id}" in page.url
    expect(page.get_by_text("1 nhiệm vụ").first).to_be_visible()
    expect(page.get_by_role("link", name=live_world.tasks["a_overdue"].title)).to_be_visible()

    # Back on the dashboard, the same figure in the table is the same link.
    page.go_back()
    page.locator("#table-units a[data-timeliness='overdue']").first.click()
    page.wait_for_url(re.compile(r"/tasks/\?.*timeliness=overdue"))
    expect(page.get_by_role("link", name=live_world.tasks["a_overdue"].title)).to_be_visible()
    assert page.evaluate("window.cspViolations || []") == []
    assert errors == []


def test_a_past_days_dashboard_draws_that_days_charts(page, live_world):
    errors = watch(page)
    login(page, "office")
    day = f"{timezone.localdate() - datetime.timedelta(days=1):%d/%m/%Y}"
    page.goto(f"{page.base_url}/dashboard/?plan={live_world.plan.pk}&as_of={day}")
    expect(page.get_by_text(f"Số liệu tại ngày {day}")).to_be_visible()
    expect(page.get_by_text("Tình trạng báo cáo chỉ xem được tại ngày hôm nay.")).to_be_visible()
    links = page.evaluate(
        "JSON.parse(document.getElementById('dashboard-chart-data').textContent)"
        ".area.flatMap(row => row.links)"
    )
    assert links and all(link.endswith("as_of=" + day.replace("/", "%2F")) for link in links)
    assert page.locator("canvas[data-chart='area']").bounding_box()["height"] > 100
    assert page.evaluate("window.cspViolations || []") == []
    assert errors == []
