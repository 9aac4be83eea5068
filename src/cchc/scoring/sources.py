"""The numbers behind a computed (ratio) criterion: for one unit, from the data the office
already holds, as of one day (the set's cut-off, or today for the projected score).

Each source names what it counts (the denominator) and which of those meet the rule (the
numerator), with their ids so that a page can link to every task, report or finding counted.
Whatever names a date reads history (`plans.history`, the reports' first submission, the
findings' decisions), never today's state. A unit answers for its own tasks and those of the
units below it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q

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


class Branches:
    """The units asked for and, for any unit's path, which of them it lies under (itself
    included): one query per source serves every unit of a results table."""

    def __init__(self, units: Iterable[Unit]):
        self.units = list(units)
        self.by_path: dict[str, list[int]] = {}
        for unit in self.units:
            self.by_path.setdefault(unit.path, []).append(unit.pk)
        paths = sorted(self.by_path)
        # The fewest paths that cover them all: a unit below another adds no filter.
        self.tops = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]

    def q(self, field: str) -> Q:
        """The rows whose `field` (a unit's path) lies in one of the branches."""
        return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in self.tops), Q(pk__in=[]))

    def owners(self, path: str) -> list[int]:
        """The units asked for that `path` lies under."""
        found: list[int] = []
        end = path.find("/", 1)
        while end != -1:
            found.extend(self.by_path.get(path[: end + 1], ()))
            end = path.find("/", end + 1)
        return found

    def ratios(self, kind: str) -> dict[int, Ratio]:
        return {unit.pk: Ratio(kind) for unit in self.units}


def _tasks(criteria_set: CriteriaSet, branches: Branches):
    return Task.objects.filter(
        branches.q("lead_unit__path"),
        plan__issuing_unit_id=criteria_set.unit_id,
        plan__year=criteria_set.year,
        plan__status__in=[PlanStatus.ISSUED, PlanStatus.CLOSED],
    )


def tasks_on_time(criteria_set: CriteriaSet, branches: Branches, on: datetime.date) -> dict:
    """The unit's tasks due by `on` (with a date, not recurring, not cancelled, as the plan
    stood that day), and those done on time as of `on`."""
    rows = (
        history.annotate_state(_tasks(criteria_set, branches), on, from_history=True)
        .filter(state_due_date__lte=on, state_is_recurring=False)
        .exclude(state_status=TaskStatus.CANCELLED)
        .order_by("id")
        .values_list("id", "timeliness", "lead_unit__path")
    )
    ratios = branches.ratios(TASK)
    for pk, timeliness, path in rows:
        for unit in branches.owners(path):
            ratios[unit].counted.append(pk)
            if timeliness == Timeliness.DONE_ON_TIME:
                ratios[unit].met.add(pk)
    return ratios


def reports_on_time(criteria_set: CriteriaSet, branches: Branches, on: datetime.date) -> dict:
    """The reports the unit owed by `on` (periods of the branch's plans of the year whose
    deadline has passed, naming the unit), and those first sent by their deadline."""
    asked = [unit.pk for unit in branches.units]
    named = ReportingPeriod.units.through.objects.filter(
        unit_id__in=asked,
        reportingperiod__plan__issuing_unit_id=criteria_set.unit_id,
        reportingperiod__plan__year=criteria_set.year,
        reportingperiod__due_on__lte=on,
    ).values_list("reportingperiod_id", "unit_id")
    owed: dict[int, list[int]] = {}
    for period_id, unit_id in named:
        owed.setdefault(unit_id, []).append(period_id)
    periods = ReportingPeriod.objects.in_bulk({pk for ids in owed.values() for pk in ids})
    sent = {
        (r.period_id, r.unit_id): r.first_submitted_at
        for r in UnitReport.objects.filter(period__in=periods, unit_id__in=asked).only(
            "id", "period_id", "unit_id", "first_submitted_at"
        )
    }
    ratios = branches.ratios(REPORT)
    end = history.end_of(on)
    for unit_id, ids in owed.items():
        for period in sorted((periods[pk] for pk in ids), key=lambda p: (p.due_on, p.pk)):
            # A key of the period: a report not even begun has no id of its own.
            ratios[unit_id].counted.append(period.pk)
            first = sent.get((period.pk, unit_id))
            if (
                first is not None
                and first < end
                and submission_timeliness(period, first)[0] == ON_TIME
            ):
                ratios[unit_id].met.add(period.pk)
    return ratios


