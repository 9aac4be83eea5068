"""The year's scoring results as files: the council's result table (rank, unit, points per
area, total, share, grade) as XLSX and as DOCX in the Decree 30 layout (documents.official),
and one unit's score sheet (every criterion with the unit's, the council's and the final
points, the comments and a computed criterion's numbers) as XLSX and DOCX.

Pure: the plain data below (filled by the scoring app, figures already written as text,
labels included) in, bytes out; the same data gives the same bytes (files dated by the data,
never by the clock)."""

from __future__ import annotations

import dataclasses
import datetime
import io
from dataclasses import dataclass, field

from cchc.documents.official import Column, DocumentHeader, OfficialDocument, Signature, SpanRow
from cchc.documents.ooxml import XML_ILLEGAL, finish_docx
from cchc.documents.xlsx import Column as XColumn
from cchc.documents.xlsx import Style, Workbook

REPORT_KIND = "BC"
HEADER = Style(bold=True, fill="DDEBF7", vertical="center", horizontal="center", wrap=True)
WRAP = Style(wrap=True)
BOLD = Style(bold=True)
ITALIC = Style(italic=True, wrap=True)


@dataclass
class AreaHead:
    code: str  # "1"
    title: str
    max_points: str  # "10", "2,5"


@dataclass
class ResultLine:
    rank: str  # "1"; "" for a unit not ranked
    unit: str
    areas: list[str]  # points per area, written
    total: str
    percent: str  # "89,99"
    grade: str  # the words; "" when not graded
    note: str = ""  # "Xuống loại tốt do giới hạn tỷ lệ xuất sắc", "Chưa chốt: điểm dự kiến"


@dataclass
class Heading:
    """What every file of a set's results carries at its head."""

    parent_body: str
    issuing_body: str
    symbol: str  # the issuing unit's symbol in numbers: "CT" in "…/BC-CT"
    place: str
    date: datetime.date  # the day the file speaks for (the cut-off or today)
    year: int
    set_title: str
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class ResultTable:
    heading: Heading
    areas: list[AreaHead]
    max_total: str
    ranked: list[ResultLine]
    pending: list[ResultLine]  # chưa chốt: listed apart, never ranked
    bands: str  # "Hoàn thành xuất sắc nhiệm vụ: từ 90 %; …"
    counts: list[tuple[str, int]]  # (grade words, units)
    cap_note: str  # what the cap did, "" without a cap
    pending_note: str  # what the pending points are, "" without pending units


@dataclass
class SheetLine:
    code: str
    title: str
    depth: int  # 1 an area, 2 a criterion, 3 a sub-criterion
    is_leaf: bool
    method: str  # the words, "" for a parent
    max_points: str
    self_points: str
    appraised_points: str
    final_points: str  # the points that count (frozen once finalised)
    numbers: str  # a computed criterion's "12/15 (80 %)"
    explanation: str = ""
    comment: str = ""  # the council's
    answer: str = ""  # the unit's answer to it


@dataclass
class ScoreSheet:
    heading: Heading
    unit: str
    status: str  # the assessment's state, in words
    points_label: str  # "Điểm chốt" once finalised, "Điểm tạm tính" / "Điểm dự kiến" before
    lines: list[SheetLine]
    totals: dict[str, str]  # max, self, appraised, points
    result: str  # "Hạng 2/5 · Hoàn thành tốt nhiệm vụ", "" before finalisation
    appraisal_note: str = ""
    answer_note: str = ""


