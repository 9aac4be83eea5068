"""Forms validate input at the boundary; the services decide and write."""

import datetime
import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.lib import dates
from cchc.lib.dates import format_day
from cchc.lib.forms import bootstrap

from .models import QualityRating, ReviewState, Task, TaskStatus
from .selectors import OPEN, TaskFilters
from .timeliness import Timeliness

# Dates are typed and shown dd/mm/yyyy whatever the browser's language (a native date
# picker follows the browser's locale); yyyy-mm-dd is accepted too (settings).
DATE_WIDGET = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    format=dates.DAY,
)
# Fixed, not the active language's: an English browser would otherwise read 01/02 as 2 January.
DATE_INPUT_FORMATS = dates.INPUT_FORMATS
DATE_ERRORS = {
    "invalid": _("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/06/2026."),
    "required": _("Hãy nhập ngày."),
}


DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})\s*$")


class VnDateField(forms.DateField):
    """A dd/mm/yyyy date that says which day does not exist (31/02) rather than repeating
    the expected format."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            match = DAY_MONTH_YEAR.match(str(value or ""))
            if match:
                raise forms.ValidationError(
                    _("Ngày %(value)s không có trên lịch.") % {"value": match.group(0).strip()},
                    code="invalid",
                ) from None
            raise


def date_field(**kwargs) -> forms.DateField:
    return VnDateField(
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
        **kwargs,
    )


class AsOfForm(forms.Form):
    """“Số liệu tại ngày”: the date a page's figures are for, today unless the user names
    an earlier day. A bad or future date is reported on the field and today is used."""

    as_of = date_field(required=False, label=_("Số liệu tại ngày"))

    def clean_as_of(self) -> datetime.date | None:
        value = self.cleaned_data.get("as_of")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(
                _("Ngày %(day)s chưa tới: chỉ xem được số liệu đến hôm nay.")
                % {"day": format_day(value)}
            )
        return value

    def as_of_date(self) -> datetime.date:
        self.is_valid()
        return self.cleaned_data.get("as_of") or timezone.localdate()

    def as_of_param(self) -> str:
        """The date to carry in links to other pages: empty when the figures are today's."""
        day = self.as_of_date()
        return "" if day >= timezone.localdate() else format_day(day)


# The largest id a database key holds (a BigAutoField): a larger number names nothing.
MAX_ID = 2**63 - 1


def id_field(**kwargs) -> forms.IntegerField:
    """An optional row id from a query string: out of range is invalid, not a crash."""
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, **kwargs)


# "Chưa hoàn thành" (open) first: what people look for most.
STATUS_FILTER_CHOICES = [(OPEN, _("Chưa hoàn thành (chưa thực hiện, đang thực hiện)"))] + list(
    TaskStatus.choices
)


