"""Realistic plan files, built the way offices write them, each awkward case in at least one.

XLSX (`xlsx_plan`): a hidden instructions sheet; a title above the table; headers in another
order, without diacritics, in capitals, with line breaks and doubled spaces; a row of column
numbers; area headings merged across the row, in the STT column as a Roman numeral, and as
plain words ("Cải cách thủ tục hành chính"); a sub-heading; a continuation row; a lead unit
merged down over two tasks; the header repeated; units by short name, alias, code,
"Unit/Parent"; collective words; two lead units; extra columns (Kinh phí, Ghi chú); a formula
whose cached value is in the file.

DOCX (`docx_plan`): the official header with number and date; parts I and III; the task
table in two tables, its header marked to repeat and also copied into a row; headings merged
across the row; a lead unit merged down (w:vMerge) over three rows with a continuation row
among them; an undefined group ("các đơn vị liên quan"); a range of quarters.
"""

import io
import re
import zipfile

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

XLSX_HEADER = [
    "Noi dung\n nhiem vu",
    "TT",
    "Co quan\nCHU TRI",
    "thoi  gian hoan thanh",
    "CƠ QUAN PHỐI HỢP",
    "San pham",
    "Kinh phí (triệu đồng)",
    "Ghi chu",
]

# What the XLSX sample means, task by task: (area, section, code, title, lead code,
# supporting codes, due text).
XLSX_EXPECTED = [
    (
        1,
        "",
        "1",
        "Xây dựng Kế hoạch cải cách hành chính năm 2026",
        "VP",
        ["CTH", "CTH-P1", "CTC"],
        "Tháng 01/2026",
    ),
    (
        1,
        "",
        "2",
        "Tuyên truyền về cải cách hành chính\ntrên Báo Quân đội nhân dân và Truyền hình Quốc phòng",
        "CTH",
        ["VP"],
        "Thường xuyên",
    ),
    (
        2,
        "1. Công tác xây dựng, rà soát văn bản",
        "1.1",
        "Rà soát văn bản quy phạm nội bộ",
        "CTH",
        ["CTC", "VP"],
        "Quý II/2026",
    ),
    (
        2,
        "1. Công tác xây dựng, rà soát văn bản",
        "1.2",
        "Hệ thống hóa văn bản",
        "CTH",
        [],
        "30/9/2026",
    ),
    (
        3,
        "",
        "1",
        "Rà soát thủ tục hành chính nội bộ",
        "CTH-P1",
        ["CTH", "CTC"],
        "Trước 15/12/2026",
    ),
    (7, "", "1", "Số hóa hồ sơ cán bộ", "CTC", ["CTH"], "6 tháng đầu năm"),
    (7, "", "2", "Triển khai chữ ký số", "CTC", ["CTH"], "Năm 2026"),
]


