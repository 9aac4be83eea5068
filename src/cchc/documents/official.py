"""Official documents in the layout of Decree 30/2020/NĐ-CP, as DOCX: data in, bytes out.

    doc = OfficialDocument(
        DocumentHeader(
            parent_body="Bộ Quốc phòng",
            issuing_body="Tổng cục Chính trị",
            number="25/KH-CT",
            place="Hà Nội",
            date=datetime.date(2026, 1, 10),
            kind="Kế hoạch",
            summary="Cải cách hành chính năm 2026",
        )
    )
    doc.add_heading("I. MỤC ĐÍCH, YÊU CẦU")
    doc.add_paragraph("...")
    doc.sign(Signature(authority="KT. CHỦ NHIỆM", title="PHÓ CHỦ NHIỆM", name="Nguyễn Văn A"),
             recipients=["Bộ Quốc phòng (để báo cáo)", "Các cơ quan, đơn vị"], archive="VT, CCHC")
    doc.add_appendix("PHỤ LỤC", "NHIỆM VỤ ...", "(Kèm theo Kế hoạch số ...)")
    doc.add_table([Column("STT", 12, "center"), ...], [["1", ...], SpanRow("I. ...")])
    data = doc.finish()

What the decree fixes, and where it is done here: A4 portrait, margins top and bottom
20 mm, left 30 mm, right 15 mm (`_page`); Times New Roman, body 14 pt (`_styles`); the
header table with the parent body (capitals, regular), the issuing body (capitals, bold)
and a short rule under it, the national name (capitals, bold, 13 pt) and motto (bold,
underlined, 14 pt), the number, place and date (italic) (`_header`); the type of document
in bold capitals with its summary in bold and a short rule (`_title`); the signature block
(authority and title in bold capitals) beside "Nơi nhận:" (12 pt bold italic) and its
11 pt list ending "- Lưu: ..." (`sign`); two signature blocks side by side for minutes,
which have no recipients (`sign_both`); page numbers from page 2, centred at the top.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def upper(text: str) -> str:
    return (text or "").upper()


def date_line(place: str, date: datetime.date | None, year: int | None = None) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": days below 10 and months 1 and 2 take a leading
    zero (Decree 30, Appendix I). Without a date, blanks to fill in by hand."""
    if date is None:
        return f"{place}, ngày     tháng     năm {year or ''}".rstrip()
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def number_line(number: str, symbol: str) -> str:
    """ "Số: 25/KH-CT"; without a number yet (a draft), blanks to fill in by hand before the
    symbol: "Số:        /KH-CT"."""
    return f"Số: {number}" if number else f"Số:        /{symbol}"


@dataclass
class DocumentHeader:
    issuing_body: str
    kind: str  # "Kế hoạch", "Báo cáo"
    summary: str = ""  # trích yếu: what the document is about
    parent_body: str = ""
    number: str = ""  # "25/KH-CT"; empty leaves "Số:      /" + symbol to fill in
    symbol: str = ""  # "KH-CT", used when there is no number yet
    place: str = "Hà Nội"
    date: datetime.date | None = None
    year: int | None = None  # for the blank date line of an unsigned draft


@dataclass
class Signature:
    authority: str = ""  # "KT. CHỦ NHIỆM", "TM. ỦY BAN NHÂN DÂN"; may be empty
    title: str = "THỦ TRƯỞNG"  # "PHÓ CHỦ NHIỆM"
    name: str = ""  # the signer's rank and name, filled in by hand when empty


@dataclass
class Column:
    title: str
    width_mm: float
    align: str = "left"


@dataclass
class SpanRow:
    """A row whose one cell spans the table: an area heading in a task table."""

    text: str
    bold: bool = True
    italic: bool = False


@dataclass
class _Options:
    body_pt: float = 14
    table_pt: float = 12
    margins_mm: tuple = (20, 20, 30, 15)  # top, bottom, left, right


