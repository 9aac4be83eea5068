"""The forms of the import journey: the upload, a name resolved to a unit, a group defined,
the area picked for a heading."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.lib.forms import ModelChoicesField, bootstrap
from cchc.orgs.models import Unit, UnitGroupMode

from .. import selectors
from ..models import Area, Plan, PlanStatus
from .files import max_bytes
from .rows import UndecidedHeading
from .selectors import office_units, own_office_unit


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp kế hoạch (.xlsx hoặc .docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.docx"}),
    )
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan ban hành"), queryset=Unit.objects.none()
    )
    title = forms.CharField(
        label=gettext_lazy("Tên kế hoạch"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Để trống để lấy tên từ tệp."),
    )
    parent_plan = forms.ModelChoiceField(
        label=gettext_lazy("Kế hoạch cấp trên"), queryset=Plan.objects.none(), required=False
    )
    update_plan = forms.ModelChoiceField(
        label=gettext_lazy("Cập nhật kế hoạch dự thảo"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Chọn khi tệp là bản sửa của một kế hoạch đang dự thảo: nhiệm vụ được đối chiếu "
            "theo số thứ tự và nội dung, các thay đổi được liệt kê trước khi ghi."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = office_units(user=user)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])  # declared above
        unit.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        unit.label_from_instance = _full_name
        plans = selectors.plan_list(user=user)
        self.fields["parent_plan"].queryset = plans
        self.fields["update_plan"].queryset = plans.filter(
            status=PlanStatus.DRAFT, issuing_unit__in=[u.pk for u in units]
        )
        self.fields["year"].initial = timezone.localdate().year
        own = own_office_unit(user, units)
        unit.initial = own.pk if own is not None else None
        bootstrap(self)

    def full_clean(self) -> None:
        super().full_clean()
        chosen = self.files.get("file")
        if self.errors and chosen and "file" not in self.errors:
            # No browser keeps a file input: the page comes back without it.
            self.add_error(
                "file",
                _("Chọn lại tệp “%(name)s”: trình duyệt không giữ tệp đã chọn khi có lỗi.")
                % {"name": chosen.name},
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(
                _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)d MB.")
                % {"size": upload.size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}
            )
        return upload


def _full_name(unit: Unit) -> str:
    return f"{unit.name} ({unit.short_name})" if unit.short_name else unit.name


class AliasForm(forms.Form):
    name = forms.CharField(max_length=255)
    unit = forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True))


class GroupForm(forms.Form):
    words = forms.CharField(max_length=255)
    mode = forms.ChoiceField(choices=UnitGroupMode.choices)
    units = ModelChoicesField(queryset=Unit.objects.filter(is_active=True), required=False)


class AreaForm(forms.Form):
    """The area of one undecided heading of the file (by its number)."""

    heading = forms.TypedChoiceField(coerce=int)
    area = forms.ModelChoiceField(queryset=Area.objects.all(), to_field_name="code")

    def __init__(self, *args, headings: list[UndecidedHeading], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = {h.number: h for h in headings}
        heading = cast(forms.TypedChoiceField, self.fields["heading"])  # declared above
        heading.choices = [(n, h.text) for n, h in self.headings.items()]

    def message(self) -> str:
        """What is wrong with the choice, naming the heading when it is known."""
        if "heading" in self.errors:
            return _(
                "Không tìm thấy tiêu đề cần chọn lĩnh vực trong tệp đang nhập: tải lại trang "
                "xem trước rồi chọn lại."
            )
        heading = self.headings[self.cleaned_data["heading"]]
        return _("Chọn một trong bảy lĩnh vực cho tiêu đề “%(title)s”.") % {"title": heading.text}
