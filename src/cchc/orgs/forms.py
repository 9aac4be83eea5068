from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.fields import max_length
from cchc.lib.forms import ModelChoicesField, bootstrap

from . import selectors
from .models import Unit, UnitAlias, UnitGroup, UnitGroupMode

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _unit_text(name: str, label: str | StrPromise, help_text: str | StrPromise) -> forms.CharField:
    """An optional text as long as the unit's field `name` allows."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length(Unit, name),
        help_text=help_text,
    )


class UnitDocumentsForm(forms.Form):
    """What a unit's documents carry; the service checks and normalises the values."""

    symbol = _unit_text(
        "symbol",
        _("Chữ viết tắt tên cơ quan (trong số, ký hiệu)"),
        _("Ví dụ: CT trong “25/KH-CT”. Dùng như nhau cho dự thảo và kế hoạch ban hành."),
    )
    signer_authority = _unit_text(
        "signer_authority",
        _("Quyền hạn ký"),
        _("Ví dụ: KT. CHỦ NHIỆM, TL. CHỦ NHIỆM; để trống nếu Thủ trưởng ký."),
    )
    signer_title = _unit_text(
        "signer_title",
        _("Chức vụ người ký"),
        _("Ví dụ: PHÓ CHỦ NHIỆM; để trống thì in “THỦ TRƯỞNG”."),
    )
    signer_name = _unit_text(
        "signer_name",
        _("Cấp bậc, họ tên người ký"),
        _("Ví dụ: Thiếu tướng Nguyễn Văn A; để trống thì ký tên bằng tay."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["symbol"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false"}
        )

    def mark_errors(self) -> None:
        """Outline the fields that have an error, and tell screen readers so."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    @classmethod
    def initial_for(cls, unit: Unit) -> dict:
        return {
            "symbol": unit.symbol,
            "signer_authority": unit.signer_authority,
            "signer_title": unit.signer_title,
            "signer_name": unit.signer_name,
        }


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class AliasEditForm(forms.Form):
    """Another name of a unit, in the plans of the alias's owner."""

    alias = forms.CharField(
        label=_("Tên gọi khác"),
        max_length=max_length(UnitAlias, "alias"),
        help_text=_("Tên như được viết trong kế hoạch, ví dụ: Văn phòng TCCT."),
    )
    unit = forms.ModelChoiceField(label=_("Là đơn vị"), queryset=Unit.objects.none())

    def __init__(self, *args, record: UnitAlias, **kwargs):
        kwargs.setdefault("initial", {"alias": record.alias, "unit": record.unit_id})
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])  # declared above
        unit.queryset = selectors.branch_units(record.owner)
        unit.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]
        bootstrap(self)


class GroupEditForm(forms.Form):
    """What a group's words stand for: every unit below the owner, or the units chosen."""

    mode = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=UnitGroupMode.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    units = ModelChoicesField(
        label=_("Các đơn vị (khi chọn danh sách)"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Giữ Ctrl (hoặc chạm giữ trên điện thoại) để chọn nhiều đơn vị."),
    )

    def __init__(self, *args, group: UnitGroup, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {"mode": group.mode, "units": [u.pk for u in group.units.all()]}
        super().__init__(*args, **kwargs)
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])  # declared above
        units.queryset = selectors.branch_units(group.owner, itself=False)
        units.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]
        units.widget.attrs["size"] = 8
        bootstrap(self)


def _owner_field(form: forms.Form, owners) -> None:
    """Whose plans the new name is for: one of the office's own units; a hidden field when
    the office has one (the usual case)."""
    owner = cast(forms.ModelChoiceField, form.fields["owner"])  # declared by the form
    owner.queryset = Unit.objects.filter(pk__in=[o.pk for o in owners]).order_by("path")
    owner.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]
    if len(owners) == 1:
        owner.widget = forms.HiddenInput()
        form.initial.setdefault("owner", owners[0].pk)


class AliasCreateForm(AliasEditForm):
    """A new alias, recorded on the names page rather than while importing a file."""

    owner = forms.ModelChoiceField(label=_("Trong kế hoạch của"), queryset=Unit.objects.none())
    field_order = ["owner", "alias", "unit"]

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("initial", {})
        super().__init__(*args, record=UnitAlias(owner=owners[0]), **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])  # declared by AliasEditForm
        unit.queryset = selectors.branches_units(owners)
        _owner_field(self, owners)


class GroupCreateForm(GroupEditForm):
    """A new group of units: the words as plans write them, and what they stand for."""

    owner = forms.ModelChoiceField(label=_("Trong kế hoạch của"), queryset=Unit.objects.none())
    words = forms.CharField(
        label=_("Cụm từ"),
        max_length=max_length(UnitGroup, "words"),
        help_text=_("Như được viết trong kế hoạch, ví dụ: Các cơ quan, đơn vị."),
    )
    field_order = ["owner", "words", "mode", "units"]

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("initial", {"mode": UnitGroupMode.BELOW})
        super().__init__(*args, group=UnitGroup(owner=owners[0]), **kwargs)
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])  # declared above
        units.queryset = selectors.branches_units(owners, itself=False)
        _owner_field(self, owners)
