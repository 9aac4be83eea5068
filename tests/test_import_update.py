"""Re-importing: the same file changes nothing; an edited file updates a draft plan."""

import datetime

import pytest

from cchc.audit.models import AuditEvent
from cchc.plans import services
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.services import ImportRefused, plan_import
from tests.fixtures_plans import xlsx_from_rows

HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Sản phẩm"]
FIRST = [
    HEADER,
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
    [1, "Xây dựng kế hoạch", "VP", "CTH", "Tháng 1/2026", "Kế hoạch"],
    [2, "Tuyên truyền", "CTH", "", "Thường xuyên", "Tin bài"],
    ["II", "CẢI CÁCH THỂ CHẾ"],
    [1, "Rà soát văn bản", "CTC", "", "Quý II/2026", "Báo cáo"],
]
EDITED = [
    HEADER,
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
    [1, "Xây dựng kế hoạch", "VP", "CTH, CTC", "Tháng 2/2026", "Kế hoạch"],  # changed
    ["II", "CẢI CÁCH THỂ CHẾ"],
    [1, "Rà soát văn bản quy phạm nội bộ", "CTC", "", "Quý II/2026", "Báo cáo"],  # reworded
    [2, "Hệ thống hóa văn bản", "CTH", "", "Quý IV/2026", "Danh mục"],  # new
]  # "Tuyên truyền" removed


def _run(world, rows, **kwargs):
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")
    return plan_import(
        actor=world.users["office"],
        parsed=parsed,
        year=2026,
        unit=world.units["TCCT"],
        title="Kế hoạch thử",
        **kwargs,
    )


def test_an_edited_file_updates_the_draft_and_lists_the_changes(world):
    plan = _run(world, FIRST).plan
    kept = plan.tasks.get(title="Xây dựng kế hoạch")
    result = _run(world, EDITED, update_plan=plan)
    assert not result.created and result.plan.pk == plan.pk
    lines = [str(c) for c in result.listed_changes]
    assert lines == [
        "~ Sửa nhiệm vụ 1 Xây dựng kế hoạch: cơ quan phối hợp: “CTH” → “CTC, CTH”; "
        "thời gian hoàn thành: “Tháng 1/2026” → “Tháng 2/2026”; "
        "cơ quan phối hợp (như văn bản): “CTH” → “CTH, CTC”",
        "~ Sửa nhiệm vụ 1 Rà soát văn bản: nội dung: “Rà soát văn bản” → "
        "“Rà soát văn bản quy phạm nội bộ”",
        "- Xóa nhiệm vụ 2 Tuyên truyền",
        "+ Thêm nhiệm vụ 2 Hệ thống hóa văn bản",
    ]
    kept.refresh_from_db()
    assert kept.due_date == datetime.date(2026, 2, 28)  # the same task, its deadline re-read
    assert sorted(plan.tasks.values_list("title", flat=True)) == [
        "Hệ thống hóa văn bản",
        "Rà soát văn bản quy phạm nội bộ",
        "Xây dựng kế hoạch",
    ]
    assert AuditEvent.objects.filter(action="plan.import_update", object_id=str(plan.pk)).exists()
    # And applying the same edited file again changes nothing more.
    events = AuditEvent.objects.count()
    assert _run(world, EDITED, update_plan=plan).listed_changes == []
    assert AuditEvent.objects.count() == events


def test_the_preview_shows_the_changes_without_writing(world):
    plan = _run(world, FIRST).plan
    events = AuditEvent.objects.count()
    preview = import_preview(
        actor=world.users["office"],
        parsed=parse_plan_file(xlsx_from_rows(EDITED), "kh.xlsx"),
        year=2026,
        unit=world.units["TCCT"],
        update_plan=plan,
    )
    assert {c.kind for c in preview.changes} >= {"add", "change", "remove"}
    assert AuditEvent.objects.count() == events
    assert plan.tasks.count() == 3


def test_an_issued_plan_is_not_updated_from_a_file(world):
    plan = _run(world, FIRST).plan
    services.plan_issue(actor=world.users["office"], plan=plan, document_number="1/KH-CT")
    with pytest.raises(ImportRefused) as exc:
        _run(world, EDITED, update_plan=plan)
    assert "đã ban hành" in str(exc.value.problems[0])
    assert plan.tasks.count() == 3


def test_another_units_plan_is_not_updated(world):
    with pytest.raises(ImportRefused) as exc:
        _run(world, EDITED, update_plan=world.parent_plan)
    assert "không phải của Tổng cục Chính trị" in str(exc.value.problems[0])
