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


def _user_form(user, **changes) -> dict:
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_admin_user_changes_are_audited_without_the_password(world, client):
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    added = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "Mot-Mat-Khau-Dai-2026",
            "password2": "Mot-Mat-Khau-Dai-2026",
        },
    )
    assert added.status_code == 302
    created = AuditEvent.objects.get(action="user.admin_create")
    assert created.changes["username"] == [None, "newcomer"]
    assert "password" not in created.changes

    person = world.users["focal_a"]
    url = reverse("admin:auth_user_change", args=[person.pk])
    form = _user_form(person, is_staff="on", is_superuser="on")
    assert client.post(url, form).status_code == 302
    granted = AuditEvent.objects.get(action="user.admin_update")
    assert granted.changes == {"is_staff": [False, True], "is_superuser": [False, True]}

    password_url = reverse("admin:auth_user_password_change", args=[person.pk])
    new = "Mat-Khau-Moi-Cua-Focal-2026"
    response = client.post(
        password_url, {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.admin_password_set")
    assert (event.actor_id, event.object_id, event.changes) == (admin.pk, str(person.pk), {})
    assert verify_chain()[1] is None
