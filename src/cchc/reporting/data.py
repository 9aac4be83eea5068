"""The figures of a period, computed from the task data. Not scoped to a user: the services
and selectors that call these check access first.

Every count by timeliness goes through `plans.timeliness` (the CASE expression in SQL), with
the period's reference date as the parameter. Each function runs a fixed number of queries,
whatever the number of units and tasks.
"""

import datetime
import re
from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from cchc.lib import numbers
from cchc.lib.dates import format_day
from cchc.lib.text import person_name
from cchc.orgs.models import Unit
from cchc.plans.history import annotate_review, annotate_state, not_cancelled, state_q
from cchc.plans.models import (
    Area,
    ReviewState,
    SupportingUnit,
    Task,
    TaskStatus,
    TaskUpdate,
)
from cchc.plans.timeliness import Timeliness

from .models import ReportingPeriod, ReportNudge, ReportStatus, UnitReport

# The categories counted in tables, in the design's order.
CATEGORIES = [key for key, _label in Timeliness.choices]
DONE = (Timeliness.DONE_ON_TIME, Timeliness.DONE_LATE)


def completion_rate(counts: dict[str, int]) -> float | None:
    """The Government Office's rate: done ÷ (done + overdue unfinished), in percent.

    Unfinished tasks not yet due (and recurring ones) are left out; None when nothing counts.
    Cut (not rounded) to two decimals, as the published figures are: 16,051 done and 223
    overdue give 98.62% (and 1.38% overdue), not 98.63%.
    """
    done = sum(counts.get(c, 0) for c in DONE)
    return numbers.completion_rate(done, counts.get(Timeliness.OVERDUE, 0))


def empty_counts() -> dict[str, int]:
    return {c: 0 for c in CATEGORIES}


# --- one unit's tasks --------------------------------------------------------------------


def unit_tasks(period: ReportingPeriod, unit: Unit, as_of: datetime.date) -> list[dict]:
    """The unit's tasks in the period's plan (those it leads, then those it supports), each
    as plain data with its timeliness as of `as_of` and the updates written in the window."""
    supports = Exists(SupportingUnit.objects.filter(task_id=OuterRef("pk"), unit_id=unit.pk))
    # Only what had been reported by the reference date: a late figure is not a fact yet.
    window_updates = TaskUpdate.objects.filter(
        reported_on__gte=period.starts_on, reported_on__lte=min(period.ends_on, as_of)
    ).select_related("unit", "author")
    tasks = not_cancelled(
        annotate_state(
            Task.objects.filter(plan_id=period.plan_id).filter(Q(lead_unit_id=unit.pk) | supports),
            as_of,
            with_result=True,
        )
    )
    tasks = annotate_review(tasks, as_of)
    tasks = (
        tasks.select_related("area", "lead_unit")
        .prefetch_related(Prefetch("updates", queryset=window_updates, to_attr="window_updates"))
        .order_by("area__code", "order", "id")
    )
    rows = []
    for task in tasks:
        rows.append(
            {
                "id": task.pk,
                "code": task.code,
                "title": task.title,
                "area": task.area.code,
                "role": "lead" if task.lead_unit_id == unit.pk else "support",
                "lead_unit": str(task.lead_unit),
                "status": task.state_status,
                "status_label": str(TaskStatus(task.state_status).label),
                "timeliness": task.timeliness,
                "timeliness_label": str(Timeliness.labels[task.timeliness]),
                "progress": task.state_progress,
                "due_text": task.state_due_text,
                "due_date": _iso(task.state_due_date),
                "completed_on": _iso(task.state_completed_on),
                "result": task.state_result,
                # Reported done is not confirmed: the office's review as of the day.
                "confirmed": task.review_state == ReviewState.CONFIRMED,
                "updates": [
                    {
                        "reported_on": u.reported_on.isoformat(),
                        "progress": u.progress,
                        "status": u.status_after,
                        "note": u.note,
                        "deliverable": u.deliverable,
                        "unit": str(u.unit),
                        "author": person_name(u.author),
                    }
                    for u in sorted(task.window_updates, key=lambda u: (u.reported_on, u.pk))
                ],
            }
        )
    return rows


