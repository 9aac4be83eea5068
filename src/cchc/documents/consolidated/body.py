"""The consolidated report's body: the figures first, then sections I–V, written as
WordprocessingML in one go (`BodyWriter`) into the built-in layout or an office's template."""

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from cchc.documents import official
from cchc.lib import numbers
from cchc.lib.dates import format_day

from .common import due, pct, xml_text
from .tables import EMPTY, GOVERNMENT_OFFICE_FORMULA, W

SECTION_HEADINGS = {
    "I": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
    "II": "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH THEO TỪNG LĨNH VỰC",
    "III": "III. ĐÁNH GIÁ CHUNG",
    "IV": "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
    "V": "V. KIẾN NGHỊ, ĐỀ XUẤT",
}
ASSESSMENT_HEADINGS = [
    ("strengths", "1. Ưu điểm"),
    ("limitations", "2. Hạn chế, tồn tại"),
    ("causes", "3. Nguyên nhân"),
]
JC = {"justify": "both", "center": "center", "left": "left", "right": "right"}


class BodyWriter:
    """Sections I–V as paragraphs formatted as documents.official's body (justified, 10 mm
    first line, 3 pt before and after), inserted in one go by `flush()`. python-docx's
    add_paragraph scans the whole body each time: too slow for 1,500 units' narratives."""

    def __init__(self, document):
        self.document = document
        self.parts: list[str] = []

    def _para(self, text: str, *, bold=False, italic=False, align="justify", keep=False):
        ppr = "<w:keepNext/>" if keep else ""
        ppr += '<w:spacing w:before="60" w:after="60"/><w:ind w:firstLine="567"/>'
        ppr += f'<w:jc w:val="{JC[align]}"/>'
        rpr = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
        self.parts.append(
            f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>"
            f'<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'
        )

    def add_heading(self, text: str, level: int = 1) -> None:
        self._para(text, bold=level <= 2, italic=level == 3, keep=True)

    def add_paragraph(self, text: str, *, bold=False, italic=False, align="justify") -> None:
        for line in (text or "").split("\n"):
            if line.strip():
                self._para(line.strip(), bold=bold, italic=italic, align=align)

    def flush(self, before=None) -> None:
        """Insert what was written before `before` (an element), or at the body's end."""
        root = parse_xml(f"<w:body {W}>{''.join(self.parts)}</w:body>")
        self.parts = []
        body = self.document.element.body
        if before is None:
            last = body[-1] if len(body) else None
            before = last if last is not None and last.tag == qn("w:sectPr") else None
        for element in list(root):
            if before is None:
                body.append(element)
            else:
                before.addprevious(element)


