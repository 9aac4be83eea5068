"""An inspection's documents as a selector: the data of the minutes (biên bản kiểm tra) and
the conclusion notice (thông báo kết luận kiểm tra), read and scoped to the user, handed to
the pure builders of cchc.documents.inspection; a PDF is the same DOCX through LibreOffice."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404

from cchc.documents import inspection as builder
from cchc.documents.pdf import docx_to_pdf
from cchc.lib.text import fold, person_name
from cchc.orgs.models import Role
from cchc.orgs.selectors import agency_symbol, unit_contacts

from . import inspection_selectors as selectors
from .models import ChecklistResult, FindingSeverity, FindingStatus, Inspection, InspectionStatus

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {"minutes": builder.minutes_docx, "conclusion": builder.conclusion_docx}
NAMES = {"minutes": "bien-ban-kiem-tra", "conclusion": "thong-bao-ket-luan-kiem-tra"}
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": "application/pdf"}


def _finding_rows(user, inspection: Inspection) -> list[builder.FindingRow]:
    findings = selectors.findings_of(user=user, inspection=inspection)
    rows = []
    for f in findings:
        answers = list(f.answers.all())
        rows.append(
            builder.FindingRow(
                number=f.number,
                area=f.area.name if f.area else "",
                description=f.description,
                severity=str(FindingSeverity(f.severity).label),
                recommendation=f.recommendation,
                deadline=f.deadline,
                responsible_unit=f.responsible_unit.name,
                status=str(FindingStatus(f.status).label),
                answer=answers[-1].text if answers else "",
            )
        )
    return rows


def _result(code: str) -> str:
    return str(ChecklistResult(code).label) if code else ""


def inspection_document(*, user, inspection: Inspection, kind: str) -> builder.InspectionDocument:
    """What the document of `kind` ("minutes" or "conclusion") says of the inspection."""
    plan, unit = inspection.plan, inspection.unit
    issuing = plan.issuing_unit
    members = list(inspection.members.all())
    head = next((m for m in members if m.is_head), None)
    heads = unit_contacts(units=[unit], roles=[Role.UNIT_HEAD])[unit.pk]
    notice = kind == "conclusion"
    recipients = [unit.name, "Thành viên Đoàn kiểm tra"]
    if issuing.parent is not None:
        recipients.insert(0, f"{issuing.parent.name} (để báo cáo)")
    return builder.InspectionDocument(
        parent_body=issuing.parent.name if issuing.parent else "",
        issuing_body=issuing.name,
        symbol=agency_symbol(issuing),
        number=inspection.notice_number if notice else inspection.minutes_number,
        place=getattr(settings, "CCHC_DOCUMENT_PLACE", "Hà Nội"),
        date=inspection.concluded_on if notice else inspection.ends_on,
        year=plan.year,
        inspected_unit=unit.name,
        decision_number=inspection.decision_number,
        decision_date=inspection.decision_date,
        start_date=inspection.starts_on,
        end_date=inspection.ends_on,
        team=[
            builder.TeamMember(name=person_name(m.user), position=m.position, is_head=m.is_head)
            for m in members
        ],
        scope_areas=[a.name for a in inspection.areas.order_by("code")],
        scope_tasks=[
            f"{t.code} {t.title}".strip()
            for t in inspection.tasks.order_by("plan_id", "order", "id")
        ],
        checklist=[
            builder.ChecklistRow(item=i.text, result=_result(i.result), note=i.note)
            for i in inspection.checklist.all()
        ],
        findings=_finding_rows(user, inspection),
        conclusion=inspection.conclusion,
        signer_authority=(issuing.signer_authority if notice else "") or "TM. ĐOÀN KIỂM TRA",
        signer_title=(issuing.signer_title if notice else "") or "TRƯỞNG ĐOÀN",
        signer_name=(issuing.signer_name if notice else "")
        or (person_name(head.user) if head else ""),
        inspected_signer_name=person_name(heads[0]) if heads else "",
        inspected_opinion=inspection.inspected_opinion,
        recipients=recipients,
    )


@dataclass
class InspectionFile:
    content: bytes
    filename: str
    content_type: str


def inspection_file(*, user, pk: int, kind: str, fmt: str) -> InspectionFile:
    """The minutes or the conclusion notice as DOCX or PDF, for those who see the whole
    inspection once it has begun (the notice once it is concluded); 404 otherwise.
    documents.pdf.PdfUnavailable when this server cannot make a PDF."""
    if kind not in KINDS or fmt not in CONTENT_TYPES:
        raise Http404
    inspection = selectors.inspection_get(user=user, pk=pk)
    if not selectors.sees_whole(user=user, inspection=inspection):
        raise Http404
    started = inspection.status != InspectionStatus.PLANNED
    concluded = inspection.status in (InspectionStatus.CONCLUDED, InspectionStatus.CLOSED)
    if not started or (kind == "conclusion" and not concluded):
        raise Http404
    content = KINDS[kind](inspection_document(user=user, inspection=inspection, kind=kind))
    if fmt == "pdf":
        content = docx_to_pdf(content)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(inspection.unit.short_name or inspection.unit.name))
    filename = f"{NAMES[kind]}-{slug}-{inspection.plan.year}.{fmt}"
    return InspectionFile(content, filename, CONTENT_TYPES[fmt])
