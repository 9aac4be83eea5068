"""“Nhiệm vụ của đơn vị” as a work queue: urgency first, finished folded, grouped by plan."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from cchc.plans import progress, services
from cchc.plans.models import Area
from cchc.plans.queue import FOLDED_FINISHED, LEAD, SUPPORT, work_queue
from cchc.plans.selectors import TaskFilters
from tests.web_helpers import add_tasks, freeze_today, on_day

D = datetime.timedelta


@pytest.fixture
def queue_world(world, monkeypatch):
    """Agency A's (CTH) tasks on 15/06/2026, beside the world's own (1.1 overdue by 3 days,
    2.1 due in 5, 7.1 for the section below A due in 30): one more overdue, one it supports
    due in 2, one due later, one undated, one recurring, one done and one cancelled."""
    freeze_today(monkeypatch, world.today)
    area = {a.code: a for a in Area.objects.all()}
    u, today = world.units, world.today

    def task(key, code, lead, due=None, due_text="", supporting=(), area_code=1):
        with on_day(world.issued_on):
            world.tasks[key] = services.task_create(
                actor=None, plan=world.plan, area=area[area_code], code=code, title=f"Việc {key}",
                lead_unit=u[lead], supporting_units=[u[s] for s in supporting], due_date=due,
                due_text=due_text or (due.strftime("%d/%m/%Y") if due else ""),
            )  # fmt: skip

    task("late", "1.2", "CTH", today - D(days=10))
    task("support_soon", "1.3", "CTC", today + D(days=2), supporting=["CTH"])
    task("later", "1.4", "CTH", today + D(days=40))
    task("nodate", "1.5", "CTH", due_text="Theo hướng dẫn của Bộ Nội vụ")
    task("recurring", "6.1", "CTH", due_text="Thường xuyên", area_code=6)
    task("done", "1.6", "CTH", today - D(days=20))
    task("cancelled", "1.7", "CTH", today + D(days=10))
    focal = world.users["focal_a"]
    progress.task_update_post(
        actor=focal, task=world.tasks["done"], status="done", deliverable="Báo cáo 3/BC",
        reported_on=today - D(days=5),
    )  # fmt: skip
    progress.task_update_post(
        actor=focal, task=world.tasks["cancelled"], status="cancelled", note="Không còn cần",
        reported_on=today - D(days=1),
    )  # fmt: skip
    return world


def keys(world, tasks) -> list[str]:
    names = {t.pk: key for key, t in world.tasks.items()}
    return [names[t.pk] for t in tasks]


def queue(world, day=None, **filters):
    return work_queue(
        user=world.users["focal_a"],
        filters=TaskFilters(plan=world.plan.pk, **filters),
        today=day or world.today,
    )


def test_open_tasks_come_by_urgency_and_finished_ones_are_folded(queue_world):
    q = queue(queue_world)
    assert keys(queue_world, q.tasks) == [
        "late",  # overdue by 10 days
        "a_overdue",  # overdue by 3
        "support_soon",  # due in 2
        "a_soon",  # due in 5
        "p1_task",  # due in 30 (the section below agency A)
        "later",  # due in 40
        "nodate",  # no date: after every dated task (area 1)
        "recurring",  # all year (area 6)
    ]
    assert (q.folded, q.count, q.done_count, q.cancelled_count) == (True, 8, 1, 1)
    assert keys(queue_world, q.finished) == ["done", "cancelled"]  # the completed first
    assert not q.several_plans


def test_the_queue_as_of_a_past_day_ranks_by_the_state_and_deadlines_of_then(queue_world):
    day = queue_world.today - D(days=15)  # 31/05: "done" and "cancelled" were still open
    q = queue(queue_world, day)
    assert keys(queue_world, q.tasks) == [
        "done",  # due 26/05: overdue by 5 days then
        "late",  # due 05/06: due soon then
        "a_overdue",  # 12 days ahead
        "support_soon",
        "a_soon",
        "cancelled",
        "p1_task",
        "later",
        "nodate",
        "recurring",
    ]
    assert q.count == 10 and q.finished_count == 0 and q.finished == []


def test_each_row_says_whether_the_unit_leads_or_supports(queue_world):
    roles = {queue_world.tasks[k].pk: None for k in ("a_overdue", "support_soon")}
    for t in queue(queue_world).tasks:
        if t.pk in roles:
            roles[t.pk] = t.unit_role
    assert roles == {
        queue_world.tasks["a_overdue"].pk: LEAD,
        queue_world.tasks["support_soon"].pk: SUPPORT,
    }
    # Agency B supports 1.1, which agency A leads, and leads 1.3, which A supports.
    theirs = work_queue(
        user=queue_world.users["focal_b"], filters=TaskFilters(), today=queue_world.today
    )
    assert {t.code: t.unit_role for t in theirs.tasks} == {
        "1.1": SUPPORT,
        "1.3": LEAD,
        "3.1": LEAD,
        "5.1": LEAD,
    }


def test_a_status_filter_lists_what_it_names_without_folding(queue_world):
    q = queue(queue_world, status="done")
    assert keys(queue_world, q.tasks) == ["done"]
    assert not q.folded and q.finished == [] and q.count == 1
    q = queue(queue_world, timeliness="overdue")
    assert keys(queue_world, q.tasks) == ["late", "a_overdue"] and q.count == 2


def test_only_the_latest_finished_tasks_are_loaded(queue_world):
    added = add_tasks(queue_world, 60)  # a quarter of them done, a quarter cancelled
    done = sum(1 for t in added if t.status == "done" and t.lead_unit.code in ("CTH", "CTH-P1"))
    q = queue(queue_world)
    assert len(q.finished) == FOLDED_FINISHED < q.finished_count
    assert q.done_count == done + 1
    dates = [t.state_completed_on for t in q.finished if t.state_completed_on]
    assert dates == sorted(dates, reverse=True)


def test_tasks_of_several_plans_are_grouped_by_plan(queue_world, client):
    with on_day(queue_world.issued_on):
        services.task_create(
            actor=None, plan=queue_world.parent_plan, area=Area.objects.get(code=3), code="3",
            title="Việc của Bộ giao Cục Tuyên huấn", lead_unit=queue_world.units["CTH"],
            due_date=queue_world.today + D(days=1), due_text="Tháng 6/2026",
        )  # fmt: skip
    q = work_queue(
        user=queue_world.users["focal_a"], filters=TaskFilters(), today=queue_world.today
    )
    assert q.several_plans
    plans = [t.plan_id for t in q.tasks]
    # The ministry's plan (the higher issuer) first, each plan's tasks together.
    assert plans == sorted(plans, key=lambda p: p != queue_world.parent_plan.pk)
    client.force_login(queue_world.users["focal_a"])
    text = client.get(reverse("plans:task-mine")).content.decode()
    assert text.count('class="plan-group"') == 2
    assert text.index(queue_world.parent_plan.title) < text.index(queue_world.plan.title)


def test_the_page_shows_badges_days_and_the_folded_finished_tasks(queue_world, client):
    client.force_login(queue_world.users["focal_a"])
    response = client.get(reverse("plans:task-mine"))
    text = response.content.decode()
    assert "quá 10 ngày" in text and "quá 3 ngày" in text and "còn 2 ngày" in text
    assert "Chủ trì" in text and "Phối hợp" in text
    assert "8 nhiệm vụ chưa hoàn thành" in text
    folded = text.split("<details", 1)[1].split("</details>", 1)[0]
    assert "Đã hoàn thành hoặc hủy bỏ: 2 nhiệm vụ" in folded
    assert "Việc done" in folded and "Việc cancelled" in folded
    assert "hoàn thành ngày 10/06/2026" in folded
    # The finished tasks are not in the queue's table.
    assert "Việc done" not in text.split("<details", 1)[0]
    # As of 31/05 the deadlines count from that day.
    past = client.get(reverse("plans:task-mine"), {"as_of": "31/05/2026"}).content.decode()
    assert "quá 5 ngày" in past and "còn 5 ngày" in past and "<details" not in past


def test_the_link_to_every_finished_task_appears_when_some_are_not_shown(queue_world, client):
    add_tasks(queue_world, 60)
    client.force_login(queue_world.users["focal_a"])
    text = client.get(reverse("plans:task-mine"), {"plan": queue_world.plan.pk}).content.decode()
    folded = text.split("<details", 1)[1]
    assert f"?plan={queue_world.plan.pk}&amp;status=done" in folded
    assert "status=cancelled" in folded


@pytest.mark.parametrize(
    ("offset", "code", "words"),
    [
        (-9, "overdue", "quá 9 ngày"),
        (0, "due_soon", "hôm nay đến hạn"),
        (5, "due_soon", "còn 5 ngày"),
        (40, "on_track", "còn 40 ngày"),
        (-9, "done_late", ""),
        (5, "cancelled", ""),
        (None, "on_track", ""),
    ],
)
def test_days_to_the_deadline_are_written_out(offset, code, words):
    day = datetime.date(2026, 6, 15)
    due = None if offset is None else day + D(days=offset)
    html = Template("{% load cchc %}{% due_in due day code %}").render(
        Context({"due": due, "day": day, "code": code})
    )
    assert (words in html) if words else html == ""


def test_the_queue_counts_queries_whatever_its_size(
    queue_world, client, django_assert_max_num_queries
):
    client.force_login(queue_world.users["focal_a"])
    url = reverse("plans:task-mine")
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    add_tasks(queue_world, 400)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["queue"].finished_count > FOLDED_FINISHED
    # The queue's own count pages the list, the second page too.
    listed = response.context["queue"].count
    assert response.context["page"].paginator.count == listed > 50
    second = client.get(url, {"page": 2}).content.decode()
    assert f"{listed} nhiệm vụ chưa hoàn thành" in second
    assert f"đang xem 51–{min(listed, 100)}" in second
