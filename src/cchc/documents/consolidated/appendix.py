"""The consolidated report's appendix: the statistics tables and the charts, in the
built-in layout's landscape section or after an office template's {{phu_luc}}."""

import io
import secrets

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.parser import OxmlElement
from docx.shared import Mm, Pt

from cchc.documents.charts import chart_png
from cchc.lib.dates import format_day

from .common import Progress, noop, number_line
from .tables import TWIPS_PER_MM, W, table_xml, tables

CHART_TITLES = {
    "by_area": "Biểu đồ 1. Tiến độ bình quân theo lĩnh vực (%)",
    "by_unit": "Biểu đồ 2. Tiến độ bình quân theo cơ quan, đơn vị (%)",
}


class TemplateAppendix:
    """The appendix's opening in an uploaded template (no section of its own there)."""

    def __init__(self, document):
        self.document = document

    @property
    def _text_width_mm(self) -> float:
        section = self.document.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / Mm(1)

    def add_appendix(self, title: str, subtitle: str = "", note: str = "", **_kw) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for text, bold, italic in (
            (title.upper(), True, False),
            (subtitle, True, False),
            (note, False, True),
        ):
            if text:
                paragraph = self.document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(text)
                run.bold, run.italic = bold or None, italic or None


def _small_paragraph(document, text: str, *, bold=False, italic=False, keep=False):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = keep or None
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(12)
    return paragraph


def _table_placeholder(anchor, index: int) -> str:
    """A paragraph before `anchor` that stands for a table until the file is written
    (ooxml.finish_docx splices the table's XML in its place); returns its token. The
    tables of a ministry's year are tens of MB of XML: parsed into the document and
    serialised again, they cost seconds for nothing."""
    token = f"CCHC-TABLE-{index}-{secrets.token_hex(8)}"
    paragraph = OxmlElement("w:p")
    paragraph.append(OxmlElement("w:r"))
    paragraph[0].append(OxmlElement("w:t"))
    paragraph[0][0].text = token
    anchor.addprevious(paragraph)
    return token


def build_appendix(writer, payload: dict, on_progress: Progress = noop) -> dict[str, str]:
    """The statistics tables and the charts: `writer` is the OfficialDocument (a landscape
    section of its own) or a TemplateAppendix. Returns the tables' XML by the token of the
    paragraph each stands in for, for `finish`."""
    number = number_line(payload).replace("Số:", "").strip()
    writer.add_appendix(
        "PHỤ LỤC",
        "SỐ LIỆU THỐNG KÊ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH "
        + payload["period"]["phrase"].upper(),
        f"(Kèm theo Báo cáo số {number}; số liệu tính đến ngày {format_day(payload['as_of'])})",
    )
    document = writer.document
    width_mm = writer._text_width_mm
    splices = {}
    for i, table in enumerate(tables(payload)):
        on_progress(
            50 + 8 * i, _("Đang dựng %(table)s") % {"table": table.title.split(".")[0].lower()}
        )
        _small_paragraph(document, table.title, bold=True, keep=True)
        anchor = _small_paragraph(document, table.note, italic=True)
        # The document's root declares w: already.
        xml = table_xml(table, int(width_mm * TWIPS_PER_MM)).replace(f" {W}", "", 1)
        splices[_table_placeholder(anchor._p, i)] = xml
    on_progress(85, _("Đang vẽ biểu đồ"))
    section = document.sections[-1]
    # Each chart opens a page of its own, title and picture together, the picture no taller
    # than what is left of the page under its title.
    height_mm = (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)
    for key, title in CHART_TITLES.items():
        heading = _small_paragraph(document, title, bold=True, keep=True)
        heading.paragraph_format.page_break_before = True
        png = chart_png(payload["charts"][key])
        if png is None:
            _small_paragraph(
                document, "(Không vẽ được biểu đồ: máy chủ thiếu thư viện matplotlib.)", italic=True
            )
            continue
        paragraph = _small_paragraph(document, "")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width, height = picture_size(png, width_mm=min(width_mm, 240), height_mm=height_mm - 30)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width), height=Mm(height))
    return splices


def picture_size(png: bytes, *, width_mm: float, height_mm: float) -> tuple[float, float]:
    """The largest size with the PNG's proportions within width_mm × height_mm."""
    pixels_wide = int.from_bytes(png[16:20], "big")
    pixels_high = int.from_bytes(png[20:24], "big")
    scale = min(width_mm / pixels_wide, height_mm / pixels_high)
    return pixels_wide * scale, pixels_high * scale
