"""The one XLSX writer of the system: the task list's export, the plan's table and the
consolidated report's tables all go through `Workbook`. openpyxl only reads (the plan
import, the tests).

`Workbook` streams each sheet straight into the zip archive, row by row, so memory stays
flat however many rows come; it writes the SpreadsheetML parts itself. Measured on 40,000
tasks × the task list's 11 columns: about 0.6 s, against 3.7 s for the XlsxWriter package
in its constant-memory mode and about as much for openpyxl's write-only mode.

A string that opens with = + - @ (or a tab or carriage return) is a formula to Excel and
LibreOffice when it is stored as one: a task titled “=HYPERLINK(…)” would become a live
link (OWASP: CSV/formula injection). Every string here is stored as text, and such a
string is also marked with Excel's quote prefix, which tells the spreadsheet not to read
it as a formula even when the cell is edited.

Members carry fixed timestamps: the same rows give the same bytes.
"""

import datetime
import queue
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from .ooxml import FIXED_TIME

# A text opening with one of these characters is a formula to a spreadsheet.
FORMULA_STARTS = "=+-@\t\r"
# Excel's own limit on the text of one cell.
MAX_CELL_CHARS = 32767
# Control characters are not allowed in XML 1.0; a pasted Word text may carry some.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What a cell's text cannot hold as it is: those, XML's specials and a carriage return.
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime.date(1899, 12, 30)
DATE_FORMAT = "dd/mm/yyyy"

OOXML = "application/vnd.openxmlformats"
SML = f"{OOXML}-officedocument.spreadsheetml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Style:
    """How a cell looks. A date cell adds dd/mm/yyyy, a float the workbook's float format."""

    font: str = "Calibri"
    size: float = 11
    bold: bool = False
    italic: bool = False
    fill: str = ""  # background colour, "DDEBF7"
    border: str = ""  # a thin line on every side, in this colour
    horizontal: str = ""  # "center"
    vertical: str = "top"
    wrap: bool = False


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    style: Style = Style()


class _Ids(NamedTuple):
    """The style attribute of a cell (` s="3"`, an index into cellXfs; none for the default
    format) that one Style gives each kind of value."""

    text: str
    quoted: str
    date: str
    number: str
    float: str
    # An empty cell is still written when it shows something (a border, a fill).
    visible: bool


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _clean(value: str) -> str:
    """A string cell's text: control characters dropped, cut at Excel's limit."""
    return _ILLEGAL.sub("", value)[:MAX_CELL_CHARS]


