"""Units, areas, plans, tasks and their progress: the same selectors and services as the
web pages (plans.views), so the same people see and change the same things."""

import base64
import binascii
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile as NinjaUploadedFile

from cchc.lib.files import check_upload, sha256_of, stored_file_response
from cchc.lib.text import person_name
from cchc.plans import progress, selectors
from cchc.plans.forms import MAX_ID, TaskFilterForm
from cchc.plans.models import Evidence, Plan, Task, TaskUpdate
from cchc.plans.timeliness import task_timeliness

from . import idempotency
from . import selectors as api_selectors
from .errors import ApiError, from_django
from .schemas import (
    AreaOut,
    ErrorOut,
    EvidenceOut,
    PlanDetailOut,
    PlanOut,
    TaskDetailOut,
    TaskPage,
    TaskQuery,
    Text,
    UnitOut,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["Kế hoạch, nhiệm vụ"])

# What any call may answer besides success, and what a write may answer too.
READ_ERRORS = {frozenset({400, 401, 404, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({400, 401, 403, 404, 409, 413, 422, 429}): ErrorOut}
# An object's id in a path: a number the database can hold, or a 400 naming it.
ID = Path(..., ge=1, le=MAX_ID)
# An evidence file's description, a form field that may be left out.
DESCRIPTION = Form("")
# Task list rows carry none of the long texts (as the web's list).
LIST_DEFERRED = ["description", "notes", "result", "search_text", "deliverable"]


def _today() -> datetime.date:
    return timezone.localdate()


# --- units, areas, plans ----------------------------------------------------------------


@router.get("/units", response={200: list[UnitOut], **READ_ERRORS})
def unit_list(request):
    """The active units the user's memberships reach, in tree order."""
    return [
        {"id": u.pk, "name": u.name, "short_name": u.short_name, "parent_id": u.parent_id}
        for u in selectors.unit_choices(user=request.auth)
    ]


@router.get("/areas", response={200: list[AreaOut], **READ_ERRORS})
def area_list(request):
    """The seven reform areas."""
    return [{"id": a.pk, "code": a.code, "name": a.name} for a in selectors.area_list()]


def _plan(plan: Plan, detail: bool = False) -> dict:
    out = {
        "id": plan.pk,
        "year": plan.year,
        "title": plan.title,
        "status": plan.status,
        "issuing_unit_id": plan.issuing_unit_id,
        "issuing_unit_name": plan.issuing_unit.name,
        "document_number": plan.document_number,
        "issued_on": plan.issued_on,
        "parent_id": plan.parent_id,
    }
    if detail:
        out |= {
            "purpose": plan.purpose,
            "requirements": plan.requirements,
            "implementation": plan.implementation,
        }
    return out


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS})
def plan_list(request):
    """Plans the user may read, newest year first."""
    plans = selectors.plan_list(user=request.auth).defer(
        "purpose", "requirements", "implementation"
    )
    return [_plan(p) for p in plans]


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
def plan_detail(request, plan_id: int = ID):
    return _plan(selectors.plan_get(user=request.auth, pk=plan_id), detail=True)


# --- tasks ------------------------------------------------------------------------------


def _cursor_decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = -1
    if value < 0:
        raise ApiError(
            400, _("Con trỏ trang không hợp lệ."), fields={"cursor": [_("Không hợp lệ.")]}
        )
    return value


def _cursor_encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def _filtered_tasks(user, query: TaskQuery):
    """The web's filter form reads the filters, so the list means what the page means."""
    data = {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name in ("plan", "area", "unit", "lead_unit", "status", "timeliness", "q", "as_of")
        if (value := getattr(query, name)) not in (None, "")
    }
    form = TaskFilterForm(data)
    if not form.is_valid():
        raise from_django(DjangoValidationError(form.errors.as_data()))
    today = form.as_of_date()
    tasks = selectors.task_list(user=user, filters=form.filters(mine=query.mine), today=today)
    if query.due_before:
        tasks = tasks.filter(due_date__lte=query.due_before)
    if query.due_after:
        tasks = tasks.filter(due_date__gte=query.due_after)
    return tasks, today


def _task_row(task, status: str, progress: int, completed_on, timeliness: str) -> dict:
    """A task with its state as of a day, which the caller reads from the history."""
    return {
        "id": task.pk,
        "plan_id": task.plan_id,
        "area_id": task.area_id,
        "area_code": task.area.code,
        "code": task.code,
        "title": task.title,
        "lead_unit_id": task.lead_unit_id,
        "lead_unit_name": task.lead_unit.name,
        "due_date": task.due_date,
        "due_text": task.due_text,
        "is_recurring": task.is_recurring,
        "status": status,
        "progress": progress,
        "completed_on": completed_on,
        "timeliness": timeliness,
    }


def listed(task) -> dict:
    """A row of selectors.task_list, whose annotations are the state as of the list's day."""
    return _task_row(
        task, task.state_status, task.state_progress, task.state_completed_on, task.timeliness
    )


@router.get("/tasks", response={200: TaskPage, **READ_ERRORS})
def task_list(request, query: Query[TaskQuery]):
    """Tasks the user may read, with the web's filters, in pages ordered by id: follow
    `next` as `cursor` until it is null. Tasks added meanwhile come after, never twice."""
    tasks, today = _filtered_tasks(request.auth, query)
    after = _cursor_decode(query.cursor)
    rows = list(tasks.defer(*LIST_DEFERRED).filter(pk__gt=after).order_by("pk")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "as_of": today,
        "items": [listed(t) for t in rows],
        "next": _cursor_encode(rows[-1].pk) if more else None,
    }