class TaskFilterForm(AsOfForm):
    """The task list's filters, read from the query string.

    Ids are not checked against the choices shown: the selectors scope every result to
    the user anyway, and a link from the dashboard may name a unit outside the list.
    """

    plan = id_field()
    area = id_field()
    unit = id_field()
    lead_unit = id_field()
    timeliness = forms.ChoiceField(required=False, choices=[("", ""), *Timeliness.labels.items()])
    status = forms.ChoiceField(required=False, choices=[("", ""), *STATUS_FILTER_CHOICES])
    review = forms.ChoiceField(required=False, choices=[("", ""), *ReviewState.choices])
    q = forms.CharField(required=False, max_length=200, strip=True)

    def filters(self, **extra) -> TaskFilters:
        """The valid filters; an invalid value is dropped rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        return TaskFilters(
            plan=data.get("plan"),
            area=data.get("area"),
            unit=data.get("unit"),
            lead_unit=data.get("lead_unit"),
            timeliness=data.get("timeliness") or None,
            status=data.get("status") or None,
            review=data.get("review") or None,
            q=data.get("q") or "",
            **extra,
        )

    def active_count(self) -> int:
        """How many of the form's fields narrow the list, for the folded filters' button."""
        self.is_valid()
        shown = ("q", "plan", "area", "unit", "timeliness", "status", "review", "as_of")
        return sum(1 for name in shown if self.cleaned_data.get(name))


class DashboardForm(AsOfForm):
    plan = id_field()
    unit = id_field()

    def value(self, name: str) -> int | None:
        self.is_valid()
        return self.cleaned_data.get(name)


class IdListField(forms.Field):
    """Several ids sent under one name (checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Danh sách nhiệm vụ không hợp lệ.")) from exc
        if ids and not (ids[0] >= 1 and ids[-1] <= MAX_ID):
            raise forms.ValidationError(_("Danh sách nhiệm vụ không hợp lệ."))
        return ids


class TaskBulkForm(forms.Form):
    SET_LEAD_UNIT = "set_lead_unit"
    SET_DUE = "set_due"
    NUDGE = "nudge"

    ids = IdListField(required=False)
    action = forms.ChoiceField(
        choices=[
            (SET_LEAD_UNIT, _("Đổi cơ quan chủ trì")),
            (SET_DUE, _("Đổi thời hạn")),
            (NUDGE, _("Đôn đốc")),
        ]
    )
    # Its length and emptiness are the nudge service's to judge (one message for both forms).
    message = forms.CharField(required=False, strip=False, label=_("Nội dung đôn đốc"))
    lead_unit = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("Cơ quan chủ trì mới")
    )
    due_date = date_field(required=False, label=_("Hạn mới"))
    due_text = forms.CharField(
        required=False, max_length=255, label=_("Thời gian hoàn thành (như văn bản)")
    )
    next = forms.CharField(required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The units the office may assign; a guessed id outside them is a form error.
        self.fields["lead_unit"].choices = [("", "")] + [(u.pk, u.name) for u in units]

    @staticmethod
    def posted_unit(data) -> int | None:
        """The lead unit's id as sent, if it is one (the view checks it against the scope)."""
        try:
            return id_field().clean(data.get("lead_unit"))
        except forms.ValidationError:
            return None

    def clean(self):
        data = super().clean()
        if not data.get("ids"):
            raise forms.ValidationError(_("Chưa chọn nhiệm vụ nào."))
        if data.get("action") == self.SET_LEAD_UNIT and not data.get("lead_unit"):
            self.add_error("lead_unit", _("Hãy chọn cơ quan chủ trì mới."))
        if data.get("action") == self.SET_DUE and not data.get("due_date"):
            self.add_error("due_date", _("Hãy nhập hạn mới."))
        return data


class UnitSearchForm(forms.Form):
    """The unit already chosen in a unit box, sent beside the words typed (htmx includes it)."""

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field
        self.fields[field] = id_field()

    def chosen(self) -> int | None:
        return self.cleaned_data.get(self.field) if self.is_valid() else None


class UnitNudgeForm(forms.Form):
    """The dashboard's nudge of chosen units; the service checks the units and the message."""

    units = IdListField(required=False)
    message = forms.CharField(required=False, strip=False, label=_("Nội dung đôn đốc"))
    next = forms.CharField(required=False)

    def clean_units(self) -> list[int]:
        if not self.cleaned_data["units"]:
            raise forms.ValidationError(_("Đơn vị: hãy chọn ít nhất một đơn vị."))
        return self.cleaned_data["units"]


class PlanIssueForm(forms.Form):
    document_number = forms.CharField(required=False, max_length=64, label=_("Số, ký hiệu"))
    issued_on = date_field(required=False, label=_("Ngày ban hành"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        self.fields["issued_on"].widget.attrs["class"] += " form-control-sm"

    def full_clean(self) -> None:
        super().full_clean()
        if "issued_on" in self.errors:  # outlined, and said to screen readers
            self.fields["issued_on"].widget.attrs["class"] += " is-invalid"
            self.fields["issued_on"].widget.attrs["aria-invalid"] = "true"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the result is always a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ServiceErrors(forms.Form):
    def add_service_errors(self, error: forms.ValidationError) -> None:
        """Put a service's ValidationError next to the field it names."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                field = name if name in self.fields else None
                for message in messages:
                    self.add_error(field, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class TaskUpdateForm(ServiceErrors):
    """Post a progress entry with evidence files.

    The status and progress fields exist only for users who may move them (the lead unit
    and the office); supporting units add notes and evidence.
    """

    note = forms.CharField(
        required=False,
        label=_("Nội dung cập nhật"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    status = forms.ChoiceField(required=False, label=_("Trạng thái"), choices=TaskStatus.choices)
    progress = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        label=_("Tiến độ (%)"),
        widget=forms.NumberInput(attrs={"step": 5}),
        # Django formats these with %(limit_value)s: a lone "%" would be a 500.
        error_messages={
            "invalid": _("Tiến độ là một số nguyên từ 0 đến 100."),
            "min_value": _("Tiến độ phải từ 0 đến 100%%."),
            "max_value": _("Tiến độ phải từ 0 đến 100%%."),
        },
    )
    deliverable = forms.CharField(
        required=False,
        label=_("Sản phẩm đã có"),
        help_text=_(
            "Bắt buộc khi đánh dấu Hoàn thành: ghi sản phẩm đã có, "
            "ví dụ số, ký hiệu của văn bản đã ban hành."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reported_on = date_field(
        label=_("Ngày báo cáo"),
        help_text=_(
            "Ngày tình hình này là đúng. Có thể ghi bổ sung cho một ngày đã qua; "
            "số liệu tại các ngày sau đó sẽ tính theo cập nhật này."
        ),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field, taken off the class
        required=False,
        label=_("Tài liệu kiểm chứng"),
        help_text=_("Có thể chọn nhiều tệp."),
    )
    effective_on = date_field(
        required=False,
        label=_("Ngày của văn bản"),
        help_text=_("Ngày của văn bản, tài liệu được đính kèm (không phải ngày tải lên)."),
    )
    file_description = forms.CharField(required=False, max_length=500, label=_("Mô tả tài liệu"))
    # New with each empty form: sending the same form twice posts one update.
    submission_key = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Biểu mẫu không hợp lệ: hãy mở lại trang rồi gửi lại.")},
    )

    def __init__(self, *args, task: Task, can_report_progress: bool, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "status": task.status,
                "progress": task.progress,
                "reported_on": today,
                "effective_on": today,
                "submission_key": uuid.uuid4(),
            },
        )
        super().__init__(*args, **kwargs)
        self.task = task
        self.can_report_progress = can_report_progress
        if not can_report_progress:
            del self.fields["status"]
            del self.fields["progress"]
            del self.fields["deliverable"]
        bootstrap(self)

    def clean_reported_on(self) -> datetime.date:
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày báo cáo không được ở tương lai."))
        return value

    def clean(self):
        data = super().clean()
        status = data.get("status")
        marking_done = status == TaskStatus.DONE and self.task.status != TaskStatus.DONE
        if marking_done and not (data.get("deliverable") or "").strip():
            self.add_error("deliverable", _("Khi đánh dấu hoàn thành, cần ghi sản phẩm đã có."))
        if data.get("files") and not data.get("effective_on") and "effective_on" not in self.errors:
            self.add_error("effective_on", _("Hãy nhập ngày của văn bản đính kèm."))
        return data


class ReviewForm(ServiceErrors):
    """What both review forms carry: the done report the office read (a later report makes
    the page stale, and the service refuses it)."""

    report = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            _("Biểu mẫu không hợp lệ: hãy tải lại trang rồi gửi lại."),
        ),
    )

    # Both forms share a page: each names its ids apart (“confirm_report”, “return_report”).
    id_prefix = "review"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        bootstrap(self)


class CompletionConfirmForm(ReviewForm):
    """Xác nhận hoàn thành: the quality of the result and a comment."""

    id_prefix = "confirm"

    rating = forms.ChoiceField(
        label=_("Đánh giá chất lượng"),
        choices=QualityRating.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Hãy chọn đánh giá chất lượng: đạt hoặc chưa đạt yêu cầu."),
            "invalid_choice": _("Hãy chọn đánh giá chất lượng: đạt hoặc chưa đạt yêu cầu."),
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        label=_("Nhận xét"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompletionReturnForm(ReviewForm):
    """Trả lại: the reason the unit reads on its task and in its notification."""

    id_prefix = "return"

    reason = forms.CharField(
        max_length=4000,
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi rõ lý do trả lại để đơn vị biết phải làm gì.")},
    )