def _xml(text: str) -> str:
    """Text escaped for XML; a carriage return as a reference, or XML reads it as a newline."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _side(side: str, colour: str) -> str:
    return f'<{side} style="thin"><color rgb="FF{colour}"/></{side}>' if colour else f"<{side}/>"


class _Styles:
    """The workbook's styles part, built from the Styles its cells use."""

    def __init__(self, float_format: str):
        self.fonts: dict[tuple, int] = {}
        self.fills: dict[str, int] = {"": 0, "gray125": 1}
        self.borders: dict[str, int] = {}
        self.xfs: dict[tuple, int] = {}
        self.formats = {DATE_FORMAT: 164}
        if float_format:
            self.formats[float_format] = 165
        self.float_format = self.formats.get(float_format, 0)
        self._ids: dict[Style, _Ids] = {}
        # The default format (index 0, written as no attribute at all) is Style()'s text.
        self._xf(Style(), 0, False)

    def ids(self, style: Style) -> _Ids:
        ids = self._ids.get(style)
        if ids is None:
            text, quoted, date, number, float_ = (
                f' s="{xf}"' if xf else ""
                for xf in (
                    self._xf(style, 0, False),
                    self._xf(style, 0, True),
                    self._xf(style, 164, False),
                    self._xf(style, 0, False),
                    self._xf(style, self.float_format, False),
                )
            )
            visible = bool(style.border or style.fill)
            ids = self._ids[style] = _Ids(text, quoted, date, number, float_, visible)
        return ids

    def _xf(self, style: Style, number_format: int, quoted: bool) -> int:
        font = self.fonts.setdefault(
            (style.font, style.size, style.bold, style.italic), len(self.fonts)
        )
        fill = self.fills.setdefault(style.fill, len(self.fills))
        border = self.borders.setdefault(style.border, len(self.borders))
        key = (font, fill, border, number_format, style.horizontal, style.vertical)
        return self.xfs.setdefault((*key, style.wrap, quoted), len(self.xfs))

    def xml(self) -> str:
        formats = "".join(
            f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
            for code, i in self.formats.items()
        )
        fonts = "".join(
            f'<font>{"<b/>" if bold else ""}{"<i/>" if italic else ""}<sz val="{size}"/>'
            f"<name val={quoteattr(name)}/></font>"
            for name, size, bold, italic in self.fonts
        )
        fills = "".join(
            f'<fill><patternFill patternType="{fill}"/></fill>'
            if fill in ("", "gray125")
            else f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/>'
            '<bgColor indexed="64"/></patternFill></fill>'
            for fill in self.fills
        )
        fills = fills.replace('patternType=""', 'patternType="none"')
        borders = "".join(
            "<border>"
            + "".join(_side(side, colour) for side in ("left", "right", "top", "bottom"))
            + "<diagonal/></border>"
            for colour in self.borders
        )
        xfs = "".join(self._xf_xml(*key) for key in self.xfs)
        return (
            HEAD + f'<styleSheet xmlns="{MAIN}">'
            f'<numFmts count="{len(self.formats)}">{formats}</numFmts>'
            f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            f'<fills count="{len(self.fills)}">{fills}</fills>'
            f'<borders count="{len(self.borders)}">{borders}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    @staticmethod
    def _xf_xml(font, fill, border, number_format, horizontal, vertical, wrap, quoted) -> str:
        align = (
            (f' horizontal="{horizontal}"' if horizontal else "")
            + (f' vertical="{vertical}"' if vertical else "")
            + (' wrapText="1"' if wrap else "")
        )
        return (
            f'<xf numFmtId="{number_format}" fontId="{font}" fillId="{fill}" '
            f'borderId="{border}" xfId="0"'
            + (' applyNumberFormat="1"' if number_format else "")
            + (' applyFont="1"' if font else "")
            + (' applyFill="1"' if fill else "")
            + (' applyBorder="1"' if border else "")
            + (' quotePrefix="1"' if quoted else "")
            + (f' applyAlignment="1"><alignment{align}/></xf>' if align else "/>")
        )


class Sheet:
    """One worksheet, streamed. `header_row` (1-based; 0 for none) is frozen at the top of
    the window and printed on every page; with `autofilter`, filters run from it to the
    last row."""

    def __init__(self, book: "Workbook", number: int, title: str, columns, header_row, autofilter):
        self.book = book
        self.number = number
        # Excel refuses colons, slashes, ?, *, brackets in sheet names, and end quotes.
        title = re.sub(r"[:\\/?*\[\]]", "-", _ILLEGAL.sub("", title))
        self.title = title.strip("'")[:31] or f"Sheet{number}"
        self.columns = list(columns)
        self.letters = [column_letter(i) for i in range(len(self.columns))]
        # Each cell's opening up to its row number: `<c r="B` for the second column.
        self._heads = [f'<c r="{letter}' for letter in self.letters]
        self.header_row = header_row
        self.autofilter = autofilter
        self.rows = 0
        self.merges: list[str] = []
        self._ids = [book.styles.ids(c.style) for c in self.columns]
        self._buffer: list[str] = []
        self._part: _Compressor | None = None

    def append(self, values: Sequence = (), style: Style | None = None, *, merge=False) -> None:
        """One row: a value per column (str, int, float, date or None), each in its column's
        style or all in `style`; `merge` spans the row's first cell over every column."""
        number = self.rows + 1
        self.rows = number
        ids = self._ids if style is None else [self.book.styles.ids(style)] * len(self.letters)
        if merge and len(self.letters) > 1:
            self.merges.append(f"A{number}:{self.letters[-1]}{number}")
        self._buffer.append(f'<row r="{number}">{self._cells(number, values, ids)}</row>')
        if len(self._buffer) >= 512:
            self._flush()

    def _cells(self, number: int, values: Sequence, ids: list[_Ids]) -> str:
        # One look at the row's strings together tells whether any needs more than its
        # markup (escaping, dropped controls, a cut): most rows need none.
        texts = "".join([v for v in values if v.__class__ is str])
        plain = len(texts) <= MAX_CELL_CHARS and not _SPECIAL.search(texts)
        row = str(number)
        cells = []
        for head, kinds, value in zip(self._heads, ids, values, strict=False):
            kind = value.__class__
            if kind is not str:
                # The task list's own kinds first: this loop runs for every cell.
                if kind is int:
                    cells.append(f'{head}{row}"{kinds.number}><v>{value}</v></c>')
                    continue
                if kind is datetime.date:
                    serial = (value - _EPOCH).days
                    cells.append(f'{head}{row}"{kinds.date}><v>{serial}</v></c>')
                    continue
                if isinstance(value, bool | datetime.date | int | float):
                    cells.append(self._value(head, row, kinds, value))
                    continue
                value = "" if value is None else str(value)
            careful = not plain or kind is not str
            if careful:
                value = _clean(value)
            if not value:
                if kinds.visible:
                    cells.append(f'{head}{row}"{kinds.text}/>')
                continue
            # Judged on the text as stored: a control character dropped may uncover an "=".
            # One character each, not startswith() and strip(): this runs for every cell.
            first = value[0]
            style = kinds.quoted if first in FORMULA_STARTS else kinds.text
            space = ' xml:space="preserve"' if first.isspace() or value[-1].isspace() else ""
            if careful:
                value = _xml(value)
            cells.append(f'{head}{row}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>')
        return "".join(cells)

    @staticmethod
    def _value(head: str, row: str, kinds: _Ids, value) -> str:
        """A cell of a bool, a date or a number."""
        if isinstance(value, bool):
            return f'{head}{row}"{kinds.number} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime.date):
            day = value.date() if isinstance(value, datetime.datetime) else value
            return f'{head}{row}"{kinds.date}><v>{(day - _EPOCH).days}</v></c>'
        if isinstance(value, float):
            return f'{head}{row}"{kinds.float}><v>{value!r}</v></c>'
        return f'{head}{row}"{kinds.number}><v>{value}</v></c>'

    def _open(self, archive: zipfile.ZipFile) -> None:
        member = archive.open(_member(f"xl/worksheets/sheet{self.number}.xml"), "w")
        self._part = _Compressor(member)
        self._write(self._head())

    def _close(self) -> None:
        self._flush()
        self._write(self._tail())
        assert self._part is not None  # noqa: S101 - opened by _open, closed once
        self._part.close()

    def _flush(self) -> None:
        if self._buffer:
            self._write("".join(self._buffer))
            self._buffer = []

    def _write(self, text: str) -> None:
        assert self._part is not None  # noqa: S101 - written between _open and _close
        self._part.write(text.encode("utf-8"))

    def _head(self) -> str:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
            for i, c in enumerate(self.columns, 1)
        )
        pane = ""
        if self.header_row:
            top = f"A{self.header_row + 1}"
            pane = (
                f'<pane ySplit="{self.header_row}" topLeftCell="{top}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
            )
        selected = ' tabSelected="1"' if self.number == 1 else ""
        return (
            HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0"{selected}>'
            f"{pane}</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>"
        )

    def _filter_range(self) -> str:
        return f"A{self.header_row}:{self.letters[-1]}{max(self.rows, self.header_row)}"

    def _tail(self) -> str:
        merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in self.merges)
        return (
            "</sheetData>"
            + (f'<autoFilter ref="{self._filter_range()}"/>' if self.autofilter else "")
            + (f'<mergeCells count="{len(self.merges)}">{merges}</mergeCells>' if merges else "")
            + '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" '
            'header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            "</worksheet>"
        )

    def _defined_names(self) -> str:
        index = self.number - 1
        quoted = escape("'" + self.title.replace("'", "''") + "'")
        names = ""
        if self.autofilter:
            first, last = self._filter_range().split(":")
            absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", f"{first}:{last}")
            names += (
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                f"{quoted}!{absolute}</definedName>"
            )
        if self.header_row:
            names += (
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                f"{quoted}!${self.header_row}:${self.header_row}</definedName>"
            )
        return names


