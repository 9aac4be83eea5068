"""The office's review of a task reported done (xác nhận hoàn thành), through plans.review:
its queue (the web's /tasks/reviews/), a task's reviews, confirm with a rating, return
with a reason."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cchc.lib.text import person_name
from cchc.orgs.access import access_for
from cchc.orgs.models import Role
from cchc.plans import review, selectors
from cchc.plans.forms import MAX_ID
from cchc.plans.models import CompletionReview

from . import idempotency
from .plans_routes import ID, LIST_DEFERRED, READ_ERRORS, WRITE_ERRORS, listed
from .schemas import ErrorOut, TaskOut, Text

router = Router(tags=["Xác nhận hoàn thành"])

QUEUE_ERRORS = {frozenset({403}): ErrorOut, **READ_ERRORS}
REPORT = Field(
    None,
    ge=1,
    le=MAX_ID,
    description=(
        "Báo cáo hoàn thành mà bên gửi đã đọc (`report_id`); nếu đơn vị đã báo cáo lại "
        "hoặc đã có người xác nhận, trả lại, trả 409 và không ghi gì."
    ),
)


class QueueQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)


class QueueRowOut(TaskOut):
    report_on: datetime.date | None
    evidence_count: int
    attempt: int


class QueuePage(Schema):
    as_of: datetime.date
    count: int
    page: int
    pages: int
    items: list[QueueRowOut]


class ReviewOut(Schema):
    id: int
    task_id: int
    report_id: int
    decision: Literal["confirmed", "returned"]
    rating: Literal["", "met", "not_met"]
    comment: str
    attempt: int
    return_update_id: int | None
    reviewed_by: str
    reviewed_at: datetime.datetime


class TaskReviewsOut(Schema):
    """Where the task stands with the office today (`state`: awaiting, confirmed, returned,
    or "" with nothing to review), the done report awaiting an answer, and every review,
    newest first."""

    state: Literal["", "awaiting", "confirmed", "returned"]
    report_id: int | None
    can_review: bool
    reviews: list[ReviewOut]


class ConfirmIn(Schema):
    rating: Text = Field(
        "", max_length=16, description="met (Đạt yêu cầu) hoặc not_met (Chưa đạt yêu cầu)."
    )
    comment: Text = ""
    report: int | None = REPORT


class ReturnIn(Schema):
    reason: Text = Field("", description="Bắt buộc: lý do trả lại.")
    report: int | None = REPORT


def _review(r: CompletionReview) -> dict:
    return {
        "id": r.pk,
        "task_id": r.task_id,
        "report_id": r.update_id,
        "decision": r.decision,
        "rating": r.rating,
        "comment": r.comment,
        "attempt": r.attempt,
        "return_update_id": r.return_update_id,
        "reviewed_by": person_name(r.reviewed_by),
        "reviewed_at": r.reviewed_at,
    }


@router.get("/reviews", response={200: QueuePage, **QUEUE_ERRORS})
def review_queue(request, query: Query[QueueQuery]):
    """The office's queue: tasks reported done awaiting its confirmation, oldest report
    first, in numbered pages."""
    if not access_for(request.auth).has(Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng xác nhận hoàn thành nhiệm vụ."))
    today = timezone.localdate()
    tasks = selectors.review_queue(user=request.auth, today=today).defer(*LIST_DEFERRED)
    paginator = Paginator(tasks, query.limit)
    rows = paginator.page(query.page) if query.page <= paginator.num_pages else []
    return {
        "as_of": today,
        "count": paginator.count,
        "page": query.page,
        "pages": paginator.num_pages,
        "items": [
            listed(t)
            | {
                "report_on": t.report_on,  # type: ignore[attr-defined]  # annotated
                "evidence_count": t.evidence_count,  # type: ignore[attr-defined]
                "attempt": t.attempt,  # type: ignore[attr-defined]
            }
            for t in rows
        ],
    }


def _task_reviews(user, task) -> dict:
    updates = selectors.task_updates(user=user, task=task)
    found = selectors.task_review(task=task, updates=updates, today=timezone.localdate())
    report = found.status.report
    return {
        "state": found.status.state,
        "report_id": report.pk if report and found.awaiting else None,
        "can_review": selectors.task_abilities(user=user, task=task).can_review,
        "reviews": [_review(r) for r in found.reviews],
    }


@router.get("/tasks/{task_id}/reviews", response={200: TaskReviewsOut, **READ_ERRORS})
def task_reviews(request, task_id: int = ID):
    """The task's reviews, for whoever reads the task (as its page shows them)."""
    return _task_reviews(request.auth, selectors.task_get(user=request.auth, pk=task_id))


def _reviewable(user, task_id: int):
    """The task, if the user reads it (else 404) and reviews its completion (else 403)."""
    task = selectors.task_get(user=user, pk=task_id)
    if not selectors.task_abilities(user=user, task=task).can_review:
        raise PermissionDenied(
            _("Chỉ Văn phòng của cơ quan ban hành kế hoạch được xác nhận hoàn thành.")
        )
    return task


def _answer(request, data: dict, answer) -> Status:
    """Run one review service once per Idempotency-Key: a refusal on a field is bad input
    (400); nothing awaiting this answer any more is the service's WrongState (409)."""

    def write() -> tuple[int, dict]:
        made = answer()
        return 201, ReviewOut.model_validate(_review(made)).model_dump(mode="json")

    return Status(*idempotency.run(request, data, write))


@router.post("/tasks/{task_id}/confirm", response={201: ReviewOut, 200: ReviewOut, **WRITE_ERRORS})
def task_confirm(request, payload: ConfirmIn, task_id: int = ID):
    """Confirm the reported completion with a quality rating (the office of the plan's
    branch); the lead unit is told."""
    task = _reviewable(request.auth, task_id)
    return _answer(
        request,
        payload.model_dump(mode="json"),
        lambda: review.completion_confirm(
            actor=request.auth,
            task=task,
            rating=payload.rating,
            comment=payload.comment,
            report=payload.report,
        ),
    )


@router.post("/tasks/{task_id}/return", response={201: ReviewOut, 200: ReviewOut, **WRITE_ERRORS})
def task_return(request, payload: ReturnIn, task_id: int = ID):
    """Return the reported completion with the reason: the task is back in progress."""
    task = _reviewable(request.auth, task_id)
    return _answer(
        request,
        payload.model_dump(mode="json"),
        lambda: review.completion_return(
            actor=request.auth, task=task, reason=payload.reason, report=payload.report
        ),
    )
