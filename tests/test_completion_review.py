"""Xác nhận hoàn thành (issue 12, “Done on time and with quality”): a task the lead unit
reports done awaits the office of the plan's branch, which confirms it with a quality
rating or returns it with a reason; figures as of a day tell reported-done from confirmed.

The world on 15/06/2026 (tests/world.py); 2.1 (a_soon, led by CTH, due 20/06) is the task
reported done, confirmed, returned and reported again.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.notifications.models import Kind, Notification
from cchc.plans import progress, review, selectors
from cchc.plans.history import annotate_review, annotate_state, review_status
from cchc.plans.models import (
    CompletionReview,
    QualityRating,
    ReviewState,
    Task,
    TaskStatus,
)
from tests.test_hostile_forms import HOSTILE, _forms, _spoiled
from tests.web_helpers import add_tasks

D = datetime.date


def at(monkeypatch, day: datetime.date, hour: int = 10) -> None:
    """Pin the clock (the date and the instant) to `day`, `hour` o'clock."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def report_done(world, on: datetime.date, key: str = "a_soon", who: str = "focal_a"):
    return progress.task_update_post(
        actor=world.users[who], task=world.tasks[key], status="done",
        deliverable="Quyết định 7/QĐ-CT", reported_on=on,
    )  # fmt: skip


def state_now(world, key: str = "a_soon", on: datetime.date | None = None) -> str:
    """The review state as of `on` (today when None), in Python and in SQL alike."""
    task = Task.objects.get(pk=world.tasks[key].pk)
    day = on or timezone.localdate()
    python = review_status(task.updates.all(), task.completion_reviews.all(), day).state
    sql = annotate_review(annotate_state(Task.objects.filter(pk=task.pk), day), day).get()
    assert python == sql.review_state, (day, python, sql.review_state)
    return python


@pytest.fixture
def done(world, monkeypatch):
    """2.1 reported done by agency A's focal officer on 10/06, seen on 11/06."""
    at(monkeypatch, D(2026, 6, 10))
    report = report_done(world, D(2026, 6, 10))
    at(monkeypatch, D(2026, 6, 11))
    return report


def test_a_task_reported_done_awaits_the_office(world, done):
    assert state_now(world) == ReviewState.AWAITING
    queue = list(selectors.review_queue(user=world.users["office"], today=D(2026, 6, 11)))
    assert [t.pk for t in queue] == [world.tasks["a_soon"].pk]
    assert queue[0].attempt == 1 and queue[0].report_on == D(2026, 6, 10)
    # Only the office that reviews it has it in its queue.
    for role in ("focal_a", "head_a", "leader", "viewer"):
        assert not selectors.review_queue(user=world.users[role], today=D(2026, 6, 11)).exists()


def test_the_office_confirms_with_a_rating_audited_and_the_unit_told(world, done):
    office = world.users["office"]
    made = review.completion_confirm(
        actor=office, task=world.tasks["a_soon"], rating=QualityRating.MET, comment="Đầy đủ"
    )
    assert (made.decision, made.rating, made.attempt, made.update_id) == (
        "confirmed",
        "met",
        1,
        done.pk,
    )
    assert state_now(world) == ReviewState.CONFIRMED
    task = Task.objects.get(pk=world.tasks["a_soon"].pk)
    assert task.status == TaskStatus.DONE and task.completed_on == D(2026, 6, 10)
    event = AuditEvent.objects.filter(action="task.completion_confirm").get()
    assert event.object_id == str(task.pk) and event.changes["rating"] == [None, "met"]
    told = Notification.objects.filter(kind=Kind.COMPLETION_CONFIRMED)
    assert sorted(n.recipient.username for n in told) == ["focal_a", "head_a"]
    assert "đạt yêu cầu" in told[0].title
    assert not selectors.review_queue(user=office, today=D(2026, 6, 11)).exists()


def test_chua_dat_still_counts_as_done_and_confirmed(world, done):
    review.completion_confirm(
        actor=world.users["office"], task=world.tasks["a_soon"], rating=QualityRating.NOT_MET
    )
    assert state_now(world) == ReviewState.CONFIRMED
    assert Task.objects.get(pk=world.tasks["a_soon"].pk).status == TaskStatus.DONE


