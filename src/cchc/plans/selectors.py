"""Every read the web pages, exports and API share, already scoped to the user."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Length
from django.http import Http404
from django.utils.translation import gettext as _

from cchc.audit.models import AuditEvent
from cchc.audit.selectors import object_history
from cchc.lib.numbers import completion_rate
from cchc.lib.paging import PLAN_FIRST
from cchc.lib.text import fold, person_name
from cchc.notifications.models import Notification
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit

from . import permissions
from .history import (
    ReviewStatus,
    annotate_review,
    annotate_state,
    review_conditions,
    review_status,
    state_q,
)
from .models import (
    Area,
    CompletionReview,
    Evidence,
    Nudge,
    Plan,
    PlanStatus,
    ReviewState,
    SupportingUnit,
    Task,
    TaskStatus,
    TaskUpdate,
)
from .timeliness import Timeliness, timeliness_q


def plan_list(*, user) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(permissions.plan_q(access_for(user)))
        .select_related("issuing_unit", "parent")
        .order_by("-year", "issuing_unit__path", "id")
    )


def plan_get(*, user, pk: int) -> Plan:
    plan = plan_list(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Không tìm thấy kế hoạch."))
    return plan


# Plans a page's plan switcher lists (the latest first); a user with fewer sees them all.
PLAN_MENU = 100


def plan_menu(*, user) -> list[Plan]:
    """The plans of the switcher: the first PLAN_MENU of `plan_list`."""
    return list(plan_list(user=user)[:PLAN_MENU])


def plan_in_force(*, user, today: datetime.date, plans: list[Plan] | None = None) -> Plan | None:
    """The plan a user lands on: one issued for today's year (else the latest year before
    it, else the nearest after), of the user's own unit or of the nearest unit above it.

    Next year's plan, issued in December, is not in force yet: this year's overdue tasks
    stay in view until the year turns. `plans`: every plan the user may read, in
    `plan_list`'s order, when the caller has them already (no query then)."""
    if plans is None:
        issued_qs = plan_list(user=user).exclude(status=PlanStatus.DRAFT)
        years = set(issued_qs.values_list("year", flat=True).distinct())
    else:
        issued = [p for p in plans if p.status != PlanStatus.DRAFT]
        years = {p.year for p in issued}
    if not years:
        return None
    past = [y for y in years if y <= today.year]
    year = max(past) if past else min(years)
    own_paths = [p for paths in access_for(user).paths.values() for p in paths]

    def nearness(plan: Plan) -> tuple[int, int]:
        # Deepest issuing unit that is the user's unit or above it; else the shallowest.
        path = plan.issuing_unit.path
        depth = path.count("/")
        return (depth, 0) if any(own.startswith(path) for own in own_paths) else (-1, -depth)

    if plans is None:
        return max(issued_qs.filter(year=year)[:500], key=nearness)
    return max((p for p in issued if p.year == year), key=nearness)


# A status filter value beside the real statuses: every task not done and not cancelled.
OPEN = "open"


@dataclass
class TaskFilters:
    plan: int | None = None
    area: int | None = None
    unit: int | None = None  # lead unit and every unit below it
    timeliness: str | None = None
    status: str | None = None
    q: str = ""
    mine: bool = False  # only tasks the user's own units lead or support
    ids: list[int] = field(default_factory=list)
    # Exactly this lead unit, not the units below it (added last: positional use stays valid).
    lead_unit: int | None = None
    review: str | None = None  # a ReviewState as of the reference date


