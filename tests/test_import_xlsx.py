"""Importing an Excel plan: every awkward case of a real file, all or nothing."""

import datetime

import pytest

from cchc.audit.models import AuditEvent
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitGroupMode
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Plan, Task
from tests.fixtures_plans import (
    XLSX_EXPECTED,
    xlsx_from_rows,
    xlsx_plan,
)


@pytest.fixture
def names(world):
    """What the office has told the system about the names its plans use."""
    office, u = world.users["office"], world.units
    org_services.unit_alias_create(actor=office, unit=u["VP"], alias="Văn phòng TCCT")
    org_services.unit_group_define(
        actor=office, owner=u["TCCT"], words="Các cơ quan, đơn vị", mode=UnitGroupMode.BELOW
    )
    org_services.unit_group_define(
        actor=office,
        owner=u["TCCT"],
        words="Các cục",
        mode=UnitGroupMode.LIST,
        units=[u["CTH"], u["CTC"]],
    )
    return world


def _import(world, data, name="ke-hoach.xlsx", **kwargs):
    parsed = parse_plan_file(data, name)
    kwargs.setdefault("year", 2026)
    kwargs.setdefault("unit", world.units["TCCT"])
    return plan_import(actor=world.users["office"], parsed=parsed, **kwargs)


def test_a_realistic_workbook_imports_every_task(names):
    result = _import(names, xlsx_plan(), title="Kế hoạch CCHC 2026 (Excel)")
    assert result.created
    plan = result.plan
    assert plan.status == "draft" and plan.issuing_unit.code == "TCCT" and plan.year == 2026
    tasks = list(plan.tasks.order_by("order").prefetch_related("supporting_units"))
    got = [
        (
            t.area.code,
            t.section.title if t.section else "",
            t.code,
            t.title,
            t.lead_unit.code,
            sorted(u.code for u in t.supporting_units.all()),
            t.due_text,
        )
        for t in tasks
    ]
    expected = [
        (a, s, c, ti, lead, sorted(sup), due) for a, s, c, ti, lead, sup, due in XLSX_EXPECTED
    ]
    assert got == expected


def test_deadlines_are_read_and_the_words_kept(names):
    plan = _import(names, xlsx_plan()).plan
    by_title = {t.title.split("\n")[0]: t for t in plan.tasks.all()}
    assert by_title["Xây dựng Kế hoạch cải cách hành chính năm 2026"].due_date == datetime.date(
        2026, 1, 31
    )
    recurring = by_title["Tuyên truyền về cải cách hành chính"]
    assert recurring.is_recurring and recurring.due_date is None
    assert by_title["Rà soát thủ tục hành chính nội bộ"].due_date == datetime.date(2026, 12, 15)
    assert by_title["Số hóa hồ sơ cán bộ"].due_date == datetime.date(2026, 6, 30)


def test_extra_columns_and_cached_formulas_are_kept(names):
    plan = _import(names, xlsx_plan()).plan
    task = plan.tasks.get(title="Rà soát thủ tục hành chính nội bộ")
    assert task.deliverable == "Báo cáo kết quả"  # the formula's cached value
    assert task.notes == "Chia 2 đợt\nKinh phí (triệu đồng): 20"
    first = plan.tasks.get(code="1", area__code=1)
    assert first.notes == "Kinh phí (triệu đồng): 5"


def test_collective_words_stay_as_written(names):
    plan = _import(names, xlsx_plan()).plan
    first = plan.tasks.get(code="1", area__code=1)
    assert first.supporting_units_text == "Các cơ quan, đơn vị"
    assert first.lead_unit_text == "VP"


def test_two_lead_units_are_shown_as_a_warning(names):
    preview = import_preview(
        actor=names.users["office"],
        parsed=parse_plan_file(xlsx_plan(), "kh.xlsx"),
        year=2026,
        unit=names.units["TCCT"],
    )
    assert not preview.errors
    warnings = [p for p in preview.problems if p.severity == "warning"]
    assert any("Cục Cán bộ, Cục Tuyên huấn" in p.message and p.row == 19 for p in warnings)


def test_unknown_names_and_undefined_groups_are_problems_with_their_cells(world):
    parsed = parse_plan_file(xlsx_plan(undefined_group=True), "kh.xlsx")
    with pytest.raises(ImportRefused) as exc:
        plan_import(actor=world.users["office"], parsed=parsed, year=2026, unit=world.units["TCCT"])
    problems = {(p.kind, p.name, p.row, p.column) for p in exc.value.problems}
    assert ("unit", "Văn phòng TCCT", 8, "E") in problems
    assert ("group", "Các cơ quan, đơn vị", 7, "E") in problems
    assert ("group", "Các cục", 15, "E") in problems
    assert ("group", "các đơn vị liên quan", 18, "E") in problems
    assert Plan.objects.filter(year=2026, issuing_unit=world.units["TCCT"]).count() == 1


def test_a_name_resolved_in_the_preview_is_used(names):
    office = names.users["office"]
    parsed = parse_plan_file(xlsx_plan(undefined_group=True), "kh.xlsx")
    preview = import_preview(actor=office, parsed=parsed, year=2026, unit=names.units["TCCT"])
    assert [n.name for n in preview.names] == ["các đơn vị liên quan"]
    org_services.unit_group_define(
        actor=office,
        owner=names.units["TCCT"],
        words="các đơn vị liên quan",
        mode=UnitGroupMode.LIST,
        units=[names.units["CTH-P1"]],
    )
    result = plan_import(actor=office, parsed=parsed, year=2026, unit=names.units["TCCT"])
    task = result.plan.tasks.get(title="Số hóa hồ sơ cán bộ")
    assert sorted(u.code for u in task.supporting_units.all()) == ["CTH", "CTH-P1"]


