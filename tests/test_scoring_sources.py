"""The computed criteria (issue 12, “Methods”): each ratio counts, as of the set's cut-off,
what the data said that day — never today's state — and equals a count made independently
(in Python, from the rows) of the same data; the bands give their points at their edges."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.oversight.models import AnswerOutcome, Finding, FindingAnswer
from cchc.plans import history, progress, review
from cchc.plans import services as plan_services
from cchc.plans.history import history_refresh
from cchc.plans.models import CompletionReview, Task, TaskStatus
from cchc.plans.timeliness import Timeliness, timeliness
from cchc.reporting.models import UnitReport
from cchc.scoring import sources, tree
from cchc.scoring.models import CriteriaSet
from tests.test_inspections import make_inspection
from tests.test_reporting_world import make_period
from tests.web_helpers import on_day

pytestmark = pytest.mark.django_db

D = datetime.date
CUT_OFF = D(2026, 6, 30)


def at(day: D, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def criteria_set(world):
    return CriteriaSet.objects.create(
        unit=world.units["TCCT"], year=2026, title="Bộ tiêu chí 2026", cut_off=CUT_OFF
    )


def done(world, task, *, completed: D, reported: D, user="focal_a"):
    progress.task_update_post(
        actor=world.users[user],
        task=task,
        status=TaskStatus.DONE,
        progress=100,
        deliverable="Quyết định số 1",
        completed_on=completed,
        reported_on=reported,
    )


def new_task(world, code, due: D, *, added: D, unit="CTH") -> Task:
    with on_day(added):
        return plan_services.task_create(
            actor=world.users["office"],
            plan=world.plan,
            area=world.tasks["a_soon"].area,
            code=code,
            title=f"Nhiệm vụ {code}",
            lead_unit=world.units[unit],
            due_date=due,
            due_text=due.strftime("%d/%m/%Y"),
        )


@pytest.fixture
def tasks(world):
    """Agency A's tasks as they stood at the cut-off (30/06) and after it."""
    t = world.tasks
    plan_services.task_edit(actor=None, task=t["a_overdue"], due_date=D(2026, 6, 12))
    plan_services.task_edit(actor=None, task=t["a_soon"], due_date=D(2026, 6, 20))
    done(world, t["a_overdue"], completed=D(2026, 6, 10), reported=D(2026, 6, 10))  # on time
    done(world, t["a_soon"], completed=D(2026, 6, 25), reported=D(2026, 6, 25))  # late
    # Done on time but reported only after the cut-off: not done as of 30/06.
    quiet = new_task(world, "1.9", D(2026, 6, 28), added=world.issued_on)
    done(world, quiet, completed=D(2026, 6, 28), reported=D(2026, 7, 5))
    # Due 25/06 at the cut-off, moved to 30/08 in July: judged by 25/06.
    moved = new_task(world, "1.8", D(2026, 6, 25), added=world.issued_on)
    with on_day(D(2026, 7, 5)):
        plan_services.task_edit(
            actor=world.users["office"], task=moved, due_date=D(2026, 8, 30), due_text="30/08/2026"
        )
    # Added in July with a June deadline: not part of the plan at the cut-off.
    later = new_task(world, "1.7", D(2026, 6, 1), added=D(2026, 7, 10))
    done(world, later, completed=D(2026, 7, 11), reported=D(2026, 7, 11))
    # A task of the section below agency A, due and done on time: agency A answers for it.
    below = new_task(world, "7.9", D(2026, 6, 5), added=world.issued_on, unit="CTH-P1")
    done(world, below, completed=D(2026, 6, 5), reported=D(2026, 6, 6))
    return {"quiet": quiet, "moved": moved, "later": later, "below": below}


