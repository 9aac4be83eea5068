"""The year's results of a criteria set: each unit's points per area and in all, its rank and
its grade (xếp hạng, xếp loại).

The rules, on plain data (`Entry` in, `Results` out) so that they are tested alone:

* Only finalised assessments are ranked and graded, on their frozen points
  (`Score.final_points`). The others are listed apart as “chưa chốt”, with the points they
  would have today (live; projected while the year has not reached the cut-off), never
  ranked; a unit still scoring itself shows no points at all (no one outside the unit sees a
  self-assessment before it is sent).
* Ranking: by total, highest first; equal totals share a rank and the next rank skips
  (standard competition ranking: 1, 1, 3).
* Grade: by the share of the set's total points, compared exactly (89,999 % is below 90 %):
  from `excellent_from` “Hoàn thành xuất sắc nhiệm vụ”, from `good_from` “Hoàn thành tốt
  nhiệm vụ”, from `pass_from` “Hoàn thành nhiệm vụ”, below “Không hoàn thành nhiệm vụ”.
* The cap on the top grade (`excellent_cap`, a percentage of the ranked units): at most
  floor(n × cap ÷ 100) units are graded excellent, taken in rank order. A group of units
  sharing a rank that would cross that limit is moved down to “Hoàn thành tốt nhiệm vụ” as a
  whole — a tie cannot be split fairly — and so is every unit ranked below it. So one unit
  under a cap of 50 % has a limit of 0, and a cap of 0 grades no unit excellent; no cap, no
  limit. The page names the units moved and why.
"""

import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cchc.orgs.access import access_for

from . import sources, tree
from .assessment_selectors import counting_day
from .assessment_services import live_points
from .models import Assessment, AssessmentStatus, CriteriaSet, Method, Score, SetStatus
from .permissions import READ_ROLES, assessment_q

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    PASS = "pass", _("Hoàn thành nhiệm vụ")
    FAIL = "fail", _("Không hoàn thành nhiệm vụ")


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL]


@dataclass(frozen=True)
class Bands:
    """The set's classification: the least share (in per cent) for each grade, and the cap
    on the top grade (a percentage of the ranked units; None: no cap)."""

    excellent_from: Decimal = Decimal("90")
    good_from: Decimal = Decimal("70")
    pass_from: Decimal = Decimal("50")
    excellent_cap: int | None = None

    @classmethod
    def of(cls, criteria_set: CriteriaSet) -> "Bands":
        return cls(
            criteria_set.excellent_from,
            criteria_set.good_from,
            criteria_set.pass_from,
            criteria_set.excellent_cap,
        )


@dataclass
class Entry:
    """One unit's assessment as the rules read it: its points per area (in the set's order
    of areas) and whether they are final."""

    unit_id: int
    unit_name: str
    areas: list[Decimal]
    finalised: bool
    assessment_id: int | None = None
    status: str = ""
    shown: bool = True  # False: still scored by the unit, its points are not shown

    @property
    def total(self) -> Decimal:
        return sum(self.areas, ZERO)

    @property
    def status_label(self) -> str:
        return str(AssessmentStatus(self.status).label) if self.status else ""


@dataclass
class ResultRow:
    entry: Entry
    percent: Decimal | None  # exact share of the set's total points
    rank: int | None = None  # None: not ranked (not finalised)
    band_grade: str = ""  # the grade its share earns
    grade: str = ""  # the grade it gets, after the cap
    capped: bool = False  # moved down by the cap

    @property
    def total(self) -> Decimal:
        return self.entry.total

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass
class CapNote:
    """What the cap did: the limit it set and the units it moved down."""

    cap: int
    ranked: int
    limit: int
    moved: list[str] = field(default_factory=list)


@dataclass
class Results:
    max_total: Decimal
    area_max: list[Decimal]
    ranked: list[ResultRow]
    pending: list[ResultRow]  # chưa chốt: never ranked, never graded
    bands: Bands
    cap_note: CapNote | None = None

    def counts(self) -> list[tuple[str, str, int]]:
        """(grade, its words, how many ranked units have it), in the grades' order."""
        counts = {g: 0 for g in GRADE_ORDER}
        for row in self.ranked:
            counts[Grade(row.grade)] += 1
        return [(g.value, str(g.label), counts[g]) for g in GRADE_ORDER]


def share(total: Decimal, max_total: Decimal) -> Decimal | None:
    """total ÷ max_total in per cent, exact (never rounded before a comparison)."""
    if max_total <= 0:
        return None
    return total * HUNDRED / max_total


