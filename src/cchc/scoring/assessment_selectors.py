"""Reads of the assessments, scoped to the user (`permissions.assessment_q`): the office's
progress list of a set, one assessment's page with every criterion, and the points that
count — frozen once finalised, else live (a computed criterion as of the set's cut-off, or
as of today while the year runs: the projected score, “điểm dự kiến”)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cchc.orgs.access import access_for

from . import tree
from .assessment_services import live_points
from .models import Assessment, AssessmentStatus, CriteriaSet, Criterion, Method, Score
from .permissions import READ_ROLES, AssessmentAbilities, assessment_abilities, assessment_q
from .sources import Ratio

ZERO = Decimal("0")


def assessment_get(*, user, pk: int) -> Assessment:
    found = (
        Assessment.objects.filter(assessment_q(user), pk=pk)
        .select_related("criteria_set__unit", "unit")
        .first()
    )
    if found is None:
        raise Http404
    return found


def score_get(*, user, pk: int) -> Score:
    found = (
        Score.objects.filter(pk=pk, assessment__in=Assessment.objects.filter(assessment_q(user)))
        .select_related("criterion", "assessment__criteria_set__unit", "assessment__unit")
        .first()
    )
    if found is None:
        raise Http404
    return found


def assessments_visible(*, user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(assessment_q(user)).select_related(
        "criteria_set__unit", "unit"
    )


def can_follow(user, criteria_set: CriteriaSet) -> bool:
    """May the user see where every unit of the set stands (not what they scored)?"""
    return access_for(user).covers(criteria_set.unit.path, *READ_ROLES)


@dataclass
class Progress:
    assessments: Sequence[Assessment]
    counts: dict[str, int]


def progress(*, user, criteria_set: CriteriaSet) -> Progress:
    """Each unit's assessment with its status and how many criteria it has scored; for the
    branch's office, leader, appraisers and viewers only. Two queries, however many units."""
    if not can_follow(user, criteria_set):
        raise Http404
    rows = list(
        criteria_set.assessments.select_related("unit")
        .annotate(
            scored=Count("scores", filter=Q(scores__self_points__isnull=False)),
            to_score=Count("scores", filter=Q(scores__criterion__method__in=UNIT_METHODS)),
        )
        .order_by("unit__path")
    )
    counts = {s: 0 for s in AssessmentStatus.values}
    for row in rows:
        counts[row.status] += 1
    return Progress(rows, counts)


UNIT_METHODS = [Method.MANUAL, Method.YES_NO]


@dataclass
class Row:
    """One criterion of the page: a parent (with its sums) or a leaf (with its score)."""

    criterion: Criterion
    depth: int
    score: Score | None = None
    points: Decimal | None = None  # what counts now: final, appraised, self or computed
    ratio: Ratio | None = None
    self_sum: Decimal = ZERO
    appraised_sum: Decimal = ZERO
    points_sum: Decimal = ZERO

    @property
    def differs(self) -> bool:
        """The council's points are not the unit's: the page marks the row."""
        s = self.score
        return bool(
            s
            and s.criterion.method in UNIT_METHODS
            and s.appraised_points is not None
            and s.appraised_points != s.self_points
        )


@dataclass
class AssessmentPage:
    assessment: Assessment
    abilities: AssessmentAbilities
    rows: list[Row]
    on: datetime.date  # the day computed criteria are counted as of
    projected: bool  # the year is not over: computed criteria are as of today
    totals: dict[str, Decimal] = field(default_factory=dict)
    areas: list[Row] = field(default_factory=list)

    @property
    def show_appraisal(self) -> bool:
        return self.assessment.status != AssessmentStatus.DRAFT


def counting_day(criteria_set: CriteriaSet, today: datetime.date | None = None) -> datetime.date:
    """The cut-off, or today while the year has not reached it (the projected score)."""
    today = today or timezone.localdate()
    return min(today, criteria_set.cut_off_date)


def assessment_page(*, user, assessment: Assessment) -> AssessmentPage:
    """Every criterion in code order with the unit's, the council's and the counted points,
    and the sums of each parent; computed criteria with their numbers."""
    criteria_set = assessment.criteria_set
    on = counting_day(criteria_set)
    criteria = sorted(criteria_set.criteria.all(), key=lambda c: tree.code_key(c.code))
    scores = {
        s.criterion_id: s
        for s in assessment.scores.select_related("criterion").prefetch_related("files")
    }
    rows = {c.code: Row(c, tree.code_depth(c.code)) for c in criteria}
    for c in criteria:
        row = rows[c.code]
        score = scores.get(c.pk)
        if score is None:
            continue
        score.assessment = assessment  # the computed criteria read its set and unit
        row.score = score
        if assessment.is_finalised:
            # Frozen: the page shows the score's own numbers (numerator, denominator).
            row.points = score.final_points
        else:
            row.points, row.ratio = live_points(score, on)
        _add_up(rows, c.code, score, row.points)
    ordered = [rows[c.code] for c in criteria]
    areas = [r for r in ordered if r.depth == 1]
    totals = {
        "max": sum((r.criterion.max_points for r in areas), ZERO),
        "self": sum((r.self_sum for r in areas), ZERO),
        "appraised": sum((r.appraised_sum for r in areas), ZERO),
        "points": sum((r.points_sum for r in areas), ZERO),
    }
    return AssessmentPage(
        assessment=assessment,
        abilities=assessment_abilities(user, assessment),
        rows=ordered,
        on=on,
        projected=not assessment.is_finalised and on < criteria_set.cut_off_date,
        totals=totals,
        areas=areas,
    )


def _add_up(rows: dict[str, Row], code: str, score: Score, points: Decimal | None) -> None:
    """Add a leaf's points to itself and every row above it."""
    while code:
        row = rows.get(code)
        if row is not None:
            row.self_sum += score.self_points or ZERO
            row.appraised_sum += score.appraised_points or ZERO
            row.points_sum += points or ZERO
        code = tree.parent_code(code)
