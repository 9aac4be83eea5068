"""Automatic reminders (issue 11) driven across a simulated quarter, dates as parameters:
exactly which notifications go to whom, nothing twice, escalation to the unit head, the
days a stopped worker missed caught up, recurring and finished tasks left alone."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from cchc.notifications.models import EmailStatus, Kind, Notification
from cchc.oversight import selectors, services
from cchc.oversight.models import ReminderRun
from cchc.oversight.tasks import next_run, schedule, send_daily_reminders
from cchc.plans import progress
from cchc.plans import services as plans_services
from cchc.plans.models import TaskStatus
from tests.test_reporting_world import make_period, submit, write

D = datetime.date
QUARTER = [D(2026, 6, 1) + datetime.timedelta(days=n) for n in range(92)]  # 1/6 – 31/8


@pytest.fixture(autouse=True)
def fresh_inbox(world):
    Notification.objects.all().delete()  # the world's plans were issued while it was built
    return world


def run(days) -> None:
    for day in days:
        services.reminders_run(day=day)


def sent(kind: str, task=None) -> list[tuple[str, datetime.date, str]]:
    """(recipient, day the key names or the notification's own, key) of one kind."""
    rows = Notification.objects.filter(kind=kind)
    if task is not None:
        rows = rows.filter(subject_type="plans.task", subject_id=task.pk)
    return sorted((n.recipient.username, n.key) for n in rows)


def test_a_quarter_of_task_reminders(world):
    t = world.tasks
    run(QUARTER)
    # a_overdue (Cục TH, due 12/06): 7 and 1 days before, to its focal officer and head.
    keys = {key for _user, key in sent(Kind.TASK_DUE, t["a_overdue"])}
    assert keys == {f"task_due:{t['a_overdue'].pk}:2026-06-12:{n}" for n in (7, 1)}
    assert Counter(u for u, _k in sent(Kind.TASK_DUE, t["a_overdue"])) == {
        "focal_a": 2,
        "head_a": 2,
    }
    # Overdue on 13/06 (1 day), then every 7 days: 8, 15, … up to 31/08 (80 days late).
    overdue = {int(k.rsplit(":", 1)[1]) for _u, k in sent(Kind.TASK_OVERDUE, t["a_overdue"])}
    assert overdue == set(range(1, 81, 7))
    # 14 days late: the unit head alone, once.
    assert sent(Kind.ESCALATION, t["a_overdue"]) == [
        ("head_a", f"task_escalation:{t['a_overdue'].pk}:2026-06-12")
    ]
    # Phòng Thông tin (due 15/07) has no focal officer: Cục TH's hear of it.
    assert {u for u, _k in sent(Kind.TASK_DUE, t["p1_task"])} == {"focal_a", "head_a"}
    # A recurring task has no deadline to remind of.
    assert Notification.objects.filter(subject_id=t["b_recurring"].pk).count() == 0
    # The same quarter again sends nothing.
    before = Notification.objects.count()
    run(QUARTER)
    assert Notification.objects.count() == before
    # Every day was recorded, and each reminder's link leads to its task.
    assert ReminderRun.objects.count() == len(QUARTER)
    n = Notification.objects.filter(subject_id=t["a_soon"].pk, kind=Kind.TASK_DUE).first()
    assert n.url == reverse("plans:task-detail", args=[t["a_soon"].pk])
    assert "20/06/2026" in n.body and "Cục Tuyên huấn" in n.body


def test_a_task_finished_is_no_longer_reminded(world):
    task = world.tasks["a_soon"]  # due 20/06
    run([D(2026, 6, 13)])  # 7 days before
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=task,
        status=TaskStatus.DONE,
        deliverable="Quyết định 5/QĐ",
        reported_on=D(2026, 6, 14),
    )
    run(QUARTER)
    assert {k.split(":")[0] for _u, k in sent(Kind.TASK_DUE, task)} == {"task_due"}
    assert len(sent(Kind.TASK_DUE, task)) == 2  # only 13/06, to two people
    assert sent(Kind.TASK_OVERDUE, task) == []


