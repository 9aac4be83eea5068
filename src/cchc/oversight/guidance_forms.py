from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import ModelChoicesField, bootstrap
from cchc.orgs.models import Unit
from cchc.plans.forms import MultipleFileField, date_field

from . import guidance_selectors as selectors
from .models import GuidanceKind, GuidanceStatus

FILE_HELP = _("PDF, Word, Excel… Mỗi tệp không quá giới hạn dung lượng của hệ thống.")


class GuidanceFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Tìm theo số hoặc trích yếu"))
    kind = forms.ChoiceField(
        required=False, label=_("Loại"), choices=[("", _("Tất cả"))] + GuidanceKind.choices
    )
    status = forms.ChoiceField(
        required=False, label=_("Trạng thái"), choices=[("", _("Tất cả"))] + GuidanceStatus.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class TaskChoices(ModelChoicesField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.plan.year} · {obj.code} {obj.title[:90]}"


class PeriodChoices(ModelChoicesField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.plan.year} · {obj.label}"


class GuidanceForm(forms.Form):
    """A draft's (or a sent guidance's) particulars, its receiving units and its links."""

    kind = forms.ChoiceField(label=_("Loại"), choices=GuidanceKind.choices)
    number = forms.CharField(required=False, max_length=64, label=_("Số, ký hiệu"))
    title = forms.CharField(max_length=500, label=_("Trích yếu"))
    issued_on = date_field(required=False, label=_("Ngày ban hành"))
    effective_on = date_field(required=False, label=_("Ngày hiệu lực"))
    summary = forms.CharField(
        required=False, max_length=10_000, label=_("Tóm tắt"), widget=forms.Textarea({"rows": 3})
    )
    units = ModelChoicesField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị nhận"),
        widget=forms.SelectMultiple({"size": 6}),
    )
    include_below = forms.BooleanField(
        required=False,
        label=_("Gửi cả các đơn vị trực thuộc đơn vị đã chọn"),
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )
    tasks = TaskChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Nhiệm vụ áp dụng"),
        widget=forms.SelectMultiple({"size": 6}),
    )
    periods = PeriodChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Kỳ báo cáo áp dụng"),
        widget=forms.SelectMultiple({"size": 4}),
    )

    def __init__(self, *args, issuing_unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        units, tasks, periods = (
            cast(ModelChoicesField, self.fields[name]) for name in ("units", "tasks", "periods")
        )
        units.queryset = selectors.unit_choices(issuing_unit)
        tasks.queryset = selectors.task_choices(issuing_unit)
        periods.queryset = selectors.period_choices(issuing_unit)
        bootstrap(self)

    def split(self) -> tuple[dict, dict]:
        """The guidance's own values, and its links."""
        data = dict(self.cleaned_data)
        links = {name: data.pop(name) for name in ("units", "tasks", "periods")}
        data["number"] = data["number"].strip()
        return data, links


def initial_of(guidance) -> dict:
    return {
        "kind": guidance.kind,
        "number": guidance.number,
        "title": guidance.title,
        "issued_on": guidance.issued_on,
        "effective_on": guidance.effective_on,
        "summary": guidance.summary,
        "include_below": guidance.include_below,
        "units": list(guidance.units.all()),
        "tasks": list(guidance.tasks.all()),
        "periods": list(guidance.periods.all()),
    }


class GuidanceFileForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm"), help_text=FILE_HELP)
    description = forms.CharField(required=False, max_length=500, label=_("Mô tả"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class GuidanceReviseForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]  # a field, taken off the class
        label=_("Tệp của phiên bản mới"), help_text=FILE_HELP
    )
    effective_on = date_field(required=False, label=_("Ngày hiệu lực"))
    summary = forms.CharField(
        required=False,
        max_length=10_000,
        label=_("Tóm tắt (những gì thay đổi)"),
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
