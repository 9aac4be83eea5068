"""The consolidated report as DOCX: the shared official layout (documents.official:
Nghị định 30/2020/NĐ-CP) with sections I–V, the signature and a landscape appendix of
tables and charts, or the office's own template filled."""

import datetime

from django.utils.translation import gettext as _

from cchc.documents import official

from .appendix import build_appendix
from .body import BodyWriter, build_body
from .common import Progress, finish, noop
from .template import build_from_template


def _header(payload: dict) -> official.DocumentHeader:
    issued = payload["issued_on"]
    number = payload["document_number"]
    if number and "/" not in number:
        number += payload["number_suffix"]
    return official.DocumentHeader(
        parent_body=payload["parent_body"],
        issuing_body=payload["issuing_body"],
        kind=payload["title"],
        summary=payload["summary"],
        number=number,
        symbol=payload["number_suffix"].lstrip("/"),
        place=payload["place"],
        date=datetime.date.fromisoformat(issued) if issued else None,
        year=payload["period"]["year"],
    )


def _signature(payload: dict) -> official.Signature:
    signer = payload["signer"]
    return official.Signature(
        authority=signer["authority"], title=signer["title"] or "THỦ TRƯỞNG", name=signer["name"]
    )


def build_docx(payload: dict, template: bytes | None = None, on_progress: Progress = noop) -> bytes:
    """The consolidated report as DOCX: the shared official layout (documents.official), or
    the office's uploaded template with its placeholders filled."""
    if template:
        return build_from_template(payload, template, on_progress)
    on_progress(20, _("Đang dựng văn bản"))
    doc = official.OfficialDocument(_header(payload))
    on_progress(30, _("Đang dựng nội dung báo cáo"))
    writer = BodyWriter(doc.document)
    build_body(writer, payload)
    writer.flush()
    doc.sign(
        _signature(payload),
        recipients=payload["recipients"],
        archive=f"VT, {payload['issuing_short']}",
    )
    splices = build_appendix(doc, payload, on_progress)
    on_progress(92, _("Đang ghi tệp DOCX"))
    title = f"{payload['title']} {payload['summary']}"
    return finish(doc.document, title=title, payload=payload, splices=splices)
