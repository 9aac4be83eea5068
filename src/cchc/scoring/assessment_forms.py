"""The assessment pages' forms. Each carries the assessment's version the page was drawn
from, so a write over someone else's newer one is refused and the input kept; a points
error names its criterion."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.lib.forms import MAX_ID, ModelChoicesField, bootstrap
from cchc.orgs.models import Unit
from cchc.plans.forms import MultipleFileField

from . import tree
from .assessment_services import REOPEN_TO
from .models import AssessmentStatus, Criterion, Method

INVALID = gettext_lazy("Biểu mẫu không hợp lệ: hãy tải lại trang rồi gửi lại.")
FILE_HELP = gettext_lazy("PDF, Word, Excel, ảnh chụp…; chọn được nhiều tệp.")


def points_text(value: Decimal | None) -> str:
    """2.50 -> “2,5”, as the unit writes it."""
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


def _text(label, *, max_length: int, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea({"rows": rows}),
    )


class VersionForm(forms.Form):
    """An action on the whole assessment, taken on the version the page showed."""

    version = forms.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), INVALID),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class _PointsForm(VersionForm):
    """Points for one criterion, written “2,5” or “2.5”, within 0 and its maximum."""

    points_field = "points"

    def __init__(self, *args, criterion: Criterion, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)
        field = self.fields[self.points_field]
        maximum = points_text(criterion.max_points)
        if criterion.method == Method.YES_NO:
            field.widget = forms.Select(
                choices=[
                    ("", _("— chưa chấm —")),
                    ("0", _("Không đạt (0 điểm)")),
                    (maximum, _("Đạt (%(max)s điểm)") % {"max": maximum}),
                ],
                attrs={"class": "form-select"},
            )
        else:
            field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        field.help_text = _("Từ 0 đến %(max)s điểm.") % {"max": maximum}

    def _points(self) -> Decimal | None:
        text = (self.cleaned_data.get(self.points_field) or "").strip()
        if not text:
            return None
        value = tree.parse_points(text[:50])
        if value is None or value > self.criterion.max_points:
            raise forms.ValidationError(
                _("Điểm của tiêu chí %(code)s phải là số từ 0 đến %(max)s (ví dụ 2,5).")
                % {"code": self.criterion.code, "max": points_text(self.criterion.max_points)}
            )
        return value


class ScoreForm(_PointsForm):
    """The unit's own points, explanation, evidence, or the reason it has none."""

    points_field = "self_points"

    self_points = forms.CharField(label=gettext_lazy("Điểm tự chấm"), required=False)
    explanation = _text(gettext_lazy("Giải thích, số liệu kê khai"), max_length=10000, rows=3)
    files = MultipleFileField(  # type: ignore[assignment]  # a field, taken off the class
        required=False, label=gettext_lazy("Tài liệu kiểm chứng"), help_text=FILE_HELP
    )
    no_evidence_reason = _text(gettext_lazy("Lý do không có tài liệu kiểm chứng"), max_length=4000)

    def clean_self_points(self) -> Decimal | None:
        return self._points()


class AppraisalForm(_PointsForm):
    """The council's points and comment on one criterion."""

    points_field = "appraised_points"

    appraised_points = forms.CharField(label=gettext_lazy("Điểm thẩm định"), required=False)
    comment = _text(gettext_lazy("Ý kiến thẩm định"), max_length=10000)

    def clean_appraised_points(self) -> Decimal | None:
        return self._points()


class SurveyForm(_PointsForm):
    """The office's points of a survey criterion."""

    points = forms.CharField(label=gettext_lazy("Điểm điều tra xã hội học"), required=False)

    def clean_points(self) -> Decimal | None:
        return self._points()


class AppraisalSendForm(VersionForm):
    note = _text(gettext_lazy("Nhận xét chung của hội đồng"), max_length=10000, rows=3)


class AnswerForm(VersionForm):
    """The unit's one answer: a note, and a few words on each criterion the council scored
    otherwise (fields `answer_<score id>`)."""

    note = _text(gettext_lazy("Giải trình chung"), max_length=10000, rows=3)

    def __init__(self, *args, scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        for score in scores:
            field = _text(
                _("Giải trình tiêu chí %(code)s") % {"code": score.criterion.code},
                max_length=10000,
            )
            # Drawn beside its criterion, outside the form, which it names.
            field.widget.attrs["form"] = "answer-form"
            self.fields[f"answer_{score.pk}"] = field
        bootstrap(self)

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("answer_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


REOPEN_LABELS = {
    AssessmentStatus.DRAFT: gettext_lazy("Đơn vị tự chấm lại"),
    AssessmentStatus.SUBMITTED: gettext_lazy("Hội đồng thẩm định lại"),
}


class ReopenForm(VersionForm):
    reason = _text(gettext_lazy("Lý do mở lại"), max_length=4000, required=True)
    to = forms.ChoiceField(
        label=gettext_lazy("Mở lại cho"),
        choices=[(to, REOPEN_LABELS[to]) for to in REOPEN_TO],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=AssessmentStatus.SUBMITTED,
    )


class UnitChoices(ModelChoicesField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OpenForm(forms.Form):
    """The branch's units to open an assessment for."""

    units = UnitChoices(
        queryset=Unit.objects.none(),
        label=gettext_lazy("Đơn vị được đánh giá"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": gettext_lazy("Hãy chọn ít nhất một đơn vị."),
            "invalid_choice": gettext_lazy("Đơn vị đã chọn không có trong danh sách."),
            "invalid_pk_value": gettext_lazy("Đơn vị đã chọn không có trong danh sách."),
        },
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
