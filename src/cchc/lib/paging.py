"""Pages of long lists, read in two steps.

A page of a sorted list reads every matching row whole (with its joins) when the database
sorts them all to keep the first fifty. `KeysFirstPaginator` asks first for the page's ids
alone, which an index may hold with the sort's columns, then for those rows whole. On the
bench's ten years of plans, the first page of 32,862 overdue tasks took SQLite 117 ms in
one step, and 24 ms for the ids from the index plus 2 for the rows in two.

`PlanFirstPaginator` goes one step further for a list sorted by plan first (the newest
year's first), as the task list is: it counts the list plan by plan, then sorts only the
plans a page falls in. One unit's tasks over ten years are ten plans' worth; the first page
needs the newest alone, so the page's cost does not grow with the years.
"""

from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, QuerySet


class KeysFirstPaginator(Paginator):
    """A Paginator over a queryset: the page's primary keys in the list's order, then
    the rows of those keys, in that order. A row that leaves the list between the two
    reads (changed or removed meanwhile) is left out of the page, never shown out of its
    filter. `count`, when the caller counted the list already, saves counting it again."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # the cached property's place

    def bounds(self, number) -> tuple[int, int, int]:
        """The page's number, checked, and the first and past-the-last row it holds."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return number, bottom, top

    def page(self, number) -> Page:
        number, bottom, top = self.bounds(number)
        queryset: QuerySet = self.object_list  # type: ignore[assignment]  # said above
        return Page(keys_first(queryset, bottom, top), number, self)


def keys_first(queryset: QuerySet, start: int, stop: int) -> list:
    """The rows `start`–`stop` of the sorted queryset: their keys first, then those rows
    whole, in the keys' order (a row gone meanwhile is left out)."""
    return rows_of(queryset, list(queryset.values_list("pk", flat=True)[start:stop]))


def rows_of(queryset: QuerySet, keys: list) -> list:
    """The queryset's rows of these keys, whole, in the keys' order."""
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    return [rows[key] for key in keys if key in rows]


# The order a list must start with for `PlanFirstPaginator`: its plans, the newest first.
PLAN_FIRST = ("-plan__year", "plan_id")


class PlanFirstPaginator(KeysFirstPaginator):
    """A KeysFirstPaginator for a list ordered by PLAN_FIRST, then within each plan: the
    size of each plan's part in one grouped count, then a page's keys read from the plans it
    falls in alone (one query), then its rows: three queries, however many plans."""

    @cached_property
    def parts(self) -> list[tuple[int, int]]:
        """(plan id, how many of the list's rows it holds), in the list's order: the list's
        own query counted by plan from outside. Grouped inside it instead, SQLite scans every
        task of every year for one unit's list as of a past day (214 ms against 31 for its
        count on the bench's ten years); the fence (LIMIT -1, OFFSET 0) keeps the database
        from merging the two queries into that one."""
        queryset: QuerySet = self.object_list  # type: ignore[assignment]  # a queryset
        # The key too: a DISTINCT list keeps one row per task, not one per plan.
        rows = queryset.order_by().values("pk", part_plan=F("plan_id"), part_year=F("plan__year"))
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # a filter no row can pass (nothing in reach, no ids)
            return []
        connection = connections[rows.db]
        fence = "LIMIT -1" if connection.vendor == "sqlite" else "OFFSET 0"
        # The queryset's own SQL, its values kept as parameters.
        counted = (
            f'SELECT "part_plan", "part_year", COUNT(*) FROM ({sql} {fence}) list_rows '  # noqa: S608  # nosec B608
            'GROUP BY "part_plan", "part_year"'
        )
        with connection.cursor() as cursor:
            cursor.execute(counted, params)
            found = cursor.fetchall()
        return [(plan, size) for plan, _year, size in sorted(found, key=lambda r: (-r[1], r[0]))]

    @cached_property
    def count(self) -> int:
        return sum(rows for _plan, rows in self.parts)

    def page(self, number) -> Page:
        number, bottom, top = self.bounds(number)
        queryset: QuerySet = self.object_list  # type: ignore[assignment]  # a queryset
        spanned: list[int] = []
        first = start = 0
        for plan_id, rows in self.parts:
            if start + rows > bottom and start < top:
                if not spanned:
                    first = start
                spanned.append(plan_id)
            start += rows
        # One read of the keys, however many plans the page spans: only their rows sorted.
        # The plans as a value, not an index's key (plan_id + 0): found through the plan's
        # index, a unit's 439 tasks were looked for among the plan's 60,000 in list order
        # (SQLite, one year: 46 ms against 1 for the list's own way, by its unit).
        part = (
            queryset.alias(page_plan=F("plan_id") + 0)
            .filter(page_plan__in=spanned)
            .values_list("pk", flat=True)
        )
        keys = list(part[bottom - first : top - first])
        return Page(rows_of(queryset, keys), number, self)
