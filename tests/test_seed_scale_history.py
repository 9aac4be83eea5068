"""seed_scale's years of plans: each task's history tells its state, reviews and reports
hang together, and seeding again (or adding years) works on a database that has them."""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from cchc.demo.reporting_bench import _bench_period
from cchc.demo.scale import BENCH_OFFICE, BENCH_VIEWER, scale_plans
from cchc.orgs.models import Membership, Role
from cchc.plans.history import ReviewState, review_status, task_state
from cchc.plans.models import CompletionReview, ReviewDecision, Task, TaskStatus, TaskUpdate
from cchc.plans.services import task_search_text
from cchc.reporting.models import ReportingPeriod, ReportStatus, UnitReport
from tests.web_helpers import freeze_today

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _one_day(monkeypatch):
    """The seeder, the services and these checks all take today from timezone.localdate():
    hold it at TODAY, or a run across the site's midnight seeds tomorrow's updates that
    the checks, still on today, call future."""
    freeze_today(monkeypatch, TODAY)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", **({"units": 20, "tasks": 300} | options), stdout=out)
    return out.getvalue()


def histories(plan):
    updates, reviews = defaultdict(list), defaultdict(list)
    for update in TaskUpdate.objects.filter(task__plan=plan):
        updates[update.task_id].append(update)
    for review in CompletionReview.objects.filter(task__plan=plan):
        reviews[review.task_id].append(review)
    return updates, reviews


def check_chain(task, chain, plan) -> None:
    end = min(TODAY, datetime.date(plan.year, 12, 31))
    status, progress = TaskStatus.NOT_STARTED, 0
    for update in chain:
        assert plan.issued_on <= update.reported_on <= end, (task.pk, update.reported_on)
        assert update.status_before == status, task.pk
        # Progress never falls, except where the office returned a done report.
        returned = (
            update.status_before == TaskStatus.DONE and update.unit_id == plan.issuing_unit_id
        )
        assert update.progress >= progress or returned, task.pk
        assert (update.completed_on is not None) == (update.status_after == TaskStatus.DONE)
        status, progress = update.status_after, update.progress


@pytest.mark.django_db
def test_each_task_history_ends_in_its_state_over_the_years():
    output = seed(years=3)
    plans = list(scale_plans().order_by("year"))
    assert [p.year for p in plans] == [TODAY.year - 2, TODAY.year - 1, TODAY.year]
    assert "3 years" in output
    states: Counter = Counter()
    for plan in plans:
        updates, reviews = histories(plan)
        tasks = list(plan.tasks.all())
        assert len(tasks) == 300
        assert 4 <= sum(len(u) for u in updates.values()) / len(tasks) <= 6.5
        for task in tasks:
            chain = sorted(updates[task.pk], key=lambda u: (u.reported_on, u.pk))
            check_chain(task, chain, plan)
            state = task_state(chain, TODAY)
            assert (state.status, state.progress, state.completed_on) == (
                task.status,
                task.progress,
                task.completed_on,
            ), task.pk
            assert task.added_on == plan.issued_on
            assert task.search_text == task_search_text(task)
            for review in reviews[task.pk]:
                report = next(u for u in chain if u.pk == review.update_id)
                assert report.status_after == TaskStatus.DONE
                assert (review.return_update_id is not None) == (
                    review.decision == ReviewDecision.RETURNED
                )
            states[review_status(chain, reviews[task.pk], TODAY).state] += 1
        if plan.year < TODAY.year:
            finished = sum(t.status in (TaskStatus.DONE, TaskStatus.CANCELLED) for t in tasks)
            assert finished > 0.85 * len(tasks)
    assert all(states[s] > 0 for s in ReviewState.values), states

    # Four periods a year; every period already due has a report from most units.
    for plan in plans:
        periods = list(ReportingPeriod.objects.filter(plan=plan))
        assert len(periods) == 4
        for period in periods:
            reports = UnitReport.objects.filter(period=period)
            if period.due_on <= TODAY:
                assert reports.count() > 0.9 * period.units.count()
                accepted = reports.filter(status=ReportStatus.ACCEPTED)
                assert accepted.filter(accepted_version__isnull=True).count() == 0
                assert accepted.count() > 0
            else:
                assert not reports.exists()
    root = plans[0].issuing_unit
    assert Membership.objects.filter(user__username=BENCH_VIEWER, unit=root, role=Role.VIEWER)
    assert Membership.objects.filter(user__username=BENCH_OFFICE, unit=root, role=Role.OFFICE)


@pytest.mark.django_db
def test_seed_again_over_the_bench_period_and_reports():
    seed(years=2)
    period = _bench_period(with_reports=True)  # what `make bench` leaves behind
    assert period.unit_reports.exists()
    seed(years=2)
    assert scale_plans().count() == 2
    assert Task.objects.filter(plan__in=scale_plans()).count() == 600
    assert ReportingPeriod.objects.filter(plan__in=scale_plans()).count() == 8


@pytest.mark.django_db
def test_adding_years_keeps_this_year():
    seed()
    plan = scale_plans().get()
    before = list(plan.tasks.order_by("pk").values_list("pk", "status", "progress"))
    updates = TaskUpdate.objects.filter(task__plan=plan).count()
    output = seed(years=3, add_years=True)
    assert "Cleared" not in output
    assert sorted(scale_plans().values_list("year", flat=True)) == [
        TODAY.year - 2,
        TODAY.year - 1,
        TODAY.year,
    ]
    assert list(plan.tasks.order_by("pk").values_list("pk", "status", "progress")) == before
    assert TaskUpdate.objects.filter(task__plan=plan).count() == updates
    # Another number of units is refused, not mixed in.
    with pytest.raises(Exception, match="same 25 scale units"):
        seed(units=25, years=4, add_years=True)


@pytest.mark.django_db
def test_the_seed_writes_the_derived_history_as_history_refresh_would(monkeypatch):
    """The seeder fills each entry's derived columns and each task's review itself, so that
    history_refresh (kept at the end of the seed) finds nothing to change."""
    from cchc.demo import scale
    from cchc.plans.history import DERIVED, history_refresh

    monkeypatch.setattr(scale, "history_refresh", lambda ids: None)
    seed(years=2)
    tasks = Task.objects.filter(plan__in=scale_plans())
    entries = TaskUpdate.objects.filter(task__in=tasks).order_by("pk")
    seeded = (
        list(entries.values_list("pk", *DERIVED)),
        list(tasks.values_list("pk", "current_review").order_by("pk")),
    )
    assert any(row[3] for row in seeded[0]) and any(row[4] for row in seeded[0])
    history_refresh(tasks.values_list("pk", flat=True))
    refreshed = (
        list(entries.values_list("pk", *DERIVED)),
        list(tasks.values_list("pk", "current_review").order_by("pk")),
    )
    assert refreshed == seeded
