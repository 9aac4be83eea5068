"""Every page renders for the office with the content it promises."""

import pytest
from django.db import transaction
from django.urls import reverse

from cchc.audit.context import client_address
from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_record
from cchc.orgs import services as org_services
from cchc.plans.models import PlanStatus
from cchc.plans.selectors import TaskFilters, task_list
from cchc.plans.timeliness import Timeliness
from tests.web_helpers import freeze_today
from tests.world import make_user


@pytest.fixture
def office(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["office"])
    return client


def test_home_redirects_to_the_dashboard(world, office):
    response = office.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:dashboard")


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập" in text and "Mật khẩu" in text and "Tên đăng nhập" in text


def test_pages_ask_for_login(world, client):
    for url in ["/dashboard/", "/plans/", "/tasks/", f"/tasks/{world.tasks['a_soon'].pk}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_base_layout_has_nav_switcher_and_logout(world, office):
    text = office.get(reverse("plans:dashboard")).content.decode()
    for words in ["Tổng quan", "Kế hoạch", "Nhiệm vụ", 'name="plan"', "Đăng xuất"]:
        assert words in text
    assert 'action="/logout/"' in text and 'method="post"' in text
    # The office holds no unit role: no "Nhiệm vụ của đơn vị", and it is no superuser.
    assert "Nhiệm vụ của đơn vị" not in text
    assert "Quản trị" not in text
    # Assets come from our own static files, never a CDN, and nothing is inline.
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in text
    assert "/static/vendor/htmx/htmx.min.js" in text
    assert "cdn" not in text.lower()
    assert "style=" not in text and "<script>" not in text


def test_focal_officer_sees_the_unit_tasks_link(world, client):
    client.force_login(world.users["focal_a"])
    assert "Nhiệm vụ của đơn vị" in client.get(reverse("plans:plan-list")).content.decode()


def test_dashboard_shows_the_default_plan_in_numbers(world, office):
    response = office.get(reverse("plans:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert response.context["plan"] == world.plan
    assert summary.total == 5
    assert summary.by_timeliness[Timeliness.OVERDUE] == 1
    assert summary.by_timeliness[Timeliness.DUE_SOON] == 1
    assert summary.by_timeliness[Timeliness.RECURRING] == 1
    text = response.content.decode()
    assert world.plan.title in text
    # Each timeliness badge carries its words, not only a colour.
    for label in ["Quá hạn", "Sắp đến hạn", "Đang thực hiện trong hạn", "Thường xuyên"]:
        assert label in text
    # The overdue list, and the numbers as links to the tasks behind them.
    assert "Tuyên truyền về cải cách hành chính" in text
    assert f"/tasks/?plan={world.plan.pk}&amp;timeliness=overdue" in text
    assert f"/tasks/?plan={world.plan.pk}&amp;area=" in text
    assert "Tiến độ theo lĩnh vực" in text and "Tiến độ theo đơn vị" in text
    # Whole words, and the glossary's one name for the lead unit.
    assert "Số nhiệm vụ" in text and "Số NV" not in text
    assert "Cơ quan chủ trì" in text and "Đơn vị chủ trì" not in text


def test_dashboard_units_roll_up_to_branches_that_match_the_task_list(world, office):
    response = office.get(reverse("plans:dashboard"))
    branches = {row.name: row for row in response.context["branches"]}
    # Cục TH's branch holds its own two tasks and its section's one.
    assert branches["Cục TH"].n == 3
    assert branches["Cục CB"].n == 2
    cth = world.units["CTH"]
    listed = office.get(reverse("plans:task-list"), {"plan": world.plan.pk, "unit": cth.pk})
    assert listed.context["page"].paginator.count == 3


def test_dashboard_unit_filter_narrows_to_a_branch(world, office):
    response = office.get(
        reverse("plans:dashboard"), {"plan": world.plan.pk, "unit": world.units["CTH"].pk}
    )
    assert response.status_code == 200
    assert response.context["summary"].total == 3
    rows = response.context["branches"]
    assert [r.direct for r in rows] == [True, False]
    assert rows[0].n == 2 and rows[1].n == 1


def test_dashboard_of_a_plan_the_user_cannot_see_is_404(world, client):
    client.force_login(world.users["focal_a"])
    response = client.get(reverse("plans:dashboard"), {"plan": world.draft.pk})
    assert response.status_code == 404


def test_dashboard_completion_rate(world, office):
    response = office.get(reverse("plans:dashboard"))
    # Nothing is done yet and one task is overdue: 0 ÷ (0 + 1).
    assert response.context["summary"].completion_rate == 0
    # Written as every page and document writes a rate (core.numbers.format_rate).
    assert '<div class="stat-number">0\u00a0%</div>' in response.content.decode()


def test_plan_list_and_detail(world, office):
    response = office.get(reverse("plans:plan-list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.plan.title in text and world.draft.title in text

    response = office.get(reverse("plans:plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for words in ["Mục đích, yêu cầu", "Nội dung, nhiệm vụ", "Tổ chức thực hiện", "25/KH-CT"]:
        assert words in text
    # Tasks grouped under their areas.
    assert "1. Công tác chỉ đạo" in text and "7. Xây dựng Chính phủ điện tử" in text
    assert "Số hóa hồ sơ cán bộ" in text
    # The cascade: the parent plan, the parent task covered, the one not covered yet.
    assert world.parent_plan.title in text
    assert [t.pk for t in response.context["covered"]] == [world.tasks["parent_task"].pk]
    assert [t.pk for t in response.context["uncovered"]] == [world.tasks["parent_uncovered"].pk]
    assert "Triển khai chữ ký số trong cơ quan" in text


def test_plan_detail_lists_child_plans(world, office):
    response = office.get(reverse("plans:plan-detail", args=[world.parent_plan.pk]))
    assert response.status_code == 200
    assert response.context["child_plans"] == [world.plan]


def test_office_issues_a_draft_plan(world, office):
    url = reverse("plans:plan-detail", args=[world.draft.pk])
    assert "Ban hành" in office.get(url).content.decode()
    response = office.post(
        reverse("plans:plan-issue", args=[world.draft.pk]),
        {"document_number": "30/KH-CT", "issued_on": "20/06/2026"},
    )
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == PlanStatus.ISSUED
    assert world.draft.document_number == "30/KH-CT"
    assert world.draft.issued_on.isoformat() == "2026-06-20"
    assert AuditEvent.objects.filter(action="plan.issue", object_id=str(world.draft.pk)).exists()
    page = office.get(url).content.decode()
    assert "Đã ban hành kế hoạch." in page


def test_leader_cannot_issue(world, client):
    client.force_login(world.users["leader"])
    response = client.post(reverse("plans:plan-issue", args=[world.draft.pk]), {})
    assert response.status_code == 403
    world.draft.refresh_from_db()
    assert world.draft.status == PlanStatus.DRAFT


def test_task_detail_shows_everything_and_the_history_to_the_office(world, office):
    task = world.tasks["a_overdue"]
    response = office.get(reverse("plans:task-detail", args=[task.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert task.title in text
    assert "Cục Cán bộ" in text  # supporting unit
    assert "Quá hạn" in text
    assert "12/06/2026" in text  # due date as dd/mm/yyyy
    assert "Lịch sử thay đổi" in text and "Tạo nhiệm vụ" in text
    assert response.context["history"].events


def test_task_detail_links_parent_and_child_tasks(world, office):
    child = world.tasks["a_soon"]
    parent = world.tasks["parent_task"]
    text = office.get(reverse("plans:task-detail", args=[child.pk])).content.decode()
    assert reverse("plans:task-detail", args=[parent.pk]) in text
    response = office.get(reverse("plans:task-detail", args=[parent.pk]))
    assert [t.pk for t in response.context["children"]] == [child.pk]
    assert response.context["combined_progress"] == 0
    assert "Nhiệm vụ cụ thể hóa ở kế hoạch cấp dưới" in response.content.decode()


def test_task_detail_hides_history_from_a_focal_officer(world, client):
    client.force_login(world.users["focal_a"])
    response = client.get(reverse("plans:task-detail", args=[world.tasks["a_overdue"].pk]))
    assert response.status_code == 200
    assert response.context["history"] is None
    assert "Lịch sử thay đổi" not in response.content.decode()


def test_task_history_shows_addresses_and_hashes_to_the_plans_office_only(world, client):
    """The office of the lead unit reads who changed what; the address a change came from and
    the files' hashes are for the audit view of the plan's office and the superuser."""
    task = world.tasks["a_overdue"]  # led by Cục Tuyên huấn
    digest = "ab12" * 16
    token = client_address.set("198.51.100.77")
    try:
        with transaction.atomic():
            changes = {"original_name": [None, "bien-ban.pdf"], "sha256": [None, digest]}
            audit_record(
                actor=world.users["focal_a"], action="evidence.add", obj=task, changes=changes
            )
    finally:
        client_address.reset(token)
    url = reverse("plans:task-detail", args=[task.pk])
    superuser = make_user("root", is_superuser=True, is_staff=True)
    lead_office = make_user("cth_office")
    org_services.membership_grant(
        actor=None, user=lead_office, unit=world.units["CTH"], role="office"
    )
    for auditor in (world.users["office"], superuser):
        client.force_login(auditor)
        page = client.get(url).content.decode()
        assert "198.51.100.77" in page and digest in page
    client.force_login(lead_office)
    page = client.get(url).content.decode()
    assert "Lịch sử thay đổi" in page and "bien-ban.pdf" in page
    assert "198.51.100.77" not in page and digest not in page and "SHA-256" not in page


def test_guessed_task_id_is_404(world, client):
    client.force_login(world.users["focal_b"])
    response = client.get(reverse("plans:task-detail", args=[world.tasks["a_soon"].pk]))
    assert response.status_code == 404


def test_task_mine_lists_the_units_tasks(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["focal_b"])
    response = client.get(reverse("plans:task-mine"))
    assert response.status_code == 200
    codes = {t.code for t in response.context["page"].object_list}
    expected = task_list(
        user=world.users["focal_b"], filters=TaskFilters(mine=True), today=world.today
    )
    assert codes == {t.code for t in expected} == {"1.1", "3.1", "5.1"}
    text = response.content.decode()
    assert "Nhiệm vụ của đơn vị" in text
    assert reverse("plans:task-update", args=[world.tasks["b_track"].pk]) in text
    assert "Quá hạn" in text  # 1.1, supported by Cục CB, is overdue


def test_plan_page_shows_its_history_to_the_office_only(world, office, client):
    url = reverse("plans:plan-detail", args=[world.plan.pk])
    page = office.get(url).content.decode()
    assert "Lịch sử thay đổi" in page
    assert "25/KH-CT" in page.split("Lịch sử thay đổi", 1)[1]  # the issue event's number
    client.force_login(world.users["focal_a"])
    assert "Lịch sử thay đổi" not in client.get(url).content.decode()


def test_plan_list_offers_the_import_to_the_office_only(world, office, client):
    upload = reverse("imports:upload")
    assert upload in office.get(reverse("plans:plan-list")).content.decode()
    client.force_login(world.users["leader"])
    assert upload not in client.get(reverse("plans:plan-list")).content.decode()