def xlsx_plan(*, formula_cached: bool = True, undefined_group: bool = False) -> bytes:
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "Hướng dẫn"
    guide["A1"] = "Điền nhiệm vụ vào trang Phụ lục; không sửa dòng tiêu đề."
    guide.sheet_state = "hidden"
    ws = book.create_sheet("Phụ lục I")
    ws["A1"] = "TỔNG CỤC CHÍNH TRỊ"
    ws["A2"] = "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(XLSX_HEADER)  # row 4
    ws.append([f"({i})" for i in range(1, 9)])  # row 5
    ws.append(["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TUYÊN TRUYỀN VỀ CẢI CÁCH HÀNH CHÍNH"])
    ws.merge_cells("A6:H6")
    ws.append(
        [
            "Xây dựng Kế hoạch cải cách hành chính năm 2026",
            1,
            "VP",
            "Tháng 01/2026",
            "Các cơ quan, đơn vị",
            "Kế hoạch",
            5,
            None,
        ]
    )  # row 7
    ws.append(
        [
            "Tuyên truyền về cải cách hành chính",
            2,
            "Cục Tuyên huấn",
            "Thường xuyên",
            "Văn phòng TCCT",
            "Tin, bài",
            None,
            "Phối hợp Báo QĐND",
        ]
    )  # row 8
    ws.append(["trên Báo Quân đội nhân dân và Truyền hình Quốc phòng"])  # row 9
    ws.append(["CẢI CÁCH THỂ CHẾ", "II"])  # row 10
    ws.append(["Công tác xây dựng, rà soát văn bản", "1"])  # row 11
    ws.append(
        [
            "Rà soát văn bản quy phạm nội bộ",
            "1.1",
            "Cục TH",
            "Quý II/2026",
            "Cục Cán bộ; VP",
            "Báo cáo rà soát",
        ]
    )  # row 12
    ws.append(["Hệ thống hóa văn bản", "1.2", None, "30/9/2026", None, "Danh mục văn bản"])
    ws.merge_cells("C12:C13")
    ws.append(["Cải cách thủ tục hành chính"])  # row 14
    ws.append(
        [
            "Rà soát thủ tục hành chính nội bộ",
            1,
            "Phòng Thông tin/CTH",
            "Trước 15/12/2026",
            "Các cục",
            '="Báo cáo "&"kết quả"',
            20,
            "Chia 2 đợt",
        ]
    )  # row 15
    ws.append(XLSX_HEADER)  # row 16: the header again
    ws.append(["VII. XÂY DỰNG CHÍNH PHỦ ĐIỆN TỬ, CHÍNH PHỦ SỐ"])  # row 17
    ws.merge_cells("A17:H17")
    supporting = "Cục TH và các đơn vị liên quan" if undefined_group else "Cục TH"
    ws.append(
        ["Số hóa hồ sơ cán bộ", 1, "CTC", "6 tháng đầu năm", supporting, "Cơ sở dữ liệu"]
    )  # row 18
    ws.append(
        ["Triển khai chữ ký số", 2, "Cục Cán bộ, Cục Tuyên huấn", "Năm 2026", None, "Chữ ký số"]
    )  # row 19
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if formula_cached:
        data = with_cached_values(data, "xl/worksheets/sheet2.xml", {"F15": "Báo cáo kết quả"})
    return data