class OfficialDocument:
    """One official document. Add content in reading order, then `finish()` for bytes."""

    def __init__(self, header: DocumentHeader, *, body_pt: float = 14, table_pt: float = 12):
        self.header = header
        self.options = _Options(body_pt=body_pt, table_pt=table_pt)
        self.document = docx.Document()
        self._styles()
        self._page(self.document.sections[0], landscape=False)
        self._page_numbers(self.document.sections[0])
        self._header()
        self._title()

    # -- page and styles --

    def _styles(self) -> None:
        # The default template takes its fonts from the theme (w:asciiTheme...), which wins
        # over a named font: name Times New Roman everywhere and drop the theme references.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        targets = [] if defaults is None else list(defaults.iter(qn("w:rPr")))
        for name in ("Normal", "Table Grid"):
            style = self.document.styles[name]
            style.font.name = FONT
            targets.append(style.element.get_or_add_rPr())
        for rpr in targets:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            for attr in list(fonts.attrib):
                if attr.endswith("Theme"):
                    del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), FONT)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(self.options.body_pt)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0

    def _page(self, section, landscape: bool) -> None:
        top, bottom, left, right = self.options.margins_mm
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)

    def _page_numbers(self, section) -> None:
        """Page numbers centred in the top margin, from the second page on."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field_ = OxmlElement("w:fldSimple")
        field_.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), str(int(self.options.body_pt * 2)))
        rpr.append(size)
        run.append(rpr)
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field_.append(run)
        paragraph._p.append(field_)

    @property
    def _text_width_mm(self) -> float:
        section = self.document.sections[-1]
        # A section made by this module always has its width and margins set.
        width, left, right = section.page_width, section.left_margin, section.right_margin
        if width is None or left is None or right is None:
            raise ValueError("the section has no page width or margins")
        return (width - left - right) / Mm(1)

    # -- small pieces --

    @staticmethod
    def _run(paragraph, text: str, *, size=None, bold=False, italic=False, underline=False):
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        return run

    def _para(
        self,
        container,
        text: str = "",
        *,
        size=None,
        bold=False,
        italic=False,
        underline=False,
        align="center",
        before=0,
        after=0,
        first_line_mm=0,
        first=False,
    ):
        paragraph = container.paragraphs[0] if first else container.add_paragraph()
        paragraph.alignment = ALIGN[align]
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if first_line_mm:
            fmt.first_line_indent = Mm(first_line_mm)
        lines = text.split("\n") if text else []
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            self._run(paragraph, line, size=size, bold=bold, italic=italic, underline=underline)
        return paragraph

    @staticmethod
    def _rule(paragraph, width_mm: float, column_mm: float, gap_pt: float = 4) -> None:
        """A short horizontal line: the paragraph's bottom border between indents that leave
        `width_mm` of it in the middle of a column `column_mm` wide."""
        side = max((column_mm - width_mm) / 2, 0)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
        ppr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "6"),
            ("w:space", "1"),
            ("w:color", "000000"),
        ):
            bottom.set(qn(key), value)
        borders.append(bottom)
        ppr.append(borders)
        # The paragraph is only as tall as the gap, so the line sits just under the text.
        paragraph.paragraph_format.line_spacing = Pt(gap_pt)

    @staticmethod
    def _no_borders(table) -> None:
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        tbl_pr.append(borders)

    @staticmethod
    def _fixed(table, widths_mm: list[float]) -> None:
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=False):
                cell.width = Mm(width)
        for col, width in zip(table.columns, widths_mm, strict=False):
            col.width = Mm(width)

    # -- the fixed parts --

    def _header(self) -> None:
        h = self.header
        # The national name (about 95 mm in 12 pt bold) must fit on one line on the right.
        widths = [62, self._text_width_mm - 62]
        table = self.document.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._fixed(table, widths)
        left, right = table.rows[0].cells
        body_size = 13
        if h.parent_body:
            self._para(left, upper(h.parent_body), size=body_size, first=True)
        self._para(left, upper(h.issuing_body), size=body_size, bold=True, first=not h.parent_body)
        self._rule(left.add_paragraph(), 25, widths[0])
        self._para(left, number_line(h.number, h.symbol), size=13, before=6)
        self._para(right, NATIONAL_NAME, size=12, bold=True, first=True)
        self._para(right, MOTTO, size=13.5, bold=True, underline=True)
        self._para(
            right,
            date_line(h.place, h.date, h.year),
            size=14,
            italic=True,
            before=12,
        )

    def _title(self) -> None:
        h = self.header
        width = self._text_width_mm
        self._para(self.document, upper(h.kind), size=14, bold=True, before=24)
        if h.summary:
            self._para(self.document, h.summary, size=14, bold=True, after=2)
        self._rule(self.document.add_paragraph(), 40, width, gap_pt=8)
        self._para(self.document, "", after=6)

    # -- content --

    def add_heading(self, text: str, level: int = 1) -> None:
        """Level 1: "I. MỤC ĐÍCH, YÊU CẦU" (bold); 2: "1. Mục đích" (bold); 3: italic."""
        self._para(
            self.document,
            text,
            bold=level <= 2,
            italic=level == 3,
            align="justify",
            before=6,
            after=3,
            first_line_mm=10,
        )

    def add_paragraph(self, text: str, *, bold=False, italic=False, align="justify") -> None:
        """Body text; each line of `text` is a paragraph of its own."""
        for line in (text or "").split("\n"):
            if line.strip():
                self._para(
                    self.document,
                    line.strip(),
                    bold=bold,
                    italic=italic,
                    align=align,
                    before=3,
                    after=3,
                    first_line_mm=10,
                )

    def add_table(
        self,
        columns: list[Column],
        rows: list[list[str] | SpanRow],
        *,
        font_pt: float | None = None,
    ):
        """A bordered table whose header row repeats on every page; a `SpanRow` is one cell
        across the row. Column widths are scaled to the text width when they do not fit."""
        size = font_pt or self.options.table_pt
        total = sum(c.width_mm for c in columns)
        scale = min(1.0, self._text_width_mm / total)
        widths = [c.width_mm * scale for c in columns]
        table = self.document.add_table(rows=1, cols=len(columns))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            self._para(cell, column.title, size=size, bold=True, first=True)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        for tag in ("w:tblHeader", "w:cantSplit"):
            flag = OxmlElement(tag)
            flag.set(qn("w:val"), "true")
            tr_pr.append(flag)
        for values in rows:
            cells = table.add_row().cells
            if isinstance(values, SpanRow):
                merged = cells[0].merge(cells[-1])
                self._para(
                    merged,
                    values.text,
                    size=size,
                    bold=values.bold,
                    italic=values.italic,
                    align="left",
                    first=True,
                )
                continue
            for cell, column, value in zip(cells, columns, values, strict=True):
                self._para(cell, value or "", size=size, align=column.align, first=True)
        self._fixed(table, widths)
        return table

    def add_page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def add_appendix(
        self, title: str, subtitle: str = "", note: str = "", *, landscape: bool = True
    ) -> None:
        """Start an appendix on a new page (landscape for wide tables)."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=landscape)
        # The new section copies "different first page" from the first: undo it, so the
        # appendix's first page carries its number like every page after page 1.
        section.different_first_page_header_footer = False
        self._para(self.document, upper(title), bold=True, first=False)
        if subtitle:
            self._para(self.document, subtitle, bold=True)
        if note:
            self._para(self.document, note, italic=True)
        self._para(self.document, "", after=6)

    def sign(self, signature: Signature, recipients: list[str], archive: str = "VT") -> None:
        """The signature block beside the recipients ("Nơi nhận:"), at the end of the body."""
        widths = [self._text_width_mm / 2, self._text_width_mm / 2]
        self._para(self.document, "", after=6)
        table = self.document.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._fixed(table, widths)
        left, right = table.rows[0].cells
        self._para(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left", first=True)
        items = [r.rstrip(";. ") for r in recipients if r.strip()]
        for item in items:
            self._para(left, f"- {item};", size=11, align="left")
        self._para(left, f"- Lưu: {archive}.", size=11, align="left")
        first = self._signer_titles(right, signature)
        self._signer_name(right, signature, first=first)

    def sign_both(self, left: Signature, right: Signature) -> None:
        """Two signature blocks side by side and no recipients: minutes that both parties
        sign. The titles take one row and the names the next, so the names stay level
        however many lines either title wraps to; neither row is split across pages."""
        widths = [self._text_width_mm / 2, self._text_width_mm / 2]
        self._para(self.document, "", after=6)
        table = self.document.add_table(rows=2, cols=2)
        self._no_borders(table)
        self._fixed(table, widths)
        for row in table.rows:
            flag = OxmlElement("w:cantSplit")
            flag.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(flag)
        for titles, names, signature in zip(
            table.rows[0].cells, table.rows[1].cells, (left, right), strict=True
        ):
            self._signer_titles(titles, signature)
            for paragraph in titles.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
            # The cell's own empty paragraph is the first of the blank lines.
            self._signer_name(names, signature, first=False, blanks=3)

    def _signer_titles(self, cell, signature: Signature) -> bool:
        """The authority and title in bold capitals; whether the cell's first paragraph is
        still unused."""
        first = True
        for line in (signature.authority, signature.title):
            if line:
                self._para(cell, upper(line), size=14, bold=True, first=first)
                first = False
        return first

    def _signer_name(self, cell, signature: Signature, *, first: bool, blanks: int = 4) -> None:
        """Room for the signature and seal, then the signer's name in bold."""
        for _ in range(blanks):
            self._para(cell, "", size=14)
        self._para(cell, signature.name, size=14, bold=True, first=first)

    def finish(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
