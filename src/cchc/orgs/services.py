"""Every write to units, memberships, names of units and what a unit's documents carry:
permission, transaction, audit. `actor=None` is the system itself (demo loader, migrations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.lib.fields import max_length

from .access import access_for
from .models import (
    MAX_UNIT_DEPTH,
    Membership,
    Role,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupMode,
    name_key,
    unit_depth,
    unit_path,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The longest name of a unit, alias or group words (their columns' length).
NAME_LENGTH = 255


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa cơ cấu tổ chức."))


def _set_path(unit: Unit) -> None:
    unit.path = unit_path(unit.parent.path if unit.parent else None, unit.pk)


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    short_name: str = "",
    parent: Unit | None = None,
    order: int = 0,
) -> Unit:
    """Create a unit. `actor=None` is the system itself (demo loader, data migrations)."""
    _require_admin(actor)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mã đơn vị “%(code)s” đã tồn tại.") % {"code": code}})
    if parent is not None and unit_depth(parent.path) >= MAX_UNIT_DEPTH:
        raise ValidationError(
            {
                "parent": _(
                    "Đơn vị cấp trên đã ở cấp %(depth)d, cấp sâu nhất được phép; "
                    "không thể thêm đơn vị dưới nó."
                )
                % {"depth": MAX_UNIT_DEPTH}
            }
        )
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
def membership_grant(*, actor: User | None, user: User, unit: Unit, role: str) -> Membership:
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


# --- names plans use for units (import) -------------------------------------------------


def _require_office(actor: User | None, unit: Unit | None = None) -> None:
    """The office (of `unit`'s branch, when given) records what names mean."""
    if actor is None:
        return
    access = access_for(actor)
    allowed = access.covers(unit.path, Role.OFFICE) if unit else access.has(Role.OFFICE)
    if not allowed:
        raise PermissionDenied(_("Chỉ Văn phòng được khai báo tên gọi và nhóm đơn vị."))


def alias_owner_for(actor: User | None, unit: Unit) -> Unit:
    """Whose alias naming `unit` an office makes when it does not say: its own unit whose
    branch holds `unit` (the widest, when it has several); the system's, the tree's root."""
    root_id = int(unit.path.strip("/").split("/")[0])
    if actor is None or not access_for(actor).paths_for(Role.OFFICE):
        return Unit.objects.get(pk=root_id)
    access = access_for(actor)
    own = [
        (path, pk)
        for path, pk in zip(
            access.paths_for(Role.OFFICE), access.unit_ids[Role.OFFICE], strict=True
        )
        if unit.path.startswith(path)
    ]
    if not own:
        raise PermissionDenied(_("Chỉ Văn phòng được khai báo tên gọi và nhóm đơn vị."))
    return Unit.objects.get(pk=min(own)[1])


def _check_name(text: str, field: str, empty: str) -> tuple[str, str]:
    """The name with its spaces tidied, and its key; refused when empty or too long."""
    text = " ".join(text.split())
    key = name_key(text)
    if not key:
        raise ValidationError({field: empty})
    if len(text) > NAME_LENGTH:
        raise ValidationError({field: _("Không quá %(limit)d ký tự.") % {"limit": NAME_LENGTH}})
    return text, key


def _check_in_branch(owner: Unit, units: Iterable[Unit], field: str) -> None:
    """A name the owner's office records stands only for units of the owner's branch."""
    outside = [u for u in units if not u.path.startswith(owner.path)]
    if outside:
        raise ValidationError(
            {
                field: _(
                    "“%(units)s” không thuộc %(owner)s: chỉ chọn được đơn vị trong phạm vi "
                    "của %(owner)s."
                )
                % {"units": "; ".join(u.name for u in outside), "owner": owner.name}
            }
        )


def _check_alias_target(owner: Unit, unit: Unit) -> None:
    if not unit.is_active:
        raise ValidationError(
            {"unit": _("Đơn vị “%(unit)s” không còn hoạt động.") % {"unit": unit}}
        )
    _check_in_branch(owner, [unit], "unit")


def _same_name(owner: Unit, key: str, alias: str, unit: Unit) -> UnitAlias | None:
    """The owner's alias already spelled this way: the same one when it names `unit`, else
    refused, as one name means one unit."""
    existing = UnitAlias.objects.select_related("unit").filter(owner=owner, folded=key).first()
    if existing is not None and existing.unit_id != unit.pk:
        raise ValidationError(
            {
                "alias": _("Tên “%(alias)s” đã được dùng cho đơn vị “%(unit)s”.")
                % {"alias": alias, "unit": existing.unit.name}
            }
        )
    return existing


@transaction.atomic
def unit_alias_create(
    *, actor: User | None, unit: Unit, alias: str, owner: Unit | None = None
) -> UnitAlias:
    """Record that `alias` names `unit` in the plans of `owner` (by default, the branch of
    the actor's office that holds `unit`)."""
    owner = owner or alias_owner_for(actor, unit)
    _require_office(actor, owner)
    alias, key = _check_name(alias, "alias", _("Tên gọi khác không được để trống."))
    _check_alias_target(owner, unit)
    existing = _same_name(owner, key, alias, unit)
    if existing is not None:
        return existing
    record = UnitAlias.objects.create(owner=owner, unit=unit, alias=alias, folded=key)
    audit_record(
        actor=actor,
        action="unit_alias.create",
        obj=record,
        changes={"owner": [None, owner.code], "unit": [None, unit.code], "alias": [None, alias]},
    )
    return record


@transaction.atomic
def unit_alias_update(
    *, actor: User | None, record: UnitAlias, alias: str, unit: Unit
) -> UnitAlias:
    """Respell an alias, or point it to another unit of its owner's branch."""
    record = UnitAlias.objects.select_for_update().select_related("owner", "unit").get(pk=record.pk)
    _require_office(actor, record.owner)
    alias, key = _check_name(alias, "alias", _("Tên gọi khác không được để trống."))
    _check_alias_target(record.owner, unit)
    existing = _same_name(record.owner, key, alias, unit)
    if existing is not None and existing.pk != record.pk:
        raise ValidationError({"alias": _("Tên “%(alias)s” đã được khai báo.") % {"alias": alias}})
    changes = {
        name: [before, after]
        for name, before, after in (
            ("alias", record.alias, alias),
            ("unit", record.unit.code, unit.code),
        )
        if before != after
    }
    if changes:
        record.alias, record.folded, record.unit = alias, key, unit
        record.save(update_fields=["alias", "folded", "unit"])
        audit_record(actor=actor, action="unit_alias.update", obj=record, changes=changes)
    return record


def _delete_recorded(actor: User | None, obj: models.Model, action: str, values: dict) -> None:
    """Delete a row, its audit event saying what it held."""
    changes = {name: [value, None] for name, value in values.items()}
    audit_record(actor=actor, action=action, obj=obj, changes=changes)
    obj.delete()


@transaction.atomic
def unit_alias_delete(*, actor: User | None, record: UnitAlias) -> None:
    """Forget an alias: the next import of the owner's plans asks about the name again."""
    record = UnitAlias.objects.select_for_update().select_related("owner", "unit").get(pk=record.pk)
    _require_office(actor, record.owner)
    values = {"owner": record.owner.code, "unit": record.unit.code, "alias": record.alias}
    _delete_recorded(actor, record, "unit_alias.delete", values)


@transaction.atomic
def unit_group_define(
    *,
    actor: User | None,
    owner: Unit,
    words: str,
    mode: str,
    units: Iterable[Unit] = (),
    new: bool = False,
) -> UnitGroup:
    """Define (or redefine) what the collective words mean in `owner`'s plans; with `new`,
    words the owner already defined are refused rather than redefined."""
    _require_office(actor, owner)
    words, key = _check_name(words, "words", _("Cụm từ chỉ nhóm đơn vị không được để trống."))
    chosen = sorted({u.pk: u for u in units}.values(), key=lambda u: u.path)
    errors = {}
    if mode not in UnitGroupMode.values:
        errors["mode"] = _("Phạm vi “%(mode)s” không hợp lệ.") % {"mode": mode}
    elif mode == UnitGroupMode.LIST and not chosen:
        errors["units"] = _("Cần chọn ít nhất một đơn vị cho nhóm “%(words)s”.") % {"words": words}
    if errors:
        raise ValidationError(errors)
    if mode == UnitGroupMode.BELOW:
        chosen = []
    _check_in_branch(owner, chosen, "units")
    group = UnitGroup.objects.select_for_update().filter(owner=owner, folded=key).first()
    if new and group is not None:
        raise ValidationError(
            {
                "words": _("Nhóm “%(words)s” đã có: hãy sửa nhóm đó trong danh sách.")
                % {"words": group.words}
            }
        )
    before = None
    if group is None:
        group = UnitGroup.objects.create(owner=owner, words=words, folded=key, mode=mode)
    else:
        before = {
            "words": group.words,
            "mode": group.mode,
            "units": sorted(u.code for u in group.units.all()),
        }
        group.words, group.mode = words, mode
        group.save(update_fields=["words", "mode"])
    group.units.set(chosen)
    after = {"words": words, "mode": mode, "units": sorted(u.code for u in chosen)}
    if before != after:
        audit_record(
            actor=actor,
            action="unit_group.define",
            obj=group,
            changes={
                name: [before[name] if before else None, value]
                for name, value in after.items()
                if before is None or before[name] != value
            }
            | {"owner": [None, owner.code]},
        )
    return group


@transaction.atomic
def unit_group_delete(*, actor: User | None, group: UnitGroup) -> None:
    """Forget what collective words mean: the next import of the owner's plans asks again."""
    group = UnitGroup.objects.select_for_update().select_related("owner").get(pk=group.pk)
    _require_office(actor, group.owner)
    values = {
        "owner": group.owner.code,
        "words": group.words,
        "mode": group.mode,
        "units": sorted(u.code for u in group.units.all()),
    }
    _delete_recorded(actor, group, "unit_group.delete", values)


def unit_group_members(group: UnitGroup) -> list[Unit]:
    """The active units a group stands for, in tree order."""
    if group.mode == UnitGroupMode.BELOW:
        qs = Unit.objects.filter(path__startswith=group.owner.path).exclude(pk=group.owner_id)
    else:
        qs = group.units.all()
    return list(qs.filter(is_active=True).order_by("path"))


# --- what the unit's documents carry: its symbol and its signer --------------------------

# "CT", "VP-BQP", "UBND": capitals (Đ included) and digits, parts joined by hyphens. A
# slash or a space would break the number "25/KH-CT" the symbol is written into.
SYMBOL_RE = re.compile(r"^[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")
DOCUMENT_FIELDS = ["symbol", "signer_authority", "signer_title", "signer_name"]


def can_edit_unit_documents(user: User, unit: Unit) -> bool:
    """The office whose branch holds the unit decides what the unit's documents carry."""
    return access_for(user).covers(unit.path, Role.OFFICE)


@transaction.atomic
def unit_document_settings_update(
    *,
    actor: User | None,
    unit: Unit,
    symbol: str,
    signer_authority: str,
    signer_title: str,
    signer_name: str,
) -> Unit:
    """Set the abbreviation the unit's document numbers carry and who signs its plans.

    The authority ("KT. CHỦ NHIỆM") and the title ("PHÓ CHỦ NHIỆM") are kept as typed; the
    documents print them in capitals, as Decree 30 asks. Records only what changed."""
    if actor is not None and not can_edit_unit_documents(actor, unit):
        raise PermissionDenied(
            _("Chỉ Văn phòng của đơn vị được sửa ký hiệu và người ký văn bản của đơn vị.")
        )
    values = {
        "symbol": "".join(symbol.split()).upper(),
        "signer_authority": " ".join(signer_authority.split()),
        "signer_title": " ".join(signer_title.split()),
        "signer_name": " ".join(signer_name.split()),
    }
    errors = {}
    if values["symbol"] and not SYMBOL_RE.match(values["symbol"]):
        errors["symbol"] = _(
            "Chữ viết tắt chỉ gồm chữ in hoa và chữ số, nối bằng dấu gạch ngang (ví dụ: CT, "
            "VP-BQP); không có dấu “/” hay khoảng trắng."
        )
    # "KT. CHỦ NHIỆM" alone would leave the block without the deputy's position under it.
    if values["signer_authority"] and not values["signer_title"]:
        errors["signer_title"] = _("Ghi chức vụ người ký khi đã ghi quyền hạn ký.")
    if errors:
        raise ValidationError(errors)
    for name in DOCUMENT_FIELDS:
        limit = max_length(Unit, name)
        if len(values[name]) > limit:
            errors[name] = _("Không quá %(limit)s ký tự.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    changes = {
        name: [getattr(unit, name), value]
        for name, value in values.items()
        if getattr(unit, name) != value
    }
    if not changes:
        return unit
    for name, (_old, value) in changes.items():
        setattr(unit, name, value)
    unit.save(update_fields=list(changes))
    audit_record(actor=actor, action="unit.documents", obj=unit, changes=changes)
    return unit
