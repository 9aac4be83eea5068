"""The state of a task as of any date, read from its history.

A task's updates are its history: each one records the whole state after it (status,
progress, completion date) and may carry a deliverable. The state as of a date D is that
of the latest update reported on or before D (latest by `reported_on`, then by id); before
the first update a task is not started. The result as of D is the latest deliverable
written on or before D. `Task.status`, `progress`, `completed_on`, `result` and
`current_review` are a cache of the state as of today, kept by the update and review
services.

What the plan said is dated too: a task counts as of D only if it was part of the issued
plan by then (`Task.added_on`), and it is judged by the deadline it had on D (the moves of
its deadline are `DueDateChange` rows, each knowing the days the deadline it replaced held:
one more join).

`task_state()` answers in Python, `annotate_state()` in SQL: each entry knows the day the
next one takes over (`valid_to`, with the review's facts, kept by `history_refresh()` in
the transaction of every write), so the state as of D is one join on the covering index
`update_state_asof`, never a subquery per field, and as cheap for ten years of
history as for one. A test holds the two to the same answer on every task of a year's
history. Timeliness as of D is `plans.timeliness` with
today = D over the state as of D.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    F,
    FilteredRelation,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    CompletionReview,
    ReviewDecision,
    ReviewState,
    Task,
    TaskStatus,
    TaskUpdate,
)
from .timeliness import Timeliness, soon_days, timeliness_expression, timeliness_q


class StateNames(TypedDict):
    status: str
    completed_on: str
    due_date: str
    is_recurring: str


# The names `annotate_state()` gives the state as of its date; filters and templates read
# these, never the task's own fields, whenever a date is named.
STATE: StateNames = {
    "status": "state_status",
    "completed_on": "state_completed_on",
    "due_date": "state_due_date",
    "is_recurring": "state_is_recurring",
}


@dataclass(frozen=True)
class TaskState:
    status: str = TaskStatus.NOT_STARTED
    progress: int = 0
    completed_on: datetime.date | None = None
    result: str = ""


def _key(update) -> tuple:
    return (update.reported_on, update.pk)


def task_state(updates: Iterable, on: datetime.date) -> TaskState:
    """The state as of `on` from a task's updates (any order, any dates)."""
    known = sorted((u for u in updates if u.reported_on <= on), key=_key)
    if not known:
        return TaskState()
    last = known[-1]
    result = next((u.deliverable.strip() for u in reversed(known) if u.deliverable.strip()), "")
    return TaskState(
        status=last.status_after,
        progress=last.progress,
        completed_on=last.completed_on if last.status_after == TaskStatus.DONE else None,
        result=result,
    )


def is_today(on: datetime.date | None) -> bool:
    return on is None or on >= timezone.localdate()


def _latest(on: datetime.date, field: str, *extra: Q):
    rows = TaskUpdate.objects.filter(*extra, task_id=OuterRef("pk"), reported_on__lte=on)
    return Subquery(rows.order_by("-reported_on", "-id").values(field)[:1])


def _entry_of(on: datetime.date) -> FilteredRelation:
    """The task's entry that was its state as of `on` (none before its first): one join,
    on the covering index `update_state_asof`, whatever the length of the history."""
    return FilteredRelation(
        "updates",
        condition=Q(updates__reported_on__lte=on)
        & (Q(updates__valid_to__isnull=True) | Q(updates__valid_to__gt=on)),
    )


def _move_after(on: datetime.date) -> FilteredRelation:
    """The move of the task's deadline that ended the deadline it had on `on`: the first
    move after `on` (none when not moved since). One join on `due_change_asof`, not even
    looked up for the tasks never moved (most of them)."""
    return FilteredRelation(
        "due_changes",
        condition=Q(due_changed_on__isnull=False)
        & Q(due_changes__changed_on__gt=on)
        & (Q(due_changes__before_from__isnull=True) | Q(due_changes__before_from__lte=on)),
    )


def _deadline(field: str, output) -> Case:
    """The task's `due_date`, `due_text` or `is_recurring` as it stood on the day of
    `_move_after`: what the first move since replaced; when none, the task's own."""
    return Case(
        When(state_move__id__isnull=True, then=F(field)),
        default=F(f"state_move__{field}_before"),
        output_field=output,
    )