def _task_detail(user, task: Task) -> dict:
    today = _today()
    abilities = selectors.task_abilities(user=user, task=task)
    # The task's own fields are its state as of today (plans.history).
    row = _task_row(
        task, task.status, task.progress, task.completed_on, task_timeliness(task, today)
    )
    return row | {
        "description": task.description,
        "deliverable": task.deliverable,
        "result": task.result,
        "section": task.section.title if task.section else None,
        "supporting_unit_ids": [u.pk for u in task.supporting_units.all()],
        "parent_task_id": task.parent_task_id,
        "latest_update_id": api_selectors.task_latest_update_id(task=task),
        "can_add_note": abilities.can_add_note,
        "can_report_progress": abilities.can_report_progress,
    }


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS})
def task_detail(request, task_id: int = ID):
    return _task_detail(request.auth, selectors.task_get(user=request.auth, pk=task_id))


def _evidence(e: Evidence) -> dict:
    return {
        "id": e.pk,
        "name": e.original_name,
        "size": e.size,
        "sha256": e.sha256,
        "effective_on": e.effective_on,
        "description": e.description,
        "unit_id": e.unit_id,
        "update_id": e.update_id,
        "download_url": reverse("api:evidence_download", kwargs={"evidence_id": e.pk}),
    }


def _update(u: TaskUpdate, evidence) -> dict:
    return {
        "id": u.pk,
        "task_id": u.task_id,
        "reported_on": u.reported_on,
        "progress": u.progress,
        "status_before": u.status_before,
        "status_after": u.status_after,
        "note": u.note,
        "deliverable": u.deliverable,
        "completed_on": u.completed_on,
        "author": person_name(u.author),
        "unit_id": u.unit_id,
        "unit_name": u.unit.name,
        "created_at": u.created_at,
        "evidence": [_evidence(e) for e in evidence],
    }


@router.get("/tasks/{task_id}/updates", response={200: list[UpdateOut], **READ_ERRORS})
def task_update_list(request, task_id: int = ID):
    """The task's progress entries, newest first, each with the evidence the user may read."""
    task = selectors.task_get(user=request.auth, pk=task_id)
    return [
        _update(u, u.visible_evidence)  # type: ignore[attr-defined]  # the selector's Prefetch
        for u in selectors.task_updates(user=request.auth, task=task)
    ]


def _check_not_stale(task: Task, based_on: int | None) -> None:
    if based_on is None:
        return
    latest = api_selectors.task_latest_update_id(task=task, lock=True) or 0
    if latest != based_on:
        raise ApiError(
            409,
            _(
                "Nhiệm vụ đã có cập nhật mới (#%(latest)d) sau cập nhật bạn đã xem: hãy đọc lại "
                "rồi gửi lại."
            )
            % {"latest": latest},
            fields={"based_on_update": [_("Không còn là cập nhật mới nhất.")]},
        )


@router.post("/tasks/{task_id}/updates", response={201: UpdateOut, 200: UpdateOut, **WRITE_ERRORS})
def task_update_post(request, payload: UpdateIn, task_id: int = ID):
    """Post a progress entry (plans.progress.task_update_post, as the web's form does).
    Send `Idempotency-Key` to make a retry safe."""
    user = request.auth
    task = selectors.task_get(user=user, pk=task_id)

    def write() -> tuple[int, dict]:
        with transaction.atomic():
            _check_not_stale(task, payload.based_on_update)
            update = progress.task_update_post(
                actor=user,
                task=task,
                note=payload.note,
                progress=payload.progress,
                status=payload.status,
                deliverable=payload.deliverable,
                completed_on=payload.completed_on,
                reported_on=payload.reported_on,
            )
        return 201, UpdateOut.model_validate(_update(update, [])).model_dump(mode="json")

    return Status(*idempotency.run(request, payload.model_dump(mode="json"), write))


def check_size(upload: UploadedFile, field: str = "file") -> None:
    """The evidence check of every upload; too large is 413, not 400."""
    try:
        check_upload(upload, field=field)
    except DjangoValidationError as exc:
        if (upload.size or 0) > settings.CCHC_MAX_UPLOAD_BYTES:
            raise ApiError(413, " ".join(exc.messages), fields=exc.message_dict) from exc
        raise


@router.post(
    "/tasks/{task_id}/evidence", response={201: EvidenceOut, 200: EvidenceOut, **WRITE_ERRORS}
)
def evidence_add(
    request,
    file: File[NinjaUploadedFile],
    effective_on: Form[datetime.date],
    task_id: int = ID,
    description: Text = DESCRIPTION,
):
    """Attach a file proving the work (multipart/form-data), dated by the paper itself."""
    user = request.auth
    task = selectors.task_get(user=user, pk=task_id)
    if not selectors.task_abilities(user=user, task=task).can_add_note:
        raise PermissionDenied(_("Không có quyền thêm tài liệu cho nhiệm vụ này."))
    check_size(file)
    item = progress.EvidenceFile(
        file=file, effective_on=effective_on, description=description[:500]
    )

    def write() -> tuple[int, dict]:
        evidence = progress.evidence_add(actor=user, task=task, item=item)
        return 201, EvidenceOut.model_validate(_evidence(evidence)).model_dump(mode="json")

    seen = {
        "file": sha256_of(file),
        "name": file.name,
        "effective_on": effective_on,
        "description": description,
    }
    return Status(*idempotency.run(request, seen, write))


# A file of any type: the OpenAPI description says so instead of JSON.
ANY_FILE = {
    "responses": {
        200: {
            "description": "Tệp tài liệu kiểm chứng",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/evidence/{evidence_id}", response=READ_ERRORS, openapi_extra=ANY_FILE)
def evidence_download(request, evidence_id: int = ID):
    """The file itself, for those who may read it (as the web's download)."""
    return stored_file_response(selectors.evidence_get(user=request.auth, pk=evidence_id))
