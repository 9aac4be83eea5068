"""Round trip: export a plan, import the file into a new plan, and the tasks, their units,
areas and due texts are the same, for both formats."""

import pytest

from cchc.documents.plan import plan_docx, plan_xlsx
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitGroupMode
from cchc.plans import services
from cchc.plans.exports import plan_export_data
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.services import plan_import
from tests.fixtures_plans import docx_plan, xlsx_plan


@pytest.fixture
def names(world):
    office, u = world.users["office"], world.units
    org_services.unit_alias_create(actor=office, unit=u["VP"], alias="Văn phòng TCCT")
    for words, mode, units in [
        ("Các cơ quan, đơn vị", UnitGroupMode.BELOW, []),
        ("Các cục", UnitGroupMode.LIST, [u["CTH"], u["CTC"]]),
        ("các đơn vị liên quan", UnitGroupMode.LIST, [u["CTH-P1"]]),
    ]:
        org_services.unit_group_define(
            actor=office, owner=u["TCCT"], words=words, mode=mode, units=units
        )
    return world


def snapshot(plan):
    return [
        (
            t.area.code,
            t.section.title if t.section else "",
            t.code,
            t.title,
            t.lead_unit.code,
            sorted(u.code for u in t.supporting_units.all()),
            t.due_text,
            t.due_date,
            t.is_recurring,
            t.deliverable,
            t.notes,
        )
        for t in plan.tasks.select_related("area", "section", "lead_unit")
        .prefetch_related("supporting_units")
        .order_by("area__code", "order", "id")
    ]


def round_trip(world, plan, fmt):
    office = world.users["office"]
    data = plan_export_data(user=office, plan=plan, today=world.today)
    content = plan_docx(data) if fmt == "docx" else plan_xlsx(data)
    parsed = parse_plan_file(content, f"export.{fmt}")
    assert not parsed.errors, [str(p) for p in parsed.errors]
    return plan_import(
        actor=office,
        parsed=parsed,
        year=plan.year,
        unit=plan.issuing_unit,
        title=f"{plan.title} (bản nhập lại {fmt})",
    )


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("source", ["xlsx", "docx"])
def test_an_imported_plan_survives_export_and_import(names, source, fmt):
    data = xlsx_plan() if source == "xlsx" else docx_plan()
    original = plan_import(
        actor=names.users["office"],
        parsed=parse_plan_file(data, f"goc.{source}"),
        year=2026,
        unit=names.units["TCCT"],
        title="Kế hoạch gốc",
    ).plan
    copy = round_trip(names, original, fmt)
    assert copy.created
    assert snapshot(copy.plan) == snapshot(original)
    assert len(snapshot(original)) == (7 if source == "xlsx" else 6)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_plan_typed_in_the_application_survives_export_and_import(world, fmt):
    plan = world.plan
    copy = round_trip(world, plan, fmt).plan
    strip = [row[:7] for row in snapshot(plan)]  # its dates were typed, not read from words
    assert [row[:7] for row in snapshot(copy)] == strip


def test_the_three_parts_and_number_survive_the_docx(names):
    office = names.users["office"]
    plan = plan_import(
        actor=office,
        parsed=parse_plan_file(docx_plan(), "goc.docx"),
        year=2026,
        unit=names.units["TCCT"],
        title="Kế hoạch gốc",
    ).plan
    services.plan_update(actor=office, plan=plan, title="Kế hoạch cải cách hành chính năm 2026")
    plan.refresh_from_db()
    parsed = parse_plan_file(
        plan_docx(plan_export_data(user=office, plan=plan, today=names.today)), "x.docx"
    )
    assert parsed.title == "Kế hoạch cải cách hành chính năm 2026"
    assert (parsed.document_number, parsed.issued_on) == (plan.document_number, plan.issued_on)
    assert (parsed.purpose, parsed.requirements, parsed.implementation) == (
        plan.purpose,
        plan.requirements,
        plan.implementation,
    )


def test_exporting_then_importing_into_the_same_plan_changes_nothing(names):
    office = names.users["office"]
    plan = plan_import(
        actor=office,
        parsed=parse_plan_file(xlsx_plan(), "goc.xlsx"),
        year=2026,
        unit=names.units["TCCT"],
        title="Kế hoạch gốc",
    ).plan
    data = plan_xlsx(plan_export_data(user=office, plan=plan, today=names.today))
    result = plan_import(
        actor=office,
        parsed=parse_plan_file(data, "x.xlsx"),
        year=2026,
        unit=names.units["TCCT"],
        update_plan=plan,
    )
    assert result.listed_changes == []
