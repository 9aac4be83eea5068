"""The office enters the survey's points (điểm điều tra xã hội học) of every unit on one
page, on a laptop and on a phone, while the units still score themselves: a wrong value is
named and kept in its box, then the page is saved at once."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import AssessmentStatus, Score
from tests.browser.conftest import login, screenshot


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _points(unit, code: str) -> Decimal | None:
    return Score.objects.get(
        assessment__unit=unit, criterion__code=code, assessment__criteria_set__year=2026
    ).appraised_points


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_office_enters_survey_points_while_units_score(page, live_world, width, height):
    world, office = live_world, live_world.users["office"]
    made = set_services.criteria_set_create_example(
        actor=office, unit=world.units["TCCT"], year=2026
    )
    criteria_set = set_services.criteria_set_mark_in_use(actor=office, criteria_set=made)
    opened = services.assessments_open(
        actor=office, criteria_set=criteria_set, units=[world.units["CTH"], world.units["CTC"]]
    )
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(f"{page.base_url}/scoring/criteria/{criteria_set.pk}/assessments/")
    page.get_by_role("link", name="Điểm điều tra xã hội học").click()
    expect(page.get_by_role("heading", name="Điểm điều tra xã hội học")).to_be_visible()
    fits(page, width)

    box = page.get_by_label("Điểm điều tra: Cục Tuyên huấn, tiêu chí 3.4")
    box.fill("abc")
    page.get_by_label("Điểm điều tra: Cục Cán bộ, tiêu chí 7.4").fill("4")
    page.get_by_role("button", name="Lưu điểm điều tra").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("Cục Tuyên huấn, tiêu chí 3.4")
    expect(box).to_have_value("abc")
    expect(page.get_by_label("Điểm điều tra: Cục Cán bộ, tiêu chí 7.4")).to_have_value("4")
    fits(page, width)
    screenshot(page, f"survey-points-refused-{width}")
    assert _points(world.units["CTC"], "7.4") is None  # one refused, none written

    box.fill("3,5")
    page.get_by_role("button", name="Lưu điểm điều tra").click()
    expect(page.get_by_text("Đã lưu 2 điểm điều tra xã hội học.")).to_be_visible()
    expect(box).to_have_value("3,5")
    fits(page, width)
    screenshot(page, f"survey-points-{width}")
    assert _points(world.units["CTH"], "3.4") == Decimal("3.5")
    assert _points(world.units["CTC"], "7.4") == Decimal("4")
    assert {a.status for a in opened} == {AssessmentStatus.DRAFT}
