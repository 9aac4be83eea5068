"""The seeded tasks' history: about five progress entries a task and the office's reviews of
its done reports, consistent with the task's own fields (what `plans.history` reads).

Each chain starts at the plan's issue date and ends by the end of its year and by today:
status_before is the previous entry's status_after, progress never falls except where the
office returns a done report (the service puts the task back where it stood), and
`completed_on` is set only on entries that leave the task done. The last entry's state is
the task's status, progress and completion date.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from cchc.plans.models import (
    CompletionReview,
    QualityRating,
    ReviewDecision,
    ReviewState,
    Task,
    TaskStatus,
)

NOTES_PROGRESS = [
    "Đã xây dựng dự thảo, đang lấy ý kiến các cơ quan liên quan.",
    "Đang triển khai theo kế hoạch.",
    "Đã tổ chức hội nghị triển khai.",
    "Đang tổng hợp số liệu, hoàn thiện báo cáo.",
    "Đã trình Thủ trưởng cho ý kiến.",
]
NOTE_NOT_STARTED = "Chưa triển khai, chờ hướng dẫn của cơ quan cấp trên."
NOTE_DONE = "Đã hoàn thành, có văn bản kèm theo."
NOTE_CANCELLED = "Không thực hiện do điều chỉnh kế hoạch."
RETURN_REASON = "Chưa có văn bản kết quả kèm theo; đề nghị bổ sung."
RETURN_SHARE = 0.1  # done tasks whose first done report the office returned
RETURNED_NOW_SHARE = 0.03  # tasks in progress whose done report was returned, not yet redone
CONFIRM_SHARE = 0.85  # done reports the office has confirmed (the rest await it)


@dataclass
class Step:
    on: datetime.date
    progress: int
    before: str
    after: str
    completed_on: datetime.date | None = None
    note: str = ""
    by_office: bool = False


@dataclass
class Review:
    report: int  # index of the done report in the task's steps
    decision: str
    on: datetime.date
    back: int | None = None  # index of the return's own entry


@dataclass
class Chain:
    steps: list[Step] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.steps[-1].after if self.steps else TaskStatus.NOT_STARTED

    def add(self, on, progress, after, **extra) -> int:
        self.steps.append(Step(on, progress, self.status, after, **extra))
        return len(self.steps) - 1


def _days(rng: random.Random, start: datetime.date, end: datetime.date, k: int) -> list:
    span = max(0, (end - start).days)
    offsets = sorted(rng.randint(0, span) for _ in range(k))
    return [start + datetime.timedelta(days=d) for d in offsets]


def _climb(chain: Chain, rng, start, end, k: int, top: int) -> None:
    """k entries in progress between start and end, progress rising to `top`."""
    if k <= 0:
        return
    levels = sorted(rng.randint(5, max(5, top)) // 5 * 5 for _ in range(k - 1)) + [top]
    levels = [min(level, top) for level in levels]
    for on, progress in zip(_days(rng, start, end, k), levels, strict=True):
        chain.add(on, progress, TaskStatus.IN_PROGRESS, note=rng.choice(NOTES_PROGRESS))


def _returned_report(chain: Chain, rng, start, end) -> bool:
    """A done report between start and end that the office returned: two entries and a
    review. False when the window is too short for it."""
    if (end - start).days < 4:
        return False
    reported = start + datetime.timedelta(days=rng.randint(1, (end - start).days // 2))
    back_on = reported + datetime.timedelta(days=rng.randint(1, min(3, (end - reported).days - 1)))
    progress = chain.steps[-1].progress if chain.steps else 0
    report = chain.add(reported, 100, TaskStatus.DONE, completed_on=reported, note=NOTE_DONE)
    back = chain.add(back_on, progress, TaskStatus.IN_PROGRESS, note=RETURN_REASON, by_office=True)
    chain.reviews.append(Review(report, ReviewDecision.RETURNED, back_on, back))
    return True


def task_chain(task: Task, start: datetime.date, end: datetime.date, today, rng) -> Chain:
    """The entries (and reviews) that lead from nothing to the task's state, dated between
    `start` and `end`; may lower the progress of a cancelled task to where its chain left it."""
    chain = Chain()
    status = task.status
    if status == TaskStatus.NOT_STARTED:
        for on in _days(rng, start, end, rng.choice((0, 1, 1, 2))):
            chain.add(on, 0, TaskStatus.NOT_STARTED, note=NOTE_NOT_STARTED)
        return chain
    if status == TaskStatus.DONE:
        done_on = task.completed_on or end
        _climb(chain, rng, start, done_on, rng.randint(3, 5), rng.randrange(30, 95, 5))
        if rng.random() < RETURN_SHARE:
            _returned_report(chain, rng, chain.steps[-1].on, done_on)
        report = chain.add(done_on, 100, TaskStatus.DONE, completed_on=done_on, note=NOTE_DONE)
        confirm_on = done_on + datetime.timedelta(days=rng.randint(0, 10))
        if confirm_on <= today and rng.random() < CONFIRM_SHARE:
            chain.reviews.append(Review(report, ReviewDecision.CONFIRMED, confirm_on))
        return chain
    if status == TaskStatus.CANCELLED:
        cancelled_on = max(start, end - datetime.timedelta(days=rng.randint(0, 60)))
        _climb(chain, rng, start, cancelled_on, rng.randint(2, 4), rng.randrange(10, 60, 5))
        progress = chain.steps[-1].progress
        chain.add(cancelled_on, progress, TaskStatus.CANCELLED, note=NOTE_CANCELLED)
        task.progress = chain.steps[-1].progress
        return chain
    # In progress: rising to the task's progress; now and then a done report returned last.
    returned = not task.is_recurring and rng.random() < RETURNED_NOW_SHARE
    last = end - datetime.timedelta(days=rng.randint(0, 20))
    _climb(chain, rng, start, max(start, last), rng.randint(4, 6), task.progress)
    if returned:
        _returned_report(chain, rng, chain.steps[-1].on, end)
    return chain


UPDATE_FIELDS = (
    "task_id",
    "reported_on",
    "progress",
    "status_before",
    "status_after",
    "completed_on",
    "note",
    "deliverable",
    "author_id",
    "unit_id",
    # Derived, as plans.history.history_refresh keeps them (it then finds nothing to change).
    "valid_to",
    "reported_done",
    "confirmed_at",
    "returned",
)


def _at(day: datetime.date) -> datetime.datetime:
    """A review's time: ten in the morning of its day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _derived(chain: Chain) -> list[tuple]:
    """Each entry's valid_to, reported_done, confirmed_at and returned (plans.history's
    rules): the chain's entries and reviews are already in the order of their days."""
    confirmed = {
        r.report: _at(r.on) for r in chain.reviews if r.decision == ReviewDecision.CONFIRMED
    }
    found, report = [], None
    for index, step in enumerate(chain.steps):
        if step.after == TaskStatus.DONE and step.before != TaskStatus.DONE:
            report = index
        done = step.after == TaskStatus.DONE and report is not None
        known = [r for r in chain.reviews if r.on <= step.on]
        following = chain.steps[index + 1].on if index + 1 < len(chain.steps) else None
        returned = (
            step.after not in (TaskStatus.DONE, TaskStatus.CANCELLED)
            and bool(known)
            and known[-1].decision == ReviewDecision.RETURNED
        )
        confirmed_at = confirmed.get(report) if done and report is not None else None
        found.append((following, done, confirmed_at, returned))
    return found


