from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cchc.audit.services import audit_record

from .models import Membership, Unit


def _require_admin(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống được sửa cơ cấu tổ chức.")


def _set_path(unit: Unit) -> None:
    prefix = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{prefix}{unit.pk}/"


@transaction.atomic
def unit_create(
    *, actor, code: str, name: str, short_name: str = "", parent: Unit | None = None, order=0
) -> Unit:
    """Create a unit. `actor=None` is the system itself (demo loader, data migrations)."""
    _require_admin(actor)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã đơn vị “{code}” đã tồn tại."})
    unit = Unit.objects.create(
        code=code, name=name, short_name=short_name, parent=parent, order=order
    )
    _set_path(unit)
    unit.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"code": [None, code], "name": [None, name], "parent": [None, unit.parent_id]},
    )
    return unit


@transaction.atomic
def membership_grant(*, actor, user, unit: Unit, role: str) -> Membership:
    _require_admin(actor)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            changes={
                "user": [None, user.username],
                "unit": [None, unit.code],
                "role": [None, role],
            },
        )
    return membership