def independent_tasks_on_time(world, unit, on: D) -> tuple[set[int], set[int]]:
    """The same rule, in Python over the rows: due dates as the plan stood on `on`,
    states from each task's updates, timeliness by its one function."""
    counted, met = set(), set()
    for task in Task.objects.filter(plan=world.plan).prefetch_related("updates", "due_changes"):
        if not task.lead_unit.path.startswith(unit.path):
            continue
        if task.added_on and task.added_on > on:
            continue
        changes = sorted(task.due_changes.all(), key=lambda c: (c.changed_on, c.pk))
        due = task.due_date
        recurring = task.is_recurring
        if changes:
            past = [c for c in changes if c.changed_on <= on]
            source = past[-1] if past else None
            due = source.due_date_after if source else changes[0].due_date_before
            recurring = source.is_recurring_after if source else changes[0].is_recurring_before
        state = history.task_state(task.updates.all(), on)
        if recurring or due is None or due > on or state.status == TaskStatus.CANCELLED:
            continue
        counted.add(task.pk)
        category = timeliness(
            status=state.status,
            completed_on=state.completed_on,
            due_date=due,
            is_recurring=recurring,
            today=on,
        )
        if category == Timeliness.DONE_ON_TIME:
            met.add(task.pk)
    return counted, met


def test_tasks_on_time_are_counted_as_of_the_cut_off(world, criteria_set, tasks):
    unit = world.units["CTH"]
    ratio = sources.compute("tasks_on_time", criteria_set, unit, CUT_OFF)
    t = world.tasks
    assert set(ratio.counted) == {
        t["a_overdue"].pk,
        t["a_soon"].pk,
        tasks["quiet"].pk,
        tasks["moved"].pk,
        tasks["below"].pk,
    }
    assert ratio.met == {t["a_overdue"].pk, tasks["below"].pk}
    assert (set(ratio.counted), ratio.met) == independent_tasks_on_time(world, unit, CUT_OFF)
    assert ratio.percent == Decimal(40)
    # Today the quiet task is done on time and the moved one is not yet due.
    today = sources.compute("tasks_on_time", criteria_set, unit, timezone.localdate())
    assert tasks["quiet"].pk in today.met
    assert (set(today.counted), today.met) == independent_tasks_on_time(
        world, unit, timezone.localdate()
    )


def test_another_unit_counts_only_its_own(world, criteria_set, tasks):
    ratio = sources.compute("tasks_on_time", criteria_set, world.units["CTC"], CUT_OFF)
    mine = {t.pk for t in Task.objects.filter(lead_unit=world.units["CTC"])}
    assert set(ratio.counted) <= mine
    assert (set(ratio.counted), ratio.met) == independent_tasks_on_time(
        world, world.units["CTC"], CUT_OFF
    )


def test_first_time_confirmed_counts_first_decisions_made_by_the_cut_off(
    world, criteria_set, tasks
):
    office, t = world.users["office"], world.tasks

    def decided(day: D, call, **kwargs):
        with on_day(day):
            made = call(actor=office, **kwargs)
        CompletionReview.objects.filter(pk=made.pk).update(reviewed_at=at(day))
        history_refresh([made.task_id])  # kept as the review service keeps it

    decided(D(2026, 6, 26), review.completion_confirm, task=t["a_overdue"], rating="met")
    decided(D(2026, 6, 26), review.completion_return, task=t["a_soon"], reason="Thiếu văn bản")
    with on_day(D(2026, 6, 27)):
        done(world, t["a_soon"], completed=D(2026, 6, 27), reported=D(2026, 6, 27))
    decided(D(2026, 6, 29), review.completion_confirm, task=t["a_soon"], rating="met")
    # After the cut-off: not counted as of it.
    decided(D(2026, 7, 20), review.completion_confirm, task=tasks["below"], rating="met")
    # Confirmed at the first attempt, but its quality fell short.
    decided(D(2026, 7, 20), review.completion_confirm, task=tasks["later"], rating="not_met")
    ratio = sources.compute("first_time_confirmed", criteria_set, world.units["CTH"], CUT_OFF)
    assert ratio.counted == sorted([t["a_overdue"].pk, t["a_soon"].pk])
    assert ratio.met == {t["a_overdue"].pk}
    later = sources.compute(
        "first_time_confirmed", criteria_set, world.units["CTH"], D(2026, 12, 31)
    )
    assert later.met == {t["a_overdue"].pk, tasks["below"].pk}
    assert tasks["later"].pk in later.counted


