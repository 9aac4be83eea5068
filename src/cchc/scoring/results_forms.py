"""The office's forms for a set's own settings: its title and note (a draft), and its
cut-off day and classification. The rules that span fields (thresholds descending, the
cut-off within the set's year) are the model's `clean()`, which the service runs; a field
here checks only what it knows alone."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import bootstrap
from cchc.plans.forms import date_field

from . import tree
from .models import CriteriaSet


class PercentField(forms.CharField):
    """A percentage as written in Vietnam (“92,5”) or with a point; 0..100, two decimals."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        number = tree.parse_number(text)
        if (
            number is None
            or not Decimal("0") <= number <= Decimal("100")
            or number != number.quantize(Decimal("0.01"))
        ):
            raise forms.ValidationError(
                _("Nhập số phần trăm từ 0 đến 100, tối đa hai chữ số thập phân (ví dụ 92,5).")
            )
        return number.quantize(Decimal("0.01"))


class _Bootstrap(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class SetSettingsForm(_Bootstrap):
    cut_off = date_field(
        label=_("Ngày chốt số liệu"),
        required=False,
        help_text=_("Để trống: ngày 31/12 của năm."),
    )
    excellent_from = PercentField(label=_("Hoàn thành xuất sắc nhiệm vụ từ (%)"))
    good_from = PercentField(label=_("Hoàn thành tốt nhiệm vụ từ (%)"))
    pass_from = PercentField(label=_("Hoàn thành nhiệm vụ từ (%)"))
    excellent_cap = forms.IntegerField(
        label=_("Tỷ lệ tối đa đơn vị xếp loại xuất sắc (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_(
            "Để trống: không giới hạn. Tối đa phần nguyên của (số đơn vị × tỷ lệ ÷ 100) đơn "
            "vị, theo thứ hạng; nhóm đồng hạng vượt giới hạn cùng xuống loại tốt."
        ),
    )


def settings_initial(criteria_set: CriteriaSet) -> dict:
    return {
        "cut_off": criteria_set.cut_off,
        "excellent_from": tree.points_text(criteria_set.excellent_from),
        "good_from": tree.points_text(criteria_set.good_from),
        "pass_from": tree.points_text(criteria_set.pass_from),
        "excellent_cap": criteria_set.excellent_cap,
    }


class SetEditForm(_Bootstrap):
    title = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=255)
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
