"""Journey 1 in Chromium: the office uploads its Excel plan, resolves the names the system
does not know, confirms, and downloads the plan as an official document; on a phone, it
downloads the template and picks the area of a heading the file leaves undecided."""

import pytest

from cchc.plans.models import Plan
from tests.fixtures_plans import xlsx_plan
from tests.test_import_headings import OTHER, OTHER_TASKS
from tests.test_import_headings import _xlsx as headings_xlsx

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_office_imports_a_plan_from_excel(page, live_world, tmp_path):
    source = tmp_path / "ke-hoach-2026.xlsx"
    source.write_bytes(xlsx_plan())
    login(page, "office")
    page.goto(f"{page.base_url}/plans/import/")
    page.get_by_label("Tệp kế hoạch (.xlsx hoặc .docx)").set_input_files(str(source))
    page.get_by_label("Cơ quan ban hành").select_option(label="Tổng cục Chính trị")
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch CCHC năm 2026 (nhập từ Excel)")
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Tên cần xác định").is_visible()
    assert page.get_by_role("button", name="Xác nhận").is_disabled()
    screenshot(page, "import-1-preview-problems")

    # "Văn phòng TCCT" is the department's office: saved as an alias.
    card = page.locator("form", has_text="“Văn phòng TCCT”")
    card.get_by_label("Đơn vị").select_option(label="\u00a0\u00a0Văn phòng Tổng cục Chính trị")
    card.get_by_role("button", name="Lưu tên gọi khác").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(
        "Đã ghi nhận: “Văn phòng TCCT” là Văn phòng Tổng cục Chính trị."
    ).is_visible()

    # "Các cơ quan, đơn vị": every unit below the department.
    page.locator("form", has_text="“Các cơ quan, đơn vị”").get_by_role(
        "button", name="Định nghĩa nhóm"
    ).click()
    page.wait_for_load_state("networkidle")
    # "Các cục": the two departments, chosen from the list.
    card = page.locator("form", has_text="“Các cục”")
    card.get_by_label("Các đơn vị được chọn dưới đây").check()
    card.get_by_label("Đơn vị (giữ Ctrl để chọn nhiều)").select_option(
        label=["\u00a0\u00a0Cục Tuyên huấn", "\u00a0\u00a0Cục Cán bộ"]
    )
    card.get_by_role("button", name="Định nghĩa nhóm").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name="Xác nhận").is_enabled()
    screenshot(page, "import-2-preview-ready")

    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(title="Kế hoạch CCHC năm 2026 (nhập từ Excel)")
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert page.get_by_text("Đã nhập 7 nhiệm vụ").is_visible()
    screenshot(page, "import-3-plan")

    # The plan as an official document, with the same login.
    response = page.request.get(f"{page.base_url}/plans/{plan.pk}/export.docx")
    assert response.status == 200 and response.body().startswith(b"PK")
    assert "attachment" in response.headers["content-disposition"]


def test_office_downloads_the_template_and_picks_an_area_on_a_phone(page, live_world, tmp_path):
    """At 390 px: the template downloads from the upload page; a file with a heading no
    words decide waits for the area, picked on the spot, then confirms."""
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "office")
    page.goto(f"{page.base_url}/plans/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu kế hoạch (Excel)").click()
    assert download.value.suggested_filename.startswith("mau-ke-hoach-")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    source = tmp_path / "ke-hoach-phan-khac.xlsx"
    source.write_bytes(headings_xlsx())
    page.get_by_label("Tệp kế hoạch (.xlsx hoặc .docx)").set_input_files(str(source))
    page.get_by_label("Cơ quan ban hành").select_option(label="Tổng cục Chính trị")
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch có phần khác (điện thoại)")
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Tiêu đề cần chọn lĩnh vực").is_visible()
    assert page.get_by_role("button", name="Xác nhận").is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "import-heading-390")

    card = page.locator("form", has_text=f"“{OTHER}”")
    card.get_by_label("Lĩnh vực").select_option(value="4")
    card.get_by_role("button", name="Chọn lĩnh vực").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã chọn lĩnh vực 4. Cải cách tổ chức bộ máy").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(title="Kế hoạch có phần khác (điện thoại)")
    assert sorted(plan.tasks.filter(area__code=4).values_list("title", flat=True)) == sorted(
        OTHER_TASKS
    )
