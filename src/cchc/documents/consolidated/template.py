"""The office's own DOCX template for the consolidated report, without code:
- a placeholder {{name}} inside any paragraph (also in tables, headers and footers) is
  replaced by its text: see SCALARS (case does not matter);
- a paragraph holding {{noi_nhan}} is repeated once per recipient, keeping its format;
- a body paragraph holding only {{noi_dung}} (sections I–V) or {{phu_luc}} (the statistics
  tables and charts) is replaced by that generated content.
`default_template()` is the built-in layout with those placeholders: a starting point.
"""

import copy
import datetime
import io
import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from cchc.documents import official
from cchc.lib.dates import format_day

from .appendix import TemplateAppendix, build_appendix
from .body import BodyWriter, build_body
from .common import Progress, finish, number_line

SCALARS = {
    "co_quan_chu_quan": gettext_lazy(
        "Tên cơ quan chủ quản, chữ in hoa (dòng trên tên cơ quan ban hành)"
    ),
    "co_quan": gettext_lazy("Tên cơ quan ban hành, chữ in hoa"),
    "ky_hieu_co_quan": gettext_lazy("Chữ viết tắt tên cơ quan (dùng trong ký hiệu văn bản)"),
    "so_ky_hieu": gettext_lazy("“Số: 12/BC-TCCT” (để trống số khi chưa phê duyệt)"),
    "so_van_ban": gettext_lazy(
        "Chỉ số và ký hiệu: “12/BC-TCCT” (“      /BC-TCCT” khi chưa phê duyệt)"
    ),
    "dia_danh_ngay": gettext_lazy("“Hà Nội, ngày 20 tháng 3 năm 2026”"),
    "ten_loai": gettext_lazy("Tên loại văn bản: “BÁO CÁO”"),
    "trich_yeu": gettext_lazy("“Kết quả thực hiện công tác cải cách hành chính quý I năm 2026”"),
    "ky_bao_cao": gettext_lazy("Kỳ báo cáo: “quý I năm 2026”"),
    "nam": gettext_lazy("Năm của kế hoạch"),
    "ngay_chot_so_lieu": gettext_lazy("Ngày chốt số liệu, dd/mm/yyyy"),
    "quyen_han": gettext_lazy("Quyền hạn ký: “KT. CHỦ NHIỆM”, “TM. …” (có thể để trống)"),
    "chuc_vu": gettext_lazy("Chức vụ người ký, chữ in hoa"),
    "nguoi_ky": gettext_lazy("Họ tên người ký"),
    "luu": gettext_lazy("Nơi lưu: “VT, TCCT”"),
}
LISTS = {
    "noi_nhan": gettext_lazy("Nơi nhận: đoạn chứa ô này được lặp lại cho mỗi nơi nhận, “- …;”")
}
BLOCKS = {
    "noi_dung": gettext_lazy("Nội dung báo cáo, mục I đến V (đoạn chỉ chứa {{noi_dung}})"),
    "phu_luc": gettext_lazy("Phụ lục: các biểu số liệu và biểu đồ (đoạn chỉ chứa {{phu_luc}})"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


def scalars(payload: dict) -> dict[str, str]:
    signer = payload["signer"]
    return {
        "co_quan_chu_quan": payload["parent_body"].upper(),
        "co_quan": payload["issuing_body"].upper(),
        "ky_hieu_co_quan": payload["issuing_short"],
        "so_ky_hieu": number_line(payload),
        "so_van_ban": number_line(payload).removeprefix("Số: ").removeprefix("Số:"),
        "dia_danh_ngay": official.date_line(
            payload["place"],
            datetime.date.fromisoformat(payload["issued_on"]) if payload["issued_on"] else None,
            payload["period"]["year"],
        ),
        "ten_loai": payload["title"],
        "trich_yeu": payload["summary"],
        "ky_bao_cao": payload["period"]["phrase"],
        "nam": str(payload["period"]["year"]),
        "ngay_chot_so_lieu": format_day(payload["as_of"]),
        "quyen_han": signer["authority"].upper(),
        "chuc_vu": signer["title"].upper() or "THỦ TRƯỞNG",
        "nguoi_ky": signer["name"],
        "luu": f"VT, {payload['issuing_short']}",
    }


def default_template() -> bytes:
    """The built-in layout as a template: documents.official's header, title and signature
    with placeholders where the values go. The office edits it in Word and uploads it."""
    doc = official.OfficialDocument(
        official.DocumentHeader(
            parent_body="{{co_quan_chu_quan}}",
            issuing_body="{{co_quan}}",
            kind="{{ten_loai}}",
            summary="{{trich_yeu}}",
            number="{{so_van_ban}}",
            place="{{dia_danh_ngay}}",
        )
    )
    doc.add_paragraph("{{noi_dung}}")
    doc.sign(
        official.Signature(authority="{{quyen_han}}", title="{{chuc_vu}}", name="{{nguoi_ky}}"),
        recipients=["{{noi_nhan}}"],
        archive="{{luu}}",
    )
    doc.document.add_paragraph("{{phu_luc}}")
    for paragraph in _all_paragraphs(doc.document):
        # The place and date line is one value here, with its blanks for the day.
        if paragraph.text.startswith("{{dia_danh_ngay}}"):
            paragraph.runs[0].text = "{{dia_danh_ngay}}"
            for run in paragraph.runs[1:]:
                run.text = ""
    return finish(doc.document, title="Mẫu báo cáo kết quả thực hiện công tác CCHC")


def check_template(content: bytes) -> list[str]:
    """What is wrong with an uploaded template (empty when it can be used)."""
    try:
        doc = Document(io.BytesIO(content))
    except Exception:
        return [_("Tệp không phải văn bản DOCX hợp lệ.")]
    problems = []
    found = set()
    for paragraph in _all_paragraphs(doc):
        for name in PLACEHOLDER.findall(paragraph.text):
            name = name.lower()
            found.add(name)
            if name not in SCALARS | LISTS | BLOCKS:
                problems.append(
                    _("Không hiểu ô trống %(placeholder)s.") % {"placeholder": f"{{{{{name}}}}}"}
                )
    body_blocks = {
        m.group(1).lower()
        for p in doc.paragraphs
        if (m := PLACEHOLDER.fullmatch(p.text.strip())) and m.group(1).lower() in BLOCKS
    }
    if "noi_dung" not in body_blocks:
        problems.append(_("Mẫu cần một đoạn riêng chỉ chứa {{noi_dung}} (nội dung báo cáo)."))
    for name in (found & set(BLOCKS)) - body_blocks:
        problems.append(
            _("%(placeholder)s phải nằm trong một đoạn riêng, ngoài bảng.")
            % {"placeholder": f"{{{{{name}}}}}"}
        )
    return problems


def _all_paragraphs(doc):
    """Every paragraph: body, table cells (nested too), headers and footers."""

    def walk(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                yield from walk(part)


def _names(text: str) -> set[str]:
    return {name.lower() for name in PLACEHOLDER.findall(text)}


def _fill_scalars(paragraph, values: dict[str, str]) -> None:
    def sub(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1).lower(), m.group(0)), text)

    for run in paragraph.runs:
        if "{{" in run.text:
            run.text = sub(run.text)
    if PLACEHOLDER.search(paragraph.text):
        # Word split a placeholder over several runs: the paragraph's text goes into its
        # first run (and its format); the other runs are emptied.
        text = sub(paragraph.text)
        runs = paragraph.runs
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""


def _fill_list(paragraph, lines: list[str]) -> None:
    """Repeat the paragraph once per line, keeping its format."""
    anchor = paragraph._p
    for line in lines:
        clone = copy.deepcopy(anchor)
        anchor.addprevious(clone)
        p = Paragraph(clone, paragraph._parent)
        if p.runs:
            p.runs[0].text = line
            for run in p.runs[1:]:
                run.text = ""
        else:
            p.add_run(line)
    anchor.getparent().remove(anchor)


def _fill_block(doc, paragraph, build: Callable[[], None]) -> None:
    """Run `build` (which appends to the end of the body), then move what it appended to
    where the placeholder paragraph stands."""
    body = doc.element.body

    def content_end() -> int:
        children = list(body)
        return len(children) - (1 if children and children[-1].tag == qn("w:sectPr") else 0)

    start = content_end()
    build()
    new = list(body)[start : content_end()]
    anchor = paragraph._p
    for el in new:
        anchor.addprevious(el)
    anchor.getparent().remove(anchor)


def build_from_template(payload: dict, template: bytes, on_progress: Progress) -> bytes:
    on_progress(20, _("Đang điền mẫu văn bản"))
    doc = Document(io.BytesIO(template))
    values = scalars(payload)
    recipients = [f"- {r.rstrip(';. ')};" for r in payload["recipients"]]
    blocks, splices = [], {}
    for paragraph in list(_all_paragraphs(doc)):
        names = _names(paragraph.text)
        if "noi_nhan" in names:
            _fill_list(paragraph, recipients)
        elif names & set(BLOCKS) and PLACEHOLDER.fullmatch(paragraph.text.strip()):
            blocks.append((names.pop(), paragraph))
        elif names:
            _fill_scalars(paragraph, values)
    for name, paragraph in blocks:
        if name == "noi_dung":
            on_progress(30, _("Đang dựng nội dung báo cáo"))
            writer = BodyWriter(doc)
            build_body(writer, payload)
            writer.flush(before=paragraph._p)
            paragraph._p.getparent().remove(paragraph._p)
        else:
            _fill_block(
                doc,
                paragraph,
                lambda: splices.update(build_appendix(TemplateAppendix(doc), payload, on_progress)),
            )
    on_progress(92, _("Đang ghi tệp DOCX"))
    title = f"{payload['title']} {payload['summary']}"
    return finish(doc, title=title, payload=payload, splices=splices)