def with_cached_values(data: bytes, member: str, values: dict[str, str]) -> bytes:
    """The file as Excel would save it: each formula cell keeps its computed value.

    openpyxl writes formulas with an empty <v/>; Excel writes the result there."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                xml = content.decode()
                for ref, value in values.items():

                    def cached(m, ref=ref, value=value):
                        attrs = re.sub(r'\s*t="[^"]*"', "", m.group(1))
                        return f'<c r="{ref}"{attrs} t="str"><f>{m.group(2)}</f><v>{value}</v>'

                    pattern = rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?'
                    xml, n = re.subn(pattern, cached, xml)
                    assert n == 1, ref
                content = xml.encode()
            target.writestr(info, content)
    return out.getvalue()


def xlsx_from_rows(rows: list[list], merges: tuple[str, ...] = (), title="KH") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Word -------------------------------------------------------------------------------

DOCX_HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn hoàn thành",
    "Sản phẩm",
    "Ghi chú",
]

DOCX_EXPECTED = [
    (
        1,
        "1",
        "Xây dựng và ban hành Kế hoạch cải cách hành chính năm 2026",
        "VP",
        ["CTH", "CTH-P1", "CTC"],
        "Tháng 01/2026",
    ),
    (
        1,
        "2",
        "Kiểm tra công tác cải cách hành chính tại\n04 cơ quan, đơn vị",
        "VP",
        ["CTH", "CTC"],
        "Quý III/2026",
    ),
    (
        1,
        "3",
        "Tổng hợp báo cáo cải cách hành chính định kỳ",
        "VP",
        ["CTH", "CTC"],
        "Theo hướng dẫn của Bộ Nội vụ",
    ),
    (2, "1", "Rà soát văn bản quy phạm nội bộ", "CTH", [], "30/6/2026"),
    (3, "1", "Niêm yết thủ tục hành chính", "CTH-P1", [], "Quý II/2026 – Quý IV/2026"),
    (7, "1", "Triển khai phần mềm quản lý văn bản", "CTH", ["VP"], "Cả năm"),
]


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _task_table(document, rows: list, merges=()):
    table = document.add_table(rows=0, cols=len(DOCX_HEADER))
    table.style = "Table Grid"
    for values in rows:
        cells = table.add_row().cells
        if isinstance(values, str):
            merged = cells[0].merge(cells[-1])
            merged.text = values
            continue
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    _repeat_header(table.rows[0])
    for top, bottom, col, text in merges:
        cell = table.cell(top, col).merge(table.cell(bottom, col))
        cell.text = text
    return table


def docx_plan(*, undefined_group: bool = True) -> bytes:
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "BỘ QUỐC PHÒNG"
    left.add_paragraph("TỔNG CỤC CHÍNH TRỊ")
    left.add_paragraph("Số: 25/KH-CT")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Hà Nội, ngày 10 tháng 01 năm 2026")
    for text in [
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2026 của Tổng cục Chính trị",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "Cụ thể hóa Kế hoạch cải cách hành chính năm 2026 của Bộ Quốc phòng.",
        "Nâng cao hiệu lực, hiệu quả quản lý, chỉ đạo, điều hành.",
        "2. Yêu cầu",
        "Các nội dung cải cách hành chính được tiến hành đồng bộ, thống nhất.",
        "II. NỘI DUNG, NHIỆM VỤ",
        "(Có Phụ lục chi tiết kèm theo)",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Các cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện.",
        "2. Văn phòng Tổng cục giúp Thủ trưởng hướng dẫn, đôn đốc, kiểm tra.",
    ]:
        document.add_paragraph(text)
    signature = document.add_table(rows=1, cols=2)
    signature.rows[0].cells[0].text = "Nơi nhận:\n- Bộ Quốc phòng;\n- Lưu: VT, CCHC."
    signature.rows[0].cells[1].text = "KT. CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\n\nTrung tướng Nguyễn Văn A"
    document.add_page_break()
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026")
    group = "các đơn vị liên quan" if undefined_group else ""
    _task_table(
        document,
        [
            DOCX_HEADER,
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TUYÊN TRUYỀN VỀ CẢI CÁCH HÀNH CHÍNH",
            [
                "1",
                "Xây dựng và ban hành Kế hoạch cải cách hành chính năm 2026",
                "Văn phòng TCCT",
                "Các cơ quan, đơn vị",
                "Tháng 01/2026",
                "Kế hoạch",
                "",
            ],
            [
                "2",
                "Kiểm tra công tác cải cách hành chính tại",
                "",
                "Cục Tuyên huấn\nCục Cán bộ",
                "Quý III/2026",
                "Báo cáo kiểm tra",
                "",
            ],
            ["", "04 cơ quan, đơn vị", "", "", "", "", ""],
            [
                "3",
                "Tổng hợp báo cáo cải cách hành chính định kỳ",
                "",
                "Các cục",
                "Theo hướng dẫn của Bộ Nội vụ",
                "Báo cáo",
                "Định kỳ quý",
            ],
            "II. CẢI CÁCH THỂ CHẾ",
            ["1", "Rà soát văn bản quy phạm nội bộ", "CTH", "", "30/6/2026", "Báo cáo", ""],
            DOCX_HEADER,
            "III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            [
                "1",
                "Niêm yết thủ tục hành chính",
                "Phòng Thông tin/CTH",
                group,
                "Quý II/2026 – Quý IV/2026",
                "",
                "",
            ],
        ],
        merges=[(3, 5, 2, "Văn phòng Tổng cục Chính trị")],
    )
    document.add_paragraph("")
    _task_table(
        document,
        [
            DOCX_HEADER,
            "VII. XÂY DỰNG CHÍNH PHỦ ĐIỆN TỬ, CHÍNH PHỦ SỐ",
            ["1", "Triển khai phần mềm quản lý văn bản", "Cục TH", "VP", "Cả năm", "Phần mềm", ""],
        ],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_from_table(rows: list, merges=()) -> bytes:
    document = docx.Document()
    _task_table(document, rows, merges)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- bad files --------------------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_ooxml() -> bytes:
    """What Office writes for a password-protected .xlsx/.docx: an OLE container holding
    EncryptionInfo and EncryptedPackage streams."""
    directory = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    return OLE + b"\x00" * 504 + directory + b"\x00" * 1024


def old_binary() -> bytes:
    """An Excel 97-2003 or Word 97-2003 file: OLE, no encryption streams."""
    return OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1024


def zip_bomb(megabytes: int = 25) -> bytes:
    """A valid-looking workbook whose sheet inflates from a few KB to `megabytes` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml" PartName="/xl/workbook.xml"/></Types>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (megabytes * 1024 * 1024))
    return out.getvalue()


def corrupted(data: bytes) -> bytes:
    """The file with part of its middle overwritten, as a broken download would leave it."""
    middle = len(data) // 2
    return data[:middle] + b"\x00" * 200 + data[middle + 200 :]


def xlsm_content(data: bytes) -> bytes:
    """The workbook with the macro-enabled content type, as Excel saves an .xlsm."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            target.writestr(info, content)
    return out.getvalue()
