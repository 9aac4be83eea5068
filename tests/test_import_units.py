"""Names of units in plans: aliases and collective words (orgs.services)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.audit.models import AuditEvent
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitAlias, UnitGroupMode, name_key


def test_name_key_ignores_diacritics_case_and_comma_spacing():
    assert name_key("Các cơ quan ,đơn vị.") == "cac co quan, don vi"
    assert name_key("  VĂN PHÒNG  TCCT ") == "van phong tcct"


def test_office_records_an_alias_once(world):
    office = world.users["office"]
    alias = org_services.unit_alias_create(
        actor=office, unit=world.units["VP"], alias="Văn phòng  TCCT"
    )
    assert alias.alias == "Văn phòng TCCT" and alias.folded == "van phong tcct"
    assert AuditEvent.objects.filter(action="unit_alias.create").count() == 1
    # The same name for the same unit again changes nothing.
    again = org_services.unit_alias_create(
        actor=office, unit=world.units["VP"], alias="VĂN PHÒNG TCCT"
    )
    assert again.pk == alias.pk
    assert AuditEvent.objects.filter(action="unit_alias.create").count() == 1


def test_an_alias_cannot_name_two_units(world):
    office = world.users["office"]
    org_services.unit_alias_create(actor=office, unit=world.units["VP"], alias="VP TCCT")
    with pytest.raises(ValidationError) as exc:
        org_services.unit_alias_create(actor=office, unit=world.units["CTH"], alias="vp tcct")
    assert "Văn phòng Tổng cục Chính trị" in str(exc.value)
    assert UnitAlias.objects.count() == 1


def test_only_the_office_records_names(world):
    with pytest.raises(PermissionDenied):
        org_services.unit_alias_create(
            actor=world.users["focal_a"], unit=world.units["VP"], alias="VP TCCT"
        )
    with pytest.raises(PermissionDenied):
        org_services.unit_group_define(
            actor=world.users["focal_a"],
            owner=world.units["TCCT"],
            words="Các cục",
            mode=UnitGroupMode.BELOW,
        )


def test_a_group_of_all_units_below_the_owner(world):
    group = org_services.unit_group_define(
        actor=world.users["office"],
        owner=world.units["TCCT"],
        words="Các cơ quan, đơn vị",
        mode=UnitGroupMode.BELOW,
    )
    codes = [u.code for u in org_services.unit_group_members(group)]
    assert codes == ["VP", "CTH", "CTH-P1", "CTC"]
    assert group.words == "Các cơ quan, đơn vị"


def test_a_group_of_chosen_units_can_be_redefined(world):
    office, u = world.users["office"], world.units
    group = org_services.unit_group_define(
        actor=office, owner=u["TCCT"], words="Các cục", mode=UnitGroupMode.LIST, units=[u["CTH"]]
    )
    again = org_services.unit_group_define(
        actor=office,
        owner=u["TCCT"],
        words="các cục",
        mode=UnitGroupMode.LIST,
        units=[u["CTH"], u["CTC"]],
    )
    assert again.pk == group.pk
    assert [x.code for x in org_services.unit_group_members(again)] == ["CTH", "CTC"]
    assert AuditEvent.objects.filter(action="unit_group.define").count() == 2


def test_a_chosen_list_needs_units(world):
    with pytest.raises(ValidationError) as exc:
        org_services.unit_group_define(
            actor=world.users["office"],
            owner=world.units["TCCT"],
            words="Các cục",
            mode=UnitGroupMode.LIST,
        )
    assert "Các cục" in str(exc.value)