@pytest.mark.parametrize("role", ["focal_a", "head_a", "leader", "viewer", "appraiser", "focal_b"])
def test_no_one_but_the_office_of_the_branch_reviews(world, done, role):
    task = world.tasks["a_soon"]
    with pytest.raises(PermissionDenied):
        review.completion_confirm(actor=world.users[role], task=task, rating="met")
    with pytest.raises(PermissionDenied):
        review.completion_return(actor=world.users[role], task=task, reason="Thiếu tài liệu")
    assert not CompletionReview.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_another_departments_office_and_the_ministrys_task_are_refused(world, done, sibling):
    with pytest.raises(PermissionDenied):
        review.completion_confirm(actor=sibling["office"], task=world.tasks["a_soon"], rating="met")
    # TCCT's office reports on the ministry's task TCCT leads, but the ministry's office
    # confirms it, as it reorganises that plan.
    report_done(world, D(2026, 6, 11), key="parent_task", who="office")
    with pytest.raises(PermissionDenied):
        review.completion_confirm(
            actor=world.users["office"], task=world.tasks["parent_task"], rating="met"
        )


def test_over_http_a_unit_is_refused_and_another_branch_finds_nothing(world, done, client, sibling):
    task = world.tasks["a_soon"]
    for who, codes in (
        ("focal_a", {403}),
        ("head_a", {403}),
        ("viewer", {403}),
        ("focal_b", {404}),
        ("nobody", {404}),
    ):
        client.force_login(world.users[who])
        for name, data in (("plans:task-confirm", {"rating": "met"}), ("plans:task-return", {})):
            response = client.post(reverse(name, args=[task.pk]), data | {"reason": "x"})
            assert response.status_code in codes, (who, name, response.status_code)
        assert client.get(reverse("plans:task-reviews")).status_code == 403, who
    client.force_login(sibling["office"])
    response = client.post(reverse("plans:task-confirm", args=[task.pk]), {"rating": "met"})
    assert response.status_code == 404
    assert not CompletionReview.objects.exists()


def test_a_return_needs_its_reason_named_on_the_field(world, done, client):
    with pytest.raises(ValidationError) as refused:
        review.completion_return(
            actor=world.users["office"], task=world.tasks["a_soon"], reason="  "
        )
    assert "reason" in refused.value.message_dict
    client.force_login(world.users["office"])
    response = client.post(reverse("plans:task-return", args=[world.tasks["a_soon"].pk]), {})
    assert response.status_code == 200
    assert "Cần ghi rõ lý do trả lại" in response.content.decode()
    assert state_now(world) == ReviewState.AWAITING


def test_a_return_reopens_the_task_and_the_unit_reads_why(world, done, client, monkeypatch):
    at(monkeypatch, D(2026, 6, 12))
    client.force_login(world.users["office"])
    url = reverse("plans:task-return", args=[world.tasks["a_soon"].pk])
    reason = "Chưa có quyết định ban hành kèm theo"
    response = client.post(url, {"reason": reason, "report": done.pk})
    assert response.status_code == 302
    task = Task.objects.get(pk=world.tasks["a_soon"].pk)
    assert (task.status, task.completed_on) == (TaskStatus.IN_PROGRESS, None)
    assert state_now(world) == ReviewState.RETURNED
    # As of the day before the return it was still reported done, awaiting.
    assert state_now(world, on=D(2026, 6, 11)) == ReviewState.AWAITING
    event = AuditEvent.objects.get(action="task.completion_return")
    assert event.changes["status"] == ["done", "in_progress"]
    told = Notification.objects.filter(kind=Kind.COMPLETION_RETURNED)
    assert sorted(n.recipient.username for n in told) == ["focal_a", "head_a"]
    assert reason in told[0].body
    client.force_login(world.users["focal_a"])
    page = client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert "Bị trả lại" in page and reason in page
    assert reverse("plans:task-confirm", args=[task.pk]) not in page  # no forms for a unit


def test_reported_again_awaits_again_and_counts_as_attempt_2(world, done, monkeypatch):
    office, task = world.users["office"], world.tasks["a_soon"]
    at(monkeypatch, D(2026, 6, 12))
    review.completion_return(actor=office, task=task, reason="Thiếu tài liệu kiểm chứng")
    at(monkeypatch, D(2026, 6, 13))
    again = report_done(world, D(2026, 6, 13))
    assert state_now(world) == ReviewState.AWAITING
    [queued] = selectors.review_queue(user=office, today=D(2026, 6, 13))
    assert queued.attempt == 2
    # The page the office opened before the return names the first report: refused.
    with pytest.raises(ValidationError, match="báo cáo hoàn thành lại"):
        review.completion_confirm(actor=office, task=task, rating="met", report=done.pk)
    second = review.completion_confirm(actor=office, task=task, rating="met", report=again.pk)
    assert (second.attempt, second.update_id) == (2, again.pk)
    assert state_now(world) == ReviewState.CONFIRMED
    # Confirmed at the first attempt: no; the first review was a return.
    first = CompletionReview.objects.order_by("attempt").first()
    assert first is not None and first.decision == "returned"


