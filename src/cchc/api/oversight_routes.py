"""Inspections and their findings, read through the web's selectors (oversight.
inspection_selectors) and written through its services: the responsible unit answers a
finding with evidence, the office or the team head accepts or reopens the answer."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile as NinjaUploadedFile
from pydantic import Field

from cchc.lib.files import sha256_of, stored_file_response
from cchc.lib.text import person_name
from cchc.orgs.models import Unit
from cchc.oversight import inspection_selectors as selectors
from cchc.oversight import inspection_services as services
from cchc.oversight.models import Finding, FindingFile, Inspection
from cchc.plans.forms import MAX_ID

from . import idempotency
from .plans_routes import ANY_FILE, ID, READ_ERRORS, WRITE_ERRORS, check_size
from .schemas import Text

router = Router(tags=["Kiểm tra, kiến nghị"])

InspectionStatusName = Literal["planned", "in_progress", "concluded", "closed"]
FindingStatusName = Literal["open", "answered", "closed"]
# The web's answer form: a text of at most this many characters (inspection_forms._text).
ANSWER_MAX = 10_000
REASON_MAX = 5_000
# The answer's text, a form field; left out, the service names what is missing.
ANSWER_TEXT = Form("", max_length=ANSWER_MAX)


class InspectionQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Năm của kế hoạch kiểm tra.")
    status: InspectionStatusName | None = None
    unit: int | None = Field(
        None, ge=1, le=MAX_ID, description="Đơn vị được kiểm tra và đơn vị trực thuộc."
    )


class InspectionOut(Schema):
    id: int
    plan_id: int
    year: int
    issuing_unit_id: int
    issuing_unit_name: str
    unit_id: int
    unit_name: str
    decision_number: str
    decision_date: datetime.date | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    status: InspectionStatusName


class InspectionRowOut(InspectionOut):
    finding_count: int
    open_count: int
    heads: list[str]


class MemberOut(Schema):
    user_id: int
    name: str
    position: str
    is_head: bool


class ChecklistItemOut(Schema):
    id: int
    text: str
    result: Literal["", "passed", "failed"]
    note: str
    area_id: int | None
    task_id: int | None


class FindingOut(Schema):
    id: int
    inspection_id: int
    number: int
    description: str
    area_id: int | None
    severity: Literal["serious", "medium", "minor"]
    recommendation: str
    deadline: datetime.date
    responsible_unit_id: int
    responsible_unit_name: str
    status: FindingStatusName
    reopen_reason: str
    closed_at: datetime.datetime | None
    overdue: bool
    can_answer: bool
    can_decide: bool


class FindingFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    download_url: str


class AnswerOut(Schema):
    id: int
    text: str
    answered_by: str
    answered_at: datetime.datetime
    outcome: Literal["", "accepted", "reopened"]
    reason: str
    decided_by: str
    decided_at: datetime.datetime | None
    files: list[FindingFileOut]


class FindingDetailOut(FindingOut):
    answers: list[AnswerOut]


class InspectionDetailOut(InspectionOut):
    """`whole`: the user sees every finding, the team's checklist too; else only the
    findings their unit must fix."""

    note: str
    conclusion: str
    concluded_on: datetime.date | None
    closed_at: datetime.datetime | None
    whole: bool
    can_edit: bool
    can_lead: bool
    can_work: bool
    can_close: bool
    members: list[MemberOut]
    area_ids: list[int]
    task_ids: list[int]
    checklist: list[ChecklistItemOut]
    findings: list[FindingOut]


class ReopenIn(Schema):
    reason: Text = Field("", max_length=REASON_MAX, description="Bắt buộc: lý do mở lại.")


def _today() -> datetime.date:
    return timezone.localdate()


def _inspection(i: Inspection) -> dict:
    return {
        "id": i.pk,
        "plan_id": i.plan_id,
        "year": i.plan.year,
        "issuing_unit_id": i.plan.issuing_unit_id,
        "issuing_unit_name": i.plan.issuing_unit.name,
        "unit_id": i.unit_id,
        "unit_name": i.unit.name,
        "decision_number": i.decision_number,
        "decision_date": i.decision_date,
        "starts_on": i.starts_on,
        "ends_on": i.ends_on,
        "status": i.status,
    }


def _finding(row: selectors.FindingRow) -> dict:
    f = row.finding
    return {
        "id": f.pk,
        "inspection_id": f.inspection_id,
        "number": f.number,
        "description": f.description,
        "area_id": f.area_id,
        "severity": f.severity,
        "recommendation": f.recommendation,
        "deadline": f.deadline,
        "responsible_unit_id": f.responsible_unit_id,
        "responsible_unit_name": f.responsible_unit.name,
        "status": f.status,
        "reopen_reason": f.reopen_reason,
        "closed_at": f.closed_at,
        "overdue": row.overdue,
        "can_answer": row.can_answer,
        "can_decide": row.can_decide,
    }


def _file(stored: FindingFile) -> dict:
    return {
        "id": stored.pk,
        "name": stored.original_name,
        "size": stored.size,
        "sha256": stored.sha256,
        "download_url": reverse("api:finding_file_download", kwargs={"file_id": stored.pk}),
    }


def _finding_detail(user, finding: Finding) -> dict:
    row = selectors.finding_row(user=user, finding=finding, today=_today())
    answers = [
        {
            "id": a.pk,
            "text": a.text,
            "answered_by": person_name(a.answered_by),
            "answered_at": a.answered_at,
            "outcome": a.outcome,
            "reason": a.reason,
            "decided_by": person_name(a.decided_by),
            "decided_at": a.decided_at,
            "files": [_file(f) for f in a.files.all()],
        }
        for a in finding.answers.all()
    ]
    return _finding(row) | {"answers": answers}


def _finding_json(user, pk: int) -> dict:
    """The finding as it stands after a write, read again as the user sees it."""
    detail = _finding_detail(user, selectors.finding_get(user=user, pk=pk))
    return FindingDetailOut.model_validate(detail).model_dump(mode="json")


@router.get("/inspections", response={200: list[InspectionRowOut], **READ_ERRORS})
def inspection_list(request, query: Query[InspectionQuery]):
    """The inspections the user sees (the web's /inspections/), in the web's order."""
    rows = selectors.inspection_list(user=request.auth, year=query.year)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.unit:
        path = Unit.objects.filter(pk=query.unit).values_list("path", flat=True).first()
        rows = rows.filter(unit__path__startswith=path) if path else rows.none()
    return [
        _inspection(i)
        | {
            "finding_count": i.finding_count,  # type: ignore[attr-defined]  # annotated
            "open_count": i.open_count,  # type: ignore[attr-defined]
            "heads": [person_name(m.user) for m in i.heads],  # type: ignore[attr-defined]
        }
        for i in rows
    ]


@router.get("/inspections/{inspection_id}", response={200: InspectionDetailOut, **READ_ERRORS})
def inspection_detail(request, inspection_id: int = ID):
    """An inspection as its page shows it to the user: the team, the scope, the checklist
    (to those who see it whole) and the findings the user sees."""
    inspection = selectors.inspection_get(user=request.auth, pk=inspection_id)
    page = selectors.inspection_page(user=request.auth, inspection=inspection, today=_today())
    return _inspection(inspection) | {
        "note": inspection.note,
        "conclusion": inspection.conclusion,
        "concluded_on": inspection.concluded_on,
        "closed_at": inspection.closed_at,
        "whole": page.whole,
        "can_edit": page.can_edit,
        "can_lead": page.can_lead,
        "can_work": page.can_work,
        "can_close": page.can_close,
        "members": [
            {
                "user_id": m.user_id,
                "name": person_name(m.user),
                "position": m.position,
                "is_head": m.is_head,
            }
            for m in page.members
        ],
        "area_ids": [a.pk for a in page.areas],
        "task_ids": [t.pk for t in page.tasks],
        "checklist": [
            {
                "id": c.pk,
                "text": c.text,
                "result": c.result,
                "note": c.note,
                "area_id": c.area_id,
                "task_id": c.task_id,
            }
            for c in page.checklist
        ],
        "findings": [_finding(row) for row in page.findings],
    }


@router.get("/findings/{finding_id}", response={200: FindingDetailOut, **READ_ERRORS})
def finding_detail(request, finding_id: int = ID):
    """A finding with every answer of its unit, the office's decision on each, and the
    evidence files."""
    return _finding_detail(request.auth, selectors.finding_get(user=request.auth, pk=finding_id))


@router.get("/finding-files/{file_id}", response=READ_ERRORS, openapi_extra=ANY_FILE)
def finding_file_download(request, file_id: int = ID):
    """An answer's evidence file, for those who see its finding."""
    return stored_file_response(selectors.finding_file_get(user=request.auth, pk=file_id))


@router.post(
    "/findings/{finding_id}/answers",
    response={201: FindingDetailOut, 200: FindingDetailOut, **WRITE_ERRORS},
)
def finding_answer(
    request,
    finding_id: int = ID,
    text: Text = ANSWER_TEXT,
    files: File[list[NinjaUploadedFile]] = None,  # type: ignore[assignment]  # none: no file
):
    """The responsible unit's answer (multipart/form-data: `text`, and `files` repeated for
    each evidence file), as the web's form; the office and the team head are told."""
    user = request.auth
    finding = selectors.finding_get(user=user, pk=finding_id)
    files = list(files or [])
    for upload in files:
        check_size(upload, field="files")

    def write() -> tuple[int, dict]:
        # Checked here, not before: a retry of an answer made finds the finding answered.
        services.finding_answer(actor=user, finding=finding, text=text, files=files)
        return 201, _finding_json(user, finding.pk)

    seen = {"text": text, "files": [[f.name, sha256_of(f)] for f in files]}
    return Status(*idempotency.run(request, seen, write))


@router.post("/findings/{finding_id}/accept", response={200: FindingDetailOut, **WRITE_ERRORS})
def finding_accept(request, finding_id: int = ID):
    """Accept the unit's answer and close the finding (the office or the team head); the
    last finding closed closes a concluded inspection."""
    user = request.auth
    finding = selectors.finding_get(user=user, pk=finding_id)

    def write() -> tuple[int, dict]:
        services.finding_accept(actor=user, finding=finding)
        return 200, _finding_json(user, finding.pk)

    return Status(*idempotency.run(request, {}, write))


@router.post("/findings/{finding_id}/reopen", response={200: FindingDetailOut, **WRITE_ERRORS})
def finding_reopen(request, payload: ReopenIn, finding_id: int = ID):
    """Send the answer back to the unit with the reason (the office or the team head)."""
    user = request.auth
    finding = selectors.finding_get(user=user, pk=finding_id)
    if not services.can_lead(user, finding.inspection):
        raise PermissionDenied(_("Chỉ Văn phòng hoặc trưởng đoàn được mở lại kiến nghị."))

    def write() -> tuple[int, dict]:
        services.finding_reopen(actor=user, finding=finding, reason=payload.reason)
        return 200, _finding_json(user, finding.pk)

    return Status(*idempotency.run(request, payload.model_dump(mode="json"), write))