def test_an_ambiguous_name_is_a_problem_until_resolved(names):
    office, u = names.users["office"], names.units
    org_services.unit_create(actor=None, code="CTH-P2", name="Phòng Thông tin", parent=u["CTC"])
    data = xlsx_from_rows(
        [
            ["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"],
            ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
            [1, "Cập nhật tin", "Phòng Thông tin", "Quý I"],
            [2, "Đăng tin", "Phòng Thông tin/CTC", "Quý II"],
        ]
    )
    parsed = parse_plan_file(data, "kh.xlsx")
    preview = import_preview(actor=office, parsed=parsed, year=2026, unit=u["TCCT"])
    (problem,) = preview.errors
    assert problem.kind == "unit" and problem.row == 3 and problem.column == "C"
    assert "CTH-P1" in problem.message and "CTH-P2" in problem.message
    result = plan_import(
        actor=office,
        parsed=parsed,
        year=2026,
        unit=u["TCCT"],
        resolutions={"phòng thông tin": u["CTH-P1"]},
    )
    leads = dict(result.plan.tasks.values_list("code", "lead_unit__code"))
    assert leads == {"1": "CTH-P1", "2": "CTH-P2"}


def test_importing_the_same_file_again_changes_nothing(names):
    first = _import(names, xlsx_plan())
    events = AuditEvent.objects.count()
    again = _import(names, xlsx_plan(), name="ban-sao.xlsx")
    assert not again.created and again.plan.pk == first.plan.pk and again.changes == []
    assert AuditEvent.objects.count() == events
    assert Task.objects.filter(plan=first.plan).count() == len(XLSX_EXPECTED)


def test_a_different_file_under_the_same_title_is_refused(names):
    _import(names, xlsx_plan())
    rows = [
        ["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"],
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
        [1, "Việc khác", "VP", "Quý I"],
    ]
    changed = xlsx_from_rows(rows)
    with pytest.raises(ImportRefused) as exc:
        _import(names, changed, title="Kế hoạch cải cách hành chính năm 2026")
    assert "--update" in str(exc.value.problems[0])


def test_only_the_office_imports(names):
    parsed = parse_plan_file(xlsx_plan(), "kh.xlsx")
    with pytest.raises(Exception) as exc:
        plan_import(
            actor=names.users["focal_a"], parsed=parsed, year=2026, unit=names.units["TCCT"]
        )
    assert exc.type.__name__ == "PermissionDenied"


def test_a_formula_without_a_cached_value_names_its_cell(names):
    parsed = parse_plan_file(xlsx_plan(formula_cached=False), "kh.xlsx")
    (problem,) = parsed.errors
    assert problem.row == 15 and problem.column == "F"
    assert "F15" in problem.message and "lưu lại" in problem.message
    assert "Phụ lục I" in str(problem)


def test_a_unit_whose_name_has_và_or_a_comma_is_not_cut(names):
    office, u = names.users["office"], names.units
    org_services.unit_create(
        actor=None, code="CTH-P3", name="Phòng Tuyên truyền và Đào tạo", parent=u["CTH"]
    )
    org_services.unit_create(
        actor=None, code="CTC-P1", name="Phòng Kế hoạch, Tổng hợp", parent=u["CTC"]
    )
    data = xlsx_from_rows(
        [
            ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp"],
            ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
            [1, "Tập huấn", "Phòng Tuyên truyền và Đào tạo", "Phòng Kế hoạch, Tổng hợp và VP"],
        ]
    )
    result = plan_import(
        actor=office, parsed=parse_plan_file(data, "kh.xlsx"), year=2026, unit=u["TCCT"]
    )
    task = result.plan.tasks.get()
    assert task.lead_unit.code == "CTH-P3"
    assert sorted(x.code for x in task.supporting_units.all()) == ["CTC-P1", "VP"]


def test_the_tasks_are_created_with_one_audit_event_listing_them(names):
    plan = _import(names, xlsx_plan()).plan
    event = AuditEvent.objects.get(action="task.create_many", object_id=str(plan.pk))
    listed = event.changes["tasks"][1]
    assert len(listed) == len(XLSX_EXPECTED)
    assert {t["id"] for t in listed} == set(plan.tasks.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="plan.import", object_id=str(plan.pk)).exists()


def test_areas_numbered_with_arabic_numbers_and_sub_headings_in_capitals():
    data = xlsx_from_rows(
        [
            ["TT", "NỘI DUNG", "ĐƠN VỊ CHỦ TRÌ", "THỜI HẠN"],
            ["1", "Công tác chỉ đạo, điều hành"],
            ["1.1", "Ban hành kế hoạch", "VP", "Tháng 1"],
            ["", "CÔNG TÁC TUYÊN TRUYỀN"],
            ["1.2", "Tuyên truyền", "CTH", "Cả năm"],
            ["2", "Cải cách thể chế"],
            ["2.1", "Rà soát", "CTH", "Quý II"],
            ["3", "Hiện đại hóa hành chính"],
            ["3.1", "Chữ ký số", "CTC", "Năm 2026"],
        ]
    )
    parsed = parse_plan_file(data, "kh.xlsx")
    assert not parsed.errors
    got = [(t.area_code, t.section, t.code) for t in parsed.tasks]
    assert got == [
        (1, "", "1.1"),
        (1, "CÔNG TÁC TUYÊN TRUYỀN", "1.2"),
        (2, "", "2.1"),
        (7, "", "3.1"),
    ]