def _clean(value):
    """The data without the control characters XML forbids, through lists, tuples and
    nested dataclasses."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _when(heading: Heading) -> datetime.datetime:
    day = heading.date
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _workbook(out: io.BytesIO, title: str, heading: Heading) -> Workbook:
    """A workbook dated by the data, so that the same data gives the same bytes."""
    return Workbook(out, title=title, creator=heading.issuing_body, created=_when(heading))


def _header(heading: Heading, kind: str, summary: str) -> DocumentHeader:
    symbol = f"{REPORT_KIND}-{heading.symbol}" if heading.symbol else REPORT_KIND
    return DocumentHeader(
        parent_body=heading.parent_body,
        issuing_body=heading.issuing_body,
        kind=kind,
        summary=summary,
        symbol=symbol,
        place=heading.place,
        date=heading.date,
        year=heading.year,
    )


def _sign(out: OfficialDocument, heading: Heading) -> None:
    out.sign(
        Signature(
            authority=heading.signer_authority,
            title=heading.signer_title or Signature.title,
            name=heading.signer_name,
        ),
        recipients=heading.recipients,
        archive="VT",
    )


def _number(text: str) -> float | str:
    """A figure written "2,5" as a number for the spreadsheet; text that is not one as is."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


# --- the result table ----------------------------------------------------------------------


def _summary(table: ResultTable) -> str:
    return f"Kết quả chấm điểm, xếp loại công tác cải cách hành chính năm {table.heading.year}"


def results_xlsx(table: ResultTable) -> bytes:
    """Sheet one: the ranked table; sheet two: the units not finalised yet (if any)."""
    table = _clean(table)
    columns = [
        XColumn("Hạng", 7),
        XColumn("Cơ quan, đơn vị", 36, WRAP),
        *(XColumn(f"{a.code}", 9) for a in table.areas),
        XColumn("Tổng điểm", 10),
        XColumn("Tỷ lệ (%)", 10),
        XColumn("Xếp loại", 30, WRAP),
        XColumn("Ghi chú", 40, WRAP),
    ]
    out = io.BytesIO()
    title = f"{_summary(table)} – {table.heading.set_title}"
    with _workbook(out, title, table.heading) as book:
        sheet = book.sheet("Kết quả", columns, header_row=3)
        sheet.append([title], BOLD)
        sheet.append([f"Tổng điểm tối đa: {table.max_total}. {table.bands}"], ITALIC)
        sheet.append(
            [
                "Hạng",
                "Cơ quan, đơn vị",
                *(f"{a.code}. {a.title} ({a.max_points})" for a in table.areas),
                f"Tổng điểm ({table.max_total})",
                "Tỷ lệ (%)",
                "Xếp loại",
                "Ghi chú",
            ],
            HEADER,
        )
        for line in table.ranked:
            sheet.append(_xlsx_line(line))
        if table.cap_note:
            sheet.append([])
            sheet.append([table.cap_note], ITALIC)
        if table.pending:
            pending = book.sheet("Chưa chốt", columns, header_row=2)
            pending.append([table.pending_note], ITALIC)
            pending.append(
                ["", "Cơ quan, đơn vị", *(a.code for a in table.areas), "Tổng điểm",
                 "Tỷ lệ (%)", "", "Ghi chú"],
                HEADER,
            )  # fmt: skip
            for line in table.pending:
                pending.append(_xlsx_line(line))
    return out.getvalue()


def _xlsx_line(line: ResultLine) -> list:
    return [
        _number(line.rank) if line.rank else "",
        line.unit,
        *(_number(p) for p in line.areas),
        _number(line.total) if line.total else "",
        _number(line.percent) if line.percent else "",
        line.grade,
        line.note,
    ]


