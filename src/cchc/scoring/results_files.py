"""The results as plain data for the page's chart and for the documents builders
(documents.scoring): the result table (XLSX, DOCX, PDF through LibreOffice) and one unit's
score sheet (XLSX, DOCX), each read through the scoped selectors."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from cchc.documents import scoring as builder
from cchc.documents.pdf import docx_to_pdf
from cchc.lib.text import fold
from cchc.orgs.models import Unit
from cchc.orgs.selectors import agency_symbol

from . import results, selectors, tree
from .assessment_selectors import assessment_get, assessment_page
from .models import CriteriaSet, Method

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "docx": DOCX_TYPE, "pdf": "application/pdf"}
# Okabe–Ito: told apart by people who do not see every colour; the table says it all anyway.
AREA_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def points(value: Decimal | None) -> str:
    return "" if value is None else tree.points_text(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "don-vi"


# --- the chart -----------------------------------------------------------------------------


def _pct(value: float) -> str:
    """A share of the chart's width as SVG reads it (a point, never the locale's comma)."""
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


@dataclass
class Segment:
    x: str  # "12.5%": SVG lengths in per cent follow the page's width, no inline style
    width: str
    colour: str
    title: str  # the area and its points, read by screen readers and on hover


@dataclass
class Bar:
    label: str  # "1. Cục Tuyên huấn · 95 điểm"
    label_y: str
    y: str
    segments: list[Segment]
    pending: bool


@dataclass
class Chart:
    height: str
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (colour, area)


BAR_HEIGHT, LABEL_HEIGHT, GAP = 16, 18, 8


def chart(found: results.SetResults) -> Chart | None:
    """Stacked bars, one per unit (ranked first, then the pending ones whose points are
    shown, paler), one segment per area, the full width being the set's total points. Drawn
    as inline SVG as wide as the page, each label above its bar, so that it reads at 390 px."""
    r = found.results
    rows = [*r.ranked, *(p for p in r.pending if p.entry.shown)]
    if not rows or r.max_total <= 0:
        return None
    colours = [AREA_COLOURS[i % len(AREA_COLOURS)] for i in range(len(found.areas))]
    bars, y = [], 0
    for row in rows:
        x, segments = 0.0, []
        for area, value, colour in zip(found.areas, row.entry.areas, colours, strict=True):
            width = float(value / r.max_total) * 100
            if width > 0:
                title = f"{area.code}. {area.title}: {points(value)}"
                segments.append(Segment(_pct(x), _pct(width), colour, title))
            x += width
        name = row.entry.unit_name if row.rank is None else f"{row.rank}. {row.entry.unit_name}"
        label = _("%(name)s · %(total)s điểm") % {"name": name, "total": points(row.total)}
        if row.rank is None:
            label += " (" + _("chưa chốt") + ")"
        top = y + LABEL_HEIGHT
        bars.append(Bar(label, str(top - 5), str(top), segments, row.rank is None))
        y = top + BAR_HEIGHT + GAP
    legend = [(c, f"{a.code}. {a.title}") for c, a in zip(colours, found.areas, strict=True)]
    return Chart(str(y), bars, legend)


# --- the files -----------------------------------------------------------------------------


@dataclass
class File:
    content: bytes
    filename: str
    content_type: str


def heading(criteria_set: CriteriaSet, on: datetime.date) -> builder.Heading:
    """The set's issuing unit at the head of its files, dated by the day the figures are
    as of (the cut-off, or today while the year runs)."""
    unit: Unit = criteria_set.unit
    parent = unit.parent
    return builder.Heading(
        parent_body=parent.name if parent else "",
        issuing_body=unit.name,
        symbol=agency_symbol(unit),
        place=getattr(settings, "CCHC_DOCUMENT_PLACE", "Hà Nội"),
        date=on,
        year=criteria_set.year,
        set_title=criteria_set.title,
        signer_authority=unit.signer_authority,
        signer_title=unit.signer_title,
        signer_name=unit.signer_name,
        recipients=[f"{parent.name} (để báo cáo)"] if parent else [],
    )


def bands_text(bands: results.Bands) -> str:
    labels = dict(results.Grade.choices)
    parts = [
        f"{labels[results.Grade.EXCELLENT]}: từ {points(bands.excellent_from)} %",
        f"{labels[results.Grade.GOOD]}: từ {points(bands.good_from)} %",
        f"{labels[results.Grade.PASS]}: từ {points(bands.pass_from)} %",
        f"{labels[results.Grade.FAIL]}: dưới {points(bands.pass_from)} %",
    ]
    return _("Xếp loại theo tỷ lệ điểm đạt được trên tổng điểm tối đa: %(b)s.") % {
        "b": "; ".join(str(p) for p in parts)
    }


def cap_text(note: results.CapNote | None) -> str:
    """What the cap did, in words (the page says the same)."""
    if note is None:
        return ""
    text = _(
        "Giới hạn xếp loại xuất sắc: tối đa %(cap)s %% số đơn vị đã chốt kết quả, tức %(limit)s "
        "trên %(n)s đơn vị (lấy phần nguyên), theo thứ hạng."
    ) % {"cap": note.cap, "limit": note.limit, "n": note.ranked}
    if note.moved:
        text += " " + _(
            "Đạt điểm xuất sắc nhưng xếp loại tốt do vượt giới hạn (các đơn vị đồng hạng vượt "
            "giới hạn cùng xuống loại tốt): %(names)s."
        ) % {"names": ", ".join(note.moved)}
    return text


def pending_text(found: results.SetResults) -> str:
    if not found.results.pending:
        return ""
    kind = _("điểm dự kiến") if found.projected else _("điểm tạm tính")
    return _(
        "Các đơn vị chưa chốt kết quả không được xếp hạng, xếp loại; điểm ghi là %(kind)s "
        "(tiêu chí tính từ số liệu tính đến ngày %(day)s), có thể còn thay đổi."
    ) % {"kind": kind, "day": found.on.strftime("%d/%m/%Y")}


def _line(row: results.ResultRow) -> builder.ResultLine:
    status = row.entry.status_label
    if row.rank is None:
        note = status if row.entry.shown else _("%(s)s: chưa công bố điểm") % {"s": status}
    else:
        note = _("Xuống loại tốt do giới hạn tỷ lệ xuất sắc") if row.capped else ""
    return builder.ResultLine(
        rank=str(row.rank or ""),
        unit=row.entry.unit_name,
        areas=[points(p) for p in row.entry.areas] if row.entry.shown else [],
        total=points(row.total) if row.entry.shown else "",
        percent=row.percent_text if row.percent is not None else "",
        grade=row.grade_label,
        note=note,
    )


def result_table(criteria_set: CriteriaSet, found: results.SetResults) -> builder.ResultTable:
    r = found.results
    pending = [_line(p) for p in r.pending]
    width = len(found.areas)
    for line in pending:
        line.areas = line.areas or [""] * width
    return builder.ResultTable(
        heading=heading(criteria_set, found.on),
        areas=[builder.AreaHead(a.code, a.title, points(a.max_points)) for a in found.areas],
        max_total=points(r.max_total),
        ranked=[_line(row) for row in r.ranked],
        pending=pending,
        bands=bands_text(r.bands),
        counts=[(label, count) for _code, label, count in r.counts()],
        cap_note=cap_text(r.cap_note),
        pending_note=pending_text(found),
    )


def results_file(*, user, pk: int, fmt: str) -> File:
    """The result table as XLSX, DOCX or PDF for those who may see results; Http404 for
    anyone else or another format. documents.pdf.PdfUnavailable without LibreOffice."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    criteria_set = selectors.criteria_set_get(user=user, pk=pk)
    found = results.results_get(user=user, criteria_set=criteria_set)
    table = result_table(criteria_set, found)
    if fmt == "xlsx":
        content = builder.results_xlsx(table)
    else:
        content = builder.results_docx(table)
        if fmt == "pdf":
            content = docx_to_pdf(content)
    name = f"ket-qua-cham-diem-cchc-{criteria_set.year}-{_slug(criteria_set.unit.code)}"
    return File(content, f"{name}-{criteria_set.pk}.{fmt}", CONTENT_TYPES[fmt])