def unit_figures(rows: list[dict], as_of: datetime.date) -> dict:
    """Counts per timeliness category of the tasks the unit leads, in all and per area, and
    how many of those done the office had confirmed."""
    total = empty_counts()
    by_area: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["role"] != "lead":
            continue
        total[row["timeliness"]] += 1
        area = by_area.setdefault(str(row["area"]), empty_counts())
        area[row["timeliness"]] += 1
    return {
        "as_of": as_of.isoformat(),
        "lead_tasks": sum(total.values()),
        "supported_tasks": sum(1 for r in rows if r["role"] == "support"),
        "by_timeliness": total,
        "by_area": by_area,
        "completion_rate": completion_rate(total),
        "done": sum(total[c] for c in DONE),
        "confirmed": sum(1 for r in rows if r["role"] == "lead" and r.get("confirmed")),
    }


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def prefill_narrative(rows: list[dict]) -> dict[str, dict[str, str]]:
    """A first draft of the narrative per area, from the task data: one line per task for
    the results, one per overdue task for the limitations. The focal officer rewrites it."""
    narrative: dict[str, dict[str, str]] = {}
    for row in rows:
        area = narrative.setdefault(str(row["area"]), {"results": "", "limitations": ""})
        role = "" if row["role"] == "lead" else " (phối hợp)"
        line = (
            f"- {row['code']} {row['title']}{role}: {row['status_label'].lower()}, "
            f"tiến độ {row['progress']}%"
        )
        if row["result"]:
            line += f"; sản phẩm: {row['result']}"
        notes = [u["note"] for u in row["updates"] if u["note"]]
        if notes:
            line += f". {notes[-1]}"
        area["results"] += line.rstrip(".") + ".\n"
        if row["timeliness"] == Timeliness.OVERDUE and row["role"] == "lead":
            area["limitations"] += (
                f"- Nhiệm vụ {row['code']} {row['title']} chậm so với thời hạn "
                f"({row['due_text'] or format_day(row['due_date'])}), tiến độ {row['progress']}%.\n"
            )
    return {
        code: {"results": parts["results"].strip(), "limitations": parts["limitations"].strip()}
        for code, parts in narrative.items()
    }


# --- the whole period --------------------------------------------------------------------


def _tasks(period: ReportingPeriod, as_of: datetime.date, *, with_result: bool = False):
    """The period plan's tasks with their state as of `as_of`, cancelled ones left out."""
    return not_cancelled(
        annotate_state(Task.objects.filter(plan_id=period.plan_id), as_of, with_result=with_result)
    ).order_by()


def _row(counts: dict[str, int], progress_sum: int) -> dict:
    total = sum(counts.values())
    return {
        "counts": counts,
        "total": total,
        "completion_rate": completion_rate(counts),
        "progress": round(progress_sum / total, 1) if total else None,
    }