def test_a_stopped_worker_catches_up_the_days_it_missed(world):
    ReminderRun.objects.create(day=D(2026, 6, 10))
    days = [day for day, _n in services.reminders_catch_up(today=D(2026, 6, 14))]
    assert days == [D(2026, 6, 11), D(2026, 6, 12), D(2026, 6, 13), D(2026, 6, 14)]
    t = world.tasks["a_overdue"]
    # 11/06 (1 day before) and 13/06 (1 day late) were among the missed days.
    assert {k for _u, k in sent(Kind.TASK_DUE, t)} == {f"task_due:{t.pk}:2026-06-12:1"}
    assert {k for _u, k in sent(Kind.TASK_OVERDUE, t)} == {f"task_overdue:{t.pk}:2026-06-12:1"}
    # Caught up: the same day again runs nothing more.
    assert services.reminders_catch_up(today=D(2026, 6, 14)) == []
    # The first run ever runs today only; a month away, at most 31 days.
    ReminderRun.objects.all().delete()
    assert [d for d, _n in services.reminders_catch_up(today=D(2026, 6, 20))] == [D(2026, 6, 20)]
    ReminderRun.objects.all().delete()
    ReminderRun.objects.create(day=D(2026, 1, 1))
    assert len(services.reminders_catch_up(today=D(2026, 6, 20))) == services.CATCH_UP_DAYS


def test_a_caught_up_day_is_judged_by_the_deadline_of_today(world):
    """Reminders caught up are sent today and read today: a day the worker missed is judged
    by the deadline the task has now, so a deadline moved meanwhile is not reported as the
    old one (no "1 day late" for a task that is no longer late)."""
    t = world.tasks["a_overdue"]  # due 12/06
    ReminderRun.objects.create(day=D(2026, 6, 10))
    plans_services.tasks_set_due(
        actor=world.users["office"], task_ids=[t.pk], due_date=D(2026, 6, 30)
    )
    services.reminders_catch_up(today=D(2026, 6, 14))
    assert sent(Kind.TASK_OVERDUE, t) == []
    assert {k for _u, k in sent(Kind.TASK_DUE, t)} == set()  # 30/06 is 16–19 days away
    services.reminders_catch_up(today=D(2026, 6, 23))  # 7 days before the new deadline
    assert {k for _u, k in sent(Kind.TASK_DUE, t)} == {f"task_due:{t.pk}:2026-06-30:7"}


def test_units_that_have_not_sent_their_report_are_reminded(world):
    period = make_period(world)  # due 20/06/2026
    assert period.due_on == D(2026, 6, 20)
    report = write(world, period, "CTH", "focal_a", results="Đã làm")
    submit(world, report, "head_a")
    run(QUARTER)
    before = {(u, k.rsplit(":", 1)[1]) for u, k in sent(Kind.REPORT_DUE)}
    # Cục TH sent; Phòng Thông tin (through Cục TH's people) and Cục CB did not.
    assert before == {
        ("focal_a", "before"),
        ("head_a", "before"),
        ("focal_b", "before"),
        ("head_b", "before"),
        ("focal_a", "after"),
        ("head_a", "after"),
        ("focal_b", "after"),
        ("head_b", "after"),
    }
    days = {n.created_at.date() for n in Notification.objects.filter(kind=Kind.REPORT_DUE)}
    assert days  # made by the runs (created now; the key names the rule)
    titles = set(Notification.objects.filter(kind=Kind.REPORT_DUE).values_list("title", flat=True))
    assert titles == {
        "Còn 3 ngày đến hạn gửi báo cáo 6 tháng đầu năm 2026",
        "Quá hạn gửi báo cáo 6 tháng đầu năm 2026",
    }


def test_the_office_edits_the_rules(world):
    services.reminder_rules_set(
        actor=world.users["office"],
        unit=world.units["TCCT"],
        before_due="3",
        overdue_every=0,
        escalate_after=0,
        report_before=0,
        report_after=0,
    )
    run(QUARTER)
    t = world.tasks["a_overdue"]
    assert {k for _u, k in sent(Kind.TASK_DUE, t)} == {f"task_due:{t.pk}:2026-06-12:3"}
    # Overdue: once, on the day it became overdue; no escalation, no report reminders.
    assert {k for _u, k in sent(Kind.TASK_OVERDUE, t)} == {f"task_overdue:{t.pk}:2026-06-12:1"}
    assert sent(Kind.ESCALATION) == [] and sent(Kind.REPORT_DUE) == []


