"""Imports and aliases stay inside the importing office's branch (issue 9).

A sibling department, TCHC, with its own office and office unit (the `sibling` fixture),
sits beside TCCT under the ministry. A plan TCCT issues gives tasks only to units of TCCT's
branch; an alias belongs to the branch that made it, names a unit of that branch, and only
that branch's imports read it.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitAlias, UnitGroup, UnitGroupMode
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Plan, Task
from tests.fixtures_plans import xlsx_from_rows

HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Sản phẩm"]


def rows(lead: str, supporting: str = "") -> list[list]:
    return [
        HEADER,
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
        [1, "Xây dựng kế hoạch", "VP", "CTH", "Tháng 1/2026", "Kế hoạch"],
        [2, "Tuyên truyền", lead, supporting, "Quý II/2026", "Tin bài"],
    ]


def preview(world, table, unit="TCCT", actor="office"):
    return import_preview(
        actor=world.users[actor] if isinstance(actor, str) else actor,
        parsed=parse_plan_file(xlsx_from_rows(table), "kh.xlsx"),
        year=2026,
        unit=world.units[unit] if isinstance(unit, str) else unit,
        title="Kế hoạch thử",
    )


def errors(result) -> list[str]:
    return [str(p) for p in result.errors]


# --- the import --------------------------------------------------------------------------


def test_a_lead_unit_outside_the_branch_is_a_problem_where_it_is_written(world, sibling):
    result = preview(world, rows("TCHC-VP"))
    assert errors(result) == [
        "Trang tính “KH”, dòng 4, cột C (Cơ quan chủ trì): “TCHC-VP” là Văn phòng Tổng cục Hậu cần "
        "(TCHC-VP), không thuộc Tổng cục Chính trị: kế hoạch của Tổng cục Chính trị chỉ giao "
        "nhiệm vụ cho đơn vị trong phạm vi của mình. Sửa tên trong tệp, hoặc chọn đơn vị "
        "trong phạm vi mà tên này chỉ."
    ]
    assert result.rows[1].lead_unit is None


def test_a_supporting_unit_outside_the_branch_refuses_the_import(world, sibling):
    plans, tasks, events = Plan.objects.count(), Task.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRefused) as refused:
        plan_import(
            actor=world.users["office"],
            parsed=parse_plan_file(xlsx_from_rows(rows("CTH", "CTC, Tổng cục Hậu cần")), "kh.xlsx"),
            year=2026,
            unit=world.units["TCCT"],
            title="Kế hoạch thử",
        )
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (4, "D")
    assert "không thuộc Tổng cục Chính trị" in problem.message
    assert (Plan.objects.count(), Task.objects.count()) == (plans, tasks)
    assert AuditEvent.objects.count() == events


def test_the_ministry_above_is_outside_a_departments_branch(world):
    result = preview(world, rows("CTH", "BQP"))
    assert len(result.errors) == 1 and "Bộ Quốc phòng (BQP)" in result.errors[0].message


def test_the_issuing_unit_and_every_unit_below_it_are_inside(world, sibling):
    result = preview(world, rows("TCCT", "CTH-P1"))
    assert result.errors == []
    assert result.rows[1].lead_unit == world.units["TCCT"]
    # The sibling's own import may name its units, and not TCCT's.
    theirs = preview(world, rows("TCHC-VP", "CTC"), unit=sibling["unit"], actor=sibling["office"])
    # Row 3's VP and CTH, then row 4's CTC.
    assert [(p.row, p.column) for p in theirs.errors] == [(3, "C"), (3, "D"), (4, "D")]
    assert "Cục Cán bộ (CTC)" in theirs.errors[-1].message


def test_a_name_shared_by_two_branches_means_the_importers_own_unit(world, sibling):
    org_services.unit_create(
        actor=None, code="CTH-TCHC", name="Cục Tuyên huấn", parent=sibling["unit"]
    )
    result = preview(world, rows("Cục Tuyên huấn"))
    assert result.errors == [] and result.rows[1].lead_unit == world.units["CTH"]


def test_a_group_holding_a_unit_outside_the_branch_is_a_problem(world, sibling):
    # Made before groups were checked: a list with a unit of another branch.
    group = UnitGroup.objects.create(
        owner=world.units["TCCT"], words="Các đơn vị liên quan", folded="cac don vi lien quan",
        mode=UnitGroupMode.LIST,
    )  # fmt: skip
    group.units.set([world.units["CTC"], sibling["vp"]])
    result = preview(world, rows("CTH", "Các đơn vị liên quan"))
    assert len(result.errors) == 1
    assert "Nhóm “Các đơn vị liên quan” gồm đơn vị không thuộc" in result.errors[0].message
    assert [n.kind for n in result.names] == ["group"]  # the preview offers to redefine it


# --- aliases -----------------------------------------------------------------------------


def test_an_import_reads_only_the_aliases_its_own_branch_made(world, sibling):
    # The sibling office records "VP TCCT" as a name of its own office unit...
    hostile = org_services.unit_alias_create(
        actor=sibling["office"], unit=sibling["vp"], alias="VP TCCT"
    )
    assert hostile.owner == sibling["unit"]
    # ...which TCCT's import does not read: the name is still unknown there,
    result = preview(world, rows("VP TCCT"))
    assert [(n.name, n.kind) for n in result.names] == [("VP TCCT", "unit")]
    # and TCCT's office may still record the name for its own unit.
    ours = org_services.unit_alias_create(
        actor=world.users["office"], unit=world.units["VP"], alias="VP TCCT"
    )
    assert ours.owner == world.units["TCCT"]
    result = preview(world, rows("VP TCCT"))
    assert result.errors == [] and result.rows[1].lead_unit == world.units["VP"]
    theirs = preview(world, rows("VP TCCT"), unit=sibling["unit"], actor=sibling["office"])
    assert theirs.rows[1].lead_unit == sibling["vp"]


def test_an_alias_names_only_a_unit_of_the_branch_that_makes_it(world, sibling):
    office = world.users["office"]
    with pytest.raises(PermissionDenied):  # no branch of this office holds the unit
        org_services.unit_alias_create(actor=office, unit=sibling["vp"], alias="VP hậu cần")
    with pytest.raises(ValidationError) as refused:
        org_services.unit_alias_create(
            actor=office, owner=world.units["TCCT"], unit=sibling["vp"], alias="VP hậu cần"
        )
    assert "không thuộc Tổng cục Chính trị" in refused.value.message_dict["unit"][0]
    with pytest.raises(PermissionDenied):  # nor makes names for another branch's plans
        org_services.unit_alias_create(
            actor=office, owner=sibling["unit"], unit=sibling["vp"], alias="VP hậu cần"
        )
    assert not UnitAlias.objects.exists()


def test_the_preview_records_an_alias_for_the_issuing_unit(world, client, sibling):
    """Resolved in the preview of a plan of CTH (inside TCCT's branch): the alias is CTH's,
    and a unit outside CTH's branch is refused."""
    from tests.test_import_web import _upload

    client.force_login(world.users["office"])
    data = xlsx_from_rows(rows("Phòng TT"))
    token = _upload(client, world, data, unit=world.units["CTH"].pk).rstrip("/").split("/")[-1]
    page = client.get(reverse("imports:preview", args=[token])).content.decode()
    assert f'value="{world.units["CTC"].pk}"' not in page  # only CTH's branch is offered
    url = reverse("imports:alias", args=[token])
    client.post(url, {"name": "Phòng TT", "unit": world.units["CTC"].pk})
    assert not UnitAlias.objects.exists()
    client.post(url, {"name": "Phòng TT", "unit": world.units["CTH-P1"].pk})
    alias = UnitAlias.objects.get()
    assert (alias.owner, alias.unit) == (world.units["CTH"], world.units["CTH-P1"])
    # Hostile values in the preview's group form are refused, not a crash.
    group = reverse("imports:group", args=[token])
    for units in (["99999999999999999999"], ["-99999999999999999999"], ["x"]):
        response = client.post(group, {"words": "Các phòng", "mode": "list", "units": units})
        assert response.status_code == 302
    assert not UnitGroup.objects.exists()