def results_docx(table: ResultTable) -> bytes:
    """The council's report: the bands, how many units in each grade, the cap's effect, the
    signature; the table in a landscape appendix, with the areas' names as a legend."""
    table = _clean(table)
    h = table.heading
    summary = _summary(table)
    out = OfficialDocument(_header(h, "Báo cáo", summary))
    out.add_paragraph(
        f"Căn cứ {h.set_title}, trên cơ sở kết quả tự đánh giá của các cơ quan, đơn vị và kết "
        f"quả thẩm định của Hội đồng thẩm định, {h.issuing_body} báo cáo kết quả chấm điểm, "
        f"xếp loại công tác cải cách hành chính năm {h.year} như sau:"
    )
    out.add_heading("I. CÁCH XẾP LOẠI")
    out.add_paragraph(f"Tổng điểm tối đa: {table.max_total} điểm. {table.bands}")
    if table.cap_note:
        out.add_paragraph(table.cap_note)
    out.add_heading("II. KẾT QUẢ XẾP LOẠI")
    ranked = len(table.ranked)
    if not ranked:
        out.add_paragraph("Chưa có cơ quan, đơn vị nào được chốt kết quả.")
    else:
        out.add_paragraph(f"Số cơ quan, đơn vị đã chốt kết quả: {ranked}, trong đó:")
        out.add_paragraph(
            "\n".join(f"- {label}: {count} cơ quan, đơn vị;" for label, count in table.counts)
        )
        out.add_paragraph("Thứ hạng và điểm của từng cơ quan, đơn vị tại Phụ lục kèm theo.")
    if table.pending:
        names = ", ".join(line.unit for line in table.pending)
        out.add_paragraph(f"Chưa chốt kết quả ({len(table.pending)}): {names}.")
    _sign(out, h)
    out.add_appendix(
        "Phụ lục",
        f"BẢNG XẾP HẠNG, XẾP LOẠI CẢI CÁCH HÀNH CHÍNH NĂM {h.year}",
        f"(Kèm theo Báo cáo của {h.issuing_body})",
    )
    _docx_table(out, table)
    return finish_docx(out.document, title=summary, author=h.issuing_body, when=_when(h))


def _docx_table(out: OfficialDocument, table: ResultTable) -> None:
    area_width = min(16.0, 112.0 / max(len(table.areas), 1))
    columns = [
        Column("Hạng", 13, "center"),
        Column("Cơ quan, đơn vị", 52, "left"),
        *(Column(f"{a.code}\n({a.max_points})", area_width, "center") for a in table.areas),
        Column(f"Tổng\n({table.max_total})", 18, "center"),
        Column("Tỷ lệ (%)", 17, "center"),
        Column("Xếp loại", 40, "left"),
    ]
    rows: list[list[str] | SpanRow] = []
    for line in table.ranked:
        grade = f"{line.grade}\n({line.note})" if line.note else line.grade
        rows.append([line.rank, line.unit, *line.areas, line.total, line.percent, grade])
    if table.pending:
        rows.append(SpanRow(f"Chưa chốt kết quả — {table.pending_note}", italic=True))
        for line in table.pending:
            rows.append(["", line.unit, *line.areas, line.total, line.percent, line.note])
    # The legend first: the columns name the areas by their numbers alone.
    legend = "; ".join(f"{a.code}. {a.title} (tối đa {a.max_points} điểm)" for a in table.areas)
    if legend:
        out.add_paragraph(f"Lĩnh vực: {legend}.", italic=True)
    if rows:
        out.add_table(columns, rows, font_pt=11)
    else:
        out.add_paragraph("Chưa có cơ quan, đơn vị nào được đánh giá.")
    if table.cap_note:
        out.add_paragraph(table.cap_note, italic=True)


# --- one unit's score sheet ------------------------------------------------------------------


def _sheet_summary(sheet: ScoreSheet) -> str:
    return (
        f"Kết quả tự đánh giá, thẩm định chấm điểm cải cách hành chính năm "
        f"{sheet.heading.year} của {sheet.unit}"
    )


