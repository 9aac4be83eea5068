"""The numbers behind a computed (ratio) criterion: for one unit, from the data the office
already holds, as of one day (the set's cut-off, or today for the projected score).

Each source names what it counts (the denominator) and which of those meet the rule (the
numerator), with their ids so that a page can link to every task, report or finding counted.
Whatever names a date reads history (`plans.history`, the reports' first submission, the
findings' decisions), never today's state. A unit answers for its own tasks and those of the
units below it."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.orgs.models import Unit
from cchc.oversight.models import AnswerOutcome, Finding, FindingAnswer
from cchc.plans import history
from cchc.plans.models import (
    CompletionReview,
    PlanStatus,
    QualityRating,
    ReviewDecision,
    Task,
    TaskStatus,
)
from cchc.plans.timeliness import Timeliness
from cchc.reporting.data import ON_TIME, submission_timeliness
from cchc.reporting.models import ReportingPeriod, UnitReport

from . import tree
from .models import CriteriaSet, RatioSource

TASK, REPORT, FINDING = "task", "report", "finding"


@dataclass
class Ratio:
    """`met` of `counted` (ids of `kind`); a share in per cent, None when nothing counted."""

    kind: str
    counted: list[int] = field(default_factory=list)
    met: set[int] = field(default_factory=set)

    @property
    def numerator(self) -> int:
        return len(self.met)

    @property
    def denominator(self) -> int:
        return len(self.counted)

    @property
    def percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return Decimal(100 * self.numerator) / Decimal(self.denominator)


def points(ratio_percent: Decimal | None, bands: str, max_points: Decimal) -> Decimal:
    """The points a share earns by its bands; with nothing to count nobody has failed the
    rule, so it earns them all (the page says “không có số liệu”)."""
    if ratio_percent is None:
        return max_points
    return tree.band_points(tree.parse_bands(bands), ratio_percent, max_points)


def _tasks(criteria_set: CriteriaSet, unit: Unit):
    return Task.objects.filter(
        plan__issuing_unit_id=criteria_set.unit_id,
        plan__year=criteria_set.year,
        plan__status__in=[PlanStatus.ISSUED, PlanStatus.CLOSED],
        lead_unit__path__startswith=unit.path,
    )


def tasks_on_time(criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    """The unit's tasks due by `on` (with a date, not recurring, not cancelled, as the plan
    stood that day), and those done on time as of `on`."""
    rows = (
        history.annotate_state(_tasks(criteria_set, unit), on, from_history=True)
        .filter(state_due_date__lte=on, state_is_recurring=False)
        .exclude(state_status=TaskStatus.CANCELLED)
        .order_by("id")
        .values_list("id", "timeliness")
    )
    ratio = Ratio(TASK)
    for pk, timeliness in rows:
        ratio.counted.append(pk)
        if timeliness == Timeliness.DONE_ON_TIME:
            ratio.met.add(pk)
    return ratio


def reports_on_time(criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    """The reports the unit owed by `on` (periods of the branch's plans of the year whose
    deadline has passed, naming the unit), and those first sent by their deadline."""
    periods = list(
        ReportingPeriod.objects.filter(
            plan__issuing_unit_id=criteria_set.unit_id,
            plan__year=criteria_set.year,
            due_on__lte=on,
            units=unit,
        ).order_by("due_on", "id")
    )
    sent = {
        r.period_id: r
        for r in UnitReport.objects.filter(period__in=periods, unit=unit).only(
            "id", "period_id", "first_submitted_at"
        )
    }
    ratio = Ratio(REPORT)
    end = history.end_of(on)
    for period in periods:
        report = sent.get(period.pk)
        # A key of the period: a report not even begun has no id of its own.
        ratio.counted.append(period.pk)
        first = report.first_submitted_at if report else None
        if first is not None and first < end and submission_timeliness(period, first)[0] == ON_TIME:
            ratio.met.add(period.pk)
    return ratio


def findings_closed(criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    """The findings of the branch's inspections of the year that the unit (or one below it)
    had to put right by a deadline on or before `on`, and those whose answer was accepted by
    that deadline and not reopened by `on`."""
    findings = list(
        Finding.objects.filter(
            inspection__plan__issuing_unit_id=criteria_set.unit_id,
            inspection__plan__year=criteria_set.year,
            responsible_unit__path__startswith=unit.path,
            deadline__lte=on,
            created_at__lt=history.end_of(on),
        )
        .order_by("deadline", "id")
        .values_list("id", "deadline")
    )
    decisions: dict[int, list[tuple[datetime.datetime | None, str]]] = {}
    for finding_id, at, outcome in (
        FindingAnswer.objects.filter(
            finding_id__in=[f for f, _ in findings],
            decided_at__lt=history.end_of(on),
        )
        .exclude(outcome="")
        .order_by("decided_at", "id")
        .values_list("finding_id", "decided_at", "outcome")
    ):
        decisions.setdefault(finding_id, []).append((at, outcome))
    ratio = Ratio(FINDING)
    for finding_id, deadline in findings:
        ratio.counted.append(finding_id)
        made = decisions.get(finding_id, [])
        last = made[-1] if made else None
        if (
            last is not None
            and last[1] == AnswerOutcome.ACCEPTED
            and last[0] is not None
            and last[0] < history.end_of(deadline)
        ):
            ratio.met.add(finding_id)
    return ratio


def first_time_confirmed(criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    """The unit's tasks whose completion the office had decided on by `on`, and those whose
    first decision was a confirmation rated “đạt yêu cầu” (not a return, nor a result
    confirmed as falling short)."""
    first: dict[int, tuple[str, str]] = {}
    for task_id, decision, rating in (
        CompletionReview.objects.filter(
            task__in=_tasks(criteria_set, unit), reviewed_at__lt=history.end_of(on)
        )
        .order_by("reviewed_at", "id")
        .values_list("task_id", "decision", "rating")
    ):
        first.setdefault(task_id, (decision, rating))
    ratio = Ratio(TASK)
    for task_id in sorted(first):
        ratio.counted.append(task_id)
        if first[task_id] == (ReviewDecision.CONFIRMED, QualityRating.MET):
            ratio.met.add(task_id)
    return ratio


SOURCES = {
    RatioSource.TASKS_ON_TIME: tasks_on_time,
    RatioSource.REPORTS_ON_TIME: reports_on_time,
    RatioSource.FINDINGS_CLOSED: findings_closed,
    RatioSource.FIRST_TIME_CONFIRMED: first_time_confirmed,
}


def compute(source: str, criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    return SOURCES[RatioSource(source)](criteria_set, unit, on)