# --- one unit's score sheet ------------------------------------------------------------------


def _numbers(row) -> str:
    """A computed criterion's “12/15 (80 %)”: live, or frozen once finalised."""
    score = row.score
    if score is None or score.criterion.method != Method.RATIO:
        return ""
    if row.ratio is not None:
        top, bottom = row.ratio.numerator, row.ratio.denominator
    elif score.denominator is not None:
        top, bottom = score.numerator or 0, score.denominator
    else:
        return ""
    if not bottom:
        return _("không có số liệu")
    share = Decimal(100 * top) / Decimal(bottom)
    return f"{top}/{bottom} ({results.percent_text(share)} %)"


def _sheet_line(row, show_appraisal: bool) -> builder.SheetLine:
    """A criterion of the sheet: a leaf with its score's points and words, a parent with
    the sums of the leaves below it; the council's only once the unit has sent it."""
    c, score = row.criterion, row.score
    line = builder.SheetLine(
        code=c.code,
        title=c.title,
        depth=row.depth,
        is_leaf=score is not None,
        method=c.get_method_display() if c.method else "",
        max_points=points(c.max_points),
        self_points=points(row.self_sum),
        appraised_points=points(row.appraised_sum) if show_appraisal else "",
        final_points=points(row.points_sum),
        numbers=_numbers(row),
    )
    if score is not None:
        line.self_points = points(score.self_points)
        line.appraised_points = points(score.appraised_points) if show_appraisal else ""
        line.final_points = points(row.points)
        line.explanation = score.explanation
        line.comment = score.appraisal_comment if show_appraisal else ""
        line.answer = score.answer
    return line