def task_list(
    *, user, filters: TaskFilters, today: datetime.date, plan: Plan | None = None
) -> QuerySet[Task]:
    """Tasks the user may read, filtered, each with its state as of `today` (the reference
    date: `state_status`, `state_progress`, `state_completed_on`) and its
    `timeliness` as of then. Status and timeliness filters apply to that state.

    `plan`, when the caller holds the plan of `filters.plan`: if the user may read all of
    it, no task is checked against the user's scope (no join per task); nor are they when
    `filters.unit` is a branch the user works in or oversees, or, without it, when the
    user works in or oversees the whole tree. `filters.mine` narrows the scope itself."""
    access = access_for(user)
    unit = Unit.objects.filter(pk=filters.unit).only("path").first() if filters.unit else None
    whole_plan = plan if plan is not None and plan.pk == filters.plan else None
    plan_id = filters.plan or None  # narrows the scope's subqueries to the plan
    if filters.mine:
        qs = annotate_state(Task.objects.filter(permissions.mine_q(access, plan=plan_id)), today)
    elif whole_plan and permissions.reads_whole_plan(access, whole_plan):
        qs = annotate_state(Task.objects.all(), today)
    else:
        if unit:
            branch = permissions.branch_task_q(access, unit.path)
        else:
            branch = permissions.tree_task_q(access, _root_paths(access))
        scope = permissions.task_q(access, plan=plan_id) if branch is None else branch
        qs = annotate_state(Task.objects.filter(scope), today)
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.area:
        qs = qs.filter(area_id=filters.area)
    if filters.unit:
        qs = qs.filter(lead_unit__path__startswith=unit.path) if unit else qs.none()
    if filters.lead_unit:
        qs = qs.filter(lead_unit_id=filters.lead_unit)
    qs = _state_filters(qs, filters, today)
    if filters.q:
        for word in fold(filters.q).split():
            qs = qs.filter(search_text__contains=word)
    if filters.ids:
        qs = qs.filter(pk__in=filters.ids)
    # The newest year's plans first: with years of history, a list of every plan opens on
    # this year's tasks, not on the first year's.
    return qs.select_related("plan", "area", "lead_unit", "section").order_by(
        *PLAN_FIRST, "area__code", "order", "id"
    )


def _root_paths(access) -> list[str]:
    """The paths of the tree's roots, looked up only for a user with a unit at the top
    (no one else can cover them all)."""
    top = any(path.count("/") == 2 for paths in access.paths.values() for path in paths)
    if not top:
        return []
    return list(Unit.objects.filter(parent__isnull=True).values_list("path", flat=True))


def _state_filters(qs: QuerySet, filters: TaskFilters, today: datetime.date) -> QuerySet:
    """The filters on the state as of `today`: status, timeliness, the office's review."""
    if filters.status == OPEN:
        # Named, not "neither done nor cancelled": the database then reaches each plan's
        # open tasks through the (plan, status, due_date) index instead of reading them all.
        qs = qs.filter(state_status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS])
    elif filters.status:
        qs = qs.filter(state_status=filters.status)
    if filters.timeliness and filters.timeliness in Timeliness.labels:
        qs = qs.filter(state_q(filters.timeliness, today))
    if filters.review in ReviewState.values:
        # Read only when asked: the review's subqueries cost on every row.
        qs = annotate_review(qs, today).filter(review_state=filters.review)
    return qs


def task_get(*, user, pk: int) -> Task:
    task = (
        Task.objects.filter(permissions.task_q(access_for(user)), pk=pk)
        .select_related("plan__issuing_unit", "plan__parent", "area", "lead_unit", "section")
        .prefetch_related("supporting_units")
        .first()
    )
    if task is None:
        raise Http404(_("Không tìm thấy nhiệm vụ."))
    return task


def task_updates(*, user, task: Task) -> list[TaskUpdate]:
    """The task's updates, each with only the evidence this user may read."""
    visible = Evidence.objects.filter(permissions.evidence_q(access_for(user)))
    return list(
        task.updates.select_related("author", "unit").prefetch_related(
            Prefetch(
                "evidence", queryset=visible.select_related("unit"), to_attr="visible_evidence"
            )
        )
    )


def task_evidence(*, user, task: Task) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(permissions.evidence_q(access_for(user)), task=task)
        .select_related("unit", "uploaded_by")
        .order_by("-effective_on", "-id")
    )


def evidence_get(*, user, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(permissions.evidence_q(access_for(user)), pk=pk)
        .select_related("task")
        .first()
    )
    if evidence is None:
        raise Http404(_("Không tìm thấy tài liệu."))
    return evidence


@dataclass
class CascadeRow:
    task: Task
    timeliness: str


def child_tasks(*, user, task: Task, today: datetime.date) -> QuerySet[Task]:
    """Tasks of child plans that carry this task out, as far as the user may see them."""
    return task_list(user=user, filters=TaskFilters(), today=today).filter(parent_task=task)


def combined_progress(rows) -> int | None:
    rows = list(rows)
    if not rows:
        return None
    return round(sum(r.state_progress for r in rows) / len(rows))


def uncovered_parent_tasks(*, user, plan: Plan, today: datetime.date) -> QuerySet[Task]:
    """Parent-plan tasks assigned to this plan's unit that no task of this plan carries out."""
    if not plan.parent_id:
        return Task.objects.none()
    covered = Task.objects.filter(plan=plan, parent_task_id=OuterRef("pk"))
    return (
        task_list(user=user, filters=TaskFilters(plan=plan.parent_id), today=today)
        .filter(Q(lead_unit=plan.issuing_unit) | Q(supporting_units=plan.issuing_unit))
        .exclude(Exists(covered))
        .distinct()
    )