def test_a_second_click_or_a_stale_page_answers_with_a_message(world, done, client):
    client.force_login(world.users["office"])
    url = reverse("plans:task-confirm", args=[world.tasks["a_soon"].pk])
    assert client.post(url, {"rating": "met", "report": done.pk}).status_code == 302
    again = client.post(url, {"rating": "not_met", "report": done.pk}, follow=True)
    assert again.status_code == 200
    assert (
        "đã được" in again.content.decode() and "xác nhận hoàn thành lúc" in again.content.decode()
    )
    back = client.post(
        reverse("plans:task-return", args=[world.tasks["a_soon"].pk]),
        {"reason": "Muộn", "report": done.pk},
        follow=True,
    )
    assert back.status_code == 200
    assert CompletionReview.objects.count() == 1
    # A task never reported done has nothing to confirm.
    response = client.post(
        reverse("plans:task-confirm", args=[world.tasks["b_track"].pk]),
        {"rating": "met"},
        follow=True,
    )
    assert "không ở trạng thái chờ xác nhận" in response.content.decode()


def test_figures_as_of_a_day_tell_reported_from_confirmed(world, done, client, monkeypatch):
    """Reported done 10/06, confirmed 12/06: the dashboard and the list of 11/06 show it
    awaiting, those of 12/06 and after confirmed; before 10/06 it was neither."""
    at(monkeypatch, D(2026, 6, 12), hour=16)
    review.completion_confirm(actor=world.users["office"], task=world.tasks["a_soon"], rating="met")
    at(monkeypatch, D(2026, 6, 15))
    expected = {
        D(2026, 6, 9): "",
        D(2026, 6, 10): ReviewState.AWAITING,
        D(2026, 6, 11): ReviewState.AWAITING,
        D(2026, 6, 12): ReviewState.CONFIRMED,
        D(2026, 6, 15): ReviewState.CONFIRMED,
    }
    for day, state in expected.items():
        assert state_now(world, on=day) == state, day
    client.force_login(world.users["office"])
    for day, awaiting, confirmed in (("11/06/2026", 1, 0), ("12/06/2026", 0, 1), ("", 0, 1)):
        params = {"plan": world.plan.pk} | ({"as_of": day} if day else {})
        text = client.get(reverse("plans:dashboard"), params).content.decode()
        assert f'aria-label="Đã xác nhận hoàn thành: {confirmed}"' in text, day
        assert f'aria-label="Chờ văn phòng xác nhận: {awaiting}"' in text, day
        listed = client.get(
            reverse("plans:task-list"), params | {"review": "confirmed"}
        ).content.decode()
        assert ("Rà soát văn bản quy phạm nội bộ" in listed) == bool(confirmed), day
        listed = client.get(
            reverse("plans:task-list"), params | {"review": "awaiting"}
        ).content.decode()
        assert ("Rà soát văn bản quy phạm nội bộ" in listed) == bool(awaiting), day
    # The dashboard's counts are sums of its figures by area (one scan of the tasks).
    summary = selectors.plan_summary(
        user=world.users["office"], plan=world.plan, today=D(2026, 6, 11)
    )
    assert summary.reviews == {"awaiting": 1, "confirmed": 0, "returned": 0}


def test_the_tables_by_area_and_by_unit_count_the_confirmed_as_of_the_day(
    world, done, client, monkeypatch
):
    """Task 2.1 (area 2, agency A) confirmed 12/06: both tables show it from that day on,
    and each count links to the confirmed tasks of its row."""
    at(monkeypatch, D(2026, 6, 12), hour=16)
    review.completion_confirm(actor=world.users["office"], task=world.tasks["a_soon"], rating="met")
    at(monkeypatch, D(2026, 6, 15))
    client.force_login(world.users["office"])
    for day, confirmed in (("11/06/2026", []), ("12/06/2026", ["1"]), ("", ["1"])):
        params = {"plan": world.plan.pk} | ({"as_of": day} if day else {})
        page = client.get(reverse("plans:dashboard"), params).content.decode()
        for table in ("table-areas", "table-units"):
            body = page[page.index(f'id="{table}"') :]
            body = body[: body.index("</table>")]
            found = re.findall(r'data-review="confirmed">(\d+)</a>', body)
            assert found == confirmed, (day, table)
        if confirmed:
            link = re.search(r'href="([^"]+)" data-review="confirmed"', page).group(1)
            listed = client.get(link.replace("&amp;", "&")).content.decode()
            assert "Rà soát văn bản quy phạm nội bộ" in listed


