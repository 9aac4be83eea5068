"""Forms validate input at the boundary; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import ModelChoicesField, bootstrap
from cchc.orgs.models import Unit
from cchc.plans.forms import date_field, id_field
from cchc.plans.models import Area, Plan

from . import consolidation
from .models import NARRATIVE_PARTS, ExportFormat, PeriodKind


def _date(label, required=True, help_text=""):
    # The plans' date field: a day not on the calendar (31/02) is said to be so.
    return date_field(label=label, required=required, help_text=help_text)


class PeriodCreateForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.none())
    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodKind.choices)
    title = forms.CharField(
        label=_("Tên kỳ (báo cáo đột xuất)"),
        required=False,
        max_length=255,
        help_text=_("Ví dụ: sơ kết chuyển đổi số. Để trống với các kỳ định kỳ."),
    )
    starts_on = _date(
        _("Số liệu từ ngày"),
        required=False,
        help_text=_("Để trống để theo quy định: 15/12 năm trước (quý III: 15/6)."),
    )
    ends_on = _date(
        _("Số liệu đến ngày"),
        required=False,
        help_text=_("Để trống: 14/3, 14/6, 14/9 hoặc 14/12 tùy kỳ."),
    )
    due_on = _date(
        _("Hạn gửi báo cáo"),
        required=False,
        help_text=_("Để trống: ngày 20 của tháng cuối kỳ."),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: (
            f"{p.year} · {p.issuing_unit} · {p.document_number or p.title}"
        )
        bootstrap(self)


class PeriodEditForm(forms.Form):
    title = forms.CharField(label=_("Tên kỳ (báo cáo đột xuất)"), required=False, max_length=255)
    starts_on = _date(_("Số liệu từ ngày"))
    ends_on = _date(_("Số liệu đến ngày"))
    due_on = _date(_("Hạn gửi báo cáo"))
    units = ModelChoicesField(
        label=_("Đơn vị phải báo cáo"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )

    def __init__(self, *args, units_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_qs
        bootstrap(self)


def part_name(code: int, part: str) -> str:
    return f"a{code}_{part}"


class UnitReportForm(forms.Form):
    """The narrative per area (results, limitations, causes), proposals and next-period
    tasks, with the version the writer loaded (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    proposals = forms.CharField(
        label=_("Kiến nghị, đề xuất"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_tasks = forms.CharField(
        label=_("Nhiệm vụ trọng tâm kỳ tới"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            for part, label in NARRATIVE_PARTS:
                self.fields[part_name(area.code, part)] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3 if part == "results" else 2}),
                )
        bootstrap(self)

    def narrative(self) -> dict:
        data = self.cleaned_data
        return {
            str(area.code): {
                part: data.get(part_name(area.code, part), "") for part, _l in NARRATIVE_PARTS
            }
            for area in self.areas
        }

    def field_for(self, code: int, part: str):
        return self[part_name(code, part)]

    def content(self) -> dict:
        """What the save and submit services take from the form."""
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "narrative": self.narrative(),
            "proposals": data["proposals"],
            "next_tasks": data["next_tasks"],
        }

    def blocks(self, areas: list, conflict=None) -> list[dict]:
        """Per area block of the page: its fields and, after a stale save, the newer text."""
        return [
            {
                "block": block,
                "fields": [self.field_for(block.area.code, key) for key, _l, _t in block.parts],
                "newer": [
                    (label, conflict.part(block.area.code, key)) for key, label, _t in block.parts
                ]
                if conflict
                else [],
            }
            for block in areas
        ]


def initial_for(report, areas) -> dict:
    """The form's initial values from a stored report (or an empty dict)."""
    if report is None:
        return {"version": 0}
    initial = {
        "version": report.version,
        "proposals": report.proposals,
        "next_tasks": report.next_tasks,
    }
    for area in areas:
        for part, _label in NARRATIVE_PARTS:
            initial[part_name(area.code, part)] = report.part(area.code, part)
    return initial


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Nội dung cần sửa"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Tệp tài liệu kiểm chứng"))
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class NudgeForm(forms.Form):
    unit = id_field()
    message = forms.CharField(required=False, max_length=2000)


NARRATIVE_LABELS = {
    "direction": _("I. Công tác chỉ đạo, điều hành"),
    "strengths": _("III.1. Ưu điểm"),
    "limitations": _("III.2. Hạn chế, tồn tại"),
    "causes": _("III.3. Nguyên nhân"),
    "next_tasks": _("IV. Nhiệm vụ trọng tâm kỳ tới"),
    "proposals": _("V. Kiến nghị, đề xuất"),
}


class ConsolidatedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    document_number = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=64)
    place = forms.CharField(label=_("Địa danh"), max_length=64)
    signer_authority = forms.CharField(
        label=_("Quyền hạn ký"),
        required=False,
        max_length=64,
        help_text=_("Ví dụ: KT. CHỦ NHIỆM, TM. …; để trống nếu Thủ trưởng ký."),
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=255)
    signer_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=255)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = consolidation.narrative_keys()
        names = {f"area_{a.code}": f"II.{a.code}. {a.name}" for a in areas}
        for key in self.keys:
            self.fields[f"n_{key}"] = forms.CharField(
                label=NARRATIVE_LABELS.get(key) or names.get(key, key),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        bootstrap(self)

    def narrative(self) -> dict:
        return {key: self.cleaned_data.get(f"n_{key}", "") for key in self.keys}

    def content(self) -> dict:
        """What consolidated_save takes from the form."""
        data = self.cleaned_data
        names = ("document_number", "place", "signer_authority", "signer_title", "signer_name")
        return {
            "expected_version": data["version"],
            "narrative": self.narrative(),
            **{name: data.get(name, "") for name in (*names, "recipients")},
        }


def consolidated_initial(report) -> dict:
    initial = {
        "version": report.version,
        "document_number": report.document_number,
        "place": report.place,
        "signer_authority": report.signer_authority,
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
        "recipients": report.recipients,
    }
    for key, text in (report.narrative or {}).items():
        initial[f"n_{key}"] = text
    return initial


class ApproveForm(forms.Form):
    document_number = forms.CharField(label=_("Số, ký hiệu"), max_length=64)
    issued_on = _date(_("Ngày ban hành"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ExportFormat.choices)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Tên mẫu"), max_length=255, required=False)
    file = forms.FileField(
        label=_("Tệp mẫu DOCX"),
        help_text=_("Văn bản Word có các ô trống {{...}}; tải mẫu có sẵn để sửa."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        bootstrap(self)
