import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.demo.scale import BENCH_FOCAL, BENCH_OFFICE, BENCH_PASSWORD
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.due_text import parse_due_text
from cchc.plans.history import annotate_state
from cchc.plans.models import Plan, Task
from cchc.plans.selectors import TaskFilters, task_list
from cchc.plans.timeliness import Timeliness, task_timeliness

CATEGORIES = {key for key, _ in Timeliness.choices}


def seed(units=30, tasks=500) -> str:
    out = io.StringIO()
    call_command("seed_scale", units=units, tasks=tasks, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_scale_builds_the_tree_tasks_and_users():
    output = seed()
    units = list(Unit.objects.filter(code__startswith="S-"))
    assert len(units) == 30
    by_id = {u.pk: u for u in units}
    roots = [u for u in units if u.parent_id is None]
    assert len(roots) == 1
    for unit in units:
        parent_path = by_id[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.pk:08d}/"
    assert max(u.depth for u in units) == 3

    plan = Plan.objects.get(issuing_unit=roots[0])
    tasks = list(plan.tasks.all())
    assert len(tasks) == 500
    today = timezone.localdate()
    seen = Counter(task_timeliness(t, today) for t in tasks)
    assert set(seen) >= CATEGORIES, seen
    assert all(n >= 5 for category, n in seen.items() if category in CATEGORIES), seen
    for task in tasks:
        parsed = parse_due_text(task.due_text, plan.year)
        assert (task.due_date, task.is_recurring) == (parsed.due_date, parsed.is_recurring)
        assert task.search_text
        if task.status == "done":
            assert task.completed_on <= today
    assert Task.supporting_units.through.objects.filter(task__plan=plan).count() > 100
    # The history tells the same state as the tasks' own fields.
    from_history = annotate_state(plan.tasks.all(), today, from_history=True)
    fields = ("pk", "status", "progress", "completed_on", "timeliness")
    history = ("pk", "state_status", "state_progress", "state_completed_on", "timeliness")
    cached = annotate_state(plan.tasks.all(), today)
    assert list(from_history.order_by("pk").values_list(*history)) == list(
        cached.order_by("pk").values_list(*fields)
    )

    # The bench users log in and see their scope through the real selectors.
    office = get_user_model().objects.get(username=BENCH_OFFICE)
    focal = get_user_model().objects.get(username=BENCH_FOCAL)
    assert office.check_password(BENCH_PASSWORD)
    assert Membership.objects.get(user=office).unit == roots[0]
    focal_unit = Membership.objects.get(user=focal, role=Role.FOCAL).unit
    assert focal_unit.depth == 2
    assert task_list(user=office, filters=TaskFilters(), today=today).count() == 500
    mine = task_list(user=focal, filters=TaskFilters(), today=today).count()
    assert 0 < mine < 500

    # One audit event for the whole seed.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["scale.seed"]
    assert verify_chain()[1] is None
    assert BENCH_PASSWORD in output


@pytest.mark.django_db
def test_seed_scale_twice_replaces_the_previous_data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", no_logins=True, stdout=io.StringIO())
    demo_units, demo_tasks = Unit.objects.count(), Task.objects.count()
    seed(units=12, tasks=100)
    output = seed(units=20, tasks=150)
    assert "Cleared" in output
    assert Unit.objects.filter(code__startswith="S-").count() == 20
    assert Unit.objects.count() == demo_units + 20
    assert Task.objects.count() == demo_tasks + 150
    assert Membership.objects.filter(user__username=BENCH_OFFICE).count() == 1
    actions = list(AuditEvent.objects.filter(action__startswith="scale.").values_list("action"))
    assert actions == [("scale.seed",), ("scale.clear",), ("scale.seed",)]
    assert verify_chain()[1] is None


@pytest.mark.django_db
def test_seed_scale_with_one_unit():
    seed(units=1, tasks=20)
    assert Unit.objects.filter(code__startswith="S-").count() == 1
    assert Task.objects.count() == 20


@pytest.mark.django_db
def test_bench_sql_does_the_same_work_as_the_selectors():
    """The bench's hand-written SQL selects what the pages select, on either database."""
    from django.db import connection

    from cchc.demo.bench_sql import Scope, Sql
    from cchc.plans.queue import work_queue
    from cchc.plans.selectors import plan_summary
    from cchc.plans.timeliness import soon_days

    seed(units=30, tasks=500)
    today = timezone.localdate()
    sql = Sql(today, soon_days(), 50)
    plan = Plan.objects.get(issuing_unit__code__startswith="S-")
    for username, role in [(BENCH_OFFICE, Role.OFFICE), (BENCH_FOCAL, Role.FOCAL)]:
        user = get_user_model().objects.get(username=username)
        unit = Membership.objects.get(user=user, role=role).unit
        scope = Scope(role, username, unit.path)
        tasks = task_list(user=user, filters=TaskFilters(), today=today)

        assert sql.count_open(scope) == tasks.exclude(status__in=["done", "cancelled"]).count()
        with connection.cursor() as cursor:
            statements = sql.overdue_list(scope)
            cursor.execute(*statements[0])
            overdue = task_list(user=user, filters=TaskFilters(timeliness="overdue"), today=today)
            assert cursor.fetchone()[0] == overdue.count()
            cursor.execute(*statements[1])
            assert [row[0] for row in cursor.fetchall()] == [t.pk for t in overdue[:50]]

            statements = sql.unit_list(scope, unit.path)
            cursor.execute(*statements[0])
            mine = task_list(user=user, filters=TaskFilters(unit=unit.pk), today=today)
            assert cursor.fetchone()[0] == mine.count()

            statements = sql.plan_list(scope, plan.pk)
            cursor.execute(*statements[0])
            planned = task_list(user=user, filters=TaskFilters(plan=plan.pk), today=today)
            assert cursor.fetchone()[0] == planned.count()
            cursor.execute(*statements[1])
            assert [row[0] for row in cursor.fetchall()] == [t.pk for t in planned[:50]]

            statements = sql.dashboard(scope, plan.pk)
            cursor.execute(*statements[0])
            by_category = dict(cursor.fetchall())
            by_category.pop("cancelled", None)
            summary = plan_summary(user=user, plan=plan, today=today)
            assert by_category == {k: v for k, v in summary.by_timeliness.items() if v}
            for statement in statements[1:] + sql.export(scope):
                cursor.execute(*statement)
                cursor.fetchall()

            if role == Role.FOCAL:  # “Việc của tôi”: the same open tasks in the same order
                counts, page, latest = sql.work_queue(scope)
                work = work_queue(user=user, filters=TaskFilters(), today=today)
                cursor.execute(*counts)
                listed, plans, done, cancelled = cursor.fetchone()
                assert listed == work.count == work.tasks.count() > 0
                assert (plans > 1) == work.several_plans
                assert (done, cancelled) == (work.done_count, work.cancelled_count)
                cursor.execute(*page)
                assert [row[0] for row in cursor.fetchall()] == [t.pk for t in work.tasks[:50]]
                cursor.execute(*latest)
                assert [row[0] for row in cursor.fetchall()] == [t.pk for t in work.finished]
