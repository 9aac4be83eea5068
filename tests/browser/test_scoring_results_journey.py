"""Journey 7's end (issue 12, “Results”): the office sets the bands and a cap, reads the
ranked table with its chart, downloads the table; on a phone the page does not pan."""

import pytest

from cchc.scoring import assessment_services
from tests.test_scoring_results import score, small_set

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_the_office_reads_and_exports_the_results(page, live_world):
    world = live_world
    criteria_set = small_set(world)
    u = world.units
    made = {
        a.unit.code: a
        for a in assessment_services.assessments_open(
            actor=None, criteria_set=criteria_set, units=[u["CTH"], u["CTC"], u["VP"], u["CTH-P1"]]
        )
    }
    score(made["CTH"], {"1.1": 55, "2.1": 40})
    score(made["CTC"], {"1.1": 52, "2.1": 40})
    score(made["VP"], {"1.1": 40, "2.1": 30})
    score(made["CTH-P1"], {"1.1": 20, "2.1": 10}, finalise=False)
    login(page, "office")
    page.goto(f"{page.base_url}/scoring/criteria/{criteria_set.pk}/")
    page.get_by_role("link", name="Ngày chốt, xếp loại").first.click()
    page.get_by_label("Tỷ lệ tối đa đơn vị xếp loại xuất sắc (%)").fill("50")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Kết quả, xếp loại").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("#results-table")
    assert table.locator("tbody tr").count() == 3
    first = table.locator("tbody tr").first
    assert "Cục Tuyên huấn" in first.inner_text()
    assert "Hoàn thành xuất sắc nhiệm vụ" in first.inner_text()
    # floor(3 × 50 %) = 1: the second unit, excellent by points, is graded good.
    assert "Cục Cán bộ" in page.locator("#cap-note").inner_text()
    assert "Phòng Thông tin" in page.locator("#pending-table").inner_text()
    assert page.locator("#results-chart svg rect").count() >= 4
    screenshot(page, "scoring-results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Bảng kết quả (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "scoring-results-390")