def score_sheet(*, user, assessment) -> builder.ScoreSheet:
    page = assessment_page(user=user, assessment=assessment)
    criteria_set = assessment.criteria_set
    lines = [_sheet_line(row, page.show_appraisal) for row in page.rows]
    finalised = assessment.is_finalised
    label = (
        _("Điểm chốt")
        if finalised
        else (_("Điểm dự kiến") if page.projected else _("Điểm tạm tính"))
    )
    mine = results.unit_result(user=user, assessment=assessment) if finalised else None
    result = ""
    if mine is not None:
        result = _("Hạng %(rank)s/%(n)s · %(grade)s") % {
            "rank": mine.row.rank,
            "n": mine.ranked,
            "grade": mine.row.grade_label,
        }
    t = page.totals
    return builder.ScoreSheet(
        heading=heading(criteria_set, page.on),
        unit=assessment.unit.name,
        status=assessment.get_status_display(),
        points_label=str(label),
        lines=lines,
        totals={
            "max": points(t["max"]),
            "self": points(t["self"]),
            "appraised": points(t["appraised"]) if page.show_appraisal else "",
            "points": points(t["points"]),
        },
        result=result,
        appraisal_note=assessment.appraisal_note if page.show_appraisal else "",
        answer_note=assessment.answer_note,
    )


SHEET_BUILDERS = {"xlsx": builder.score_sheet_xlsx, "docx": builder.score_sheet_docx}


def score_sheet_file(*, user, pk: int, fmt: str) -> File:
    """One unit's score sheet for whoever may open its assessment (Http404 otherwise)."""
    if fmt not in SHEET_BUILDERS:
        raise Http404
    assessment = assessment_get(user=user, pk=pk)
    content = SHEET_BUILDERS[fmt](score_sheet(user=user, assessment=assessment))
    year = assessment.criteria_set.year
    name = f"bang-diem-cchc-{year}-{_slug(assessment.unit.short_name or assessment.unit.name)}"
    return File(content, f"{name}-{assessment.pk}.{fmt}", CONTENT_TYPES[fmt])
