"""Every list on a phone (390×844) and a laptop (1366×768): no page wider than the screen,
rows as cards on the phone with their status and “Cập nhật” button in view, filters folded."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cchc.plans import progress, services
from cchc.plans.models import Area

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1366, 768)]
# A real plan's title runs long and names units at length.
LONG_TITLE = (
    "Tiếp tục rà soát, đánh giá, cắt giảm, đơn giản hóa thủ tục hành chính, điều kiện kinh "
    "doanh trong lĩnh vực quản lý của Tổng cục; công khai, minh bạch thủ tục hành chính trên "
    "Cổng Dịch vụ công quốc gia https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
)

# Elements that reach past the right edge, to name the culprit when the page is too wide.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > width + 1)
  .slice(0, 8)
  .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


@pytest.fixture
def long_world(live_world):
    services.task_create(
        actor=None,
        plan=live_world.plan,
        area=Area.objects.get(code=3),
        code="3.2",
        title=LONG_TITLE,
        lead_unit=live_world.units["CTH"],
        supporting_units=[live_world.units["CTC"], live_world.units["VP"]],
        due_date=live_world.today + datetime.timedelta(days=2),
        due_text="Trong tháng này, theo hướng dẫn của Văn phòng Chính phủ",
    )
    # Agency A also works on the ministry's plan, and has finished a task.
    services.task_create(
        actor=None,
        plan=live_world.parent_plan,
        area=Area.objects.get(code=7),
        code="3",
        title="Kết nối hệ thống quản lý văn bản với Trục liên thông văn bản quốc gia",
        lead_unit=live_world.units["CTH"],
        due_date=live_world.today + datetime.timedelta(days=1),
        due_text="Năm 2026",
    )
    progress.task_update_post(
        actor=live_world.users["focal_a"],
        task=live_world.tasks["a_soon"],
        status="done",
        deliverable="Quyết định 5/QĐ-TH",
    )
    return live_world


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, page.evaluate(OVERFLOWING, width)


def within_screen(locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


def filters_fold_on_a_phone(page, width: int) -> None:
    filters = page.locator("#task-filters")
    toggle = page.get_by_role("button", name="Bộ lọc")
    if width < 768:
        expect(filters).to_be_hidden()
        toggle.click()
        expect(filters).to_have_class(re.compile(r"\bshow\b"))  # opened, not still opening
        expect(page.get_by_label("Tìm kiếm (không cần dấu)")).to_be_visible()
        fits(page, width)
        toggle.click()
        expect(filters).to_be_hidden()
    else:
        expect(toggle).to_be_hidden()
        expect(page.get_by_label("Tìm kiếm (không cần dấu)")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_work_queue_fits_and_its_cards_keep_their_button(page, long_world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, "focal_a")
    page.goto(f"{page.base_url}/tasks/mine/")
    expect(page.get_by_role("heading", name="Nhiệm vụ của đơn vị")).to_be_visible()
    fits(page, width)
    # Two plans, the ministry's first; in each the most urgent task first.
    groups = page.locator("#task-results tr.plan-group")
    expect(groups).to_have_count(2)
    expect(groups.first).to_contain_text(long_world.parent_plan.title)
    first = page.locator("#task-results tbody tr:not(.plan-group)").first
    expect(first).to_contain_text("Trục liên thông")
    expect(first).to_contain_text("còn 1 ngày")
    expect(first).to_contain_text("Chủ trì")
    within_screen(first.get_by_role("link", name="Cập nhật"), width)
    within_screen(first.locator(".timeliness"), width)
    overdue = groups.nth(1).locator("xpath=following-sibling::tr[1]")
    expect(overdue).to_contain_text(long_world.tasks["a_overdue"].title)
    expect(overdue).to_contain_text("quá 3 ngày")
    # The finished task is folded below, its count in view.
    folded = page.locator("details.finished-tasks")
    expect(folded).to_contain_text("Đã hoàn thành hoặc hủy bỏ: 1 nhiệm vụ")
    expect(folded.get_by_role("link", name=long_world.tasks["a_soon"].title)).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.get_by_role("link", name=long_world.tasks["a_soon"].title)).to_be_visible()
    fits(page, width)
    # The long title wraps as a paragraph, not one word a line.
    title = page.locator("#task-results tr", has_text="Tiếp tục rà soát").locator(".task-title a")
    assert title.bounding_box()["width"] > min(width * 0.6, 300)
    filters_fold_on_a_phone(page, width)
    screenshot(page, f"task-mine-{width}")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_task_list_fits_with_the_offices_bulk_actions(page, long_world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(f"{page.base_url}/tasks/?plan={long_world.plan.pk}")
    expect(page.get_by_role("heading", name="Danh sách nhiệm vụ")).to_be_visible()
    fits(page, width)
    row = page.locator("#task-results tr", has_text="Tiếp tục rà soát")
    within_screen(row.locator(".timeliness"), width)
    within_screen(row.locator("input[name=ids]"), width)
    filters_fold_on_a_phone(page, width)
    if width < 768:
        page.get_by_role("button", name="Thao tác hàng loạt").click()
        expect(page.locator("#bulk-actions")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.get_by_label("Hạn mới")).to_be_visible()
    fits(page, width)
    # The units load as one types (the page carries only the top of the office's branch).
    page.get_by_label("Tìm cơ quan chủ trì mới").fill("cuc can")
    expect(page.locator("#bulk-unit option")).to_have_count(2)
    page.locator("#bulk-unit").select_option(label="Cục Cán bộ")
    fits(page, width)
    screenshot(page, f"task-list-{width}")
    if width < 768:
        page.get_by_role("button", name="Bộ lọc").click()
    page.get_by_label("Tìm cơ quan chủ trì", exact=True).fill("cuc can")
    expect(page.locator("#f-unit option")).to_have_count(2)
    page.locator("#f-unit").select_option(label="Cục Cán bộ")
    expect(page).to_have_url(re.compile(rf"unit={long_world.units['CTC'].pk}"))
    expect(page.locator("#task-results")).to_contain_text(long_world.tasks["b_track"].title)
    # The folded filters' button counts the unit chosen too (plan and unit).
    expect(page.locator("#filter-count")).to_have_text(" 2 điều kiện")
    expect(page.locator("#task-results")).not_to_contain_text(long_world.tasks["a_soon"].title)
    fits(page, width)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_plan_page_and_the_dashboard_fit(page, long_world, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, "office")
    page.goto(f"{page.base_url}/plans/{long_world.plan.pk}/")
    expect(page.get_by_role("heading", name=long_world.plan.title)).to_be_visible()
    fits(page, width)
    within_screen(page.locator("tr", has_text="Tiếp tục rà soát").locator(".timeliness"), width)
    screenshot(page, f"plan-detail-{width}")

    page.goto(f"{page.base_url}/dashboard/?plan={long_world.plan.pk}")
    expect(page.get_by_role("heading", name="Nhiệm vụ quá hạn")).to_be_visible()
    fits(page, width)
    screenshot(page, f"dashboard-{width}")
    # The units to nudge load when the form is opened.
    page.locator("#nudge-units summary").click()
    expect(page.locator("#nudge-units input[name=units]")).to_have_count(1)
    fits(page, width)
    # A unit found by typing; choosing it shows its branch at once.
    page.get_by_label("Tìm đơn vị").fill("cuc can")
    expect(page.locator("#dash-unit option")).to_have_count(2)
    page.locator("#dash-unit").select_option(label="Cục Cán bộ")
    expect(page).to_have_url(re.compile(rf"unit={long_world.units['CTC'].pk}"))
    expect(page.get_by_text("phạm vi: Cục Cán bộ và các đơn vị trực thuộc")).to_be_visible()
    fits(page, width)