def test_the_task_page_shows_the_review_to_everyone_and_the_forms_to_the_office(
    world, done, client
):
    task = world.tasks["a_soon"]
    client.force_login(world.users["office"])
    page = client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert "Chờ văn phòng xác nhận" in page
    assert reverse("plans:task-confirm", args=[task.pk]) in page
    assert reverse("plans:task-return", args=[task.pk]) in page
    review.completion_confirm(
        actor=world.users["office"], task=task, rating="not_met", comment="Sản phẩm còn sơ sài"
    )
    client.force_login(world.users["focal_a"])
    page = client.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert "Đã xác nhận: chưa đạt yêu cầu" in page and "Sản phẩm còn sơ sài" in page
    assert "lần 1" in page  # the review history


@pytest.mark.parametrize("name", ["plans:task-confirm", "plans:task-return"])
def test_both_forms_answer_hostile_values_without_a_500(world, done, client, name):
    client.force_login(world.users["office"])
    task_url = reverse("plans:task-detail", args=[world.tasks["a_soon"].pk])
    target = reverse(name, args=[world.tasks["a_soon"].pk])
    [form] = [f for f in _forms(client, task_url) if f["action"] == target]
    assert {"report"} < set(form["fields"])
    for value in HOSTILE:
        response = client.post(target, _spoiled(form["fields"], value))
        assert response.status_code in (200, 302), (value, response.status_code)
        if response.status_code == 200:
            text = response.content.decode()
            assert "invalid-feedback" in text or "Biểu mẫu không hợp lệ" in text, value
    assert not CompletionReview.objects.exists()
    assert state_now(world) == ReviewState.AWAITING


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("plans:task-reviews"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_review_queue_costs_the_same_queries_for_1_or_40_tasks(world, done, client):
    client.force_login(world.users["office"])
    _queue_queries(client)
    small = _queue_queries(client)
    for task in add_tasks(world, 40):
        if task.status == TaskStatus.DONE:
            continue
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS)
        task.refresh_from_db()
        progress.task_update_post(
            actor=world.users["office"], task=task, status="done", deliverable="Văn bản",
            reported_on=D(2026, 6, 11),
        )  # fmt: skip
    large = _queue_queries(client)
    assert large == small
    text = client.get(reverse("plans:task-reviews")).content.decode()
    assert "table-cards" in text and "Rà soát văn bản quy phạm nội bộ" in text


def test_the_task_export_says_where_each_task_stands_with_the_office(
    world, done, client, monkeypatch
):
    at(monkeypatch, D(2026, 6, 12), hour=16)
    review.completion_confirm(actor=world.users["office"], task=world.tasks["a_soon"], rating="met")
    at(monkeypatch, D(2026, 6, 15))
    client.force_login(world.users["office"])
    for day, expected in (("11/06/2026", "Chờ văn phòng xác nhận"), ("", "Đã xác nhận hoàn thành")):
        params = {"plan": world.plan.pk} | ({"as_of": day} if day else {})
        response = client.get(reverse("plans:task-export"), params)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(book.active.iter_rows(values_only=True))
        column = rows[0].index("Văn phòng xác nhận")
        (row,) = [r for r in rows if r[1] == "Rà soát văn bản quy phạm nội bộ"]
        assert row[column] == expected, day


def test_the_units_report_counts_its_confirmed_tasks(world, done, client, monkeypatch):
    from tests.test_reporting_world import make_period

    period = make_period(world)
    at(monkeypatch, D(2026, 6, 12), hour=16)
    review.completion_confirm(actor=world.users["office"], task=world.tasks["a_soon"], rating="met")
    at(monkeypatch, D(2026, 6, 15))
    client.force_login(world.users["focal_a"])
    url = reverse("reporting:unit-report", args=[period.pk, world.units["CTH"].pk])
    page = client.get(url).content.decode()
    done_count = Task.objects.filter(lead_unit=world.units["CTH"], status="done").count()
    assert f"Văn phòng đã xác nhận 1/{done_count} nhiệm vụ hoàn thành" in page