def covered_parent_tasks(*, user, plan: Plan, today: datetime.date) -> QuerySet[Task]:
    if not plan.parent_id:
        return Task.objects.none()
    covered = Task.objects.filter(plan=plan, parent_task_id=OuterRef("pk"))
    return task_list(user=user, filters=TaskFilters(plan=plan.parent_id), today=today).filter(
        Exists(covered)
    )


@dataclass
class PlanSummary:
    """The dashboard's numbers for one plan, over the tasks the user may read."""

    total: int
    by_timeliness: dict[str, int]
    by_area: list[dict]
    completion_rate: float | None
    # Awaiting, confirmed and returned as of the day (ReviewState).
    reviews: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None
    # Each lead unit's sums (plan_summary's columns) and path. The dashboard rolls them up
    # by branch as they are: a row of figures for each of 1,500 units cost it 15 ms.
    unit_sums: dict[int, list[int]] = field(default_factory=dict)
    unit_paths: dict[int, str] = field(default_factory=dict)

    @cached_property
    def by_unit(self) -> list[dict]:
        """Each lead unit's figures (as `by_area`'s), in the tree's order."""
        return sorted(
            (
                {"lead_unit_id": pk, "lead_unit__path": self.unit_paths[pk]} | _figures(sums)
                for pk, sums in self.unit_sums.items()
            ),
            key=lambda row: row["lead_unit__path"],
        )

    def units_with(self, codes) -> int:
        """How many lead units have a task in one of these categories (of COUNTED)."""
        columns = [3 + COUNTED.index(code) for code in codes]
        return sum(1 for sums in self.unit_sums.values() if any(sums[i] for i in columns))


# The categories plan_summary's query counts, in its order. The other two follow from
# them, since the categories part every task: on time is done less done late; on track,
# the rest. Each count re-reads the deadline as of the day (a CASE over its moves), so two
# fewer counts are a third of the dashboard's SQL as of a past date.
COUNTED = (
    Timeliness.DONE_LATE,
    Timeliness.OVERDUE,
    Timeliness.DUE_SOON,
    Timeliness.RECURRING,
    Timeliness.CANCELLED,
)
REVIEW_STATES = tuple(ReviewState.values)


def plan_summary(*, user, plan: Plan, today: datetime.date, unit: int | None = None) -> PlanSummary:
    """The plan's figures in one scan of its tasks, grouped by area and lead unit, then
    summed by area and by lead unit in the same query: the plan's, each area's and each
    unit's figures. Three queries, whatever the number of tasks, units or years of history."""
    tasks = task_list(
        user=user, filters=TaskFilters(plan=plan.pk, unit=unit), today=today, plan=plan
    )
    conditions = review_conditions(today)
    figures = {
        "n": Count("id"),
        "progress_sum": Sum("state_progress"),
        "done": Count("id", filter=Q(state_status="done")),
        # Each category (the charts' segments) and, reported done is not confirmed, the
        # office's reviews as of the day shown.
        **{f"t_{code}": Count("id", filter=state_q(code, today)) for code in COUNTED},
        **{f"r_{state}": Count("id", filter=conditions[state]) for state in REVIEW_STATES},
    }
    groups = (
        tasks.order_by()
        .values("area_id", "lead_unit_id")
        .annotate(**figures)
        .order_by()
        .values_list("area_id", "lead_unit_id", *figures)
    )
    areas_sums: dict[int, list[int]] = {}
    unit_sums: dict[int, list[int]] = {}
    for by_area, key, *sums in _sums_by_area_and_unit(groups, list(figures)):
        (areas_sums if by_area else unit_sums)[key] = sums
    areas = {area.pk: area for area in area_list()}
    # Every unit's path, not those of the lead units by id: a thousand ids in an IN list
    # cost the ORM more than the whole table's two columns.
    paths = dict(Unit.objects.order_by().values_list("pk", "path"))
    by_area = sorted(
        (
            {"area_id": pk, "area__code": areas[pk].code, "area__name": areas[pk].name}
            | _figures(sums)
            for pk, sums in areas_sums.items()
        ),
        key=lambda row: row["area__code"],
    )
    by_timeliness = {key: 0 for key, __ in Timeliness.choices}
    for row in by_area:
        for code in by_timeliness:
            by_timeliness[code] += row["by_timeliness"][code]
    done = by_timeliness[Timeliness.DONE_ON_TIME] + by_timeliness[Timeliness.DONE_LATE]
    return PlanSummary(
        total=sum(by_timeliness.values()),
        by_timeliness=by_timeliness,
        by_area=by_area,
        completion_rate=completion_rate(done, by_timeliness[Timeliness.OVERDUE]),
        reviews={state: sum(row[state] for row in by_area) for state in REVIEW_STATES},
        plan=plan,
        unit_sums=unit_sums,
        unit_paths={pk: paths[pk] for pk in unit_sums},
    )


