from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import ModelChoicesField, bootstrap
from cchc.lib.text import person_name
from cchc.orgs.models import Unit
from cchc.plans.forms import MultipleFileField, date_field
from cchc.plans.models import Area

from . import inspection_selectors as selectors
from . import inspection_services as services
from .models import ChecklistResult, FindingSeverity

FILE_HELP = _("Tài liệu kiểm chứng: PDF, Word, Excel, ảnh chụp…")


def _text(label, *, required=True, max_length=10_000, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea({"rows": rows}),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Năm"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class InspectionPlanForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Năm"))
    number = forms.CharField(required=False, max_length=64, label=_("Số, ký hiệu"))
    issued_on = date_field(required=False, label=_("Ngày ban hành"))
    note = _text(_("Ghi chú"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]
        bootstrap(self)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"].strip(),
            "issued_on": data["issued_on"],
            "note": data["note"],
        }


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        indent = "\u00a0\u00a0" * max(obj.path.count("/") - 3, 0)
        return f"{indent}{obj.name}"


class TaskChoices(ModelChoicesField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.title[:90]} ({obj.lead_unit})"


class InspectionForm(forms.Form):
    """The inspected unit, the decision, the dates and the scope."""

    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Đơn vị được kiểm tra"))
    decision_number = forms.CharField(
        required=False,
        max_length=64,
        label=_("Số quyết định kiểm tra"),
        help_text=_("Khi có số quyết định, đơn vị được kiểm tra và đoàn kiểm tra được thông báo."),
    )
    decision_date = date_field(required=False, label=_("Ngày quyết định"))
    starts_on = date_field(required=False, label=_("Ngày bắt đầu"))
    ends_on = date_field(required=False, label=_("Ngày kết thúc"))
    note = _text(_("Nội dung, ghi chú"), required=False)
    areas = ModelChoicesField(
        queryset=Area.objects.order_by("code"),
        required=False,
        label=_("Lĩnh vực kiểm tra"),
        widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
    )
    tasks = TaskChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Nhiệm vụ kiểm tra"),
        help_text=_("Nhiệm vụ đơn vị được kiểm tra chủ trì hoặc phối hợp."),
        widget=forms.SelectMultiple({"size": 8}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = selectors.unit_choices(
            plan.issuing_unit
        )
        cast(ModelChoicesField, self.fields["tasks"]).queryset = selectors.task_choices(
            plan.issuing_unit, plan.year
        )
        bootstrap(self)

    def clean(self):
        data = super().clean()
        unit, tasks = data.get("unit"), data.get("tasks")
        if unit and tasks:
            allowed = set(
                selectors.Task.objects.filter(
                    services.task_q(unit), pk__in=[t.pk for t in tasks]
                ).values_list("pk", flat=True)
            )
            others = [t.code or str(t.pk) for t in tasks if t.pk not in allowed]
            if others:
                self.add_error(
                    "tasks",
                    _("%(unit)s không chủ trì, không phối hợp nhiệm vụ: %(tasks)s.")
                    % {"unit": unit.name, "tasks": ", ".join(others)},
                )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def split(self) -> dict:
        """The service's arguments: the inspection's values, and its scope."""
        data = dict(self.cleaned_data)
        scope = {"areas": data.pop("areas"), "tasks": data.pop("tasks")}
        data["decision_number"] = data["decision_number"].strip()
        return {"values": data, **scope}


def initial_of(inspection) -> dict:
    return {
        "unit": inspection.unit,
        "decision_number": inspection.decision_number,
        "decision_date": inspection.decision_date,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "note": inspection.note,
        "areas": list(inspection.areas.all()),
        "tasks": list(inspection.tasks.all()),
    }


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{person_name(obj)} ({obj.username})"


class MemberForm(forms.Form):
    user = PersonChoice(queryset=Unit.objects.none(), label=_("Thành viên"))
    position = forms.CharField(required=False, max_length=255, label=_("Chức vụ, đơn vị"))
    is_head = forms.BooleanField(
        required=False,
        label=_("Trưởng đoàn"),
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = selectors.member_choices(
            inspection.plan.issuing_unit
        )
        bootstrap(self)


class ChecklistAddForm(forms.Form):
    text = forms.CharField(max_length=1000, label=_("Nội dung kiểm tra thêm"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


RESULTS = [("", _("Chưa kiểm tra"))] + ChecklistResult.choices


class ChecklistForm(forms.Form):
    """Every line of the checklist: its wording, result and note, named by the line's id."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            # A textarea: a task's wording is long and must wrap on a phone.
            self.fields[f"text-{item.pk}"] = forms.CharField(
                max_length=1000,
                label=_("Nội dung kiểm tra"),
                initial=item.text,
                widget=forms.Textarea({"rows": 2}),
            )
            self.fields[f"result-{item.pk}"] = forms.ChoiceField(
                required=False, choices=RESULTS, label=_("Kết quả"), initial=item.result
            )
            self.fields[f"note-{item.pk}"] = forms.CharField(
                required=False,
                max_length=5000,
                label=_("Ghi chú"),
                initial=item.note,
                widget=forms.Textarea({"rows": 1}),
            )
        bootstrap(self)

    def rows(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            i.pk: {
                "text": data[f"text-{i.pk}"],
                "result": data[f"result-{i.pk}"],
                "note": data[f"note-{i.pk}"],
            }
            for i in self.items
        }

    def lines(self) -> list[tuple]:
        """(item, text field, result field, note field) for the template."""
        return [
            (i, self[f"text-{i.pk}"], self[f"result-{i.pk}"], self[f"note-{i.pk}"])
            for i in self.items
        ]


class FindingForm(forms.Form):
    description = _text(_("Nội dung phát hiện"))
    area = forms.ModelChoiceField(
        queryset=Area.objects.order_by("code"), required=False, label=_("Lĩnh vực")
    )
    severity = forms.ChoiceField(choices=FindingSeverity.choices, label=_("Mức độ"))
    recommendation = _text(_("Kiến nghị"))
    deadline = date_field(label=_("Thời hạn khắc phục"))
    responsible_unit = UnitChoice(queryset=Unit.objects.none(), label=_("Đơn vị khắc phục"))

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["responsible_unit"])
        field.queryset = selectors.responsible_choices(inspection)
        self.initial.setdefault("responsible_unit", inspection.unit)
        bootstrap(self)


def finding_initial(finding) -> dict:
    return {name: getattr(finding, name) for name in services.FINDING_FIELDS}


class AnswerForm(forms.Form):
    text = _text(_("Kết quả khắc phục"), rows=4)
    files = MultipleFileField(  # type: ignore[assignment]  # a field, taken off the class
        required=False, label=_("Tài liệu kiểm chứng"), help_text=FILE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ReopenForm(forms.Form):
    reason = _text(_("Lý do mở lại"), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ConcludeForm(forms.Form):
    conclusion = _text(_("Kết luận kiểm tra"), max_length=50_000, rows=6)
    concluded_on = date_field(required=False, label=_("Ngày kết luận"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class RecordsForm(forms.Form):
    """The numbers of the minutes and the notice, and the unit's opinion in the minutes."""

    minutes_number = forms.CharField(
        label=_("Số biên bản"),
        required=False,
        max_length=64,
        help_text=_("Số trong sổ văn bản, ví dụ 12 (in thành 12/BB-…) hoặc 12/BB-CT."),
    )
    notice_number = forms.CharField(
        label=_("Số thông báo kết luận"),
        required=False,
        max_length=64,
        help_text=_("Ví dụ 15 (in thành 15/TB-…) hoặc 15/TB-CT."),
    )
    inspected_opinion = _text(
        _("Ý kiến của đơn vị được kiểm tra"), required=False, max_length=20_000, rows=4
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    @classmethod
    def initial_for(cls, inspection) -> dict:
        return {name: getattr(inspection, name) for name in cls.base_fields}