def percent_text(value: Decimal | None) -> str:
    """ "89,99": cut (not rounded) to two decimals, so that a share just below a band never
    reads as the band itself."""
    if value is None:
        return "–"
    return tree.points_text(value.quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def band_grade(percent: Decimal | None, bands: Bands) -> str:
    if percent is None:
        return Grade.FAIL
    if percent >= bands.excellent_from:
        return Grade.EXCELLENT
    if percent >= bands.good_from:
        return Grade.GOOD
    if percent >= bands.pass_from:
        return Grade.PASS
    return Grade.FAIL


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Ranks of totals already sorted highest first: equal totals share a rank, the next one
    skips (100, 100, 90 -> 1, 1, 3)."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and total == totals[i - 1] else i + 1)
    return ranks


def cap_limit(ranked: int, cap: int) -> int:
    """At most this many units may be graded excellent: floor(ranked × cap ÷ 100)."""
    return math.floor(ranked * cap / 100)


def apply_cap(rows: list[ResultRow], cap: int | None) -> CapNote | None:
    """Move down, in rank order, the units graded excellent beyond the cap's limit; a group
    sharing a rank moves as a whole, and every unit below the first group moved goes too."""
    if cap is None:
        return None
    note = CapNote(cap=cap, ranked=len(rows), limit=cap_limit(len(rows), cap))
    kept, full = 0, False
    excellent = [r for r in rows if r.grade == Grade.EXCELLENT]  # in rank order
    for _rank, tied in itertools.groupby(excellent, key=lambda r: r.rank):
        group = list(tied)
        if not full and kept + len(group) <= note.limit:
            kept += len(group)
            continue
        full = True
        for row in group:
            row.grade, row.capped = Grade.GOOD, True
            note.moved.append(row.entry.unit_name)
    return note


def classify(entries: Sequence[Entry], area_max: Sequence[Decimal], bands: Bands) -> Results:
    """The ranked, graded table of the finalised entries and the pending ones apart."""
    max_total = sum(area_max, ZERO)
    final = sorted(
        (e for e in entries if e.finalised), key=lambda e: (-e.total, e.unit_name, e.unit_id)
    )
    ranks = competition_ranks([e.total for e in final])
    ranked = []
    for entry, rank in zip(final, ranks, strict=True):
        percent = share(entry.total, max_total)
        grade = band_grade(percent, bands)
        ranked.append(ResultRow(entry, percent, rank, grade, grade))
    note = apply_cap(ranked, bands.excellent_cap)
    pending = [
        ResultRow(e, share(e.total, max_total) if e.shown else None)
        for e in sorted(
            (e for e in entries if not e.finalised), key=lambda e: (e.unit_name, e.unit_id)
        )
    ]
    return Results(max_total, list(area_max), ranked, pending, bands, note)


# --- reading them ------------------------------------------------------------------------


def can_see_results(user, criteria_set: CriteriaSet) -> bool:
    """The branch's office, leader, appraisers and viewers (READ_ROLES over the set's unit)."""
    return access_for(user).covers(criteria_set.unit.path, *READ_ROLES)


@dataclass
class Area:
    code: str
    title: str
    max_points: Decimal


@dataclass
class SetResults:
    criteria_set: CriteriaSet
    areas: list[Area]
    results: Results
    on: datetime.date  # the day the pending units' computed criteria are counted as of
    projected: bool  # that day is before the cut-off: the pending points are projected


def _area_of(code: str) -> str:
    return code.split(".", 1)[0]


def set_results(*, criteria_set: CriteriaSet, assessments: Sequence[Assessment]) -> SetResults:
    """The results of the given assessments of the set, read in three queries (areas, score
    rows) plus those of the computed criteria of the units not yet finalised, counted for
    all of them at once as of today or the cut-off; a draft's points are not read."""
    criteria = sorted(criteria_set.criteria.all(), key=lambda c: tree.code_key(c.code))
    areas = [Area(c.code, c.title, c.max_points) for c in criteria if "." not in c.code]
    index = {a.code: i for i, a in enumerate(areas)}
    on = counting_day(criteria_set)
    shown = {a.pk for a in assessments if a.status != AssessmentStatus.DRAFT}
    points: dict[int, list[Decimal]] = {a.pk: [ZERO] * len(areas) for a in assessments}
    scores = Score.objects.filter(assessment_id__in=shown).select_related("criterion")
    by_pk = {a.pk: a for a in assessments}
    # Per assessment, each data source is counted once however many criteria read it.
    pending = [a for a in assessments if a.pk in shown and not a.is_finalised]
    ratios = {pk: {} for pk in by_pk} | _pending_ratios(criteria_set, criteria, pending, on)
    for score in scores.order_by("assessment_id", "criterion_id"):
        assessment = by_pk[score.assessment_id]
        if assessment.is_finalised:
            value = score.final_points
        else:
            score.assessment = assessment
            value = live_points(score, on, ratios[assessment.pk])[0]
        slot = index.get(_area_of(score.criterion.code))
        if slot is not None:
            points[assessment.pk][slot] += value or ZERO
    entries = [
        Entry(
            unit_id=a.unit_id,
            unit_name=a.unit.name,
            areas=points[a.pk],
            finalised=a.is_finalised,
            assessment_id=a.pk,
            status=a.status,
            shown=a.pk in shown,
        )
        for a in assessments
    ]
    results = classify(entries, [a.max_points for a in areas], Bands.of(criteria_set))
    projected = on < criteria_set.cut_off_date
    return SetResults(criteria_set, areas, results, on, projected)


def _pending_ratios(
    criteria_set: CriteriaSet, criteria: list, pending: list[Assessment], on: datetime.date
) -> dict[int, dict]:
    """The data sources of the set's computed criteria, counted for every pending unit in
    the queries of one unit: a table of a ministry's units costs no query per unit."""
    found: dict[int, dict] = {a.pk: {} for a in pending}
    if not pending:
        return found
    for source in sorted({c.ratio_source for c in criteria if c.method == Method.RATIO}):
        counted = sources.compute_many(source, criteria_set, [a.unit for a in pending], on)
        for assessment in pending:
            found[assessment.pk][source] = counted[assessment.unit_id]
    return found


def _assessments(criteria_set: CriteriaSet, extra: Q | None = None) -> list[Assessment]:
    rows = criteria_set.assessments.select_related("unit", "criteria_set__unit")
    if extra is not None:
        rows = rows.filter(extra)
    return list(rows.order_by("unit__path"))


def results_get(*, user, criteria_set: CriteriaSet) -> SetResults:
    """The whole table, for those who may see results; Http404 for anyone else."""
    if not can_see_results(user, criteria_set):
        raise Http404
    return set_results(criteria_set=criteria_set, assessments=_assessments(criteria_set))


@dataclass
class UnitResult:
    """One unit's own line of the results, for its assessment's page."""

    row: ResultRow
    ranked: int  # how many units are ranked so far
    pending: int  # how many are not finalised yet: the rank may still change
    areas: list[Area]


def unit_result(*, user, assessment: Assessment) -> UnitResult | None:
    """The unit's row (rank among the finalised, grade after the cap) once its assessment is
    finalised, for whoever may open that assessment; None before. The other units' rows are
    read to rank it but never returned."""
    if not assessment.is_finalised:
        return None
    if not Assessment.objects.filter(assessment_q(user), pk=assessment.pk).exists():
        raise Http404
    criteria_set = assessment.criteria_set
    # Only finalised assessments are ranked: the others' points need not be read.
    final = _assessments(criteria_set, Q(status=AssessmentStatus.FINALISED))
    found = set_results(criteria_set=criteria_set, assessments=final)
    row = next(r for r in found.results.ranked if r.entry.assessment_id == assessment.pk)
    pending = criteria_set.assessments.exclude(status=AssessmentStatus.FINALISED).count()
    return UnitResult(row, len(found.results.ranked), pending, found.areas)


# --- the dashboard's card --------------------------------------------------------------------


@dataclass
class Summary:
    """A set's results in brief: how many units in each grade, the first ranks, and how many
    units are not finalised yet."""

    criteria_set: CriteriaSet
    counts: list[tuple[str, str, int]]
    top: list[ResultRow]
    ranked: int
    pending: int


def results_summary(*, user, unit, year: int, top: int = 3) -> Summary | None:
    """The results of the set the branch (`unit`) issued for `year`, for those who may see
    them: the closed set, else the one in use (the first made, if several); None when there
    is none or no unit is finalised yet. Only finalised assessments are read."""
    if not access_for(user).covers(unit.path, *READ_ROLES):
        return None
    sets = CriteriaSet.objects.filter(
        unit=unit, year=year, status__in=[SetStatus.CLOSED, SetStatus.IN_USE]
    ).select_related("unit")
    # "closed" sorts before "in_use": a year's finished set first.
    criteria_set = sets.order_by("status", "pk").first()
    if criteria_set is None:
        return None
    final = _assessments(criteria_set, Q(status=AssessmentStatus.FINALISED))
    if not final:
        return None
    found = set_results(criteria_set=criteria_set, assessments=final).results
    pending = criteria_set.assessments.exclude(status=AssessmentStatus.FINALISED).count()
    first = [row for row in found.ranked if row.rank is not None and row.rank <= top]
    return Summary(criteria_set, found.counts(), first, len(found.ranked), pending)
