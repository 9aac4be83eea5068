"""The consolidated report's files, opened with python-docx and openpyxl, every number
checked against counts computed here from the tasks, one at a time, with plans.timeliness."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from cchc.documents import consolidated as documents
from cchc.lib.text import fold
from cchc.plans import progress as plan_progress
from cchc.plans import review
from cchc.plans.history import history_refresh, review_status
from cchc.plans.models import Area, CompletionReview, ReviewState, Task
from cchc.plans.timeliness import task_timeliness
from cchc.reporting import consolidated, consolidation, generation, services
from cchc.reporting.models import ConsolidatedStatus, ExportStatus, ReportExport
from tests.test_reporting_board import enrich
from tests.test_reporting_world import (
    LATE,
    ON_TIME,
    independent_counts,
    make_period,
    rate,
    submit,
    write,
)

D = datetime.date
AS_OF = D(2026, 6, 14)
CATEGORIES = ["done_on_time", "done_late", "overdue", "due_soon", "on_track", "recurring"]
DONE_HEADERS = ["STT", "Nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn", "Ngày hoàn thành"]
OVERDUE_HEADERS = ["STT", "Nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn", "Số ngày quá hạn"]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def fmt(value) -> str:
    """A rate as the documents write it, by the rule itself (not through core.numbers): one
    decimal rounded half up, no trailing zero, a decimal comma, a no-break space, “%”."""
    if value is None:
        return "–"
    text = str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".").replace(".", ",") + "\u00a0%"


def share(part: int, whole: int) -> str:
    """part ÷ whole in percent, written as above, from the exact fraction."""
    exact = Fraction(100 * part, whole)
    tenths = (exact * 10 + Fraction(1, 2)).__floor__()
    return fmt(Decimal(tenths) / 10)


@pytest.fixture
def scenario(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrich(world)
    period = make_period(world)
    office = world.users["office"]
    cth = write(
        world,
        period,
        "CTH",
        "focal_a",
        results="Tổ chức 5 hội nghị tuyên truyền về CCHC",
        proposals="Bổ sung kinh phí tuyên truyền",
        next_tasks="Sơ kết 6 tháng",
    )
    submit(world, cth, "head_a", now=ON_TIME)
    services.unit_report_accept(actor=office, report=cth)
    ctc = write(
        world,
        period,
        "CTC",
        "focal_b",
        narrative={"3": {"results": "Rà soát 12 thủ tục", "causes": "Thiếu cán bộ chuyên trách"}},
    )
    submit(world, ctc, "head_b", now=LATE)
    services.unit_report_accept(actor=office, report=ctc)
    return period


AFTER_DEADLINE = D(2026, 6, 21)


def updates_until(task, day) -> list:
    """The task's updates reported on or before `day`, oldest first (read here, without
    plans.history)."""
    known = [u for u in task.updates.all() if u.reported_on <= day]
    return sorted(known, key=lambda u: (u.reported_on, u.pk))


def state_as_of(task, day):
    return updates_until(task, day)[-1]


def result_as_of(task, day) -> str:
    found = [u.deliverable.strip() for u in updates_until(task, day) if u.deliverable.strip()]
    return found[-1] if found else ""


def note_as_of(task, day) -> str:
    found = [u.note.strip() for u in updates_until(task, day) if u.note.strip()]
    return found[-1] if found else ""


def payload_for(period, today=AFTER_DEADLINE):
    return consolidation.document_data(period, None, today=today)


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(doc, first_headers: list[str]):
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[: len(first_headers)] == first_headers:
            return table_rows(table)
    raise AssertionError(f"no table {first_headers}")


def test_the_docx_has_the_official_title_sections_and_unit_narratives(world, scenario):
    doc = Document(io.BytesIO(documents.render(payload_for(scenario), "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2026" in texts
    header = " ".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "BỘ QUỐC PHÒNG" in header and "TỔNG CỤC CHÍNH TRỊ" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Số:" in header
    areas = list(Area.objects.order_by("code"))
    # The direction area is section I itself: “Công tác chỉ đạo, điều hành” heads it once;
    # the other areas are numbered under II.
    headings = [
        f"I. {areas[0].name.upper()}",
        "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH THEO TỪNG LĨNH VỰC",
        *[f"{i}. {a.name}" for i, a in enumerate(areas[1:], start=1)],
        "III. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Hạn chế, tồn tại",
        "3. Nguyên nhân",
        "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
    ]
    positions = [texts.index(h) for h in headings]
    assert positions == sorted(positions), "sections out of order"

    def section(start: str, end: str) -> list[str]:
        return texts[texts.index(start) + 1 : texts.index(end)]

    assert sum("cong tac chi dao, dieu hanh" in fold(t) for t in texts) == 1
    area1 = section(headings[0], headings[1])
    assert "- Cục Tuyên huấn: Tổ chức 5 hội nghị tuyên truyền về CCHC" in area1
    area3 = section(headings[3], headings[4])
    assert "- Cục Cán bộ: Rà soát 12 thủ tục" in area3
    causes = section("3. Nguyên nhân", "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI")
    assert "- Cục Cán bộ: Thiếu cán bộ chuyên trách" in causes
    assert "- Cục Tuyên huấn: Bổ sung kinh phí tuyên truyền" in section(
        "V. KIẾN NGHỊ, ĐỀ XUẤT", "PHỤ LỤC"
    )
    assert "- Cục Tuyên huấn: Sơ kết 6 tháng" in section(
        "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "V. KIẾN NGHỊ, ĐỀ XUẤT"
    )
    # The unit that has not reported is named.
    assert "Cơ quan, đơn vị chưa gửi báo cáo: Phòng Thông tin." in texts
    signature = " ".join(c.text for c in doc.tables[1].rows[0].cells)
    # The agency symbol of the plans' numbers (25/KH-CT), the same on every document.
    assert "Nơi nhận:" in signature and "- Lưu: VT, CT." in signature


def test_every_number_of_the_docx_tables_matches_independent_counts(world, scenario):
    # The office confirmed 3.2 on 13/06, before the cut-off (the review's stamp set by hand).
    made = review.completion_confirm(
        actor=world.users["office"],
        task=Task.objects.get(plan=world.plan, code="3.2"),
        rating="met",
    )
    moment = timezone.make_aware(datetime.datetime.combine(D(2026, 6, 13), datetime.time(9)))
    CompletionReview.objects.filter(pk=made.pk).update(reviewed_at=moment)
    history_refresh([made.task_id])  # kept as the review service keeps it
    doc = Document(io.BytesIO(documents.render(payload_for(scenario), "docx")))
    tasks = list(Task.objects.filter(plan=world.plan).select_related("area", "lead_unit"))

    rows = find_table(doc, ["STT", "Lĩnh vực"])
    assert len(rows) == 1 + 7 + 1
    for area, row in zip(Area.objects.order_by("code"), rows[1:8], strict=True):
        counts = independent_counts([t for t in tasks if t.area_id == area.pk], AS_OF)
        assert row[1] == area.name
        assert row[2:] == [
            str(sum(counts.values())),
            *(str(counts[c]) for c in CATEGORIES),
            fmt(rate(counts)),
        ]
    total = independent_counts(tasks, AS_OF)
    assert rows[-1][1:] == [
        "Tổng cộng",
        str(sum(total.values())),
        *(str(total[c]) for c in CATEGORIES),
        fmt(rate(total)),
    ]

    rows = find_table(doc, ["STT", "Cơ quan chủ trì"])
    leads = sorted({t.lead_unit for t in tasks}, key=lambda u: u.path)
    assert [r[1] for r in rows[1:-1]] == [u.name for u in leads]
    for unit, row in zip(leads, rows[1:-1], strict=True):
        counts = independent_counts([t for t in tasks if t.lead_unit_id == unit.pk], AS_OF)
        assert row[2:] == [
            str(sum(counts.values())),
            *(str(counts[c]) for c in CATEGORIES),
            fmt(rate(counts)),
        ], unit.name

    rows = find_table(doc, DONE_HEADERS)
    done = [t for t in tasks if task_timeliness(t, AS_OF) in ("done_on_time", "done_late")]
    done.sort(key=lambda t: (t.area.code, t.order, t.pk))
    assert len(done) == 2
    assert rows[1:] == [
        [
            str(i),
            f"{t.code} {t.title}",
            str(t.area.code),
            str(t.lead_unit),
            t.due_text or t.due_date.strftime("%d/%m/%Y"),
            state_as_of(t, AS_OF).completed_on.strftime("%d/%m/%Y"),
            result_as_of(t, AS_OF),
            # The number the result cites (“Quyết định 12/QĐ”); “Báo cáo rà soát” cites none.
            "12/QĐ" if t.code == "3.2" else "",
            # Reported done is not confirmed: the office's review as of the cut-off.
            "Đã xác nhận"
            if review_status(t.updates.all(), t.completion_reviews.all(), AS_OF).state
            == ReviewState.CONFIRMED
            else "Chưa xác nhận",
        ]
        for i, t in enumerate(done, start=1)
    ]
    assert sorted(r[-1] for r in rows[1:]) == ["Chưa xác nhận", "Đã xác nhận"]

    rows = find_table(doc, ["STT", "Cơ quan, đơn vị", "Trạng thái"])
    assert rows[1:] == [
        ["1", "Cục Tuyên huấn", "Đã tiếp nhận", "18/06/2026", "Đúng hạn", ""],
        ["2", "Phòng Thông tin", "Chưa lập", "", "Chưa gửi", ""],
        ["3", "Cục Cán bộ", "Đã tiếp nhận", "23/06/2026", "Muộn", "3"],
    ]

    rows = find_table(doc, OVERDUE_HEADERS)
    overdue = sorted(
        (t for t in tasks if task_timeliness(t, AS_OF) == "overdue"),
        key=lambda t: (t.due_date, t.area.code, t.order, t.pk),
    )
    assert len(overdue) == 2
    assert rows[1:] == [
        [
            str(i),
            f"{t.code} {t.title}",
            str(t.area.code),
            str(t.lead_unit),
            t.due_date.strftime("%d/%m/%Y"),
            str((AS_OF - t.due_date).days),
            str(t.progress),
            note_as_of(t, AS_OF),
        ]
        for i, t in enumerate(overdue, start=1)
    ]


def test_the_xlsx_has_the_same_tables_one_sheet_each(world, scenario):
    book = load_workbook(io.BytesIO(documents.render(payload_for(scenario), "xlsx")))
    assert book.sheetnames == [
        "Theo lĩnh vực",
        "Theo cơ quan chủ trì",
        "Nhiệm vụ đã hoàn thành",
        "Nhiệm vụ quá hạn",
        "Gửi báo cáo",
    ]
    tasks = list(Task.objects.filter(plan=world.plan))
    sheet = book["Theo lĩnh vực"]
    assert sheet["A1"].value == "Biểu 1. Nhiệm vụ theo tình trạng thực hiện và lĩnh vực"
    assert [c.value for c in sheet[4]][:3] == ["STT", "Lĩnh vực", "Tổng số"]
    for area, row in zip(
        Area.objects.order_by("code"), sheet.iter_rows(min_row=5, max_row=11), strict=True
    ):
        counts = independent_counts([t for t in tasks if t.area_id == area.pk], AS_OF)
        values = [c.value for c in row]
        assert values[:3] == [area.code, area.name, sum(counts.values())]
        assert values[3:9] == [counts[c] for c in CATEGORIES]
        assert values[9] == rate(counts)
    total_row = [c.value for c in sheet[12]]
    total = independent_counts(tasks, AS_OF)
    assert total_row[1:9] == ["Tổng cộng", sum(total.values()), *(total[c] for c in CATEGORIES)]

    sheet = book["Gửi báo cáo"]
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7)]
    assert data[2][:3] == [3, "Cục Cán bộ", "Đã tiếp nhận"]
    # A spreadsheet's cells keep no time zone.
    submitted = datetime.datetime(2026, 6, 23)  # noqa: DTZ001
    assert data[2][3] == submitted and data[2][4:] == ["Muộn", 3]
    sheet = book["Nhiệm vụ quá hạn"]
    assert sheet.cell(5, 6).value == (AS_OF - D(2026, 5, 31)).days
    # The DOCX appendix's lists of tasks, cell for cell.
    doc = Document(io.BytesIO(documents.render(payload_for(scenario), "docx")))
    for name, column in (
        ("Nhiệm vụ đã hoàn thành", "Ngày hoàn thành"),
        ("Nhiệm vụ quá hạn", "Số ngày quá hạn"),
    ):
        docx_rows = find_table(
            doc, ["STT", "Nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn", column]
        )
        sheet_rows = [
            [xlsx_text(c.value) for c in row]
            for row in book[name].iter_rows(min_row=4, max_row=3 + len(docx_rows))
        ]
        assert len(docx_rows) == 3 and sheet_rows == docx_rows, name


def xlsx_text(value) -> str:
    """A spreadsheet cell as the DOCX writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def test_text_with_control_characters_still_makes_a_valid_docx(world, scenario):
    payload = payload_for(scenario)
    # Word's manual line break (\x0b) starts a new line; other control characters go.
    payload["narrative"]["area_1"] = "Dán từ Word\x0bcó ký tự \x01lạ"
    payload["overdue"][0]["title"] = "Nhiệm vụ\x02 lạ"
    doc = Document(io.BytesIO(documents.render(payload, "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "Dán từ Word" in texts and "có ký tự lạ" in texts
    assert find_table(doc, OVERDUE_HEADERS)[1][1].endswith("Nhiệm vụ lạ")
    book = load_workbook(io.BytesIO(documents.render(payload, "xlsx")))
    assert book["Nhiệm vụ quá hạn"].cell(5, 2).value.endswith("Nhiệm vụ lạ")


def test_a_table_cell_keeps_its_spaces(world, scenario):
    """The tables are spliced in as text when the file is written: a cell of spaces only,
    or with spaces at its ends, still reads as written."""
    payload = payload_for(scenario)
    payload["overdue"][0]["note"] = "   "
    payload["overdue"][0]["lead_unit"] = "  Cục  A "
    doc = Document(io.BytesIO(documents.render(payload, "docx")))
    row = find_table(doc, OVERDUE_HEADERS)[1]
    assert row[3] == "  Cục  A " and row[-1] == "   "
    preserve = "{http://www.w3.org/XML/1998/namespace}space"
    appendix = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    assert len(appendix) == 5
    for table in appendix:
        texts = table._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
        assert all(t.get(preserve) == "preserve" for t in texts)


def test_the_charts_are_png_images_in_the_docx(world, scenario):
    pytest.importorskip("matplotlib")
    doc = Document(io.BytesIO(documents.render(payload_for(scenario), "docx")))
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 2
    assert all(r.target_part.blob.startswith(b"\x89PNG") for r in images)


def test_without_matplotlib_the_docx_says_the_chart_is_missing(world, scenario, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    doc = Document(io.BytesIO(documents.render(payload_for(scenario), "docx")))
    assert sum("thiếu thư viện matplotlib" in p.text for p in doc.paragraphs) == 2


def test_the_same_inputs_give_the_same_bytes(world, scenario):
    payload = payload_for(scenario)
    for fmt_ in ("docx", "xlsx"):
        assert documents.render(payload, fmt_) == documents.render(payload, fmt_)
    # After the window's end, the day it is built on does not change the figures.
    assert consolidation.data_hash(
        payload_for(scenario, D(2026, 6, 21))
    ) == consolidation.data_hash(payload_for(scenario, D(2026, 7, 30)))


def test_a_docx_is_what_python_docx_saves_with_fixed_times():
    """finish_docx is what Document.save() writes (python-docx's public API), rewritten
    by normalize_zip."""
    from cchc.documents.charts import chart_png
    from cchc.documents.ooxml import finish_docx, normalize_zip

    doc = Document()
    doc.add_paragraph("Báo cáo  có dấu cách ")
    png = chart_png([["A", 1.0]])
    if png:  # a media part and its relationship among the members
        doc.add_picture(io.BytesIO(png))
    when = datetime.datetime(2026, 6, 21, 8, 0, tzinfo=datetime.UTC)
    content = finish_docx(doc, title="Báo cáo", author="Cục A", when=when)
    saved = io.BytesIO()
    doc.save(saved)
    assert content == normalize_zip(saved.getvalue(), when)


def test_the_approved_report_is_frozen_and_offered_ever_after(
    world, scenario, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = IMMEDIATE
    office, leader = world.users["office"], world.users["leader"]
    report = consolidated.consolidated_open(actor=office, period=scenario, today=D(2026, 6, 21))
    report = consolidated.consolidated_save(
        actor=office,
        report=report,
        expected_version=report.version,
        narrative={"proposals": "Đề nghị Bộ bổ sung biên chế."},
        signer_authority="KT. Chủ nhiệm",
        signer_title="Phó Chủ nhiệm",
        signer_name="Thiếu tướng Nguyễn Văn A",
    )
    consolidated.consolidated_send(actor=office, report=report)
    with pytest.raises(PermissionDenied):
        consolidated.consolidated_approve(
            actor=office, report=report, document_number="15/BC-CT", issued_on=D(2026, 6, 22)
        )
    with django_capture_on_commit_callbacks(execute=True):
        consolidated.consolidated_approve(
            actor=leader, report=report, document_number="15/BC-CT", issued_on=D(2026, 6, 22)
        )
    report.refresh_from_db()
    assert report.status == ConsolidatedStatus.APPROVED
    finals = {e.format: e for e in ReportExport.objects.filter(final=True)}
    assert {f: e.status for f, e in finals.items()} == {
        "docx": ExportStatus.DONE,
        "xlsx": ExportStatus.DONE,
    }
    with finals["docx"].file.open("rb") as fh:
        approved_bytes = fh.read()
    doc = Document(io.BytesIO(approved_bytes))
    texts = [p.text for p in doc.paragraphs]
    assert "Đề nghị Bộ bổ sung biên chế." in texts
    header = " ".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "Số: 15/BC-CT" in header and "Hà Nội, ngày 22 tháng 6 năm 2026" in header
    signature = " ".join(c.text for c in doc.tables[1].rows[0].cells)
    assert "KT. CHỦ NHIỆM" in signature and "Thiếu tướng Nguyễn Văn A" in signature

    # Tasks change afterwards; the approved document does not.
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_overdue"],
        status="done",
        deliverable="Xong",
        reported_on=D(2026, 6, 13),
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = consolidated.export_request(actor=leader, period=scenario, fmt="docx")
    again.refresh_from_db()
    assert again.final and again.status == ExportStatus.DONE
    with again.file.open("rb") as fh:
        assert fh.read() == approved_bytes
    with pytest.raises(ValidationError):
        consolidated.consolidated_save(
            actor=office, report=report, expected_version=report.version, narrative={}
        )


def test_a_splice_replaces_its_whole_paragraph_and_nothing_else():
    from cchc.documents.ooxml import splice

    xml = (
        b'<w:body><w:p><w:r><w:t>before</w:t></w:r></w:p><w:p w:rsidR="1"><w:pPr/>'
        b"<w:r><w:t>TOKEN-1</w:t></w:r></w:p><w:p><w:r><w:t>after</w:t></w:r></w:p></w:body>"
    )
    out = splice(xml, {"TOKEN-1": "<w:tbl>Đ</w:tbl>"})
    assert out == (
        b"<w:body><w:p><w:r><w:t>before</w:t></w:r></w:p><w:tbl>\xc4\x90</w:tbl>"
        b"<w:p><w:r><w:t>after</w:t></w:r></w:p></w:body>"
    )
    # A token the document lacks is a defect to hear of, not a table silently dropped.
    with pytest.raises(ValueError, match="TOKEN-2"):
        splice(xml, {"TOKEN-1": "<w:tbl/>", "TOKEN-2": "<w:tbl/>"})
    assert splice(xml, {}) == xml


def test_the_office_replaces_the_template_without_code(world, scenario):
    office = world.users["office"]
    bad = Document()
    bad.add_paragraph("{{khong_co}}")
    out = io.BytesIO()
    bad.save(out)
    with pytest.raises(ValidationError) as refused:
        services.template_upload(
            actor=office,
            unit=world.plan.issuing_unit,
            name="Sai",
            file=SimpleUploadedFile("sai.docx", out.getvalue()),
        )
    assert any("noi_dung" in m for m in refused.value.messages)
    assert any("khong_co" in m for m in refused.value.messages)

    template = Document(io.BytesIO(documents.default_template()))
    template.paragraphs[0].insert_paragraph_before("MẪU RIÊNG CỦA VĂN PHÒNG NĂM {{nam}}")
    out = io.BytesIO()
    template.save(out)
    with pytest.raises(PermissionDenied):
        services.template_upload(
            actor=world.users["focal_a"],
            unit=world.plan.issuing_unit,
            name="Mẫu",
            file=SimpleUploadedFile("mau.docx", out.getvalue()),
        )
    services.template_upload(
        actor=office,
        unit=world.plan.issuing_unit,
        name="Mẫu của Văn phòng",
        file=SimpleUploadedFile("mau.docx", out.getvalue()),
    )
    export = ReportExport.objects.create(period=scenario, format="docx")
    generation.export_run(export_id=export.pk, today=D(2026, 6, 21))
    export.refresh_from_db()
    with export.file.open("rb") as fh:
        doc = Document(fh)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "MẪU RIÊNG CỦA VĂN PHÒNG NĂM 2026"
    assert "- Cục Tuyên huấn: Tổ chức 5 hội nghị tuyên truyền về CCHC" in texts
    assert not any("{{" in t for t in texts)
    assert find_table(doc, ["STT", "Lĩnh vực"])[-1][1] == "Tổng cộng"


def test_the_background_task_builds_the_file_with_progress(
    world, scenario, settings, django_capture_on_commit_callbacks
):
    from cchc.reporting.tasks import generate_report_file

    export = ReportExport.objects.create(period=scenario, format="xlsx", requested_by=None)
    # The worker's function, run directly.
    assert generate_report_file.call(export.pk) == export.pk
    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.DONE, 100)
    assert export.filename == "bao-cao-cchc-six-months-2026.xlsx"
    # Through the task backend: enqueued after the request's transaction commits.
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        queued = consolidated.export_request(
            actor=world.users["office"], period=scenario, fmt="xlsx"
        )
    queued.refresh_from_db()
    assert queued.status == ExportStatus.DONE and queued.task_result_id
    # Identical inputs: the file already built is reused.
    assert queued.input_hash == export.input_hash and queued.file.name == export.file.name


@pytest.mark.skipif(not documents.pdf_available(), reason="LibreOffice is not installed")
def test_pdf_is_converted_by_libreoffice(world, scenario):
    pdf = documents.render(payload_for(scenario), "pdf")
    assert pdf.startswith(b"%PDF")


def test_without_libreoffice_pdf_fails_clearly_and_docx_still_works(world, scenario, monkeypatch):
    monkeypatch.setattr("cchc.documents.pdf.soffice_path", lambda: None)
    with pytest.raises(documents.PdfUnavailable, match="LibreOffice"):
        documents.render(payload_for(scenario), "pdf")
    export = ReportExport.objects.create(period=scenario, format="pdf")
    generation.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "LibreOffice" in export.error
    assert documents.render(payload_for(scenario), "docx")[:2] == b"PK"


def test_the_consolidate_command(world, scenario, tmp_path):
    target = tmp_path / "bao-cao.docx"
    out = io.StringIO()
    call_command(
        "consolidate",
        "--period",
        str(scenario.pk),
        "--format",
        "docx",
        "-o",
        str(target),
        "--date",
        "21/06/2026",
        stdout=out,
    )
    assert "đơn vị đã báo cáo" in out.getvalue() and "units" not in out.getvalue()
    doc = Document(str(target))
    assert "BÁO CÁO" in [p.text for p in doc.paragraphs]
    xlsx = tmp_path / "bang.xlsx"
    call_command("consolidate", "--period", str(scenario.pk), "--format", "xlsx", "-o", str(xlsx))
    assert load_workbook(str(xlsx)).sheetnames[0] == "Theo lĩnh vực"
    with pytest.raises(CommandError, match="Không có kỳ báo cáo #999999"):
        call_command("consolidate", "--period", "999999", "-o", str(target))