def _sums_by_area_and_unit(groups: QuerySet, columns: list[str]) -> list[tuple]:
    """The groups of (area, lead unit, figures…) summed by area and by lead unit in SQL:
    rows of (1, area, sums…) and (0, lead unit, sums…). The database sums thousands of
    groups faster than Python, and sends a row per unit instead of one per unit and area
    (the same two sums as GROUPING SETS, which SQLite lacks and which keeps PostgreSQL
    from scanning in parallel; a grouped CTE keeps it)."""
    try:
        sql, params = groups.query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing: no query at all
        return []
    connection = connections[groups.db]
    name = connection.ops.quote_name
    # Sums of counts are numeric on PostgreSQL (Decimal in Python): cast back to integers.
    sums = ", ".join(f"CAST(SUM({name(column)}) AS BIGINT)" for column in columns)
    area, unit = name("area_id"), name("lead_unit_id")
    # Column names are the queryset's own aliases; values stay parameters.
    query = (
        f"WITH g AS ({sql}) "  # noqa: S608  # nosec B608
        f"SELECT 1, {area}, {sums} FROM g GROUP BY {area} "
        f"UNION ALL SELECT 0, {unit}, {sums} FROM g GROUP BY {unit}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _figures(sums: list[int]) -> dict:
    """One row of figures from the sums of plan_summary's groups (n, progress_sum, done,
    the categories, the review states): `n`, `done`, `overdue`, `progress` (the mean),
    `by_timeliness` and one count per review state (`confirmed`...)."""
    n, progress_sum, done = sums[:3]
    counted = dict(zip(COUNTED, sums[3 : 3 + len(COUNTED)], strict=True))
    reviews = dict(zip(REVIEW_STATES, sums[3 + len(COUNTED) :], strict=True))
    late = counted[Timeliness.DONE_LATE]
    by_timeliness = {
        Timeliness.DONE_ON_TIME: done - late,
        Timeliness.ON_TRACK: n - done - (sum(counted.values()) - late),
        **counted,
    }
    return {
        "n": n,
        "done": done,
        "overdue": by_timeliness[Timeliness.OVERDUE],
        "progress": progress_sum / n if n else None,
        "by_timeliness": by_timeliness,
        **reviews,
    }


def all_areas(by_area: list[dict]) -> list[dict]:
    """`PlanSummary.by_area` with a row of zeros for each area the plan has no task in, so
    the dashboard always shows the seven areas. One query."""
    found = {row["area_id"]: row for row in by_area}
    empty = {"n": 0, "done": 0, "overdue": 0, "confirmed": 0, "progress": None}
    return [
        found.get(area.pk)
        or {
            "area_id": area.pk,
            "area__code": area.code,
            "area__name": area.name,
            **empty,
            "by_timeliness": dict.fromkeys(Timeliness.labels, 0),
        }
        for area in area_list()
    ]


# --- reads added for the web interface --------------------------------------------------


def area_list() -> QuerySet[Area]:
    """The seven reform areas: reference data, the same for every user."""
    return Area.objects.order_by("code")


def _tree_order(units: list) -> list:
    """Units depth-first, siblings by (order, name): the order people read an org chart in."""
    by_parent: dict[int | None, list] = {}
    ids = {u.pk for u in units}
    for unit in units:
        key = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(key, []).append(unit)
    for siblings in by_parent.values():
        siblings.sort(key=lambda u: (u.order, u.name))
    out: list = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        unit = stack.pop()
        out.append(unit)
        stack.extend(reversed(by_parent.get(unit.pk, [])))
    return out


class UnitChoice(NamedTuple):
    """A unit as a choice in a list: light enough to offer thousands of them."""

    pk: int
    name: str
    short_name: str
    path: str
    parent_id: int | None
    order: int

    def __str__(self) -> str:
        return self.short_name or self.name


def _units_in_scope(user, roles: tuple[str, ...]) -> tuple[QuerySet[Unit], tuple[str, ...]]:
    """Active units in the user's scope for `roles` (any role when empty), and the paths
    of that scope's tops (none for a superuser, whose scope is every unit)."""
    access = access_for(user)
    qs = Unit.objects.filter(is_active=True)
    if access.is_superuser:
        return qs, ()
    paths = access.paths_for(*(roles or Role.values))
    if not paths:
        return qs.none(), ()
    return qs.filter(reduce(or_, (Q(path__startswith=p) for p in paths))), paths


def _choices(qs: QuerySet[Unit]) -> list[UnitChoice]:
    rows = qs.order_by().values_list("id", "name", "short_name", "path", "parent_id", "order")
    return [UnitChoice(*row) for row in rows]


def unit_choices(*, user, roles: tuple[str, ...] = ()) -> list[UnitChoice]:
    """Active units in the user's scope for `roles` (any role when empty), in tree order.

    What a filter or a bulk action may offer; the services still decide what is allowed.
    """
    qs, _tops = _units_in_scope(user, roles)
    return _tree_order(_choices(qs))


# Units a search box offers at once; typing more words narrows them.
UNIT_MATCHES = 30
# Words of a search for units that count (a longer search is cut).
UNIT_SEARCH_MAX = 100


@dataclass
class UnitMatches:
    """What a unit search box offers: `units` in tree order, and how many more matched."""

    units: list[UnitChoice]
    more: int = 0


def unit_search(
    *, user, text: str, roles: tuple[str, ...] = (), seen: dict | None = None
) -> UnitMatches:
    """Units in the user's scope for `roles` whose name or short name holds every word of
    `text` (diacritics and case ignored), in tree order, at most UNIT_MATCHES. Without
    words, the top of the scope: the user's own units and those just below them.

    Two queries at most, whatever the number of units: lists load this on demand instead
    of offering every unit of a ministry on each page. `seen`: the searches a page made
    already, kept by scope and words (two boxes over the same scope ask once)."""
    qs, tops = _units_in_scope(user, roles)
    words = fold(text[:UNIT_SEARCH_MAX]).split()
    key = (tops, tuple(words))
    if seen is not None and key in seen:
        return seen[key]
    found = _unit_search(qs, tops, words)
    if seen is not None:
        seen[key] = found
    return found


def _unit_search(qs: QuerySet[Unit], tops: tuple[str, ...], words: list[str]) -> UnitMatches:
    if not words:
        return _scope_top(qs, tops)
    found = []
    for unit in _tree_order(_choices(qs)):
        folded = fold(f"{unit.name} {unit.short_name}")
        if all(word in folded for word in words):
            found.append(unit)
    return UnitMatches(found[:UNIT_MATCHES], max(0, len(found) - UNIT_MATCHES))


def _scope_top(qs: QuerySet[Unit], tops: tuple[str, ...]) -> UnitMatches:
    # A path is "/" and nine characters per level ("00000001/"): two levels below a top
    # path `p` are those at most len(p) + 9 long (for a superuser, the roots and theirs).
    starts = tops or ("/",)
    near = reduce(
        or_,
        (Q(path__startswith=p, path_length__lte=len(p) + (9 if tops else 18)) for p in starts),
    )
    units = _choices(qs.annotate(path_length=Length("path")).filter(near))
    ordered = _tree_order(units)
    return UnitMatches(ordered[:UNIT_MATCHES], max(0, len(ordered) - UNIT_MATCHES))


def unit_pick(*, user, pk: int | None, roles: tuple[str, ...] = ()) -> UnitChoice | None:
    """The unit of this id when it is active and in the user's scope for `roles`; one
    query (a bulk action's chosen unit, checked without loading every unit)."""
    if not pk:
        return None
    qs, _tops = _units_in_scope(user, roles)
    found = _choices(qs.filter(pk=pk))
    return found[0] if found else None


def units_by_id(*, ids) -> dict[int, Unit]:
    """Names and paths of units, to label rows (unit names are not confidential)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {
        u.pk: u
        for u in Unit.objects.filter(pk__in=ids).only("id", "name", "short_name", "path", "order")
    }


def plan_tasks(*, user, plan: Plan, today: datetime.date) -> QuerySet[Task]:
    """The plan's tasks the user may read, ordered by area, then section, for grouping."""
    return task_list(user=user, filters=TaskFilters(plan=plan.pk), today=today).order_by(
        "area__code",
        F("section__order").asc(nulls_first=True),
        "section_id",
        "order",
        "id",
    )


def parent_plan(*, user, plan: Plan) -> Plan | None:
    """The plan this one concretises, when the user may read it."""
    if not plan.parent_id:
        return None
    return plan_list(user=user).filter(pk=plan.parent_id).first()


def child_plans(*, user, plan: Plan) -> QuerySet[Plan]:
    """Plans that concretise this one, as far as the user may read them."""
    return plan_list(user=user).filter(parent_id=plan.pk)


def parent_task(*, user, task: Task, today: datetime.date) -> Task | None:
    """The parent plan's task this one carries out, when the user may read it."""
    if not task.parent_task_id:
        return None
    return (
        task_list(user=user, filters=TaskFilters(), today=today)
        .filter(pk=task.parent_task_id)
        .first()
    )


@dataclass(frozen=True)
class TaskAbilities:
    """What the user may do on one task; pages show only the actions allowed."""

    can_add_note: bool
    can_report_progress: bool
    is_office: bool
    can_review: bool = False  # confirm or return a reported completion


def task_abilities(*, user, task: Task) -> TaskAbilities:
    access = access_for(user)
    return TaskAbilities(
        can_add_note=permissions.can_add_note(access, task),
        can_report_progress=permissions.can_report_progress(access, task),
        is_office=permissions.can_office_task(access, task),
        can_review=permissions.can_review_completion(access, task),
    )


@dataclass
class TaskReview:
    """The office's review of a task as it stands today, and every review so far (newest
    first), for the task page."""

    status: ReviewStatus
    reviews: list[CompletionReview]

    @property
    def awaiting(self) -> bool:
        return self.status.state == ReviewState.AWAITING

    @property
    def attempt(self) -> int:
        """The number the pending report would have among the task's done reports."""
        return len(self.reviews) + 1


def task_review(*, task: Task, updates: list[TaskUpdate], today: datetime.date) -> TaskReview:
    """The task is already the user's to read; `updates` are its history (task_updates)."""
    reviews = list(task.completion_reviews.select_related("reviewed_by", "update"))
    return TaskReview(status=review_status(updates, reviews, today), reviews=reviews)


def review_queue(*, user, today: datetime.date) -> QuerySet[Task]:
    """Tasks awaiting the user's confirmation of their completion, oldest report first,
    each with `report_on` (the done report's date), `evidence_count` and `attempt`."""
    access = access_for(user)
    reviewable = Task.objects.filter(
        permissions.task_q(access), permissions.review_q(access), status=TaskStatus.DONE
    )
    qs = annotate_review(annotate_state(reviewable, today), today).filter(
        review_state=ReviewState.AWAITING
    )
    report = (
        TaskUpdate.objects.filter(task_id=OuterRef("pk"), status_after=TaskStatus.DONE)
        .exclude(status_before=TaskStatus.DONE)
        .order_by("-reported_on", "-id")
    )
    return (
        qs.annotate(
            report_on=Subquery(report.values("reported_on")[:1]),
            evidence_count=_count(Evidence.objects.filter(task_id=OuterRef("pk"))),
            attempt=_count(CompletionReview.objects.filter(task_id=OuterRef("pk"))) + 1,
        )
        .select_related("plan", "lead_unit", "area")
        .order_by("report_on", "plan_id", "id")
    )


def _count(rows: QuerySet):
    """How many `rows` (correlated to the outer task) as a subquery: 0 for none."""
    counted = rows.order_by().values("task_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


def plan_can_manage(*, user, plan: Plan) -> bool:
    return permissions.can_manage_plan(access_for(user), plan)


@dataclass
class TaskHistory:
    """An object's audit events (a task's include its evidence's), with names to label the
    ids in them."""

    events: list[AuditEvent]
    unit_names: dict[int, str]
    area_names: dict[int, str]


def task_history(*, user, task: Task) -> TaskHistory | None:
    """The office's view of a task's history; None for anyone else."""
    if not permissions.can_office_task(access_for(user), task):
        return None
    evidence_ids = list(Evidence.objects.filter(task=task).values_list("pk", flat=True))
    events = list(
        object_history(obj=task, extra=[("plans.evidence", evidence_ids)])
        if evidence_ids
        else object_history(obj=task)
    )
    unit_ids: set[int] = set()
    for event in events:
        for name in ("lead_unit_id", "supporting_units"):
            pair = event.changes.get(name) if isinstance(event.changes, dict) else None
            if isinstance(pair, list):
                for value in pair:
                    if isinstance(value, int):
                        unit_ids.add(value)
                    elif isinstance(value, list):
                        unit_ids.update(v for v in value if isinstance(v, int))
    return TaskHistory(
        events=events,
        unit_names={pk: str(u) for pk, u in units_by_id(ids=unit_ids).items()},
        area_names=dict(Area.objects.values_list("pk", "name")),
    )


def plan_history(*, user, plan: Plan) -> TaskHistory | None:
    """The plan's own audit events (create, edits, import, issue), for its office only."""
    if not permissions.can_manage_plan(access_for(user), plan):
        return None
    events = list(object_history(obj=plan))
    unit_ids = {
        v
        for e in events
        if isinstance(e.changes, dict)
        for v in (e.changes.get("issuing_unit_id") or [])
        if isinstance(v, int)
    }
    return TaskHistory(
        events=events,
        unit_names={pk: str(u) for pk, u in units_by_id(ids=unit_ids).items()},
        area_names={},
    )


@dataclass
class BranchRow:
    """Dashboard row: one unit's branch (or, `direct`, the tasks the root unit leads itself)."""

    unit_id: int
    name: str
    direct: bool
    n: int = 0
    done: int = 0
    overdue: int = 0
    confirmed: int = 0
    progress_sum: float = 0.0
    by_timeliness: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(Timeliness.labels, 0)
    )

    @property
    def progress(self) -> int:
        return round(self.progress_sum / self.n) if self.n else 0


def summary_by_branch(*, summary: PlanSummary, root: int | None = None) -> tuple[Unit | None, list]:
    """Roll the summary's lead units up to the branches just below `root`; one query.

    Without a root, the root is the lowest unit above every lead unit. Each row covers a
    whole branch, so its numbers match the task list filtered by that unit; the root's own
    tasks form a separate `direct` row (matching the exact lead-unit filter). Returns the
    root unit (None when the lead units share no ancestor) and the rows.
    """
    if not summary.unit_sums:
        return None, []
    segments = {pk: path.strip("/").split("/") for pk, path in summary.unit_paths.items()}
    if root is None:
        common: list[str] = []
        for parts in zip(*segments.values(), strict=False):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
    else:
        # Every row lies under the root, so the root's path is a prefix of each row's path.
        first = next(iter(segments.values()))
        at = next((i for i, part in enumerate(first) if int(part) == root), None)
        common = first[: at + 1] if at is not None else []
    root_path = "/" + "".join(f"{part}/" for part in common)
    # Each branch's units' sums, added column by column once per branch.
    grouped: dict[tuple[bool, int], list[list[int]]] = {}
    for pk, sums in summary.unit_sums.items():
        if not summary.unit_paths[pk].startswith(root_path):
            continue
        segment = segments[pk]
        direct = len(segment) == len(common)
        key = int(segment[-1]) if direct else int(segment[len(common)])
        grouped.setdefault((direct, key), []).append(sums)
    rows = [
        _branch_row(key, direct, [sum(column) for column in zip(*lists, strict=True)])
        for (direct, key), lists in grouped.items()
    ]
    root_id = int(common[-1]) if common else None
    units = units_by_id(ids={root_id, *(row.unit_id for row in rows)})
    for row in rows:
        unit = units.get(row.unit_id)
        row.name = str(unit) if unit else f"#{row.unit_id}"
    ordered = sorted(
        rows,
        key=lambda row: (
            not row.direct,
            units[row.unit_id].order if row.unit_id in units else 0,
            row.name,
        ),
    )
    return units.get(root_id) if root_id else None, ordered


def _branch_row(unit_id: int, direct: bool, sums: list[int]) -> BranchRow:
    figures = _figures(sums)
    return BranchRow(
        unit_id=unit_id,
        name="",
        direct=direct,
        n=figures["n"],
        done=figures["done"],
        overdue=figures["overdue"],
        confirmed=figures["confirmed"],
        progress_sum=sums[1] or 0,
        by_timeliness={code: figures["by_timeliness"][code] for code in Timeliness.labels},
    )


def task_export_rows(*, user, filters: TaskFilters, today: datetime.date) -> Iterator[dict]:
    """Every filtered task as a flat dict, streamed, for exports (never paginated).

    Supporting units come from one extra query for the whole set, not one per row.
    """
    tasks = task_list(user=user, filters=filters, today=today)
    if not filters.review:  # the review filter has annotated it already
        tasks = annotate_review(tasks, today)
    supporting: dict[int, list[str]] = {}
    links = (
        SupportingUnit.objects.filter(task_id__in=tasks.values("pk"))
        .order_by("task_id", "unit__path")
        .values_list("task_id", "unit__short_name", "unit__name")
    )
    for task_id, short_name, name in links.iterator(chunk_size=5000):
        supporting.setdefault(task_id, []).append(short_name or name)
    # Tuples, not values() dicts: each row becomes the exporter's dict in one step.
    rows = tasks.values_list(  # type: ignore[misc]  # with annotate_state's fields
        "id",
        "code",
        "title",
        "area__code",
        "area__name",
        "lead_unit__name",
        "state_due_text",
        "state_due_date",
        "state_status",
        "state_progress",
        "timeliness",
        "deliverable",
        "review_state",
    )
    for row in rows.iterator(chunk_size=2000):
        pk, code, title, area_code, area_name, lead, due_text, due_date = row[:8]
        status, progress, timeliness, deliverable, review_state = row[8:]
        yield {
            "id": pk,
            "code": code,
            "title": title,
            "area__code": area_code,
            "area__name": area_name,
            "lead_unit__name": lead,
            "supporting_units": ", ".join(supporting.pop(pk, ())),
            "due_text": due_text,
            "due_date": due_date,
            "status": status,
            "progress": progress,
            "timeliness": timeliness,
            "deliverable": deliverable,
            "review_state": review_state,
        }


@dataclass
class TaskNotice:
    """One reminder or nudge about a task, with everyone it went to."""

    created_at: datetime.datetime
    kind: str
    title: str
    recipients: list[str]
    body: str = ""  # a nudge's message and the tasks it names


def task_notices(*, user, task: Task, limit: int = 50) -> list[TaskNotice]:
    """The reminders and nudges sent about a task (the task is already the user's to read),
    newest first; one row per sending, naming its recipients. A nudge naming several
    tasks is one notification per person about the nudge, listed on each of its tasks."""
    nudges = Nudge.tasks.through.objects.filter(task_id=task.pk).values("nudge_id")
    rows = (
        Notification.objects.filter(
            Q(subject_type="plans.task", subject_id=task.pk)
            | Q(subject_type="plans.nudge", subject_id__in=nudges)
        )
        .select_related("recipient")
        .order_by("-created_at", "key", "id")[: limit * 4]
    )
    notices: dict[tuple, TaskNotice] = {}
    for n in rows:
        group = (n.kind, n.key or f"{n.created_at}:{n.title}")
        if group not in notices:
            body = n.body if n.subject_type == "plans.nudge" else ""
            notices[group] = TaskNotice(n.created_at, n.get_kind_display(), n.title, [], body)
        notices[group].recipients.append(person_name(n.recipient))
    return list(notices.values())[:limit]


@dataclass
class NudgeUnit:
    """A unit the office may nudge about a plan, with its urgent open tasks."""

    pk: int
    name: str
    overdue: int
    due_soon: int


def nudge_units(*, user, plan: Plan, today: datetime.date) -> list[NudgeUnit]:
    """Lead units with open tasks of the plan overdue or due soon as of `today`, most
    overdue first; none unless the user's office manages the plan and it is issued."""
    if plan.status != PlanStatus.ISSUED or not plan_can_manage(user=user, plan=plan):
        return []
    overdue = timeliness_q(Timeliness.OVERDUE, today)
    soon = timeliness_q(Timeliness.DUE_SOON, today)
    rows = (
        Task.objects.filter(overdue | soon, plan=plan)
        .order_by()
        .values("lead_unit_id", "lead_unit__name", "lead_unit__path")
        .annotate(overdue=Count("id", filter=overdue), due_soon=Count("id", filter=soon))
        .order_by("-overdue", "lead_unit__path")
    )
    return [
        NudgeUnit(r["lead_unit_id"], r["lead_unit__name"], r["overdue"], r["due_soon"])
        for r in rows
    ]


def nudge_count(*, user, summary: PlanSummary) -> int:
    """How many units `nudge_units` lists, from the plan's figures of today over the whole
    plan (`plan_summary` without a unit), which count each lead unit's overdue and due-soon
    tasks already: no second scan of the plan."""
    plan = summary.plan
    if (
        plan is None
        or plan.status != PlanStatus.ISSUED
        or not plan_can_manage(user=user, plan=plan)
    ):
        return 0
    return summary.units_with((Timeliness.OVERDUE, Timeliness.DUE_SOON))
