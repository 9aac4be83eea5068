"""Reads of the assessments, scoped to the user (`permissions.assessment_q`): the office's
progress list of a set, one assessment's page with every criterion, and the points that
count — frozen once finalised, else live (a computed criterion as of the set's cut-off, or
as of today while the year runs: the projected score, “điểm dự kiến”). The office's reads
of the survey's points (`survey_scores`) are scoped otherwise: see there."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.orgs.access import UNIT_ROLES, access_for
from cchc.orgs.models import Role, Unit
from cchc.oversight.models import Finding
from cchc.plans.models import PlanStatus, Task
from cchc.reporting.models import ReportingPeriod

from . import sources, tree
from .assessment_services import live_points
from .models import (
    Assessment,
    AssessmentStatus,
    CriteriaSet,
    Criterion,
    Method,
    Score,
    ScoreFile,
    SetStatus,
)
from .permissions import (
    READ_ROLES,
    AssessmentAbilities,
    assessment_abilities,
    assessment_q,
    can_manage,
    step_states,
)
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
    council_hidden: bool = False  # the unit's view while the council has not sent its points

    @property
    def show_appraisal(self) -> bool:
        return self.assessment.status != AssessmentStatus.DRAFT and not self.council_hidden


# Until the council sends its appraisal, its points and comments are its work in progress.
COUNCIL_SENT = (AssessmentStatus.APPRAISED, AssessmentStatus.ANSWERED, AssessmentStatus.FINALISED)


def council_hidden(user, assessment: Assessment) -> bool:
    """Does the user read the assessment as its unit, before the council's appraisal is
    sent to it (so without the council's points)?"""
    if assessment.status in COUNCIL_SENT:
        return False
    access = access_for(user)
    overseer = access.covers(assessment.unit.path, *READ_ROLES)
    return not overseer and access.covers(assessment.unit.path, *UNIT_ROLES)


def counting_day(criteria_set: CriteriaSet, today: datetime.date | None = None) -> datetime.date:
    """The cut-off, or today while the year has not reached it (the projected score)."""
    today = today or timezone.localdate()
    return min(today, criteria_set.cut_off_date)


def assessment_page(*, user, assessment: Assessment) -> AssessmentPage:
    """Every criterion in code order with the unit's, the council's and the counted points,
    and the sums of each parent; computed criteria with their numbers."""
    criteria_set = assessment.criteria_set
    on = counting_day(criteria_set)
    abilities = assessment_abilities(user, assessment)
    hide_council = council_hidden(user, assessment)
    criteria = sorted(criteria_set.criteria.all(), key=lambda c: tree.code_key(c.code))
    scores = {
        s.criterion_id: s
        for s in assessment.scores.select_related("criterion").prefetch_related("files")
    }
    rows = {c.code: Row(c, tree.code_depth(c.code)) for c in criteria}
    ratios: dict[str, Ratio] = {}
    for c in criteria:
        row = rows[c.code]
        score = scores.get(c.pk)
        if score is None:
            continue
        score.assessment = assessment  # the computed criteria read its set and unit
        if hide_council and c.method in UNIT_METHODS:
            # Read only, never saved: the unit does not see the council's work in progress.
            score.appraised_points, score.appraisal_comment = None, ""
        row.score = score
        if assessment.is_finalised:
            # Frozen: the page shows the score's own numbers (numerator, denominator).
            row.points = score.final_points
        else:
            row.points, row.ratio = live_points(score, on, ratios)
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
        abilities=abilities,
        rows=ordered,
        on=on,
        projected=not assessment.is_finalised and on < criteria_set.cut_off_date,
        totals=totals,
        areas=areas,
        council_hidden=hide_council,
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


# --- the pages around the assessment ---------------------------------------------------------


def score_file_get(*, user, pk: int) -> ScoreFile:
    """An evidence file, if the user may open its assessment (`score_get`'s scope)."""
    found = ScoreFile.objects.filter(pk=pk).select_related("score").first()
    if found is None:
        raise Http404
    score_get(user=user, pk=found.score_id)
    return found


def my_assessments(*, user) -> QuerySet[Assessment]:
    """The assessments of the user's own units (head, focal officer), newest year first."""
    return (
        Assessment.objects.filter(access_for(user).unit_q("unit", *UNIT_ROLES))
        .select_related("criteria_set__unit", "unit")
        .order_by("-criteria_set__year", "criteria_set__title", "unit__path")
    )


AWAITING_COUNCIL = (AssessmentStatus.SUBMITTED, AssessmentStatus.ANSWERED)


def appraisal_queue(*, user) -> QuerySet[Assessment]:
    """Sent or answered assessments of sets in use the user appraises, oldest sent first."""
    return (
        Assessment.objects.filter(
            access_for(user).unit_q("unit", Role.APPRAISER),
            status__in=AWAITING_COUNCIL,
            criteria_set__status=SetStatus.IN_USE,
        )
        .select_related("criteria_set__unit", "unit")
        .order_by("submitted_at", "pk")
    )


def openable_ids(*, user, criteria_set: CriteriaSet) -> set[int]:
    """The assessments of the set the user may open (the progress page links only those)."""
    return set(
        Assessment.objects.filter(assessment_q(user), criteria_set=criteria_set).values_list(
            "pk", flat=True
        )
    )


@dataclass
class OpenChoices:
    units: list[Unit]  # the branch's direct units, in the tree's order
    suggested: set[int]  # those leading tasks (themselves or below) in the year's plans
    opened: set[int]  # those with an assessment already


def open_choices(*, criteria_set: CriteriaSet) -> OpenChoices:
    """The units the office may open assessments for: the issuing unit's direct, active
    units, the ones that lead tasks in its issued plans of the set's year suggested."""
    units = list(
        Unit.objects.filter(parent=criteria_set.unit, is_active=True).order_by("order", "name")
    )
    leading = set(
        Task.objects.filter(
            plan__issuing_unit=criteria_set.unit,
            plan__year=criteria_set.year,
            plan__status__in=[PlanStatus.ISSUED, PlanStatus.CLOSED],
        )
        .values_list("lead_unit__path", flat=True)
        .distinct()
    )
    suggested = {u.pk for u in units if any(p.startswith(u.path) for p in leading)}
    opened = set(criteria_set.assessments.values_list("unit_id", flat=True))
    return OpenChoices(units, suggested, opened)


@dataclass
class Counted:
    """One task, report or finding a computed criterion counted, and whether it met the rule."""

    label: str
    url: str
    met: bool


def ratio_items(page: AssessmentPage) -> dict[int, list[Counted]]:
    """Per computed criterion (by id), what it counted with a link to each: one query per
    kind of thing counted, however many criteria."""
    wanted: dict[str, set[int]] = {}
    for row in page.rows:
        if row.ratio is not None:
            wanted.setdefault(row.ratio.kind, set()).update(row.ratio.counted)
    unit_pk = page.assessment.unit_id
    labels: dict[str, dict[int, tuple[str, str]]] = {}
    if wanted.get(sources.TASK):
        labels[sources.TASK] = {
            t.pk: (f"{t.code} {t.title}", reverse("plans:task-detail", args=[t.pk]))
            for t in Task.objects.filter(pk__in=wanted[sources.TASK]).only("code", "title")
        }
    if wanted.get(sources.REPORT):
        labels[sources.REPORT] = {
            p.pk: (p.label, reverse("reporting:unit-report", args=[p.pk, unit_pk]))
            for p in ReportingPeriod.objects.filter(pk__in=wanted[sources.REPORT])
        }
    if wanted.get(sources.FINDING):
        labels[sources.FINDING] = {
            f.pk: (str(f), reverse("oversight:finding-detail", args=[f.pk]))
            for f in Finding.objects.filter(pk__in=wanted[sources.FINDING]).only(
                "number", "description"
            )
        }
    items = {}
    for row in page.rows:
        if row.ratio is None:
            continue
        known = labels.get(row.ratio.kind, {})
        items[row.criterion.pk] = [
            Counted(*known[pk], met=pk in row.ratio.met) for pk in row.ratio.counted if pk in known
        ]
    return items


# --- the office's survey points ---------------------------------------------------------------
#
# The survey's points come from outside the unit (the surveying body), so the office enters
# them whatever the state of the unit's assessment, a draft included. These reads go around
# `assessment_q`'s draft rule, and so return only what is the office's: the survey criteria's
# scores of the sets whose issuing unit the user is the office of (`permissions.can_manage`)
# and, of each assessment, its unit, status and version; never the unit's own points, texts
# or files, which live on the other criteria and the assessment's notes.


def survey_scores(*, user) -> QuerySet[Score]:
    """The survey criteria's scores of the sets the user is the office of, in any state."""
    return Score.objects.filter(
        access_for(user).unit_q("assessment__criteria_set__unit", Role.OFFICE),
        criterion__method=Method.SURVEY,
    )


def survey_score_get(*, user, pk: int) -> Score:
    """A survey criterion's score for its set's office, whatever its assessment's state;
    for anyone else as `score_get` (404 unless they may open the assessment)."""
    found = (
        survey_scores(user=user)
        .filter(pk=pk)
        .select_related("criterion", "assessment__criteria_set__unit", "assessment__unit")
        .first()
    )
    return found if found is not None else score_get(user=user, pk=pk)


def survey_assessment_get(*, user, pk: int) -> Assessment:
    """An assessment of a set the user is the office of, in any state: for what the
    survey's reads show of it (its unit, status, version), never the unit's own work."""
    found = (
        Assessment.objects.filter(access_for(user).unit_q("criteria_set__unit", Role.OFFICE), pk=pk)
        .select_related("criteria_set__unit", "unit")
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class SurveyCell:
    """One survey criterion of one unit: the points that stand, and whether the office may
    still change them (the assessment not finalised, its set in use)."""

    score: Score
    criterion: Criterion
    points: Decimal | None
    editable: bool


@dataclass
class SurveyRow:
    assessment: Assessment
    cells: list[SurveyCell | None]  # one per criterion of the table, in its order


@dataclass
class SurveyTable:
    criteria_set: CriteriaSet
    criteria: list[Criterion]  # the set's survey criteria, in code order
    rows: list[SurveyRow]  # one per assessment of the page, in the tree's order of the units
    page: Page  # of SURVEY_PAGE_SIZE units: a ministry's 1,500 are thirty pages, not one

    @property
    def cells(self) -> list[SurveyCell]:
        return [c for row in self.rows for c in row.cells if c is not None]

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


# Units a page of the survey table holds: its boxes stay well under the fields a request may
# carry (DATA_UPLOAD_MAX_NUMBER_FIELDS) with up to nine survey criteria, and the page light.
SURVEY_PAGE_SIZE = 50


def survey_table(*, user, criteria_set: CriteriaSet, page: str | int | None = 1) -> SurveyTable:
    """A page of the set's assessments (units) × each survey criterion, for the set's
    office only (else PermissionDenied): four queries, however many units."""
    if not can_manage(user, criteria_set.unit):
        raise PermissionDenied(_("Chỉ Văn phòng nhập điểm điều tra xã hội học, trước khi chốt."))
    criteria = sorted(
        criteria_set.criteria.filter(method=Method.SURVEY), key=lambda c: tree.code_key(c.code)
    )
    # What the table shows of each assessment, and nothing of the unit's own.
    shown = Paginator(
        criteria_set.assessments.select_related("unit")
        .only("criteria_set", "status", "version", "unit__name", "unit__short_name", "unit__path")
        .order_by("unit__path", "pk"),
        SURVEY_PAGE_SIZE,
    ).get_page(page)
    assessments = list(shown)
    scores = {
        (s.assessment_id, s.criterion_id): s
        for s in survey_scores(user=user)
        .filter(assessment__in=[a.pk for a in assessments])
        .only("assessment", "criterion", "appraised_points", "final_points")
    }
    rows = []
    for a in assessments:
        a.criteria_set = criteria_set
        open_now = step_states(a).can_enter_survey
        cells: list[SurveyCell | None] = []
        for c in criteria:
            score = scores.get((a.pk, c.pk))
            if score is None:
                cells.append(None)
                continue
            score.criterion = c
            points = score.final_points if a.is_finalised else score.appraised_points
            cells.append(SurveyCell(score, c, points, open_now))
        rows.append(SurveyRow(a, cells))
    return SurveyTable(criteria_set, criteria, rows, shown)
