"""Journey 1 in Chromium: the office uploads its Excel plan, resolves the names the system
does not know, confirms, and downloads the plan as an official document."""

import pytest

from cchc.plans.models import Plan
from tests.fixtures_plans import xlsx_plan

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