def score_sheet_xlsx(sheet: ScoreSheet) -> bytes:
    sheet = _clean(sheet)
    columns = [
        XColumn("Mã", 9),
        XColumn("Tiêu chí", 60, WRAP),
        XColumn("Phương thức", 16, WRAP),
        XColumn("Điểm tối đa", 10),
        XColumn("Điểm tự chấm", 10),
        XColumn("Điểm thẩm định", 10),
        XColumn(sheet.points_label, 10),
        XColumn("Số liệu", 18, WRAP),
        XColumn("Giải thích, số liệu kê khai", 40, WRAP),
        XColumn("Ý kiến thẩm định", 40, WRAP),
        XColumn("Giải trình", 40, WRAP),
    ]
    out = io.BytesIO()
    summary = _sheet_summary(sheet)
    with _workbook(out, summary, sheet.heading) as book:
        page = book.sheet("Bảng điểm", columns, header_row=4)
        page.append([summary], BOLD)
        page.append([f"{sheet.heading.set_title} · {sheet.status}"], ITALIC)
        page.append([sheet.result], ITALIC)
        page.append([c.header for c in columns], HEADER)
        for line in sheet.lines:
            page.append(
                [
                    line.code,
                    line.title,
                    line.method,
                    _number(line.max_points),
                    _number(line.self_points) if line.self_points else "",
                    _number(line.appraised_points) if line.appraised_points else "",
                    _number(line.final_points) if line.final_points else "",
                    line.numbers,
                    line.explanation,
                    line.comment,
                    line.answer,
                ],
                BOLD if not line.is_leaf else None,
            )
        t = sheet.totals
        page.append(
            ["", "Tổng cộng", "", _number(t["max"]), _number(t["self"]),
             _number(t["appraised"]), _number(t["points"])],
            BOLD,
        )  # fmt: skip
        for label, note in (("Nhận xét chung của hội đồng", sheet.appraisal_note),
                            ("Giải trình của đơn vị", sheet.answer_note)):  # fmt: skip
            if note.strip():
                page.append([])
                page.append([f"{label}: {note.strip()}"], ITALIC)
    return out.getvalue()


def score_sheet_docx(sheet: ScoreSheet) -> bytes:
    """The sheet in the Decree 30 layout: what it is about, the totals and the result, the
    council's and the unit's notes, then every criterion in a landscape appendix."""
    sheet = _clean(sheet)
    h = sheet.heading
    summary = _sheet_summary(sheet)
    out = OfficialDocument(_header(h, "Bảng điểm", summary))
    t = sheet.totals
    out.add_paragraph(f"Căn cứ {h.set_title}. Tình trạng: {sheet.status}.")
    out.add_paragraph(
        f"Điểm tối đa: {t['max']}; điểm tự chấm: {t['self']}; điểm thẩm định: "
        f"{t['appraised']}; {sheet.points_label.lower()}: {t['points']}."
    )
    if sheet.result:
        out.add_paragraph(f"Kết quả: {sheet.result}.", bold=True)
    if sheet.appraisal_note.strip():
        out.add_heading("Nhận xét chung của Hội đồng thẩm định", level=2)
        out.add_paragraph(sheet.appraisal_note)
    if sheet.answer_note.strip():
        out.add_heading("Giải trình của đơn vị", level=2)
        out.add_paragraph(sheet.answer_note)
    _sign(out, h)
    out.add_appendix("Phụ lục", f"BẢNG ĐIỂM CHI TIẾT CỦA {sheet.unit.upper()}", "")
    columns = [
        Column("Mã", 14, "center"),
        Column("Tiêu chí", 76, "left"),
        Column("Tối đa", 15, "center"),
        Column("Tự chấm", 15, "center"),
        Column("Thẩm định", 17, "center"),
        Column(sheet.points_label, 17, "center"),
        Column("Số liệu", 24, "center"),
        Column("Giải thích; ý kiến thẩm định; giải trình", 74, "left"),
    ]
    rows: list[list[str] | SpanRow] = []
    for line in sheet.lines:
        words = [
            f"{label}: {text.strip()}"
            for label, text in (
                ("Đơn vị", line.explanation),
                ("Hội đồng", line.comment),
                ("Giải trình", line.answer),
            )
            if text.strip()
        ]
        rows.append(
            [
                line.code,
                line.title,
                line.max_points,
                line.self_points,
                line.appraised_points,
                line.final_points,
                line.numbers,
                "\n".join(words),
            ]
        )
    rows.append(["", "Tổng cộng", t["max"], t["self"], t["appraised"], t["points"], "", ""])
    out.add_table(columns, rows, font_pt=11)
    return finish_docx(out.document, title=summary, author=h.issuing_body, when=_when(h))
