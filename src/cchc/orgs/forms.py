from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Unit


def _unit_text(name: str, label: str, help_text: str) -> forms.CharField:
    """An optional text as long as the unit's field `name` allows."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=Unit._meta.get_field(name).max_length,
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
