"""The XLSX export holds exactly the filtered rows, all of them, in the list's order."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.safestring import SafeString

from cchc.documents import xlsx
from cchc.documents.tasks import tasks_xlsx
from cchc.plans.selectors import TaskFilters, task_list
from tests.web_helpers import add_tasks, freeze_today

HEADERS = [
    "STT",
    "Nội dung",
    "Lĩnh vực",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Hạn",
    "Trạng thái",
    "Tiến độ (%)",
    "Tình trạng",
    "Sản phẩm",
    "Văn phòng xác nhận",
]


@pytest.fixture
def office(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["office"])
    return client


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_is_an_xlsx_attachment_named_by_date(world, office):
    response = office.get(reverse("plans:task-export"), {"plan": world.plan.pk})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'attachment; filename="nhiem-vu-20260615.xlsx"' in response["Content-Disposition"]
    sheet = workbook(response).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L6"
    assert sheet.column_dimensions["B"].width == 60


def test_export_holds_exactly_the_filtered_rows(world, office):
    user = world.users["office"]
    params = {"plan": world.plan.pk, "unit": world.units["CTH"].pk}
    sheet = workbook(office.get(reverse("plans:task-export"), params)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = list(
        task_list(
            user=user,
            filters=TaskFilters(plan=world.plan.pk, unit=world.units["CTH"].pk),
            today=world.today,
        )
    )
    assert [(r[0], r[1]) for r in rows] == [(t.code, t.title) for t in expected]
    first = dict(zip(HEADERS, rows[0], strict=True))
    assert first == {
        "STT": "1.1",
        "Nội dung": "Tuyên truyền về cải cách hành chính",
        "Lĩnh vực": "1. Công tác chỉ đạo, điều hành và tuyên truyền về cải cách hành chính",
        "Cơ quan chủ trì": "Cục Tuyên huấn",
        "Cơ quan phối hợp": "Cục CB",
        "Thời gian hoàn thành": "Trước 12/06/2026",
        "Hạn": datetime.datetime(2026, 6, 12),  # noqa: DTZ001 - a cell keeps no time zone
        "Trạng thái": "Chưa thực hiện",
        "Tiến độ (%)": 0,
        "Tình trạng": "Quá hạn",
        "Sản phẩm": None,
        "Văn phòng xác nhận": None,  # not done: nothing for the office to confirm
    }
    assert sheet["G2"].number_format == "dd/mm/yyyy"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "cai cach"},
        {"timeliness": "recurring"},
        {"status": "not_started", "q": "ra soat"},
        {"timeliness": "overdue"},
    ],
)
def test_export_follows_every_filter(world, office, params):
    add_tasks(world, 60)
    sheet = workbook(office.get(reverse("plans:task-export"), params)).active
    codes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    list_page = office.get(reverse("plans:task-list"), params)
    assert len(codes) == list_page.context["page"].paginator.count
    expected = task_list(
        user=world.users["office"],
        filters=list_page.context["filters"],
        today=world.today,
    )
    assert codes == [t.code for t in expected]


def test_export_from_the_unit_page_keeps_to_the_unit(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["focal_b"])
    page = client.get(reverse("plans:task-mine"))
    assert "mine=1" in page.content.decode()
    sheet = workbook(client.get(reverse("plans:task-export"), {"mine": "1"})).active
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} == {"1.1", "3.1", "5.1"}


def test_export_is_never_truncated(world, office, settings):
    settings.CCHC_PAGE_SIZE = 10
    add_tasks(world, 1200)
    sheet = workbook(office.get(reverse("plans:task-export"), {"plan": world.plan.pk})).active
    assert sheet.max_row == 1 + 1205
    assert sheet.auto_filter.ref == "A1:L1206"


def test_writer_cleans_what_xml_cannot_hold():
    out = io.BytesIO()
    columns = [xlsx.Column("A", 10), xlsx.Column("B", 10), xlsx.Column("C", 10)]
    with xlsx.Workbook(out) as book:
        sheet = book.sheet("Thử: 'x'", columns)
        sheet.append([c.header for c in columns])
        sheet.append(["  lề trái", "a\x0bb <&> “c”", datetime.date(2026, 1, 31)])
        sheet.append([None, 3.5, True])
    out.seek(0)
    ws = openpyxl.load_workbook(out).active
    day = datetime.datetime(2026, 1, 31)  # noqa: DTZ001 - a cell keeps no time zone
    assert [c.value for c in ws[2]] == ["  lề trái", "ab <&> “c”", day]
    assert [c.value for c in ws[3]] == [None, 3.5, True]
    assert ws.title == "Thử- 'x"


def test_writer_keeps_every_text_as_written_beside_texts_that_need_escaping():
    """A row is written plainly when none of its texts needs escaping; any text that does
    (here beside plain ones, in either order) still reads back as written."""
    long = "x" * 20000
    rows = [
        ["tốt", "a & b", "kết thúc "],
        ["a < b > c", "thường", 7],
        ["dòng 1\r\ndòng 2", "\tthụt", " "],
        [long, long, "=" + "y" * 40000],
        [SafeString("<b>&</b>"), "ổn", "\x01=1+1"],
    ]
    out = io.BytesIO()
    columns = [xlsx.Column(c, 10) for c in "ABC"]
    with xlsx.Workbook(out) as book:
        sheet = book.sheet("Thử", columns, header_row=0)
        for row in rows:
            sheet.append(row)
    out.seek(0)
    ws = openpyxl.load_workbook(out).active
    read = [[c.value for c in row] for row in ws.iter_rows()]
    assert read[:3] == rows[:3]
    assert read[3] == [long, long, "=" + "y" * (xlsx.MAX_CELL_CHARS - 1)]
    assert read[4] == ["<b>&</b>", "ổn", "=1+1"]
    assert ws["C4"].quotePrefix and ws["C5"].quotePrefix and not ws["A1"].quotePrefix


def test_writer_with_no_rows_still_makes_a_valid_file():
    out = io.BytesIO()
    assert tasks_xlsx([], out) == 0
    out.seek(0)
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:L1"


class _FlakyDisk(io.BytesIO):
    """A file whose third write fails once, as a disk may."""

    writes = 0

    def write(self, data) -> int:
        self.writes += 1
        if self.writes == 3:
            raise OSError(5, "Input/output error")
        return super().write(data)


def test_writer_raises_what_went_wrong_while_compressing():
    """The sheet is deflated on a second thread: a write that failed there still reaches
    the caller, instead of a file with a hole in it."""
    rows = ({"code": str(i), "title": f"Nhiệm vụ {i} " * 20} for i in range(20_000))
    with pytest.raises(OSError, match="Input/output error"):
        tasks_xlsx(rows, _FlakyDisk())