def test_only_the_units_office_edits_its_rules(world):
    from django.core.exceptions import PermissionDenied

    for name in ["focal_a", "head_a", "viewer"]:
        with pytest.raises(PermissionDenied):
            services.reminder_rules_set(
                actor=world.users[name],
                unit=world.units["TCCT"],
                before_due="3",
                overdue_every=7,
                escalate_after=14,
                report_before=3,
                report_after=1,
            )


def test_mail_goes_where_there_is_an_address(world, settings):
    settings.EMAIL_HOST = "127.0.0.1"
    world.users["focal_a"].email = "focal_a@example.vn"
    world.users["focal_a"].save()
    run([D(2026, 6, 13)])
    statuses = dict(
        Notification.objects.filter(kind=Kind.TASK_OVERDUE).values_list(
            "recipient__username", "email_status"
        )
    )
    assert statuses == {"focal_a": EmailStatus.PENDING, "head_a": EmailStatus.NONE}


def test_the_command_runs_a_day_and_says_so(world, capsys):
    call_command("send_reminders", "--date", "2026-06-13")
    out = capsys.readouterr().out
    assert "Ngày 13/06/2026: đã gửi 4 thông báo nhắc việc." in out
    call_command("send_reminders", "--date", "2026-06-13")
    assert "Ngày 13/06/2026: đã gửi 0 thông báo nhắc việc." in capsys.readouterr().out
    from django.core.management.base import CommandError

    for bad in ["13/06/2026", "2026-02-31", "x" * 1000]:
        with pytest.raises(CommandError, match="Ngày không hợp lệ"):
            call_command("send_reminders", "--date", bad)


def test_the_worker_queues_the_daily_run_once_and_the_next_morning(world):
    from django_tasks_db.models import DBTaskResult

    path = send_daily_reminders.module_path
    DBTaskResult.objects.filter(task_path=path).delete()
    assert schedule() is True
    assert schedule() is False  # one waiting is enough
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1
    morning = next_run(datetime.datetime(2026, 6, 14, 23, 30, tzinfo=datetime.UTC))
    # 23:30 UTC is 06:30 on 15/06 in Hà Nội: the next run is 07:00 on 16/06, local time.
    assert morning.isoformat() == "2026-06-16T07:00:00+07:00"


# --- pages ------------------------------------------------------------------------------


def test_the_office_sets_the_rules_on_its_page(world, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("oversight:reminders"))
    url = reverse("oversight:reminder-rules", args=[world.units["TCCT"].pk])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert 'value="7, 1"' in page  # the defaults until the office sets its own
    values = {
        "before_due": "10, 3",
        "overdue_every": "5",
        "escalate_after": "20",
        "report_before": "2",
        "report_after": "1",
    }
    assert client.post(url, values).status_code == 302
    rules = selectors.rules_of(unit=world.units["TCCT"])
    assert rules.before_days() == [3, 10] and rules.overdue_every == 5
    # Bad values are named on their field and nothing changes.
    bad = values | {"before_due": "7; 1", "overdue_every": "400", "escalate_after": "-1"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"before_due", "overdue_every", "escalate_after"}
    rules.refresh_from_db()
    assert rules.before_due == "10, 3"


@pytest.mark.parametrize("name", ["focal_a", "head_a", "viewer", "nobody"])
def test_only_the_office_opens_the_rules(world, client, name):
    client.force_login(world.users[name])
    url = reverse("oversight:reminder-rules", args=[world.units["TCCT"].pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("oversight:reminders")).status_code == 403


def test_the_task_page_shows_the_reminders_sent(world, client, django_assert_max_num_queries):
    task = world.tasks["a_overdue"]
    client.force_login(world.users["focal_a"])
    url = reverse("plans:task-detail", args=[task.pk])
    run([D(2026, 6, 5)])
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    run(QUARTER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Nhắc việc, đôn đốc" in page
    assert "Quá hạn 1 ngày: Tuyên truyền về cải cách hành chính" in page
    assert "Còn 7 ngày đến hạn" in page
