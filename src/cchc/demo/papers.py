"""The demo's evidence files: small one-page papers in Vietnamese, written as PDF and Word in
the Decree 30/2020/NĐ-CP layout."""

import datetime
import functools
import glob
import importlib.util
import io
import os
import unicodedata
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.demo.organisation import UNIT_BY_CODE
from cchc.lib.text import fold

# --- small generated evidence files ---------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A small paper of the demo (a signed decision's scan, a draft, minutes), laid out as
    Decree 30/2020/NĐ-CP has it: parent body and issuer left, national motto right, place
    and date, a bold title, then the body."""

    parent_body: str
    issuer: str
    when: datetime.date
    title: str
    body: list[str]
    place: str = "Hà Nội"

    @property
    def dateline(self) -> str:
        w = self.when
        return f"{self.place}, ngày {w.day} tháng {w.month} năm {w.year}"


NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Letters that Liberation Serif 1.x lacks and 2.x has: a font without them would print the
# Vietnamese text with holes.
_VIETNAMESE_SAMPLE = "ẠạẢảẶặỆệỈịỌọỢợỤụỰựỲỳĐđƠơƯư"


# Where Debian and most systems keep fonts.
FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts")]


@functools.cache
def serif_fonts() -> dict[str, str]:
    """Font files (regular, bold, italic) of a Times-like serif that covers Vietnamese:
    Liberation Serif 2 when installed, else the DejaVu Serif that matplotlib (a dependency)
    ships. A pure function of the installed files, so caching it per process shares no
    state."""
    from fontTools.ttLib import TTFont

    def covers(path: str) -> bool:
        cmap = TTFont(path, lazy=True).getBestCmap()
        return all(ord(ch) in cmap for ch in _VIETNAMESE_SAMPLE)

    found = {}
    for style in ("Regular", "Bold", "Italic"):
        name = f"LiberationSerif-{style}.ttf"
        paths = sorted(p for d in FONT_DIRS for p in glob.glob(f"{d}/**/{name}", recursive=True))
        path = next((p for p in paths if covers(p)), None)
        if path is None:
            break
        found[style.lower()] = path
    else:
        return found
    # Found without importing matplotlib, which would read its whole font cache.
    matplotlib = importlib.util.find_spec("matplotlib")
    if matplotlib is None or not matplotlib.submodule_search_locations:
        raise ImportError("matplotlib is a dependency: its DejaVu fonts are the fallback")
    bundled = os.path.join(
        matplotlib.submodule_search_locations[0],
        "mpl-data",
        "fonts",
        "ttf",
    )
    names = {"regular": "DejaVuSerif", "bold": "DejaVuSerif-Bold", "italic": "DejaVuSerif-Italic"}
    return {style: os.path.join(bundled, f"{name}.ttf") for style, name in names.items()}


# The characters the demo's PDFs can show: ASCII, every Vietnamese letter, a few marks.
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
PDF_CHARSET = "".join(
    sorted(
        {chr(c) for c in range(0x20, 0x7F)}
        | {unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưy" for t in _TONES}
        | {unicodedata.normalize("NFC", b + t).upper() for b in "aăâeêioôơuưy" for t in _TONES}
        | set("đĐ–—“”‘’…•№")
    )
)


@dataclass(frozen=True)
class PdfFont:
    """A TrueType font cut down to PDF_CHARSET, ready to embed as a CID font."""

    name: str  # PostScript name, with the subset tag
    data: bytes  # the subset font file, compressed
    length: int  # its size uncompressed
    glyphs: dict[str, int]  # character -> glyph id
    widths: list[int]  # advance per glyph id, in thousandths of the font size
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float


@functools.cache
def pdf_font(path: str) -> PdfFont:
    """The font at `path` cut down once per process (fontTools, which matplotlib brings):
    every demo PDF then embeds the same small file instead of subsetting its own."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    options = subset.Options()
    options.layout_features = []  # the writer places every glyph itself
    options.hinting = False  # for the screen at small sizes: not worth its bytes here
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's stamp
    options.name_IDs = [1, 2, 4, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=PDF_CHARSET)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    glyph_id = {name: gid for gid, name in enumerate(order)}
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    head, os2 = font["head"], font["OS/2"]
    postscript = font["name"].getDebugName(6) or "Serif"
    return PdfFont(
        name=f"CCHCDM+{postscript}",
        data=zlib.compress(out.getvalue(), 9),
        length=len(out.getvalue()),
        glyphs={chr(code): glyph_id[name] for code, name in cmap.items()},
        widths=[round(hmtx[name][0] * scale) for name in order],
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(font["hhea"].ascent * scale),
        descent=round(font["hhea"].descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", 700) * scale) or 700,
        italic_angle=float(font["post"].italicAngle),
    )


class _PdfWriter:
    """One page of text in embedded fonts: enough for a demo paper, nothing more."""

    PAGE = (595.28, 841.89)  # A4, in points

    def __init__(self, fonts: dict[str, PdfFont]):
        self.fonts = fonts
        self.keys = {style: f"F{n}" for n, style in enumerate(fonts, start=1)}
        self.ops: list[str] = []

    def width(self, text: str, style: str, size: float) -> float:
        font = self.fonts[style]
        return sum(font.widths[font.glyphs.get(ch, 0)] for ch in text) * size / 1000

    def wrap(self, text: str, style: str, size: float, limit: float) -> list[str]:
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if line and self.width(candidate, style, size) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        return [*lines, line]

    def text(self, x: float, top: float, text: str, style: str, size: float, align="left"):
        """`text` on the baseline `size` below `top` (points from the page's top edge)."""
        font = self.fonts[style]
        if align == "center":
            x -= self.width(text, style, size) / 2
        hexed = "".join(f"{font.glyphs.get(ch, 0):04X}" for ch in text)
        y = self.PAGE[1] - top - size
        self.ops.append(f"BT /{self.keys[style]} {size:g} Tf {x:.2f} {y:.2f} Td <{hexed}> Tj ET")

    def bytes(self, title: str) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "") -> bytes:
            head = f"<< /Length {len(data)} /Filter /FlateDecode{extra} >>\nstream\n"
            return head.encode() + data + b"\nendstream"

        font_refs = {}
        for style, font in self.fonts.items():
            file = add(stream(font.data, f" /Length1 {font.length}"))
            flags = 34 + (64 if font.italic_angle else 0)  # serif, non-symbolic, italic
            descriptor = add(
                (
                    f"<< /Type /FontDescriptor /FontName /{font.name} /Flags {flags} "
                    f"/FontBBox [{' '.join(map(str, font.bbox))}] /ItalicAngle "
                    f"{font.italic_angle:g} /Ascent {font.ascent} /Descent {font.descent} "
                    f"/CapHeight {font.cap_height} /StemV 80 /FontFile2 {file} 0 R >>"
                ).encode()
            )
            widths = " ".join(map(str, font.widths))
            cid = add(
                (
                    f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font.name} "
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                    f"/FontDescriptor {descriptor} 0 R /W [0 [{widths}]] "
                    "/CIDToGIDMap /Identity >>"
                ).encode()
            )
            unicode = add(stream(zlib.compress(_to_unicode(font).encode())))
            font_refs[style] = add(
                (
                    f"<< /Type /Font /Subtype /Type0 /BaseFont /{font.name} /Encoding "
                    f"/Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {unicode} 0 R >>"
                ).encode()
            )
        content = add(stream(zlib.compress("\n".join(self.ops).encode())))
        resources = " ".join(f"/{self.keys[s]} {ref} 0 R" for s, ref in font_refs.items())
        pages = len(objects) + 2
        page = add(
            (
                f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {self.PAGE[0]} "
                f"{self.PAGE[1]}] /Contents {content} 0 R /Resources << /Font << {resources} "
                ">> >> >>"
            ).encode()
        )
        add(f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
        catalog = add(f"<< /Type /Catalog /Pages {pages} 0 R >>".encode())
        info = add(
            f"<< /Title <FEFF{title.encode('utf-16-be').hex().upper()}> "
            "/Producer (CCHC demo) >>".encode()
        )
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
        out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
        out.write(
            f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        return out.getvalue()


def _to_unicode(font: PdfFont) -> str:
    """The CMap that lets a viewer copy and search the text: glyph id -> character."""
    pairs = sorted({gid: ch for ch, gid in font.glyphs.items() if gid}.items())
    blocks = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines = "\n".join(f"<{g:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for g, ch in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def pdf_bytes(paper: Paper) -> bytes:
    """A one-page A4 PDF of the paper in a serif face that covers Vietnamese, embedded, so
    that any viewer shows (and a search finds) the text. Written directly: matplotlib took a
    quarter of a second a page, this takes a millisecond. The same paper gives the same
    bytes."""
    files = serif_fonts()
    pdf = _PdfWriter({style: pdf_font(files[style]) for style in ("regular", "bold", "italic")})
    mm = 72 / 25.4
    page_width = pdf.PAGE[0]
    left_axis, right_axis, top = 50 * mm, 145 * mm, 20 * mm
    # The header's two columns, each centred on its own axis.
    pdf.text(left_axis, top, paper.parent_body.upper(), "regular", 12, "center")
    for n, line in enumerate(pdf.wrap(paper.issuer.upper(), "bold", 12, 80 * mm), start=1):
        pdf.text(left_axis, top + 15 * n, line, "bold", 12, "center")
    pdf.text(right_axis, top, NATIONAL_TITLE, "bold", 12, "center")
    pdf.text(right_axis, top + 15, NATIONAL_MOTTO, "bold", 13, "center")
    pdf.text(right_axis, top + 45, paper.dateline, "italic", 13, "center")
    y = top + 90
    for line in pdf.wrap(paper.title, "bold", 14, 150 * mm):
        pdf.text(page_width / 2, y, line, "bold", 14, "center")
        y += 19
    y += 14
    margin, measure = 30 * mm, page_width - 45 * mm
    for paragraph in paper.body:
        for line in pdf.wrap(paragraph, "regular", 13, measure):
            pdf.text(margin, y, line, "regular", 13)
            y += 18
        y += 6
    return pdf.bytes(paper.title)


def blank_docx():
    """An empty Word document (python-docx): A4, the margins of Decree 30/2020/NĐ-CP, Times
    New Roman 13 pt."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    return document


def docx_bytes(paper: Paper, document=None) -> bytes:
    """The paper as a Word document, the header in a borderless two-column table.
    `document`: a blank_docx() to write into again; emptying its body is quicker than
    opening python-docx's template once more for each paper."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = blank_docx() if document is None else document
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    center = WD_ALIGN_PARAGRAPH.CENTER

    def line(paragraph, text, *, bold=False, italic=False, size=13, align=None):
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    # The national title holds one line only in the wider column (165 mm between margins);
    # Word reads the cells' widths, LibreOffice the grid's.
    for column, cell, width in zip(table.columns, (left, right), (Mm(71), Mm(94)), strict=True):
        column.width = cell.width = width
    line(left.paragraphs[0], paper.parent_body.upper(), size=11, align=center)
    line(left.add_paragraph(), paper.issuer.upper(), bold=True, size=12, align=center)
    line(right.paragraphs[0], NATIONAL_TITLE, bold=True, size=12, align=center)
    line(right.add_paragraph(), NATIONAL_MOTTO, bold=True, align=center)
    line(document.add_paragraph(), paper.dateline, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.add_paragraph()
    line(document.add_paragraph(), paper.title, bold=True, size=14, align=center)
    document.add_paragraph()
    for text in paper.body:
        line(document.add_paragraph(), text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    document.core_properties.title = paper.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _slug(text: str, limit: int = 60) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return "-".join(words)[:limit].strip("-") or "tai-lieu"


def paper_file(kind: str, name: str, paper: Paper, docx=None) -> SimpleUploadedFile:
    """kind: pdf (the scan of a signed paper) or docx (a draft still being written, written
    into `docx`, a blank_docx() to reuse, when given)."""
    data = pdf_bytes(paper) if kind == "pdf" else docx_bytes(paper, docx)
    return SimpleUploadedFile(f"{_slug(name)}.{kind}", data)


# How a unit is named in a document's header where its full name is longer.
HEADER_NAMES = {"TCCT": "Tổng cục Chính trị", "BTTM": "Bộ Tổng Tham mưu"}


def _header_name(code: str) -> str:
    # “Phòng Hành chính – Tổng hợp, Văn phòng Tổng cục Chính trị”: the header names the
    # room alone; the body it belongs to is the line above it.
    return HEADER_NAMES.get(code) or UNIT_BY_CODE[code].name.split(",")[0]


def paper_for(unit_code: str, when: datetime.date, title: str, body: list[str]) -> Paper:
    """A paper the unit issues on `when`, the body it belongs to named above it."""
    spec = UNIT_BY_CODE[unit_code]
    return Paper(
        parent_body=_header_name(spec.parent) if spec.parent else "",
        issuer=_header_name(unit_code),
        when=when,
        title=title,
        body=body,
    )
