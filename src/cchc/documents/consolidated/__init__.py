"""The consolidated report as files: pure builders, data in, bytes out.

`render(payload, fmt)` takes `consolidation.document_data()` (plain JSON data) and returns
DOCX, XLSX or PDF bytes. Nothing here reads the database or the clock: the same payload
gives the same bytes (fixed core properties and zip timestamps).

- `tables.py`: the statistics tables, shared by the DOCX appendix and the XLSX;
- `body.py`: the figures and sections I–V; `appendix.py`: the tables and charts;
- `docx.py`: the built-in layout (documents.official: Nghị định 30/2020/NĐ-CP);
- `template.py`: the office's own DOCX template (SCALARS, LISTS, BLOCKS, check_template,
  default_template);
- `xlsx.py`: one sheet per table; PDF is the DOCX through LibreOffice (documents.pdf).
"""

from django.utils.translation import gettext as _

from cchc.documents import pdf
from cchc.documents.pdf import PdfUnavailable, pdf_available

from .common import Progress, noop
from .docx import build_docx
from .template import BLOCKS, LISTS, PLACEHOLDER, SCALARS, check_template, default_template
from .xlsx import build_xlsx

__all__ = [
    "BLOCKS",
    "LISTS",
    "PLACEHOLDER",
    "SCALARS",
    "PdfUnavailable",
    "check_template",
    "default_template",
    "pdf_available",
    "render",
]


def render(
    payload: dict, fmt: str, *, template: bytes | None = None, on_progress: Progress = noop
) -> bytes:
    """DOCX, XLSX or PDF bytes of the consolidated report."""
    if fmt == "xlsx":
        on_progress(40, _("Đang dựng bảng tính"))
        return build_xlsx(payload)
    if fmt == "pdf" and not pdf.pdf_available():
        pdf.docx_to_pdf(b"")  # raises PdfUnavailable with its message
    docx = build_docx(payload, template, on_progress)
    if fmt == "docx":
        return docx
    if fmt == "pdf":
        on_progress(94, _("Đang chuyển sang PDF"))
        return pdf.docx_to_pdf(docx)
    raise ValueError(f"Unknown format {fmt!r}")
