"""Journeys 2 (do the work) and 8 (oversee) walked in Chromium, as a person would."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.audit.services import verify_chain
from cchc.plans import progress
from cchc.plans.models import Evidence, Task, TaskStatus

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["office", "leader", "viewer", "head_a", "focal_a"])
def test_every_role_logs_in_and_lands_on_the_dashboard(page, live_world, username):
    login(page, username)
    expect(page.get_by_role("heading", name=re.compile("Tổng quan"))).to_be_visible()
    expect(page.get_by_text("Tổng số nhiệm vụ")).to_be_visible()
    mine = page.get_by_role("link", name="Nhiệm vụ của đơn vị")
    if username in ("head_a", "focal_a"):
        expect(mine).to_be_visible()
    else:
        expect(mine).to_have_count(0)


def test_an_appraiser_lands_on_the_appraisal_queue(page, live_world):
    """The council's member with no other role has one thing to do: appraise."""
    login(page, "appraiser")
    expect(page.get_by_role("heading", name=re.compile("thẩm định", re.I))).to_be_visible()
    assert page.url.endswith("/scoring/appraisals/")


def test_focal_officer_does_the_work(page, live_world, tmp_path):
    """Journey 2: the unit's tasks, progress with evidence, then done with its deliverable."""
    task = live_world.tasks["a_overdue"]
    login(page, "focal_a")
    page.get_by_role("link", name="Nhiệm vụ của đơn vị").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ của đơn vị")).to_be_visible()
    row = page.locator("tr", has_text=task.title)
    expect(row.get_by_text("Quá hạn")).to_be_visible()
    # Agency B's task is not listed for agency A.
    expect(page.get_by_text(live_world.tasks["b_track"].title)).to_have_count(0)

    row.get_by_role("link", name=task.title).click()
    page.get_by_role("link", name="Cập nhật tiến độ").click()
    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes of the meeting")
    page.get_by_label("Nội dung cập nhật").fill("Đã tổ chức hội nghị tuyên truyền tại 5 cơ quan.")
    page.get_by_label("Trạng thái").select_option(TaskStatus.IN_PROGRESS)
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Tài liệu kiểm chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_text("Đã tổ chức hội nghị tuyên truyền tại 5 cơ quan.")).to_be_visible()
    expect(page.get_by_role("link", name="bien-ban-hop.pdf").first).to_be_visible()

    # Marking done without the deliverable is refused, and what was typed stays.
    page.get_by_role("link", name="Cập nhật tiến độ").click()
    page.get_by_label("Nội dung cập nhật").fill("Hoàn thành tuyên truyền.")
    page.get_by_label("Trạng thái").select_option(TaskStatus.DONE)
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_text("cần ghi sản phẩm").first).to_be_visible()
    expect(page.get_by_label("Nội dung cập nhật")).to_have_value("Hoàn thành tuyên truyền.")
    page.get_by_label("Sản phẩm đã có").fill("Báo cáo số 12/BC-TH ngày 20/11/2026")
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_text("Hoàn thành quá hạn").first).to_be_visible()
    screenshot(page, "journey-2-focal-task-done")

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.progress == 100
    assert task.result == "Báo cáo số 12/BC-TH ngày 20/11/2026"
    assert Evidence.objects.filter(task=task, original_name="bien-ban-hop.pdf").exists()
    assert verify_chain()[1] is None


@pytest.mark.parametrize("username", ["office", "leader"])
def test_oversight_drills_down_from_the_dashboard_to_a_task(page, live_world, username):
    """Journey 8: the dashboard's overdue count leads to the overdue task and its page."""
    task = live_world.tasks["a_overdue"]
    login(page, username)
    expect(page.get_by_text("Tiến độ theo lĩnh vực")).to_be_visible()
    expect(page.get_by_text("Tiến độ theo đơn vị")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Quá hạn: 1$")).click()
    expect(page.get_by_text("1 nhiệm vụ").first).to_be_visible()
    page.get_by_role("link", name=task.title).click()
    expect(page.get_by_role("heading", name=re.compile("Tuyên truyền"))).to_be_visible()
    history = page.get_by_role("heading", name="Lịch sử thay đổi")
    if username == "office":
        expect(history).to_be_visible()
    else:
        expect(history).to_have_count(0)
    screenshot(page, f"journey-8-{username}-task")


def test_office_moves_deadlines_in_bulk(page, live_world):
    login(page, "office")
    page.goto(f"{page.base_url}/tasks/?plan={live_world.plan.pk}")
    ids = [live_world.tasks["a_overdue"].pk, live_world.tasks["b_track"].pk]
    for pk in ids:
        page.locator(f"input[type=checkbox][value='{pk}']").check()
    page.get_by_label("Hạn mới").fill("31/12/2026")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Đổi thời hạn").click()
    expect(page.get_by_role("alert").first).to_contain_text("2")
    screenshot(page, "journey-8-office-bulk")
    dates = set(Task.objects.filter(pk__in=ids).values_list("due_date", flat=True))
    assert [d.isoformat() for d in dates] == ["2026-12-31"]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_shows_a_past_days_figures(page, live_world, width):
    """Journey 8 as of a past day: a task reported done today was still open yesterday."""
    today = timezone.localdate()
    progress.task_update_post(
        actor=live_world.users["focal_a"],
        task=live_world.tasks["a_soon"],
        status=TaskStatus.DONE,
        deliverable="Quyết định 5/QĐ-TH",
    )
    page.set_viewport_size({"width": width, "height": 800})
    login(page, "office")
    expect(page.get_by_text(f"Số liệu tại ngày {today:%d/%m/%Y} (hôm nay)")).to_be_visible()
    expect(page.get_by_role("link", name="Hoàn thành đúng hạn: 1")).to_be_visible()

    yesterday = today - datetime.timedelta(days=1)
    page.get_by_label("Số liệu tại ngày").fill(f"{yesterday:%d/%m/%Y}")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text(f"Số liệu tại ngày {yesterday:%d/%m/%Y}")).to_be_visible()
    expect(page.get_by_role("link", name="Hoàn thành đúng hạn: 0")).to_be_visible()
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"journey-8-dashboard-as-of-{width}")

    # The number leads to the tasks as they stood that day.
    page.get_by_role("link", name=re.compile(r"^Sắp đến hạn: \d+$")).click()
    expect(page.get_by_text(f"Số liệu tại ngày {yesterday:%d/%m/%Y}").first).to_be_visible()
    expect(page.get_by_role("link", name=live_world.tasks["a_soon"].title)).to_be_visible()
    page.get_by_role("link", name="Xem số liệu hôm nay").click()
    expect(page.get_by_role("link", name=live_world.tasks["a_soon"].title)).to_have_count(0)
