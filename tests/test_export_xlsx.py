"""The plan's task table as XLSX, and `cchc export_plan`."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cchc.documents.plan import plan_xlsx
from cchc.plans import progress
from cchc.plans.exports import plan_export_data


def _sheet(world, user="office"):
    data = plan_export_data(user=world.users[user], plan=world.plan, today=world.today)
    return openpyxl.load_workbook(io.BytesIO(plan_xlsx(data))).active


def test_the_table_has_frozen_header_filters_and_wide_columns(world):
    ws = _sheet(world)
    header = [c.value for c in ws[4]]
    assert header == [
        "STT",
        "Nội dung",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian hoàn thành",
        "Sản phẩm",
        "Ghi chú",
        "Trạng thái",
        "Tình trạng thời hạn",
        "Tiến độ (%)",
    ]
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref.startswith("A4:J")
    assert ws.column_dimensions["B"].width >= 50
    assert all(ws.column_dimensions[c].width >= 10 for c in "CDEFGHIJ")
    assert ws["A2"].value == world.plan.title


def test_each_task_has_its_status_timeliness_and_progress(world):
    progress.task_update_post(
        actor=world.users["office"],
        task=world.tasks["b_track"],
        note="Đã làm một nửa",
        progress=50,
        status="in_progress",
        reported_on=world.today,
    )
    ws = _sheet(world)
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    assert rows["1.1"][7:] == ("Chưa thực hiện", "Quá hạn", 0)
    assert rows["2.1"][7:] == ("Chưa thực hiện", "Sắp đến hạn", 0)
    assert rows["3.1"][7:] == ("Đang thực hiện", "Đang thực hiện trong hạn", 50)
    assert rows["5.1"][8] == "Thường xuyên"
    headings = [r[0] for r in ws.iter_rows(min_row=5, values_only=True) if not r[1]]
    assert headings[0] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TUYÊN TRUYỀN VỀ CẢI CÁCH HÀNH CHÍNH"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A5:J5" in merged


def test_a_focal_officer_exports_only_what_they_may_read(world):
    ws = _sheet(world, "focal_b")
    codes = {r[0] for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    assert codes == {"1.1", "3.1", "5.1"}


def test_export_plan_command_writes_both_formats(world, tmp_path):
    for fmt in ("docx", "xlsx"):
        path = tmp_path / f"plan.{fmt}"
        out = io.StringIO()
        call_command(
            "export_plan", str(world.plan.pk), "--format", fmt, "-o", str(path), stdout=out
        )
        assert path.read_bytes().startswith(b"PK") and "5 nhiệm vụ" in out.getvalue()


def test_export_plan_command_refuses_an_unknown_plan(world, tmp_path):
    with pytest.raises(CommandError, match="Không có kế hoạch #999"):
        call_command("export_plan", "999", "--format", "docx", "-o", str(tmp_path / "x.docx"))
