"""The office lists, edits and removes its branch's aliases and groups of units (issue 9);
another branch's office sees none of them, and hostile form values are field errors."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitAlias, UnitGroup, UnitGroupMode

HUGE = "99999999999999999999"


@pytest.fixture
def names(world, sibling):
    """An alias and a group of TCCT's, and an alias and a group of the sibling's."""
    office, u = world.users["office"], world.units
    return {
        "alias": org_services.unit_alias_create(actor=office, unit=u["VP"], alias="VP TCCT"),
        "group": org_services.unit_group_define(
            actor=office, owner=u["TCCT"], words="Các cục", mode="list", units=[u["CTH"]]
        ),
        "their_alias": org_services.unit_alias_create(
            actor=sibling["office"], unit=sibling["vp"], alias="VP hậu cần"
        ),
        "their_group": org_services.unit_group_define(
            actor=sibling["office"], owner=sibling["unit"], words="Các đơn vị", mode="below"
        ),
    }


def logged_in(client, user):
    client.force_login(user)
    return client


# --- services ------------------------------------------------------------------------------


def test_the_office_respells_and_repoints_an_alias(world, names):
    record = org_services.unit_alias_update(
        actor=world.users["office"],
        record=names["alias"],
        alias="  Văn phòng   Tổng cục ",
        unit=world.units["CTH"],
    )
    assert (record.alias, record.folded, record.unit) == (
        "Văn phòng Tổng cục",
        "van phong tong cuc",
        world.units["CTH"],
    )
    event = AuditEvent.objects.get(action="unit_alias.update")
    assert event.changes == {
        "alias": ["VP TCCT", "Văn phòng Tổng cục"],
        "unit": ["VP", "CTH"],
    }


@pytest.mark.parametrize(
    ("alias", "field"),
    [("", "alias"), ("  ", "alias"), ("x" * 256, "alias"), ("VP TCCT", "unit")],
)
def test_a_bad_alias_edit_is_refused_by_field(world, names, sibling, alias, field):
    unit = sibling["vp"] if field == "unit" else world.units["VP"]
    with pytest.raises(ValidationError) as refused:
        org_services.unit_alias_update(
            actor=world.users["office"], record=names["alias"], alias=alias, unit=unit
        )
    assert list(refused.value.message_dict) == [field]


def test_two_aliases_of_one_branch_cannot_share_a_name(world, names):
    other = org_services.unit_alias_create(
        actor=world.users["office"], unit=world.units["CTC"], alias="Cục CB TCCT"
    )
    with pytest.raises(ValidationError):
        org_services.unit_alias_update(
            actor=world.users["office"], record=other, alias="vp tcct", unit=world.units["CTC"]
        )


def test_another_branch_can_neither_edit_nor_remove(world, names, sibling):
    hostile = sibling["office"]
    with pytest.raises(PermissionDenied):
        org_services.unit_alias_update(
            actor=hostile, record=names["alias"], alias="X", unit=world.units["VP"]
        )
    with pytest.raises(PermissionDenied):
        org_services.unit_alias_delete(actor=hostile, record=names["alias"])
    with pytest.raises(PermissionDenied):
        org_services.unit_group_delete(actor=hostile, group=names["group"])
    with pytest.raises(PermissionDenied):
        org_services.unit_group_define(
            actor=hostile, owner=world.units["TCCT"], words="Các cục", mode="below"
        )
    assert UnitAlias.objects.count() == 2 and UnitGroup.objects.count() == 2


def test_removing_is_audited(world, names):
    office = world.users["office"]
    org_services.unit_alias_delete(actor=office, record=names["alias"])
    org_services.unit_group_delete(actor=office, group=names["group"])
    assert AuditEvent.objects.get(action="unit_alias.delete").changes["alias"] == ["VP TCCT", None]
    assert AuditEvent.objects.get(action="unit_group.delete").changes["units"] == [["CTH"], None]
    assert set(UnitAlias.objects.values_list("alias", flat=True)) == {"VP hậu cần"}


def test_a_group_lists_only_units_of_its_owners_branch(world, sibling):
    with pytest.raises(ValidationError) as refused:
        org_services.unit_group_define(
            actor=world.users["office"],
            owner=world.units["TCCT"],
            words="Các đơn vị liên quan",
            mode=UnitGroupMode.LIST,
            units=[world.units["CTH"], sibling["vp"]],
        )
    assert "Văn phòng Tổng cục Hậu cần" in refused.value.message_dict["units"][0]
    assert not UnitGroup.objects.exists()


# --- the pages ---------------------------------------------------------------------------


def test_the_office_lists_only_its_branchs_names(client, world, names):
    page = logged_in(client, world.users["office"]).get(reverse("orgs:unit-names"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "“VP TCCT”" in text and "“Các cục”" in text
    assert "VP hậu cần" not in text and "“Các đơn vị”" not in text
    assert reverse("orgs:unit-names") in text  # in the navigation


def test_the_page_is_the_offices(client, world, names):
    assert client.get(reverse("orgs:unit-names")).status_code == 302  # to the login page
    focal = logged_in(client, world.users["focal_a"])
    assert focal.get(reverse("orgs:unit-names")).status_code == 403
    assert focal.get(reverse("orgs:alias-edit", args=[names["alias"].pk])).status_code == 404
    assert reverse("orgs:unit-names") not in focal.get(reverse("plans:plan-list")).content.decode()


@pytest.mark.parametrize("kind", ["alias", "group"])
def test_a_hostile_office_cannot_see_edit_or_delete_another_branchs_name(
    client,
    world,
    names,
    sibling,
    kind,
):
    hostile = logged_in(client, sibling["office"])
    target = names[kind]
    edit = reverse(f"orgs:{kind}-edit", args=[target.pk])
    delete = reverse(f"orgs:{kind}-delete", args=[target.pk])
    data = {"alias": "Chiếm tên", "unit": sibling["vp"].pk, "mode": "below"}
    events = AuditEvent.objects.count()
    assert hostile.get(edit).status_code == 404
    assert hostile.post(edit, data).status_code == 404
    assert hostile.post(delete).status_code == 404
    assert type(target).objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.count() == events


def test_the_office_edits_and_removes_an_alias(client, world, names):
    office = logged_in(client, world.users["office"])
    url = reverse("orgs:alias-edit", args=[names["alias"].pk])
    page = office.get(url).content.decode()
    assert 'value="VP TCCT"' in page and "Cục Tuyên huấn (CTH)" in page
    assert "Văn phòng Tổng cục Hậu cần" not in page  # another branch's units are not offered
    response = office.post(url, {"alias": "VP Tổng cục", "unit": world.units["VP"].pk})
    assert response.status_code == 302 and response["Location"] == reverse("orgs:unit-names")
    assert UnitAlias.objects.get(pk=names["alias"].pk).alias == "VP Tổng cục"
    office.post(reverse("orgs:alias-delete", args=[names["alias"].pk]))
    assert not UnitAlias.objects.filter(pk=names["alias"].pk).exists()


def test_the_office_edits_and_removes_a_group(client, world, names):
    office = logged_in(client, world.users["office"])
    url = reverse("orgs:group-edit", args=[names["group"].pk])
    units = [world.units["CTH"].pk, world.units["CTC"].pk]
    assert office.post(url, {"mode": "list", "units": units}).status_code == 302
    assert {u.code for u in UnitGroup.objects.get(pk=names["group"].pk).units.all()} == {
        "CTH",
        "CTC",
    }
    office.post(reverse("orgs:group-delete", args=[names["group"].pk]))
    assert not UnitGroup.objects.filter(pk=names["group"].pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"alias": "VP", "unit": HUGE}, "unit"),
        ({"alias": "VP", "unit": ""}, "unit"),
        ({"alias": "VP", "unit": "-1"}, "unit"),
        ({"alias": "VP", "unit": "abc"}, "unit"),
        ({"alias": "VP", "unit": "sibling"}, "unit"),  # a unit of another branch
        ({"alias": "", "unit": "VP"}, "alias"),
        ({"alias": "x" * 256, "unit": "VP"}, "alias"),
        ({"alias": "   ", "unit": "VP"}, "alias"),
    ],
)
def test_hostile_alias_values_are_field_errors(client, world, names, sibling, data, field):
    values = dict(data)
    values["unit"] = {"VP": world.units["VP"].pk, "sibling": sibling["vp"].pk}.get(
        values["unit"], values["unit"]
    )
    office = logged_in(client, world.users["office"])
    response = office.post(reverse("orgs:alias-edit", args=[names["alias"].pk]), values)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert UnitAlias.objects.get(pk=names["alias"].pk).alias == "VP TCCT"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mode": "list", "units": [HUGE]}, "units"),
        ({"mode": "list", "units": ["abc"]}, "units"),
        ({"mode": "list", "units": []}, "units"),
        ({"mode": "list", "units": ["TCCT"]}, "units"),  # the owner itself is not below it
        ({"mode": "bogus"}, "mode"),
        ({}, "mode"),
    ],
)
def test_hostile_group_values_are_field_errors(client, world, names, data, field):
    values = dict(data)
    values["units"] = [
        world.units["TCCT"].pk if pk == "TCCT" else pk for pk in values.get("units", [])
    ]
    office = logged_in(client, world.users["office"])
    response = office.post(reverse("orgs:group-edit", args=[names["group"].pk]), values)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert names["group"].units.count() == 1


def test_ids_beyond_the_database_range_answer_not_found(client, world):
    office = logged_in(client, world.users["office"])
    for kind in ("aliases", "groups"):
        assert office.get(f"/units/{kind}/{HUGE}/").status_code == 404
        assert office.post(f"/units/{kind}/{HUGE}/delete/").status_code == 404


# --- adding names on the page -------------------------------------------------------------


def test_the_office_adds_an_alias_and_a_group_on_the_page(client, world, names):
    office = logged_in(client, world.users["office"])
    page = office.get(reverse("orgs:unit-names")).content.decode()
    assert reverse("orgs:alias-create") in page and reverse("orgs:group-create") in page
    form = office.get(reverse("orgs:alias-create")).content.decode()
    assert "Cục Tuyên huấn (CTH)" in form and "Văn phòng Tổng cục Hậu cần" not in form
    tcct = world.units["TCCT"]
    response = office.post(
        reverse("orgs:alias-create"),
        {"owner": tcct.pk, "alias": "  Cục  Tuyên huấn TCCT ", "unit": world.units["CTH"].pk},
    )
    assert response.status_code == 302 and response["Location"] == reverse("orgs:unit-names")
    record = UnitAlias.objects.get(owner=tcct, alias="Cục Tuyên huấn TCCT")
    assert record.unit == world.units["CTH"]
    assert AuditEvent.objects.filter(action="unit_alias.create", object_id=str(record.pk)).exists()
    units = [world.units["CTH"].pk, world.units["CTC"].pk]
    data = {"owner": tcct.pk, "words": "Hai cục", "mode": "list", "units": units}
    assert office.post(reverse("orgs:group-create"), data).status_code == 302
    group = UnitGroup.objects.get(owner=tcct, words="Hai cục")
    assert {u.code for u in group.units.all()} == {"CTH", "CTC"}


def test_adding_words_already_defined_is_refused_not_redefined(client, world, names):
    office = logged_in(client, world.users["office"])
    data = {"owner": world.units["TCCT"].pk, "words": "các CỤC", "mode": "below"}
    response = office.post(reverse("orgs:group-create"), data)
    assert response.status_code == 200
    assert "đã có" in response.context["form"].errors["words"][0]
    assert UnitGroup.objects.get(pk=names["group"].pk).mode == UnitGroupMode.LIST


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"alias": "VP mới", "unit": "VP", "owner": "sibling"}, "owner"),
        ({"alias": "VP mới", "unit": "VP", "owner": HUGE}, "owner"),
        ({"alias": "VP mới", "unit": "VP", "owner": "x"}, "owner"),
        ({"alias": "VP mới", "unit": "sibling"}, "unit"),
        ({"alias": "VP mới", "unit": HUGE}, "unit"),
        ({"alias": "VP mới"}, "unit"),
        ({"alias": "VP TCCT", "unit": "CTH"}, "alias"),  # names another unit already
        ({"alias": "x" * 256, "unit": "VP"}, "alias"),
        ({"alias": "\x00", "unit": "VP"}, "alias"),
        ({"unit": "VP"}, "alias"),
    ],
)
def test_hostile_new_alias_values_are_field_errors(client, world, names, sibling, data, field):
    ids = {"VP": world.units["VP"].pk, "CTH": world.units["CTH"].pk, "sibling": sibling["vp"].pk}
    values = {"owner": world.units["TCCT"].pk}
    values.update({k: ids.get(v, v) for k, v in data.items()})
    if values["owner"] == "sibling":
        values["owner"] = sibling["unit"].pk
    office = logged_in(client, world.users["office"])
    aliases = UnitAlias.objects.count()
    response = office.post(reverse("orgs:alias-create"), values)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert UnitAlias.objects.count() == aliases


@pytest.mark.parametrize(
    "data",
    [
        {"words": "", "mode": "below"},
        {"words": "x" * 10000, "mode": "below"},
        {"words": "Nhóm", "mode": "list", "units": [HUGE]},
        {"words": "Nhóm", "mode": "list"},
        {"words": "Nhóm", "mode": "bogus"},
    ],
)
def test_hostile_new_group_values_are_field_errors(client, world, names, data):
    office = logged_in(client, world.users["office"])
    groups = UnitGroup.objects.count()
    values = {"owner": world.units["TCCT"].pk, **data}
    response = office.post(reverse("orgs:group-create"), values)
    assert response.status_code == 200 and response.context["form"].errors
    assert UnitGroup.objects.count() == groups


def test_only_an_office_adds_names(client, world):
    focal = logged_in(client, world.users["focal_a"])
    for name in ("orgs:alias-create", "orgs:group-create"):
        assert focal.get(reverse(name)).status_code == 403
        assert focal.post(reverse(name), {"alias": "X", "words": "X"}).status_code == 403


def test_the_owner_is_no_box_for_an_office_of_one_unit(client, world):
    office = logged_in(client, world.users["office"])
    page = office.get(reverse("orgs:alias-create")).content.decode()
    assert f'type="hidden" name="owner" value="{world.units["TCCT"].pk}"' in page
    assert "Trong kế hoạch của <span" not in page and 'for="id_owner"' not in page
    refused = office.post(reverse("orgs:alias-create"), {"alias": "X", "unit": ""}).content
    assert "Trong kế hoạch của: " in refused.decode()  # a missing owner is said, not hidden