def state_annotations(
    on: datetime.date, *, from_history: bool = False, with_result: bool = False
) -> dict:
    """`state_status`, `state_progress`, `state_completed_on`, the deadline
    (`state_due_date`, `state_due_text`, `state_is_recurring`) and, `with_result`,
    `state_result` (a text lists need not carry) as of `on`.

    For today (or later: no update may be dated ahead of today) they are the task's own
    fields, so the database can use their indexes; for a past date, or with
    `from_history`, the history."""
    if is_today(on) and not from_history:
        today = {
            "state_status": F("status"),
            "state_progress": F("progress"),
            "state_completed_on": F("completed_on"),
            "state_due_date": F("due_date"),
            "state_due_text": F("due_text"),
            "state_is_recurring": F("is_recurring"),
        }
        return today | ({"state_result": F("result")} if with_result else {})
    fields = {
        "state_entry": _entry_of(on),
        "state_move": _move_after(on),
        "state_due_date": _deadline("due_date", DateField()),
        "state_due_text": _deadline("due_text", CharField()),
        "state_is_recurring": _deadline("is_recurring", BooleanField()),
        "state_status": Coalesce(
            F("state_entry__status_after"),
            Value(TaskStatus.NOT_STARTED),
            output_field=CharField(),
        ),
        "state_progress": Coalesce(
            F("state_entry__progress"), Value(0), output_field=PositiveSmallIntegerField()
        ),
        # An update stores a completion date only when it leaves the task done.
        "state_completed_on": F("state_entry__completed_on"),
        # The review's facts of that entry (review_conditions reads them).
        "state_reported_done": Coalesce(F("state_entry__reported_done"), Value(False)),
        "state_confirmed_at": F("state_entry__confirmed_at"),
        "state_returned": Coalesce(F("state_entry__returned"), Value(False)),
    }
    if with_result:
        fields["state_result"] = Coalesce(
            _latest(on, "deliverable", ~Q(deliverable="")), Value(""), output_field=TextField()
        )
    return fields


def annotate_state(
    qs: QuerySet,
    on: datetime.date | None,
    *,
    from_history: bool = False,
    with_result: bool = False,
) -> QuerySet:
    """The tasks that were part of their plan on `on` (today when None), with their state
    and `timeliness` as of that day (and `state_result`, `with_result`)."""
    day = timezone.localdate() if on is None else on
    if not is_today(day):
        qs = qs.filter(Q(added_on__isnull=True) | Q(added_on__lte=day))
    fields = state_annotations(day, from_history=from_history, with_result=with_result)
    return qs.annotate(**fields).annotate(timeliness=timeliness_expression(day, **STATE))


def state_q(category: str, on: datetime.date | None) -> Q:
    """Tasks of one timeliness category as of `on`; on a queryset from `annotate_state`."""
    day = timezone.localdate() if on is None else on
    rule = timeliness_q(category, day, **STATE)
    if is_today(day) or category not in (Timeliness.OVERDUE, Timeliness.DUE_SOON):
        return rule
    # The deadline as of a past day comes through a join that no index on the task reads.
    # The task's own columns answer first for most tasks (never moved, and due after the
    # category's last day: neither overdue nor due soon), sparing them the history.
    due_by = (
        Q(due_date__lt=day)
        if category == Timeliness.OVERDUE
        else Q(due_date__lte=day + datetime.timedelta(days=soon_days()))
    )
    return (Q(due_changed_on__isnull=False) | due_by) & rule


def not_cancelled(qs: QuerySet) -> QuerySet:
    """Drop the tasks cancelled as of the state's date (from `annotate_state`)."""
    return qs.exclude(state_status=TaskStatus.CANCELLED)


# --- the office's review of a completion, as of a day -----------------------------------
#
# A task is reported done by the update that moves it to done (its done report); the office
# confirms that report or returns it (a CompletionReview, at `reviewed_at`). As of a day D:
# a task done as of D is confirmed if its latest done report on or before D has a
# confirmation made by the end of D, else awaiting; a task not done (nor cancelled) whose
# latest review by then is a return is returned. A return writes an update that puts the
# task back in progress on the day of the return, so it is not done from that day on.


def end_of(on: datetime.date) -> datetime.datetime:
    """The first instant after the day `on`, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time.min)) + (
        datetime.timedelta(days=1)
    )


def is_done_report(update) -> bool:
    return update.status_after == TaskStatus.DONE and update.status_before != TaskStatus.DONE


@dataclass(frozen=True)
class ReviewStatus:
    """A task's review as of a day: `state` (a ReviewState, or "" when there is nothing to
    review), the done report it concerns and the review that decided it, if any."""

    state: str = ""
    report: TaskUpdate | None = None
    review: CompletionReview | None = None


def review_status(updates: Iterable, reviews: Iterable, on: datetime.date) -> ReviewStatus:
    """The review state as of `on` from a task's updates and reviews (any order)."""
    updates = list(updates)
    state = task_state(updates, on)
    # Today: every review made (none lies ahead); a past day: those made by its end.
    end = None if is_today(on) else end_of(on)
    known = sorted(
        (r for r in reviews if end is None or r.reviewed_at < end),
        key=lambda r: (r.reviewed_at, r.pk),
    )
    if state.status == TaskStatus.DONE:
        reports = sorted(
            (u for u in updates if u.reported_on <= on and is_done_report(u)), key=_key
        )
        if not reports:
            return ReviewStatus()  # done without a report: made outside the services
        report = reports[-1]
        confirmed = next(
            (
                r
                for r in known
                if r.update_id == report.pk and r.decision == ReviewDecision.CONFIRMED
            ),
            None,
        )
        if confirmed is not None:
            return ReviewStatus(ReviewState.CONFIRMED, report, confirmed)
        return ReviewStatus(ReviewState.AWAITING, report, None)
    if (
        state.status != TaskStatus.CANCELLED
        and known
        and known[-1].decision == ReviewDecision.RETURNED
    ):
        return ReviewStatus(ReviewState.RETURNED, None, known[-1])
    return ReviewStatus()