def _lines(writer, text: str, empty: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        writer.add_paragraph(empty, italic=True)
        return
    writer.add_paragraph("\n".join(lines))


def _done(counts: dict) -> int:
    return counts["done_on_time"] + counts["done_late"]


def lead_sentences(payload: dict) -> list[str]:
    """What the leader reads first: tasks done of all, then the Government Office's rate
    with its formula named."""
    total = payload["stats"]["total"]
    c = total["counts"]
    done = _done(c)
    first = (
        f"{done}/{total['total']} nhiệm vụ đã hoàn thành "
        f"({pct(numbers.percent(done, total['total']))}), số liệu tính đến ngày "
        f"{format_day(payload['as_of'])}."
    )
    second = (
        f"Trong đó {c['done_on_time']} nhiệm vụ hoàn thành đúng hạn, {c['done_late']} nhiệm vụ "
        f"hoàn thành quá hạn; {c['overdue']} nhiệm vụ quá hạn chưa hoàn thành; "
        f"{c['due_soon'] + c['on_track']} nhiệm vụ đang thực hiện trong hạn; "
        f"{c['recurring']} nhiệm vụ thường xuyên. Tỷ lệ hoàn thành theo cách tính của Văn phòng "
        f"Chính phủ ({GOVERNMENT_OFFICE_FORMULA}): "
    )
    if total["completion_rate"] is None:
        second += "chưa tính được (chưa có nhiệm vụ đến hạn)."
    else:
        second += f"{done} ÷ ({done} + {c['overdue']}) = {pct(total['completion_rate'])}."
    return [first, second]


def area_sentence(row: dict) -> str:
    c = row["counts"]
    if not row["total"]:
        return "Số liệu: không có nhiệm vụ."
    done = _done(c)
    text = (
        f"Số liệu: {done}/{row['total']} nhiệm vụ đã hoàn thành "
        f"({pct(numbers.percent(done, row['total']))}; {c['done_on_time']} đúng hạn, "
        f"{c['done_late']} quá hạn); {c['overdue']} quá hạn chưa hoàn thành; "
        f"{c['due_soon'] + c['on_track']} đang thực hiện trong hạn; {c['recurring']} thường xuyên"
    )
    if row["completion_rate"] is not None:
        text += f"; tỷ lệ hoàn thành {pct(row['completion_rate'])}"
    return text + "."


def done_line(task: dict) -> str:
    when = format_day(task["completed_on"])
    late = ", quá hạn" if task["timeliness"] == "done_late" else ""
    result = task["result"].rstrip(" .;") or "chưa báo cáo sản phẩm"
    return (
        f"- {task['code']} {task['title']} (chủ trì: {task['lead_unit']}; hoàn thành"
        f"{' ngày ' + when if when else ''}{late}): {result}."
    ).replace("-  ", "- ")


def overdue_line(task: dict) -> str:
    note = (task.get("note") or "").rstrip(" .;") or "chưa báo cáo lý do"
    return (
        f"- {task['code']} {task['title']} (chủ trì: {task['lead_unit']}; thời hạn "
        f"{due(task)}, quá {task['days_overdue']} ngày; tiến độ {task['progress']} %): {note}."
    ).replace("-  ", "- ")


def _area_block(writer, payload: dict, code: int, row: dict, narrative: str) -> None:
    """One area: its figures, the tasks done (each once, with its lead unit and result as
    of the cut-off), the tasks behind and why, then the units' own points."""
    writer.add_paragraph(area_sentence(row), italic=True)
    if payload.get("done") is None:
        # A report frozen before the lists existed (format 1): its narrative, as it was.
        _lines(writer, narrative, "Chưa có đơn vị báo cáo nội dung này.")
        return
    done = [t for t in payload["done"] if t["area"] == code]
    behind = [t for t in payload["overdue"] if t["area"] == code]
    writer.add_heading("a) Nhiệm vụ đã hoàn thành", level=3)
    writer.add_paragraph("\n".join(done_line(t) for t in done) or EMPTY["done"])
    writer.add_heading("b) Nhiệm vụ chậm tiến độ, nguyên nhân", level=3)
    writer.add_paragraph("\n".join(overdue_line(t) for t in behind) or EMPTY["overdue"])
    if narrative.strip():
        writer.add_heading("c) Các cơ quan, đơn vị báo cáo", level=3)
        _lines(writer, narrative, "")


def build_body(writer, payload: dict) -> None:
    """The figures first, then sections I–V, through `writer` (a BodyWriter; an
    OfficialDocument works too). The direction area is section I's content, so “Công tác
    chỉ đạo, điều hành” heads the report once."""
    n = payload["narrative"]
    plan = payload["plan"]
    reference = plan["title"]
    if plan["document_number"]:
        reference = f"Kế hoạch số {plan['document_number']}"
        if plan["issued_on"]:
            reference += f" ngày {format_day(plan['issued_on'])}"
        reference += f" ({plan['title']})"
    writer.add_paragraph(
        f"Thực hiện {reference}, {payload['issuing_body']} báo cáo kết quả thực hiện công tác "
        f"cải cách hành chính {payload['period']['phrase']} (số liệu từ ngày "
        f"{format_day(payload['period']['starts_on'])} đến ngày {format_day(payload['as_of'])}) "
        "như sau:"
    )
    first, rest = lead_sentences(payload)
    writer.add_paragraph(first, bold=True)
    writer.add_paragraph(rest)
    by_area = {a["code"]: a for a in payload["stats"]["by_area"]}
    direction = payload.get("direction_area")
    direction_area = next((a for a in payload["areas"] if a["code"] == direction), None)
    if direction_area is not None:
        writer.add_heading(f"I. {official.upper(direction_area['name'])}")
    else:
        writer.add_heading(SECTION_HEADINGS["I"])
    _lines(writer, n.get("direction", ""), "Chưa có nội dung.")
    if payload["missing_units"]:
        writer.add_paragraph(
            "Cơ quan, đơn vị chưa gửi báo cáo: " + "; ".join(payload["missing_units"]) + "."
        )
    else:
        writer.add_paragraph("Tất cả cơ quan, đơn vị phải báo cáo đã gửi báo cáo.")
    if payload["not_accepted_units"]:
        writer.add_paragraph(
            "Báo cáo đã gửi nhưng chưa được tiếp nhận (chưa tổng hợp): "
            + "; ".join(payload["not_accepted_units"])
            + "."
        )
    if direction_area is not None:
        code = direction_area["code"]
        _area_block(writer, payload, code, by_area[code], n.get(f"area_{code}", ""))
    writer.add_heading(SECTION_HEADINGS["II"])
    others = [a for a in payload["areas"] if a is not direction_area]
    for number, area in enumerate(others, start=1):
        writer.add_heading(f"{number}. {area['name']}", level=2)
        code = area["code"]
        _area_block(writer, payload, code, by_area[code], n.get(f"area_{code}", ""))
    writer.add_heading(SECTION_HEADINGS["III"])
    for key, title in ASSESSMENT_HEADINGS:
        writer.add_heading(title, level=2)
        _lines(writer, n.get(key, ""), "Chưa có nội dung.")
    writer.add_heading(SECTION_HEADINGS["IV"])
    _lines(writer, n.get("next_tasks", ""), "Chưa có nội dung.")
    writer.add_heading(SECTION_HEADINGS["V"])
    _lines(writer, n.get("proposals", ""), "Không có kiến nghị.")
