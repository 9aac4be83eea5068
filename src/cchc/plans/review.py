"""The office's review of a reported completion (xác nhận hoàn thành): it confirms the
result with a quality rating, or returns it with a reason, which puts the task back in
progress. Each answer is a `CompletionReview` row, so figures as of any day can tell a
task reported done from one confirmed (plans.history), and the attempts are counted.

Writes as in `services`: permission, one transaction with the task locked, audit event;
the lead unit hears the answer through its focal officers and head.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.dates import format_day_time
from cchc.lib.refusals import WrongState
from cchc.lib.text import person_name
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify
from cchc.orgs.access import access_for
from cchc.orgs.selectors import unit_contacts

from . import permissions
from .history import review_status, task_history_refresh, task_state
from .models import (
    CompletionReview,
    QualityRating,
    ReviewDecision,
    ReviewState,
    Task,
    TaskStatus,
    TaskUpdate,
)
from .permissions import require
from .services import TASK_FIELDS, today

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a confirmation or a return may say, at most (a paragraph or two, not a document).
COMMENT_MAX = 4000


def _open(
    actor: User, task: Task, report: int | None
) -> tuple[Task, TaskUpdate, list[CompletionReview]]:
    """The task locked, if the actor reviews it, with its pending done report and the
    reviews before."""
    task = (
        Task.objects.select_for_update()
        .select_related("plan__issuing_unit", "lead_unit")
        .get(pk=task.pk)
    )
    require(
        permissions.can_review_completion(access_for(actor), task),
        _("Chỉ Văn phòng của cơ quan ban hành kế hoạch được xác nhận hoặc trả lại."),
    )
    return (task, *_pending(task, report))


def _pending(task: Task, report: int | None) -> tuple[TaskUpdate, list[CompletionReview]]:
    """The done report awaiting review now, checked against the one the page showed
    (`report`): a second click, or a page opened before someone else answered or before
    the unit reported again, is refused with what happened (WrongState)."""
    updates = list(task.updates.all())
    reviews = list(task.completion_reviews.select_related("reviewed_by"))
    status = review_status(updates, reviews, today())
    latest = max(reviews, key=lambda r: (r.reviewed_at, r.pk), default=None)
    if status.state == ReviewState.CONFIRMED and status.review is not None:
        raise WrongState(
            _("Nhiệm vụ đã được %(who)s xác nhận hoàn thành lúc %(when)s.")
            % {"who": person_name(status.review.reviewed_by), "when": _when(status.review)}
        )
    if status.state != ReviewState.AWAITING or status.report is None:
        if latest is not None and latest.decision == ReviewDecision.RETURNED:
            raise WrongState(
                _(
                    "Nhiệm vụ đã được %(who)s trả lại lúc %(when)s; "
                    "đơn vị chưa báo cáo hoàn thành lại."
                )
                % {"who": person_name(latest.reviewed_by), "when": _when(latest)}
            )
        raise WrongState(_("Nhiệm vụ không ở trạng thái chờ xác nhận hoàn thành."))
    if report is not None and report != status.report.pk:
        raise WrongState(
            _(
                "Đơn vị đã báo cáo hoàn thành lại sau khi trang này được mở: hãy tải lại trang "
                "và đọc báo cáo mới trước khi xác nhận hoặc trả lại."
            )
        )
    return status.report, reviews


def _when(review: CompletionReview) -> str:
    return format_day_time(timezone.localtime(review.reviewed_at))


def _tell_unit(*, actor: User, task: Task, review: CompletionReview) -> None:
    """The lead unit's focal officers and head hear the office's answer."""
    name = task.code or f"#{task.pk}"
    if review.decision == ReviewDecision.CONFIRMED:
        kind = Kind.COMPLETION_CONFIRMED
        title = _("Văn phòng xác nhận hoàn thành nhiệm vụ %(task)s: %(rating)s") % {
            "task": name,
            "rating": review.get_rating_display().lower(),
        }
    else:
        kind = Kind.COMPLETION_RETURNED
        title = _("Văn phòng trả lại kết quả hoàn thành nhiệm vụ %(task)s") % {"task": name}
    body = f"{task.title}\n{review.comment}".strip()
    contacts = unit_contacts(units=[task.lead_unit])[task.lead_unit.pk]
    message = Message(
        kind=kind,
        title=title,
        body=body,
        url=reverse("plans:task-detail", kwargs={"pk": task.pk}),
        unit=task.lead_unit,
        key=f"completion_review:{review.pk}",
        subject=task,
    )
    notify(actor=actor, recipients=contacts, message=message)


def _clean_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > COMMENT_MAX:
        raise ValidationError({field: _("Nội dung dài quá %(n)d ký tự.") % {"n": COMMENT_MAX}})
    return value


@transaction.atomic
def completion_confirm(
    *, actor: User, task: Task, rating: str, comment: str = "", report: int | None = None
) -> CompletionReview:
    """Confirm the task's pending done report with a quality rating (đạt / chưa đạt yêu
    cầu). `report` is the done report's id as the page showed it (None: whatever is
    pending)."""
    task, pending, reviews = _open(actor, task, report)
    if rating not in QualityRating.values:
        raise ValidationError(
            {"rating": _("Hãy chọn đánh giá chất lượng: đạt hoặc chưa đạt yêu cầu.")}
        )
    comment = _clean_text(comment, "comment")
    return _answer(
        actor=actor,
        task=task,
        pending=pending,
        attempt=len(reviews) + 1,
        fields={"decision": ReviewDecision.CONFIRMED, "rating": rating, "comment": comment},
        changes={"rating": [None, rating], "comment": [None, comment]},
    )


@transaction.atomic
def completion_return(
    *, actor: User, task: Task, reason: str, report: int | None = None
) -> CompletionReview:
    """Return the task's pending done report with the reason: the task goes back in
    progress (an entry of today, by the office, so every figure from today on sees it
    unfinished) and the lead unit is told why."""
    task, pending, reviews = _open(actor, task, report)
    reason = _clean_text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Cần ghi rõ lý do trả lại để đơn vị biết phải làm gì.")})
    history = list(task.updates.all())
    on = today()
    # Back to where the task stood before it was reported done, but in progress.
    before = task_state([u for u in history if _before(u, pending)], on)
    snap = snapshot(task, TASK_FIELDS)
    back = TaskUpdate.objects.create(
        task=task,
        reported_on=on,
        progress=before.progress,
        status_before=TaskStatus.DONE,
        status_after=TaskStatus.IN_PROGRESS,
        completed_on=None,
        note=_("Văn phòng trả lại kết quả hoàn thành: %(reason)s") % {"reason": reason},
        author=actor,
        unit=task.plan.issuing_unit,
    )
    now = task_state([*history, back], on)
    task.status, task.progress = now.status, now.progress
    task.completed_on, task.result = now.completed_on, now.result
    task.save()
    fields = {"decision": ReviewDecision.RETURNED, "comment": reason, "return_update": back}
    changes = diff(task, TASK_FIELDS, snap) | {
        "reason": [None, reason],
        "update": [None, back.pk],
    }
    return _answer(
        actor=actor,
        task=task,
        pending=pending,
        attempt=len(reviews) + 1,
        fields=fields,
        changes=changes,
    )


def _answer(
    *,
    actor: User,
    task: Task,
    pending: TaskUpdate,
    attempt: int,
    fields: dict[str, Any],
    changes: dict[str, Any],
) -> CompletionReview:
    """Record the review of `pending` (its decision and words in `fields`), audit it with
    `changes`, and tell the lead unit."""
    review = CompletionReview.objects.create(
        task=task,
        update=pending,
        attempt=attempt,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        **fields,
    )
    task_history_refresh(task)
    confirmed = review.decision == ReviewDecision.CONFIRMED
    audit_record(
        actor=actor,
        action="task.completion_confirm" if confirmed else "task.completion_return",
        obj=task,
        changes=changes
        | {
            "review": [None, review.pk],
            "report": [None, pending.pk],
            "attempt": [None, attempt],
        },
    )
    _tell_unit(actor=actor, task=task, review=review)
    return review


def _before(update: TaskUpdate, report: TaskUpdate) -> bool:
    return (update.reported_on, update.pk) < (report.reported_on, report.pk)