def findings_closed(criteria_set: CriteriaSet, branches: Branches, on: datetime.date) -> dict:
    """The findings of the branch's inspections of the year that the unit (or one below it)
    had to put right by a deadline on or before `on`, and those whose answer was accepted by
    that deadline and not reopened by `on`."""
    findings = list(
        Finding.objects.filter(
            branches.q("responsible_unit__path"),
            inspection__plan__issuing_unit_id=criteria_set.unit_id,
            inspection__plan__year=criteria_set.year,
            deadline__lte=on,
            created_at__lt=history.end_of(on),
        )
        .order_by("deadline", "id")
        .values_list("id", "deadline", "responsible_unit__path")
    )
    decisions: dict[int, list[tuple[datetime.datetime | None, str]]] = {}
    for finding_id, at, outcome in (
        FindingAnswer.objects.filter(
            finding_id__in=[f for f, *_ in findings],
            decided_at__lt=history.end_of(on),
        )
        .exclude(outcome="")
        .order_by("decided_at", "id")
        .values_list("finding_id", "decided_at", "outcome")
    ):
        decisions.setdefault(finding_id, []).append((at, outcome))
    ratios = branches.ratios(FINDING)
    for finding_id, deadline, path in findings:
        made = decisions.get(finding_id, [])
        last = made[-1] if made else None
        closed = (
            last is not None
            and last[1] == AnswerOutcome.ACCEPTED
            and last[0] is not None
            and last[0] < history.end_of(deadline)
        )
        for unit in branches.owners(path):
            ratios[unit].counted.append(finding_id)
            if closed:
                ratios[unit].met.add(finding_id)
    return ratios


def first_time_confirmed(criteria_set: CriteriaSet, branches: Branches, on: datetime.date) -> dict:
    """The unit's tasks whose completion the office had decided on by `on`, and those whose
    first decision was a confirmation rated “đạt yêu cầu” (not a return, nor a result
    confirmed as falling short)."""
    first: dict[int, tuple[str, str, str]] = {}
    for task_id, decision, rating, path in (
        CompletionReview.objects.filter(
            task__in=_tasks(criteria_set, branches), reviewed_at__lt=history.end_of(on)
        )
        .order_by("reviewed_at", "id")
        .values_list("task_id", "decision", "rating", "task__lead_unit__path")
    ):
        first.setdefault(task_id, (decision, rating, path))
    ratios = branches.ratios(TASK)
    for task_id in sorted(first):
        decision, rating, path = first[task_id]
        for unit in branches.owners(path):
            ratios[unit].counted.append(task_id)
            if (decision, rating) == (ReviewDecision.CONFIRMED, QualityRating.MET):
                ratios[unit].met.add(task_id)
    return ratios


SOURCES = {
    RatioSource.TASKS_ON_TIME: tasks_on_time,
    RatioSource.REPORTS_ON_TIME: reports_on_time,
    RatioSource.FINDINGS_CLOSED: findings_closed,
    RatioSource.FIRST_TIME_CONFIRMED: first_time_confirmed,
}


def compute(source: str, criteria_set: CriteriaSet, unit: Unit, on: datetime.date) -> Ratio:
    return compute_many(source, criteria_set, [unit], on)[unit.pk]


def compute_many(
    source: str, criteria_set: CriteriaSet, units: Iterable[Unit], on: datetime.date
) -> dict[int, Ratio]:
    """`compute` for many units at once, by unit id, in the queries of one: a results
    table's units pending finalisation cost no query each."""
    return SOURCES[RatioSource(source)](criteria_set, Branches(units), on)
