"""Bad files: each gets a message saying what is wrong and what to do, and nothing is written."""

import io

import pytest

from cchc.audit.models import AuditEvent
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Plan, Task
from tests.fixtures_plans import (
    corrupted,
    docx_plan,
    encrypted_ooxml,
    old_binary,
    xlsm_content,
    xlsx_from_rows,
    xlsx_plan,
    zip_bomb,
)

CASES = [
    ("empty.xlsx", lambda: b"", "Tệp rỗng"),
    ("ke-hoach.xls", lambda: old_binary(), "lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”"),
    ("ke-hoach.doc", lambda: old_binary(), "lưu lại dưới dạng “Tài liệu Word (.docx)”"),
    ("ke-hoach.xlsm", lambda: xlsx_plan(), "Sổ làm việc Excel (.xlsx)"),
    ("ke-hoach.xlsx", lambda: xlsm_content(xlsx_plan()), "chứa macro"),
    ("renamed.xlsx", lambda: old_binary(), "thực chất là định dạng cũ .xls"),
    ("secret.xlsx", lambda: encrypted_ooxml(), "đặt mật khẩu"),
    ("secret.docx", lambda: encrypted_ooxml(), "Tệp Word được đặt mật khẩu"),
    ("notes.xlsx", lambda: "STT,Nội dung\n1,Việc".encode(), "không phải tệp Excel thật"),
    ("ke-hoach.pdf", lambda: b"%PDF-1.7", "chỉ nhận kế hoạch dạng Excel (.xlsx) hoặc Word"),
    ("broken.xlsx", lambda: corrupted(xlsx_plan()), "bị hỏng"),
    ("broken.docx", lambda: corrupted(docx_plan()), "bị hỏng"),
    ("truncated.xlsx", lambda: xlsx_plan()[:3000], "bị hỏng"),
    ("bomb.xlsx", lambda: zip_bomb(25), "tệp nén độc hại"),
    (
        "no-header.xlsx",
        lambda: xlsx_from_rows([["Họ tên", "Điểm"], ["A", 1]], title="Điểm"),
        "trang tính “Điểm” không có dòng tiêu đề nhận ra được",
    ),
]


@pytest.mark.parametrize("filename,build,message", CASES, ids=[c[0] for c in CASES])
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(
    world, filename, build, message
):
    parsed = parse_plan_file(build(), filename)
    assert parsed.errors, filename
    assert message in " ".join(p.message for p in parsed.errors)
    plans, tasks, events = Plan.objects.count(), Task.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRefused):
        plan_import(actor=world.users["office"], parsed=parsed, year=2026, unit=world.units["TCCT"])
    assert (Plan.objects.count(), Task.objects.count(), AuditEvent.objects.count()) == (
        plans,
        tasks,
        events,
    )


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.CCHC_IMPORT_MAX_MB = 1
    parsed = parse_plan_file(b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 1), "big.xlsx")
    (problem,) = parsed.errors
    assert "vượt giới hạn 1 MB" in problem.message


def test_a_docx_named_xlsx_is_read_for_what_it_is():
    parsed = parse_plan_file(docx_plan(), "ke-hoach.xlsx")
    assert parsed.format == "docx" and len(parsed.tasks) == 6


def test_a_failure_late_in_the_import_writes_nothing(world, monkeypatch):
    """All or nothing: a failure after the plan and its tasks were written rolls them back."""
    from cchc.plans.imports import services as import_services

    rows = [["STT", "Nội dung", "Cơ quan chủ trì"], ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]]
    rows += [[i, f"Việc {i}", "VP"] for i in range(1, 6)]
    parsed = parse_plan_file(xlsx_from_rows(rows), "kh.xlsx")

    def failing(**kwargs):
        assert Task.objects.filter(plan__title="Kế hoạch dở dang").count() == 5
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "audit_record", failing)
    plans, events = Plan.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        plan_import(
            actor=world.users["office"],
            parsed=parsed,
            year=2026,
            unit=world.units["TCCT"],
            title="Kế hoạch dở dang",
        )
    assert (Plan.objects.count(), AuditEvent.objects.count()) == (plans, events)
    assert not Task.objects.filter(plan__title="Kế hoạch dở dang").exists()


def test_problems_in_a_task_table_name_sheet_row_and_column():
    rows = [
        ["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"],
        [1, "Việc trước mọi lĩnh vực", "VP", "Quý I"],
        ["VIII", "NHIỆM VỤ KHÁC"],  # no area by its words nor by its numeral
        [2, "", "VP", ""],
        ["IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY"],
        [1, "Việc không có chủ trì", None, "Quý II"],
    ]
    parsed = parse_plan_file(xlsx_from_rows(rows, title="KH"), "kh.xlsx")
    messages = [str(p) for p in parsed.errors]
    assert any(
        m.startswith("Trang tính “KH”, dòng 2, cột B (Nội dung): Nhiệm vụ 1") and "lĩnh vực" in m
        for m in messages
    )
    # The heading no words decide waits for the office's choice in the preview.
    assert [(h.text, h.row) for h in parsed.undecided] == [("VIII. NHIỆM VỤ KHÁC", 3)]
    assert not any("NHIỆM VỤ KHÁC" in m for m in messages)
    assert any(
        m.startswith("Trang tính “KH”, dòng 4") and "không có nội dung" in m for m in messages
    )
    assert any(
        m.startswith("Trang tính “KH”, dòng 6, cột C (Cơ quan chủ trì)") and "chủ trì" in m
        for m in messages
    )


def test_an_unreadable_zip_member_is_reported_as_corrupted():
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x" * 2000)
    raw = bytearray(data.getvalue())
    raw[40:60] = b"\xff" * 20  # damage the compressed bytes, keep the directory
    parsed = parse_plan_file(bytes(raw), "kh.xlsx")
    assert "bị hỏng" in parsed.errors[0].message