def task_stats(period: ReportingPeriod, as_of: datetime.date) -> dict:
    """Tasks of the period's plan by timeliness, per area (the seven, in order) and per lead
    unit (in tree order), with totals, completion rates and mean progress. Three queries."""
    tasks = _tasks(period, as_of)
    areas = list(Area.objects.order_by("code"))
    per_area: dict[int, dict[str, int]] = {a.pk: empty_counts() for a in areas}
    area_progress: dict[int, int] = defaultdict(int)
    counted = tasks.values("area_id", "timeliness")
    for row in counted.annotate(n=Count("id"), p=Sum("state_progress")):
        per_area[row["area_id"]][row["timeliness"]] += row["n"]
        area_progress[row["area_id"]] += row["p"] or 0
    units: dict[int, dict] = {}
    for row in tasks.values(
        "lead_unit_id",
        "lead_unit__name",
        "lead_unit__short_name",
        "lead_unit__code",
        "lead_unit__path",
        "timeliness",
    ).annotate(n=Count("id"), p=Sum("state_progress")):
        unit = units.setdefault(
            row["lead_unit_id"],
            {
                "unit_id": row["lead_unit_id"],
                "name": row["lead_unit__name"],
                "short_name": row["lead_unit__short_name"],
                "code": row["lead_unit__code"],
                "path": row["lead_unit__path"],
                "counts": empty_counts(),
                "p": 0,
            },
        )
        unit["counts"][row["timeliness"]] += row["n"]
        unit["p"] += row["p"] or 0
    total = empty_counts()
    total_progress = 0
    by_area = []
    for area in areas:
        counts = per_area[area.pk]
        for c in CATEGORIES:
            total[c] += counts[c]
        total_progress += area_progress[area.pk]
        by_area.append(
            {"code": area.code, "name": area.name, **_row(counts, area_progress[area.pk])}
        )
    by_unit = []
    for unit in sorted(units.values(), key=lambda u: u["path"]):
        by_unit.append(
            {
                "unit_id": unit["unit_id"],
                "name": unit["name"],
                "short_name": unit["short_name"],
                "code": unit["code"],
                "path": unit["path"],
                **_row(unit["counts"], unit["p"]),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "by_area": by_area,
        "by_unit": by_unit,
        "total": _row(total, total_progress),
    }


# A document's number and symbol as Vietnamese offices write them (Nghị định 30/2020/NĐ-CP):
# “38/KH-CT”, “221/VP-CT”, “05-NQ/TW”, “42/2014/QĐ-TTg”. A date (“25/1/2026”) has no letters
# after its slash and is not one.
DOCUMENT_NUMBER = re.compile(
    r"(?<![\w/])\d+(?:/\d{4})?[/-][A-ZĐ][A-Za-zĐđ]*\d*(?:[-/][A-ZĐ0-9][A-Za-zĐđ0-9]*)*"
)


def document_numbers(text: str) -> list[str]:
    """The numbers of the documents a text cites, in order, each once."""
    found: list[str] = []
    for number in DOCUMENT_NUMBER.findall(text or ""):
        number = number.rstrip("-/")
        if number not in found:
            found.append(number)
    return found


def _latest_note(on: datetime.date) -> Subquery:
    """The latest note reported on or before `on`: why a task stands where it does."""
    notes = TaskUpdate.objects.filter(task_id=OuterRef("pk"), reported_on__lte=on).exclude(note="")
    return Subquery(notes.order_by("-reported_on", "-id").values("note")[:1])


# The columns every list of tasks in a period's documents starts with.
TASK_COLUMNS = (
    "id",
    "code",
    "title",
    "area__code",
    "lead_unit__name",
    "lead_unit__short_name",
    "state_due_date",  # the deadline of the day figured (from `annotate_state`)
    "state_due_text",
)


def _task_row(r: dict) -> dict:
    return {
        "id": r["id"],
        "code": r["code"],
        "title": r["title"],
        "area": r["area__code"],
        "lead_unit": r["lead_unit__short_name"] or r["lead_unit__name"],
        "lead_unit_name": r["lead_unit__name"],
        "due_date": _iso(r["state_due_date"]),
        "due_text": r["state_due_text"],
    }


def done_tasks(period: ReportingPeriod, as_of: datetime.date) -> list[dict]:
    """Tasks done as of `as_of`, by area in the plan's order, each once, with its lead unit,
    completion date, its result as reported on or before `as_of`, the numbers of the
    documents that result cites, and whether the office had confirmed it by then (reported
    done is not confirmed). A task finished after `as_of` is not here. One query."""
    rows = (
        annotate_review(_tasks(period, as_of, with_result=True).filter(timeliness__in=DONE), as_of)
        .order_by("area__code", "order", "id")
        .values(*TASK_COLUMNS, "timeliness", "state_completed_on", "state_result", "review_state")
    )
    return [
        _task_row(r)
        | {
            "timeliness": r["timeliness"],
            "completed_on": _iso(r["state_completed_on"]),
            "result": (r["state_result"] or "").strip(),
            "documents": document_numbers(r["state_result"]),
            "confirmed": r["review_state"] == ReviewState.CONFIRMED,
        }
        for r in rows
    ]


def overdue_tasks(period: ReportingPeriod, as_of: datetime.date) -> list[dict]:
    """Unfinished tasks past their deadline as of `as_of`, most overdue first, with their
    lead units, days overdue and the latest note reported by then. One query."""
    rows = (
        annotate_state(Task.objects.filter(plan_id=period.plan_id), as_of)
        .filter(state_q(Timeliness.OVERDUE, as_of))
        .annotate(last_note=_latest_note(as_of))
        .order_by("state_due_date", "area__code", "order", "id")
        .values(*TASK_COLUMNS, "state_progress", "last_note")
    )
    return [
        _task_row(r)
        | {
            "days_overdue": (as_of - r["state_due_date"]).days,
            "progress": r["state_progress"],
            "note": (r["last_note"] or "").strip(),
        }
        for r in rows
    ]


# --- who reported ------------------------------------------------------------------------

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
SUBMISSION_LABELS = {ON_TIME: "Đúng hạn", LATE: "Muộn", MISSING: "Chưa gửi"}


def submission_timeliness(
    period: ReportingPeriod, first_submitted_at: datetime.datetime | None
) -> tuple[str, int]:
    """(on_time | late | missing, days late). A report's timeliness is that of its first
    submission: a report the office returns for corrections was still sent on time."""
    if first_submitted_at is None:
        return MISSING, 0
    sent_on = timezone.localdate(first_submitted_at)
    late = (sent_on - period.due_on).days
    return (LATE, late) if late > 0 else (ON_TIME, 0)


def report_rows(period: ReportingPeriod) -> list[dict]:
    """Every unit that must report, in tree order, with its report's state and timeliness.
    Three queries: units, reports, nudges."""
    units = list(period.units.order_by("path").only("id", "name", "short_name", "code", "path"))
    reports = {
        r.unit_id: r
        for r in UnitReport.objects.filter(period=period).only(
            "id", "unit_id", "status", "first_submitted_at", "last_submitted_at", "version"
        )
    }
    nudges = {
        row["unit_id"]: row
        for row in ReportNudge.objects.filter(period=period)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"), last=Max("sent_at"))
    }
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        first = report.first_submitted_at if report else None
        state, days_late = submission_timeliness(period, first)
        rows.append(
            {
                "unit": unit,
                "unit_id": unit.pk,
                "name": unit.name,
                "short_name": unit.short_name,
                "report": report,
                "status": report.status if report else None,
                "first_submitted_at": first,
                "submission": state,
                "days_late": days_late,
                "nudges": nudges.get(unit.pk, {}).get("n", 0),
                "last_nudged_at": nudges.get(unit.pk, {}).get("last"),
            }
        )
    return rows


def report_counts(rows: list[dict]) -> dict:
    """Reports due, on time, late, missing (with percentages of those due), and per state."""
    due = len(rows)
    counts = {ON_TIME: 0, LATE: 0, MISSING: 0}
    states = {s: 0 for s in ReportStatus.values} | {"none": 0}
    for row in rows:
        counts[row["submission"]] += 1
        states[row["status"] or "none"] += 1

    def pct(n: int) -> float | None:
        # The same cut as the completion rate, so every page writes shares alike.
        return numbers.percent(n, due)

    return {
        "due": due,
        **counts,
        "pct": {k: pct(v) for k, v in counts.items()},
        "states": states,
    }