def review_conditions(on: datetime.date) -> dict[str, Any]:
    """The SQL of `review_status` as of `on`, on a queryset from `annotate_state`:
    `confirmed`, `awaiting` and `returned` conditions. Today they read the task's
    `current_review`; another day, the facts of the entry that was the state then (kept by
    `history_refresh`), so that counts need no per-row subquery."""
    if is_today(on):
        return {state: Q(current_review=state) for state in ReviewState.values}
    done = Q(state_status=TaskStatus.DONE)
    end = end_of(on)
    # Spelled out, not negated: NOT on a NULL (never confirmed) is NULL in SQL, not true.
    unconfirmed = Q(state_confirmed_at__isnull=True) | Q(state_confirmed_at__gte=end)
    return {
        ReviewState.CONFIRMED: done & Q(state_confirmed_at__lt=end),
        ReviewState.AWAITING: done & Q(state_reported_done=True) & unconfirmed,
        ReviewState.RETURNED: ~done
        & ~Q(state_status=TaskStatus.CANCELLED)
        & Q(state_returned=True),
    }


def annotate_review(qs: QuerySet, on: datetime.date) -> QuerySet:
    """`review_state` as of `on` in SQL (a ReviewState, or ""), on a queryset from
    `annotate_state`; the same rule as `review_status`."""
    if is_today(on):
        return qs.annotate(review_state=F("current_review"))
    return qs.annotate(
        review_state=Case(
            *(When(q, then=Value(state)) for state, q in review_conditions(on).items()),
            default=Value(""),
            output_field=CharField(),
        )
    )


# --- what the history's derived columns say, kept by every write ------------------------

DERIVED = ["valid_to", "reported_done", "confirmed_at", "returned"]
# What the rules read (only these are loaded: the data migration uses it too).
ENTRY_FIELDS = [
    "task_id", "reported_on", "status_before", "status_after", "progress", "completed_on",
    "deliverable",
]  # fmt: skip
REVIEW_FIELDS = ["task_id", "update_id", "decision", "reviewed_at"]


def _derive(updates: list, reviews: list) -> list:
    """Set each entry's derived columns from the task's entries (sorted by reported_on,
    id) and reviews (sorted by reviewed_at, id); returns the entries that changed."""
    confirmed = {
        r.update_id: r.reviewed_at for r in reviews if r.decision == ReviewDecision.CONFIRMED
    }
    changed, report = [], None
    for index, update in enumerate(updates):
        if is_done_report(update):
            report = update
        done = update.status_after == TaskStatus.DONE
        # The reviews known on the entry's day; a return makes an entry of its own day, and
        # a confirmation only answers a done state, so none changes this within its span.
        end = end_of(update.reported_on)
        known = [r for r in reviews if r.reviewed_at < end]
        following = updates[index + 1] if index + 1 < len(updates) else None
        values = {
            "valid_to": following.reported_on if following else None,
            "reported_done": done and report is not None,
            "confirmed_at": confirmed.get(report.pk) if done and report is not None else None,
            "returned": not done
            and update.status_after != TaskStatus.CANCELLED
            and bool(known)
            and known[-1].decision == ReviewDecision.RETURNED,
        }
        if any(getattr(update, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(update, name, value)
            changed.append(update)
    return changed


def history_refresh(task_ids: Iterable[int], *, chunk: int = 500) -> None:
    """Recompute the tasks' derived history (each entry's `valid_to`, `reported_done`,
    `confirmed_at`, `returned`) and their `current_review`, from their entries and reviews.
    Every write that adds an entry or a review calls it in its own transaction; bulk
    loaders call it once for all they wrote."""
    ids = sorted(set(task_ids))
    today = timezone.localdate()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        updates: dict[int, list] = {pk: [] for pk in part}
        entries = TaskUpdate.objects.filter(task_id__in=part).only(*ENTRY_FIELDS, *DERIVED)
        for update in entries.order_by("task_id", "reported_on", "id"):
            updates[update.task_id].append(update)
        reviews: dict[int, list] = {pk: [] for pk in part}
        answers = CompletionReview.objects.filter(task_id__in=part).only(*REVIEW_FIELDS)
        for review in answers.order_by("reviewed_at", "id"):
            reviews[review.task_id].append(review)
        changed = [u for pk in part for u in _derive(updates[pk], reviews[pk])]
        TaskUpdate.objects.bulk_update(changed, DERIVED, batch_size=1000)
        states: dict[str, list[int]] = {}
        for pk in part:
            state = review_status(updates[pk], reviews[pk], today).state
            states.setdefault(state, []).append(pk)
        for state, pks in states.items():
            Task.objects.filter(pk__in=pks).exclude(current_review=state).update(
                current_review=state
            )


def task_history_refresh(task: Task) -> None:
    """`history_refresh` of one task that a service holds, its `current_review` read back
    so that a later save of the same object keeps it."""
    history_refresh([task.pk])
    task.refresh_from_db(fields=["current_review"])