def test_reports_on_time_by_first_submission(world, criteria_set):
    six = make_period(world, "six_months")
    quarter = make_period(world, "quy_1")
    for period, due in [(six, D(2026, 6, 20)), (quarter, D(2026, 4, 10))]:
        period.due_on = due
        period.save(update_fields=["due_on"])
        period.units.add(world.units["CTH"])
    unit = world.units["CTH"]
    UnitReport.objects.create(
        period=quarter, unit=unit, status="submitted", first_submitted_at=at(D(2026, 4, 10), 23)
    )
    late = UnitReport.objects.create(
        period=six, unit=unit, status="submitted", first_submitted_at=at(D(2026, 6, 21))
    )
    ratio = sources.compute("reports_on_time", criteria_set, unit, CUT_OFF)
    assert ratio.counted == [quarter.pk, six.pk] and ratio.met == {quarter.pk}
    # As of a day before the quarter's report was sent, nothing was sent; before the six
    # months' deadline, only the quarter was owed.
    assert sources.compute("reports_on_time", criteria_set, unit, D(2026, 4, 9)).counted == []
    assert sources.compute("reports_on_time", criteria_set, unit, D(2026, 6, 19)).counted == [
        quarter.pk
    ]
    late.first_submitted_at = at(D(2026, 6, 20))
    late.save()
    assert sources.compute("reports_on_time", criteria_set, unit, CUT_OFF).met == {
        quarter.pk,
        six.pk,
    }
    other = sources.compute("reports_on_time", criteria_set, world.units["CTC"], CUT_OFF)
    assert six.pk not in other.met


def _finding(world, inspection, deadline: D, unit="CTH") -> Finding:
    finding = Finding.objects.create(
        inspection=inspection,
        description="Phát hiện",
        severity="minor",
        recommendation="Khắc phục",
        deadline=deadline,
        responsible_unit=world.units[unit],
        created_by=world.users["office"],
    )
    # Recorded at the inspection in early June (the row's own stamp is today).
    Finding.objects.filter(pk=finding.pk).update(created_at=at(D(2026, 6, 1), 8))
    return finding


def _decide(world, finding, outcome: str, day: D) -> None:
    FindingAnswer.objects.create(
        finding=finding,
        text="Đã khắc phục",
        answered_by=world.users["focal_a"],
        outcome=outcome,
        decided_by=world.users["office"],
        decided_at=at(day),
    )


def test_findings_closed_by_their_deadline(world, criteria_set):
    inspection = make_inspection(world)
    on_time = _finding(world, inspection, D(2026, 6, 15))
    _decide(world, on_time, AnswerOutcome.ACCEPTED, D(2026, 6, 15))
    late = _finding(world, inspection, D(2026, 6, 10))
    _decide(world, late, AnswerOutcome.ACCEPTED, D(2026, 6, 11))
    reopened = _finding(world, inspection, D(2026, 6, 20))
    _decide(world, reopened, AnswerOutcome.ACCEPTED, D(2026, 6, 1))
    _decide(world, reopened, AnswerOutcome.REOPENED, D(2026, 6, 25))
    not_due = _finding(world, inspection, D(2026, 9, 1))
    below = _finding(world, inspection, D(2026, 6, 5), unit="CTH-P1")
    _decide(world, below, AnswerOutcome.ACCEPTED, D(2026, 7, 2))  # closed after the cut-off
    ratio = sources.compute("findings_closed", criteria_set, world.units["CTH"], CUT_OFF)
    assert set(ratio.counted) == {on_time.pk, late.pk, reopened.pk, below.pk}
    assert not_due.pk not in ratio.counted
    assert ratio.met == {on_time.pk}
    # As of 24/06 the reopened one still stood accepted, and before its deadline.
    assert (
        reopened.pk
        in sources.compute("findings_closed", criteria_set, world.units["CTH"], D(2026, 6, 24)).met
    )
    assert (
        sources.compute("findings_closed", criteria_set, world.units["CTC"], CUT_OFF).counted == []
    )
    # Recorded after the cut-off: not a finding the unit had as of it.
    Finding.objects.filter(pk=late.pk).update(created_at=at(D(2026, 7, 1)))
    assert (
        late.pk
        not in sources.compute("findings_closed", criteria_set, world.units["CTH"], CUT_OFF).counted
    )