class _Compressor:
    """A sheet's zip member, written from a second thread: deflating and the checksum
    (about a third of a big sheet's time) let go of the interpreter's lock, so they run on
    another core while the next rows are built. Chunks keep their order; a few at most
    wait in between, so memory stays flat."""

    def __init__(self, member: IO[bytes]):
        self.member = member
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    self.member.write(chunk)
                except BaseException as exc:  # noqa: BLE001 - raised again by the writer
                    self.error = exc

    def write(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def close(self, *, abandon: bool = False) -> None:
        """Wait for every chunk to be written, then close the member (and raise what went
        wrong in the writing thread, unless the workbook is abandoned anyway)."""
        self.chunks.put(None)
        self.thread.join()
        self.member.close()
        if self.error is not None and not abandon:
            raise self.error


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Level 1, not zlib's 6: deflating then keeps pace with the rows on its own thread
    # (40,806 tasks: 1.4 → 1.1 s, the file 4.5 → 5.7 MB; at level 5 it lagged). The
    # attribute is public from Python 3.13 on, private before.
    level = "compress_level" if hasattr(info, "compress_level") else "_compresslevel"
    setattr(info, level, 1)
    return info


class Workbook:
    """A workbook written to `out` (a binary file); use as a context manager and add its
    sheets in order with `sheet()`. `float_format` is the number format of float cells;
    `title`, `creator` and `created` go into the document's properties."""

    def __init__(
        self,
        out: IO[bytes],
        *,
        float_format: str = "",
        title: str = "",
        creator: str = "",
        created: datetime.datetime | None = None,
    ):
        self.out = out
        self.styles = _Styles(float_format)
        self.properties = (title, creator, created)
        self.sheets: list[Sheet] = []
        self._zip: zipfile.ZipFile | None = None

    def __enter__(self) -> "Workbook":
        self._zip = zipfile.ZipFile(self.out, "w", zipfile.ZIP_DEFLATED)
        return self

    @property
    def _archive(self) -> zipfile.ZipFile:
        if self._zip is None:
            raise RuntimeError("a Workbook is written inside `with Workbook(...) as book:`")
        return self._zip

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        header_row: int = 1,
        autofilter: bool = False,
    ) -> Sheet:
        if self.sheets:
            self.sheets[-1]._close()
        sheet = Sheet(self, len(self.sheets) + 1, title, columns, header_row, autofilter)
        self.sheets.append(sheet)
        sheet._open(self._archive)
        return sheet

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if self.sheets and self.sheets[-1]._part is not None:
                self.sheets[-1]._part.close(abandon=True)
            self._archive.close()
            return
        self.sheets[-1]._close()
        for name, text in self._package_parts().items():
            self._archive.writestr(_member(name), text)
        self._archive.close()

    def _package_parts(self) -> dict[str, str]:
        sheets = self.sheets
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.number}.xml" '
            f'ContentType="{SML}.worksheet+xml"/>'
            for s in sheets
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{s.number}" Type="{REL}/worksheet" '
            f'Target="worksheets/sheet{s.number}.xml"/>'
            for s in sheets
        )
        sheet_list = "".join(
            f'<sheet name={quoteattr(s.title)} sheetId="{s.number}" r:id="rId{s.number}"/>'
            for s in sheets
        )
        names = "".join(s._defined_names() for s in sheets)
        parts = {
            "[Content_Types].xml": HEAD + f'<Types xmlns="{PKG}/content-types">'
            f'<Default Extension="rels" ContentType="{OOXML}-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
            f'{overrides}<Override PartName="/xl/styles.xml" ContentType="{SML}.styles+xml"/>'
            f'<Override PartName="/docProps/core.xml" '
            f'ContentType="{OOXML}-package.core-properties+xml"/></Types>',
            "_rels/.rels": HEAD + f'<Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{PKG}/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
            "xl/_rels/workbook.xml.rels": HEAD + f'<Relationships xmlns="{PKG}/relationships">'
            f"{sheet_rels}"
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
            "xl/workbook.xml": HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheet_list}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
            "xl/styles.xml": self.styles.xml(),
            "docProps/core.xml": self._core(),
        }
        return parts

    def _core(self) -> str:
        title, creator, created = self.properties
        when = (created or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        return (
            HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(_ILLEGAL.sub('', title))}</dc:title>"
            f"<dc:creator>{escape(_ILLEGAL.sub('', creator))}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            "</cp:coreProperties>"
        )
