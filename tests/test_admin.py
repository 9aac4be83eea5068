"""The admin serves reference data; each change it makes is audited like a service's."""

from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.orgs import services as org_services
from cchc.orgs.models import UnitAlias
from tests.world import make_user


def test_admin_lists_and_removes_an_alias_with_an_audit_event(world, client):
    admin = make_user("root", is_staff=True, is_superuser=True)
    alias = org_services.unit_alias_create(
        actor=world.users["office"], unit=world.units["CTH"], alias="Cục TH cũ"
    )
    client.force_login(admin)
    listing = client.get(reverse("admin:orgs_unitalias_changelist"))
    assert "Cục TH cũ" in listing.content.decode()
    response = client.post(reverse("admin:orgs_unitalias_delete", args=[alias.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not UnitAlias.objects.filter(pk=alias.pk).exists()
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id) == ("unitalias.admin_delete", admin.pk)
    assert event.changes["alias"] == ["Cục TH cũ", None]
    assert verify_chain()[1] is None


def test_admin_renames_a_unit_with_before_and_after(world, client):
    admin = make_user("root", is_staff=True, is_superuser=True)
    unit = world.units["CTC"]
    client.force_login(admin)
    url = reverse("admin:orgs_unit_change", args=[unit.pk])
    form = {
        "name": "Cục Cán bộ (mới)",
        "short_name": unit.short_name,
        "order": 0,
        "is_active": "on",
    }
    assert client.post(url, form).status_code == 302
    event = AuditEvent.objects.latest("id")
    assert event.action == "unit.admin_update"
    assert event.changes == {"name": ["Cục Cán bộ", "Cục Cán bộ (mới)"]}


def test_admin_grants_a_membership_through_the_service(world, client):
    admin = make_user("root", is_staff=True, is_superuser=True)
    person = make_user("new_focal")
    client.force_login(admin)
    form = {"user": person.pk, "unit": world.units["CTC"].pk, "role": "focal"}
    response = client.post(reverse("admin:orgs_membership_add"), form)
    assert response.status_code == 302
    event = AuditEvent.objects.latest("id")
    assert event.action == "membership.grant"
    assert event.changes["role"] == [None, "focal"]
    assert verify_chain()[1] is None
