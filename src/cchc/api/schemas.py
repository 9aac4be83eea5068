"""What the API takes and gives, as typed schemas (the OpenAPI description is read from
them). Rules stay in the services: a schema says types, the services say what is allowed."""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from cchc.plans.forms import MAX_ID

Id = int


def _no_nul(value: str) -> str:
    # As Django's form fields: PostgreSQL stores no NUL character in text.
    if "\x00" in value:
        raise ValueError("NUL")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
TaskStatusName = Literal["not_started", "in_progress", "done", "cancelled"]
StatusFilter = Literal["open", "not_started", "in_progress", "done", "cancelled"]
TimelinessName = Literal[
    "done_on_time", "done_late", "overdue", "due_soon", "on_track", "recurring", "cancelled"
]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


class UnitOut(Schema):
    id: Id
    name: str
    short_name: str
    parent_id: Id | None


class AreaOut(Schema):
    id: Id
    code: int
    name: str


class PlanOut(Schema):
    id: Id
    year: int
    title: str
    status: Literal["draft", "issued", "closed"]
    issuing_unit_id: Id
    issuing_unit_name: str
    document_number: str
    issued_on: datetime.date | None
    parent_id: Id | None


class PlanDetailOut(PlanOut):
    purpose: str
    requirements: str
    implementation: str


class TaskOut(Schema):
    """A task with its state (status, progress, completion, timeliness) as of `as_of`."""

    id: Id
    plan_id: Id
    area_id: Id
    area_code: int
    code: str
    title: str
    lead_unit_id: Id
    lead_unit_name: str
    due_date: datetime.date | None
    due_text: str
    is_recurring: bool
    status: TaskStatusName
    progress: int
    completed_on: datetime.date | None
    timeliness: TimelinessName


class TaskPage(Schema):
    as_of: datetime.date
    items: list[TaskOut]
    next: str | None = Field(
        description="Con trỏ của trang sau (tham số `cursor`); null ở trang cuối."
    )


class TaskDetailOut(TaskOut):
    description: str
    deliverable: str
    result: str
    section: str | None
    supporting_unit_ids: list[Id]
    parent_task_id: Id | None
    latest_update_id: Id | None
    can_add_note: bool
    can_report_progress: bool


class EvidenceOut(Schema):
    id: Id
    name: str
    size: int
    sha256: str
    effective_on: datetime.date
    description: str
    unit_id: Id
    update_id: Id | None
    download_url: str


class UpdateOut(Schema):
    id: Id
    task_id: Id
    reported_on: datetime.date
    progress: int
    status_before: TaskStatusName
    status_after: TaskStatusName
    note: str
    deliverable: str
    completed_on: datetime.date | None
    author: str
    unit_id: Id
    unit_name: str
    created_at: datetime.datetime
    evidence: list[EvidenceOut]


class UpdateIn(Schema):
    """A progress entry. Leave out what does not change: a supporting unit sends a note."""

    note: Text = ""
    progress: int | None = Field(None, description="0–100 (%).")
    status: TaskStatusName | None = None
    deliverable: Text = Field("", description="Bắt buộc khi chuyển sang Hoàn thành.")
    completed_on: datetime.date | None = None
    reported_on: datetime.date | None = Field(None, description="Mặc định: hôm nay.")
    based_on_update: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description=(
            "Cập nhật mới nhất mà bên gửi đã thấy (latest_update_id; 0 khi chưa có). "
            "Nếu đã có cập nhật khác sau đó, trả 409 và không ghi gì."
        ),
    )


class TaskQuery(Schema):
    """The web's task list filters (plans.forms.TaskFilterForm), and the page."""

    plan: int | None = Field(None, ge=1, le=MAX_ID)
    area: int | None = Field(None, ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Đơn vị chủ trì và cấp dưới.")
    lead_unit: int | None = Field(None, ge=1, le=MAX_ID, description="Đúng đơn vị chủ trì.")
    status: StatusFilter | None = None
    timeliness: TimelinessName | None = None
    q: Text | None = Field(None, max_length=200)
    mine: bool = Field(False, description="Chỉ nhiệm vụ đơn vị mình chủ trì hoặc phối hợp.")
    as_of: datetime.date | None = Field(None, description="Số liệu tại ngày (mặc định hôm nay).")
    due_before: datetime.date | None = Field(None, description="Hạn hoàn thành đến ngày này.")
    due_after: datetime.date | None = Field(None, description="Hạn hoàn thành từ ngày này.")
    cursor: Text | None = Field(None, max_length=64)
    limit: int = Field(50, ge=1, le=200)


class PeriodOut(Schema):
    """A reporting period, with how many units must report and how many have sent."""

    id: Id
    plan_id: Id
    kind: str
    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date
    units_due: int
    units_submitted: int
