"""Progress entries and evidence: what a unit reports on its tasks. Every write checks
permission, runs in one transaction and records its audit event, as in `services`."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.dates import format_day
from cchc.lib.files import check_upload, store_upload
from cchc.orgs.access import Access, access_for
from cchc.orgs.models import Unit

from . import permissions
from .history import task_history_refresh, task_state
from .models import Evidence, Task, TaskStatus, TaskUpdate
from .permissions import require
from .services import TASK_FIELDS, today

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class EvidenceFile:
    """One uploaded paper with the date it bears and what it is."""

    file: UploadedFile
    effective_on: datetime.date
    description: str = ""


def _validate_files(files: Sequence[EvidenceFile]) -> None:
    for item in files:
        check_upload(item.file, field="files")
        if item.effective_on > today():
            raise ValidationError(
                {
                    "effective_on": _("Ngày của văn bản “%(name)s” nằm trong tương lai.")
                    % {"name": item.file.name}
                }
            )


def _store_evidence(
    *, actor: User, task: Task, unit: Unit, item: EvidenceFile, update: TaskUpdate | None = None
) -> Evidence:
    evidence = Evidence(
        task=task,
        update=update,
        description=item.description,
        effective_on=item.effective_on,
        unit=unit,
        uploaded_by=actor,
    )
    store_upload(evidence, item.file)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.add",
        obj=evidence,
        changes={
            "task": [None, task.pk],
            "name": [None, evidence.original_name],
            "sha256": [None, evidence.sha256],
            "effective_on": [None, evidence.effective_on],
        },
    )
    return evidence


def _acting_unit(access: Access, task: Task) -> Unit:
    if access.covers(task.lead_unit.path, "unit_head", "focal", "office"):
        return task.lead_unit
    return permissions.supporting_unit_of(access, task) or task.plan.issuing_unit


def _check_entry(
    *,
    history: Sequence[TaskUpdate],
    on: datetime.date,
    moves: bool,
    status: str,
    progress: int,
    completed_on: datetime.date | None,
) -> dict[str, str]:
    """Errors of a progress entry by field name (empty when it may be written)."""
    errors = {}
    if not 0 <= progress <= 100:
        errors["progress"] = _("Tiến độ phải từ 0 đến 100%.")
    if status not in TaskStatus.values:
        errors["status"] = _("Trạng thái “%(status)s” không hợp lệ.") % {"status": status}
    # A report speaks of what has happened: its dates cannot lie ahead of today.
    for name, value in (("reported_on", on), ("completed_on", completed_on)):
        if value is not None and value > today():
            errors[name] = _("Ngày %(date)s nằm trong tương lai.") % {"date": format_day(value)}
    if completed_on is not None and completed_on > on and "completed_on" not in errors:
        errors["completed_on"] = _("Ngày hoàn thành không được sau ngày báo cáo (%(date)s).") % {
            "date": format_day(on)
        }
    later = max((u.reported_on for u in history), default=None)
    if moves and later is not None and on < later and "reported_on" not in errors:
        # A late entry may add what was said then, not contradict what was reported since.
        errors["reported_on"] = _(
            "Nhiệm vụ đã có cập nhật ngày %(date)s: cập nhật ghi cho ngày trước đó chỉ được "
            "bổ sung nội dung và tài liệu, không thay đổi tiến độ, trạng thái."
        ) % {"date": format_day(later)}
    return errors


def _posted_with(key: uuid.UUID | None, *, actor: User, task: Task) -> TaskUpdate | None:
    """The entry this form already posted, if it was sent before."""
    if key is None:
        return None
    posted = TaskUpdate.objects.filter(submission_key=key).first()
    if posted is not None and (posted.task_id, posted.author_id) != (task.pk, actor.pk):
        # Not this user's form for this task: a key copied from elsewhere.
        raise ValidationError(
            {"submission_key": _("Biểu mẫu đã hết hiệu lực: hãy mở lại trang rồi gửi lại.")}
        )
    return posted


@transaction.atomic
def task_update_post(
    *,
    actor: User,
    task: Task,
    note: str = "",
    progress: int | None = None,
    status: str | None = None,
    deliverable: str = "",
    completed_on: datetime.date | None = None,
    reported_on: datetime.date | None = None,
    files: Sequence[EvidenceFile] = (),
    submission_key: uuid.UUID | None = None,
) -> TaskUpdate:
    """Post a progress entry, optionally moving progress and status, with evidence files.

    Marking a task done requires its deliverable (what was produced, e.g. a decision's
    number). Supporting units may add notes and evidence but not move progress or status,
    nor write the result. The entry is judged against the state as of its own date.
    A `submission_key` already posted returns that entry, writing nothing.
    """
    task = (
        Task.objects.select_for_update()
        .select_related("plan__issuing_unit", "lead_unit")
        .get(pk=task.pk)
    )
    access = access_for(actor)
    require(permissions.can_add_note(access, task), _("Không có quyền cập nhật nhiệm vụ này."))
    # Under the task's lock: a second sending waits for the first and then finds it.
    posted = _posted_with(submission_key, actor=actor, task=task)
    if posted is not None:
        return posted
    on = reported_on or today()
    history = list(task.updates.all())
    # The entry speaks of its own date: compare with the state as of then, not today's.
    prior = task_state(history, on)
    moves = (progress is not None and progress != prior.progress) or (
        status is not None and status != prior.status
    )
    # The result (what the task produced) belongs to the lead unit, like its status.
    if moves or deliverable.strip():
        require(
            permissions.can_report_progress(access, task),
            _("Chỉ cơ quan chủ trì được thay đổi tiến độ, trạng thái, sản phẩm của nhiệm vụ."),
        )
    new_status = status or prior.status
    new_progress = prior.progress if progress is None else progress
    errors = _check_entry(
        history=history,
        on=on,
        moves=moves,
        status=new_status,
        progress=new_progress,
        completed_on=completed_on,
    )
    new_completed = None
    if new_status == TaskStatus.DONE and prior.status == TaskStatus.DONE:
        new_completed = prior.completed_on
    elif new_status == TaskStatus.DONE:
        if not deliverable.strip():
            errors["deliverable"] = _("Khi đánh dấu hoàn thành, cần ghi sản phẩm đã có.")
        new_progress = 100
        new_completed = completed_on or on
    if not (note.strip() or moves or files):
        errors["note"] = _("Cần nhập nội dung cập nhật, thay đổi tiến độ hoặc đính kèm tài liệu.")
    if errors:
        raise ValidationError(errors)
    _validate_files(files)

    before = snapshot(task, TASK_FIELDS)
    unit = _acting_unit(access, task)
    update = TaskUpdate.objects.create(
        task=task,
        reported_on=on,
        progress=new_progress,
        status_before=prior.status,
        status_after=new_status,
        completed_on=new_completed,
        note=note,
        deliverable=deliverable.strip(),
        author=actor,
        unit=unit,
        submission_key=submission_key,
    )
    # The task's own fields are its state as of today, read from the whole history.
    now = task_state([*history, update], today())
    task.status, task.progress = now.status, now.progress
    task.completed_on, task.result = now.completed_on, now.result
    task.save()
    task_history_refresh(task)
    audit_record(
        actor=actor,
        action="task.update_post",
        obj=task,
        changes=diff(task, TASK_FIELDS, before) | {"update": [None, update.pk]},
    )
    for item in files:
        _store_evidence(actor=actor, task=task, unit=unit, item=item, update=update)
    return update


@transaction.atomic
def evidence_add(*, actor: User, task: Task, item: EvidenceFile) -> Evidence:
    task = Task.objects.select_related("plan__issuing_unit", "lead_unit").get(pk=task.pk)
    access = access_for(actor)
    require(
        permissions.can_add_note(access, task),
        _("Không có quyền thêm tài liệu cho nhiệm vụ này."),
    )
    _validate_files([item])
    return _store_evidence(actor=actor, task=task, unit=_acting_unit(access, task), item=item)