@pytest.mark.parametrize(
    ("share", "points"),
    [
        (None, "4"),  # nothing to count: nobody failed the rule
        (Decimal(100), "4"),
        (Decimal("99.99"), "2"),
        (Decimal(80), "2"),
        (Decimal("79.99"), "0"),
        (Decimal(0), "0"),
    ],
)
def test_bands_at_their_edges(share, points):
    assert sources.points(share, "100:1; 80:0,5; 0:0", Decimal(4)) == Decimal(points)


def test_a_share_below_every_band_earns_nothing():
    assert tree.band_points(tree.parse_bands("100:1; 50:0,5"), Decimal(49), Decimal(3)) == 0


def test_many_units_at_once_count_as_each_alone(world, criteria_set, tasks):
    """A results table counts every pending unit in the queries of one: the same numbers as
    each unit alone, a unit and one below it both counting the lower one's rows."""
    inspection = make_inspection(world)
    for unit, deadline, decided_on in [
        ("CTH", D(2026, 6, 15), D(2026, 6, 15)),
        ("CTH-P1", D(2026, 6, 5), D(2026, 6, 6)),
        ("CTC", D(2026, 6, 10), D(2026, 6, 9)),
    ]:
        _decide(world, _finding(world, inspection, deadline, unit), "accepted", decided_on)
    period = make_period(world, "quy_1")
    period.units.add(world.units["CTH"], world.units["CTC"])
    UnitReport.objects.create(
        period=period,
        unit=world.units["CTC"],
        status="submitted",
        first_submitted_at=at(D(2026, 1, 2)),
    )
    with on_day(D(2026, 6, 26)):
        made = review.completion_confirm(
            actor=world.users["office"], task=tasks["below"], rating="met"
        )
    CompletionReview.objects.filter(pk=made.pk).update(reviewed_at=at(D(2026, 6, 26)))
    units = [world.units[code] for code in ("TCCT", "CTH", "CTH-P1", "CTC", "VP")]
    day = D(2026, 12, 31)
    for source in sources.SOURCES:
        with CaptureQueriesContext(connection) as one:
            sources.compute_many(source, criteria_set, units[1:2], day)  # CTH: rows of each
        with CaptureQueriesContext(connection) as five:
            together = sources.compute_many(source, criteria_set, units, day)
        assert len(five.captured_queries) == len(one.captured_queries), source
        for unit in units:
            alone = sources.compute(source, criteria_set, unit, day)
            assert (together[unit.pk].counted, together[unit.pk].met) == (
                alone.counted,
                alone.met,
            ), (source, unit.code)
        if source == "reports_on_time":  # a report is owed by the unit named, no other
            owed = [period.pk]
            assert together[world.units["CTC"].pk].counted == owed
            assert together[world.units["CTH"].pk].counted == owed
            assert together[world.units["TCCT"].pk].counted == []
        else:  # the section's rows count for it and for the agency above it
            below = set(together[world.units["CTH-P1"].pk].counted)
            assert below and below <= set(together[world.units["CTH"].pk].counted), source
