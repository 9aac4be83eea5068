"""A plan to fill in (XLSX): the task table with the columns the plan import reads, title
lines like a plan's, one heading per area with an example task under it, and a sheet that
explains how to fill it in. Pure: `PlanTemplate` in, bytes out.

Uploaded back unchanged, it reads into one task per area and nothing to fix: the header
words are the export's (`plan.COLUMNS`), which the importer recognises, and the guide is
one column wide, so it can never be taken for a task table (which needs the content and
the lead unit in two columns).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from cchc.lib.roman import to_roman

from .official import number_line
from .plan import (
    AREA,
    CELL,
    CENTRED,
    COLUMNS,
    FACE,
    HEADER,
    HEADER_ROW,
    XLSX_WIDTHS,
    ExportArea,
    ExportTask,
)
from .xlsx import Column, Style, Workbook

# An example task per area, in the plan's order: (content, deliverable, day and month due).
EXAMPLES = [
    ("Xây dựng, ban hành Kế hoạch cải cách hành chính năm {year}", "Kế hoạch", "31/01"),
    ("Rà soát, hệ thống hóa văn bản quy phạm nội bộ", "Báo cáo kết quả rà soát", "30/06"),
    ("Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "Phương án đơn giản hóa", "30/09"),
    (
        "Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức của các đơn vị trực thuộc",
        "Báo cáo rà soát",
        "30/09",
    ),
    (
        "Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm {year}",
        "Kết quả đánh giá, xếp loại",
        "15/12",
    ),
    (
        "Thực hiện cơ chế tự chủ tài chính tại các đơn vị sự nghiệp",
        "Báo cáo kết quả thực hiện",
        "31/12",
    ),
    (
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Hồ sơ được số hóa",
        "31/12",
    ),
]
EXAMPLE_NOTE = "Ví dụ: thay bằng nhiệm vụ của đơn vị"

GUIDE = Style(font=FACE, size=12, wrap=True)
GUIDE_TITLE = Style(font=FACE, size=14, bold=True, wrap=True)
GUIDE_PART = Style(font=FACE, size=12, bold=True, wrap=True)


@dataclass
class PlanTemplate:
    year: int
    issuing_body: str  # the office's own unit, or a name to replace
    symbol: str  # "KH-CT": what follows the number in "Số: 25/KH-CT"
    lead: str  # the lead unit of the examples: a name the import knows
    areas: list[str]  # the seven areas' names, in the plan's order
    created: datetime.date


def template_areas(data: PlanTemplate) -> list[ExportArea]:
    """The areas with their Roman numerals and one example task each."""
    areas = []
    for number, name in enumerate(data.areas, start=1):
        title, deliverable, day = EXAMPLES[(number - 1) % len(EXAMPLES)]
        task = ExportTask(
            code="1",
            title=title.format(year=data.year),
            lead=data.lead,
            supporting="",
            due=f"{day}/{data.year}",
            deliverable=deliverable,
            notes=EXAMPLE_NOTE,
        )
        areas.append(ExportArea(number=to_roman(number), name=name, items=[task]))
    return areas


def plan_template_xlsx(data: PlanTemplate) -> bytes:
    """Sheet “Kế hoạch”: the plan's title lines, the header, the areas and their examples;
    sheet “Hướng dẫn”: what each column means and how to write dates, units and areas."""
    headers = [c[0] for c in COLUMNS]
    columns = [
        Column(header, width, CENTRED if index in (0, 4) else CELL)
        for index, (header, width) in enumerate(zip(headers, XLSX_WIDTHS, strict=True))
    ]
    created = datetime.datetime.combine(data.created, datetime.time())
    title = f"KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {data.year}"
    out = io.BytesIO()
    with Workbook(out, title=title, creator=data.issuing_body, created=created) as book:
        ws = book.sheet("Kế hoạch", columns, header_row=HEADER_ROW)
        ws.append([data.issuing_body.upper()], Style(font=FACE, size=12, bold=True), merge=True)
        ws.append([title], Style(font=FACE, size=14, bold=True), merge=True)
        number = f"{number_line('', data.symbol)}, ngày …… tháng …… năm {data.year}"
        ws.append([number], Style(font=FACE, size=12, italic=True), merge=True)
        ws.append(headers, HEADER)
        for area in template_areas(data):
            ws.append([area.heading], AREA, merge=True)
            for item in area.items:
                if isinstance(item, ExportTask):
                    ws.append(item.cells())
        guide = book.sheet("Hướng dẫn", [Column("", 110, GUIDE)], header_row=0)
        for text, style in guide_lines(data):
            guide.append([text], style)
    return out.getvalue()


def guide_lines(data: PlanTemplate) -> list[tuple[str, Style]]:
    """The guide, a line per row: the parts in bold, each column and rule in plain text."""
    year = data.year
    parts: list[tuple[str, list[str]]] = [
        (
            "1. Các cột của bảng nhiệm vụ (trang tính “Kế hoạch”)",
            [
                "STT: số thứ tự của nhiệm vụ (1, 2, 1.1 …). Mỗi nhiệm vụ một dòng có STT; "
                "dòng không có STT ngay dưới một nhiệm vụ là phần tiếp theo của nhiệm vụ đó.",
                "Nội dung: tên nhiệm vụ, như viết trong kế hoạch.",
                "Cơ quan chủ trì: một cơ quan, đơn vị chịu trách nhiệm chính. Nếu ghi nhiều, "
                "cơ quan đầu tiên chủ trì, các cơ quan còn lại là phối hợp.",
                "Cơ quan phối hợp: các cơ quan, đơn vị phối hợp, cách nhau bằng dấu phẩy, "
                "dấu chấm phẩy hoặc xuống dòng; có thể để trống.",
                f"Thời gian hoàn thành: ngày dd/mm/yyyy (31/12/{year}), tháng (Tháng 6/{year}), "
                f"quý (Quý II/{year}), “6 tháng đầu năm”, “Năm {year}”, khoảng thời gian "
                f"(Quý II/{year} – Quý IV/{year}, lấy mốc cuối), hoặc “Thường xuyên”, “Cả năm”. "
                "Không ghi năm thì hiểu là năm của kế hoạch. Ô kiểu ngày của Excel cũng được.",
                "Sản phẩm: kết quả của nhiệm vụ (quyết định, báo cáo, hệ thống …).",
                "Ghi chú: ghi thêm nếu cần. Cột khác thêm vào bảng (ví dụ Kinh phí) được giữ "
                "trong ghi chú của nhiệm vụ.",
                "Giữ nguyên chữ ở dòng tiêu đề cột; có thể đổi thứ tự các cột, thêm cột. Các "
                "dòng ví dụ (ghi chú “Ví dụ”) thay bằng nhiệm vụ của đơn vị.",
            ],
        ),
        (
            "2. Lĩnh vực",
            [
                "Mỗi lĩnh vực là một dòng tiêu đề số La Mã theo thứ tự bảy lĩnh vực cải cách "
                "hành chính; các nhiệm vụ dưới tiêu đề thuộc lĩnh vực đó:",
                *(f"{to_roman(n)}. {name}" for n, name in enumerate(data.areas, start=1)),
                "Trong một lĩnh vực có thể thêm tiêu đề mục (ví dụ “1. Công tác tuyên "
                "truyền”) ở cột Nội dung, không ghi STT.",
                "Tiêu đề mà tên và số thứ tự không cho biết lĩnh vực (ví dụ “PHẦN THỨ BA: "
                "CÁC NHIỆM VỤ KHÁC”): khi nhập, trang xem trước hỏi chọn lĩnh vực cho các "
                "nhiệm vụ dưới tiêu đề đó.",
            ],
        ),
        (
            "3. Tên cơ quan, đơn vị",
            [
                "Ghi tên đầy đủ, tên viết tắt hoặc mã của đơn vị như trong hệ thống (ví dụ "
                f"“{data.lead}”). Tên có ở nhiều nơi thì ghi kèm đơn vị cấp trên sau dấu gạch "
                "chéo: “Phòng Tổng hợp/Văn phòng”.",
                "Tên gọi khác hệ thống chưa biết: khi nhập, chọn đơn vị tương ứng; lựa chọn "
                "được lưu cho các lần nhập sau.",
                "Nhóm đơn vị (“Các cơ quan, đơn vị trực thuộc”, “Các cục”): khi nhập lần đầu, "
                "Văn phòng chọn nhóm gồm những đơn vị nào; chữ trong kế hoạch giữ nguyên.",
                "Chỉ giao nhiệm vụ cho cơ quan, đơn vị thuộc phạm vi của cơ quan ban hành.",
            ],
        ),
        (
            "4. Tên, số và ngày của kế hoạch",
            [
                "Dòng “KẾ HOẠCH …” là tên kế hoạch, khi không nhập tên khác lúc tải lên.",
                f"Dòng “Số: …”: điền số, ký hiệu và ngày ban hành (ví dụ “Số: 25/{data.symbol}, "
                f"ngày 10 tháng 01 năm {year}”) để hệ thống đọc vào kế hoạch; để nguyên nếu "
                "kế hoạch còn là dự thảo.",
            ],
        ),
        (
            "5. Tải lên",
            [
                "Lưu tệp dạng .xlsx rồi tải lên ở trang “Nhập kế hoạch từ tệp”: hệ thống hiện "
                "từng nhiệm vụ và từng vấn đề (trang tính, dòng, cột) để kiểm tra trước khi ghi.",
            ],
        ),
    ]
    lines = [("HƯỚNG DẪN ĐIỀN MẪU KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH", GUIDE_TITLE)]
    for part, texts in parts:
        lines.append((part, GUIDE_PART))
        lines += [(text, GUIDE) for text in texts]
    return lines
