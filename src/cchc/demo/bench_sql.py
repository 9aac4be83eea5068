"""The bench's yardstick: each page's work written as hand-written SQL on the same database,
for one user's scope (`make bench` times it beside the pages; see `bench.py`)."""

import time
from dataclasses import dataclass

# --- the same work in hand-written SQL -------------------------------------------------


@dataclass
class Scope:
    role: str
    username: str
    path: str  # the user's unit path


class Sql:
    """SELECTs equivalent to each page's work, for one user's scope."""

    def __init__(self, today, soon_days: int, page_size: int):
        import datetime

        from django.db import connection

        from cchc.orgs.models import Unit
        from cchc.plans.models import Area, Plan, SupportingUnit, Task

        q = connection.ops.quote_name
        self.connection = connection
        self.today = today
        self.soon = today + datetime.timedelta(days=soon_days)
        self.page = page_size
        self.t = {
            "task": q(Task._meta.db_table),
            "unit": q(Unit._meta.db_table),
            "area": q(Area._meta.db_table),
            "plan": q(Plan._meta.db_table),
            "through": q(SupportingUnit._meta.db_table),
            "order": q("order"),
        }

    def _from(self) -> str:
        t = self.t
        return (
            f"FROM {t['task']} t JOIN {t['unit']} lu ON lu.id = t.lead_unit_id "
            f"JOIN {t['area']} a ON a.id = t.area_id JOIN {t['plan']} p ON p.id = t.plan_id "
            f"JOIN {t['unit']} pu ON pu.id = p.issuing_unit_id"
        )

    def _scope(self, scope: Scope) -> tuple[str, list]:
        like = scope.path + "%"
        if scope.role == "office":
            return "p.status <> 'draft' AND (lu.path LIKE %s OR pu.path LIKE %s)", [like, like]
        t = self.t
        # Table names come from Django's model metadata; values go in as parameters.
        supports = (
            f"EXISTS (SELECT 1 FROM {t['through']} s JOIN {t['unit']} su ON su.id = s.unit_id "  # noqa: S608  # nosec
            "WHERE s.task_id = t.id AND su.path LIKE %s)"
        )
        return f"p.status <> 'draft' AND (lu.path LIKE %s OR {supports})", [like, like]

    def _case(self) -> tuple[str, list]:
        return (
            "CASE WHEN t.status = 'cancelled' THEN 'cancelled' "
            "WHEN t.status = 'done' AND (t.due_date IS NULL OR t.completed_on <= t.due_date) "
            "THEN 'done_on_time' WHEN t.status = 'done' THEN 'done_late' "
            "WHEN t.is_recurring = %s THEN 'recurring' WHEN t.due_date IS NULL THEN 'on_track' "
            "WHEN t.due_date < %s THEN 'overdue' WHEN t.due_date <= %s THEN 'due_soon' "
            "ELSE 'on_track' END",
            [True, self.today, self.soon],
        )

    def _overdue(self) -> tuple[str, list]:
        return (
            "t.status NOT IN ('done', 'cancelled') AND t.is_recurring = %s "
            "AND t.due_date IS NOT NULL AND t.due_date < %s",
            [False, self.today],
        )

    def _columns(self) -> tuple[str, list]:
        case, params = self._case()
        return (
            "t.id, t.code, t.title, t.due_text, t.due_date, t.status, t.progress, "
            f"t.completed_on, t.deliverable, lu.name, a.code, a.name, p.title, {case}",
            params,
        )

    def _run(self, statements: list[tuple[str, list]]) -> int:
        rows = 0
        with self.connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                rows = len(cursor.fetchall())
        return rows

    def _page(self, where: str, params: list) -> list[tuple[str, list]]:
        """The count, and the page: its ids sorted first (narrow rows, from an index), then
        those rows whole, in one statement."""
        columns, cparams = self._columns()
        order = f"ORDER BY p.year DESC, t.plan_id, a.code, t.{self.t['order']}, t.id"
        page = f"SELECT t.id {self._from()} WHERE {where} {order} LIMIT {self.page}"
        return [
            (f"SELECT COUNT(*) {self._from()} WHERE {where}", params),
            (
                f"SELECT {columns} {self._from()} WHERE t.id IN ({page}) {order}",
                cparams + params,
            ),
        ]

    def plan_list(self, scope: Scope, plan_id: int) -> list[tuple[str, list]]:
        where, params = self._scope(scope)
        return self._page(f"t.plan_id = %s AND {where}", [plan_id, *params])

    def dashboard(self, scope: Scope, plan_id: int) -> list[tuple[str, list]]:
        where, params = self._scope(scope)
        where, params = f"t.plan_id = %s AND {where}", [plan_id, *params]
        case, cparams = self._case()
        overdue, oparams = self._overdue()
        aggregates = (
            "COUNT(*), AVG(t.progress), SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END)"
        )
        columns, colparams = self._columns()
        order = f"ORDER BY p.year DESC, t.plan_id, a.code, t.{self.t['order']}, t.id"
        return [
            (
                f"SELECT {case} AS cat, COUNT(*) {self._from()} WHERE {where} GROUP BY cat",
                cparams + params,
            ),
            (
                f"SELECT a.id, a.code, a.name, {aggregates} {self._from()} WHERE {where} "
                "GROUP BY a.id, a.code, a.name ORDER BY a.code",
                oparams + params,
            ),
            (
                f"SELECT lu.id, lu.name, lu.short_name, lu.path, {aggregates} {self._from()} "
                f"WHERE {where} GROUP BY lu.id, lu.name, lu.short_name, lu.path ORDER BY lu.path",
                oparams + params,
            ),
            (
                f"SELECT {columns} {self._from()} WHERE {where} AND {overdue} {order} LIMIT 20",
                colparams + params + oparams,
            ),
        ]

    def unit_list(self, scope: Scope, unit_path: str) -> list[tuple[str, list]]:
        where, params = self._scope(scope)
        return self._page(f"lu.path LIKE %s AND {where}", [unit_path + "%", *params])

    def overdue_list(self, scope: Scope) -> list[tuple[str, list]]:
        where, params = self._scope(scope)
        overdue, oparams = self._overdue()
        return self._page(f"{overdue} AND {where}", oparams + params)

    def open_where(self, scope: Scope) -> tuple[str, list]:
        where, params = self._scope(scope)
        return f"t.status NOT IN ('done', 'cancelled') AND {where}", params

    def export(self, scope: Scope) -> list[tuple[str, list]]:
        where, params = self.open_where(scope)
        columns, cparams = self._columns()
        t = self.t
        order = f"ORDER BY p.year DESC, t.plan_id, a.code, t.{t['order']}, t.id"
        return [
            (
                f"SELECT s.task_id, su.short_name, su.name FROM {t['through']} s "  # noqa: S608  # nosec
                f"JOIN {t['unit']} su ON su.id = s.unit_id WHERE s.task_id IN "
                f"(SELECT t.id {self._from()} WHERE {where}) ORDER BY s.task_id, su.path",
                params,
            ),
            (f"SELECT {columns} {self._from()} WHERE {where} {order}", cparams + params),
        ]

    def work_queue(self, scope: Scope) -> list[tuple[str, list]]:
        """“Việc của tôi”: the open tasks the unit's branch leads or supports, by plan and
        urgency, the count beside them, and the finished ones counted, the latest ten."""
        t, like = self.t, scope.path + "%"
        mine = (
            f"p.status <> 'draft' AND t.id IN (SELECT l.id FROM {t['task']} l "  # noqa: S608  # nosec
            f"JOIN {t['unit']} lu2 ON lu2.id = l.lead_unit_id WHERE lu2.path LIKE %s "
            f"UNION SELECT s.task_id FROM {t['through']} s "
            f"JOIN {t['unit']} su ON su.id = s.unit_id WHERE su.path LIKE %s)"
        )
        open_ = f"{mine} AND t.status IN ('not_started', 'in_progress')"
        finished = f"{mine} AND t.status IN ('done', 'cancelled')"
        # Open tasks only: overdue, due soon, dated, then undated or recurring.
        urgency = (
            "CASE WHEN t.is_recurring = %s OR t.due_date IS NULL THEN 3 "
            "WHEN t.due_date < %s THEN 0 WHEN t.due_date <= %s THEN 1 ELSE 2 END"
        )
        uparams = [True, self.today, self.soon]
        order = (
            f"ORDER BY p.year DESC, pu.path, t.plan_id, {urgency}, t.due_date NULLS LAST, a.code, "
            f"t.{t['order']}, t.id"
        )
        page = f"SELECT t.id {self._from()} WHERE {open_} {order} LIMIT {self.page}"
        columns, cparams = self._columns()
        mp = [like, like]
        # The open tasks' count and plans and the finished ones' counts in one scan.
        counts = (
            "SELECT SUM(CASE WHEN t.status IN ('not_started', 'in_progress') THEN 1 ELSE 0 END), "
            "COUNT(DISTINCT CASE WHEN t.status IN ('not_started', 'in_progress') "
            "THEN t.plan_id END), "
            "SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN t.status = 'cancelled' THEN 1 ELSE 0 END) {self._from()} "
            f"WHERE {mine}"
        )
        return [
            (counts, mp),
            (
                f"SELECT {columns} {self._from()} WHERE t.id IN ({page}) {order}",
                cparams + mp + uparams + uparams,
            ),
            (
                f"SELECT {columns} {self._from()} WHERE {finished} "
                "ORDER BY t.completed_on DESC NULLS LAST, t.id DESC LIMIT 10",
                cparams + mp,
            ),
        ]

    def count_open(self, scope: Scope) -> int:
        where, params = self.open_where(scope)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {self._from()} WHERE {where}", params)
            return cursor.fetchone()[0]

    def time(self, statements) -> float:
        started = time.perf_counter()
        self._run(statements)
        return time.perf_counter() - started