def review_state(chain: Chain) -> str:
    """The task's review as of today (plans.history.review_status of its chain)."""
    if chain.status == TaskStatus.DONE:
        report = max(
            i
            for i, s in enumerate(chain.steps)
            if s.before != TaskStatus.DONE and s.after == TaskStatus.DONE
        )
        confirmed = any(
            r.report == report and r.decision == ReviewDecision.CONFIRMED for r in chain.reviews
        )
        return ReviewState.CONFIRMED if confirmed else ReviewState.AWAITING
    if chain.status == TaskStatus.CANCELLED or not chain.reviews:
        return ""
    return ReviewState.RETURNED if chain.reviews[-1].decision == ReviewDecision.RETURNED else ""


def chain_rows(task: Task, chain: Chain, office, focal, root_id: int) -> list[tuple]:
    """The chain's TaskUpdate rows, values in the order of UPDATE_FIELDS."""
    return [
        (
            task.pk,
            step.on,
            step.progress,
            step.before,
            step.after,
            step.completed_on,
            step.note,
            task.result if step.after == TaskStatus.DONE else "",
            office.pk if step.by_office else focal.pk,
            root_id if step.by_office else task.lead_unit_id,
            *derived,
        )
        for step, derived in zip(chain.steps, _derived(chain), strict=True)
    ]


def review_rows(task: Task, chain: Chain, update_ids: list[int], office) -> list:
    """The chain's reviews, once its entries have their ids (in the chain's order)."""
    rows = []
    for attempt, review in enumerate(chain.reviews, start=1):
        confirmed = review.decision == ReviewDecision.CONFIRMED
        rows.append(
            CompletionReview(
                task_id=task.pk,
                update_id=update_ids[review.report],
                decision=review.decision,
                rating=QualityRating.MET if confirmed else "",
                comment="" if confirmed else RETURN_REASON,
                attempt=attempt,
                return_update_id=None if review.back is None else update_ids[review.back],
                reviewed_by=office,
                reviewed_at=_at(review.on),
            )
        )
    return rows
