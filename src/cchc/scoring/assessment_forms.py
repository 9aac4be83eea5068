"""The assessment pages' forms. Each carries the assessment's version the page was drawn
from, so a write over someone else's newer one is refused and the input kept; a points
error names its criterion."""

import re
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


CELL = re.compile(r"(?:points|drawn)_(\d+)")


def _points_read(text: str) -> tuple[Decimal | None, bool]:
    """A box's points (“2,5” or “2.5”; empty: none), and whether they read as points."""
    text = (text or "").strip()
    if not text:
        return None, True
    value = tree.parse_points(text[:50])
    return value, value is not None


class SurveyPointsForm(forms.Form):
    """The survey page's one form: per survey criterion of each unit a box
    `points_<score id>` and, hidden, the points the page showed (`drawn_<score id>`), so a
    cell someone else changed meanwhile is not overwritten unseen. A finalised unit's cells
    have no box; sent anyway, they go to the service, which refuses a change. A box missing
    from what is sent is refused, never read as emptied."""

    def __init__(self, data=None, *, table):
        super().__init__(data)
        self.cells = {c.score.pk: (row.assessment, c) for row in table.rows for c in row.cells if c}
        for pk, (assessment, cell) in self.cells.items():
            box = forms.CharField(
                label=_("Điểm điều tra: %(unit)s, tiêu chí %(code)s")
                % {"unit": assessment.unit.name, "code": cell.criterion.code},
                required=False,
                initial=points_text(cell.points),
            )
            box.widget.attrs.update(
                {
                    "class": "form-control form-control-sm survey-box",
                    "inputmode": "decimal",
                    "autocomplete": "off",
                }
            )
            self.fields[f"points_{pk}"] = box
            if cell.editable:
                self.fields[f"drawn_{pk}"] = forms.CharField(
                    required=False, widget=forms.HiddenInput, initial=points_text(cell.points)
                )
        self.points: dict[int, Decimal | None] = {}
        self.drawn: dict[int, Decimal | None] = {}

    def redraw(self, table) -> None:
        """After a stale refusal, the points the page shows now (`table`, read again) as the
        drawn ones: the typed boxes stay and, sent again, go over what is now shown."""
        data = dict(self.data.items())
        for cell in table.cells:
            if cell.editable:
                data[f"drawn_{cell.score.pk}"] = points_text(cell.points)
        self.data = data

    def _where(self, pk: int) -> dict[str, str]:
        assessment, cell = self.cells[pk]
        return {
            "unit": assessment.unit.name,
            "code": cell.criterion.code,
            "max": points_text(cell.criterion.max_points),
        }

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        ids = {str(pk) for pk in self.cells}
        strays = [k for k in self.data if (m := CELL.fullmatch(k)) and m[1] not in ids]
        if strays:
            # Of another set, or not a survey criterion's: nothing of it is named here.
            raise forms.ValidationError(
                _("Có ô điểm không thuộc bảng này: hãy tải lại trang rồi nhập lại."),
                code="stray",
            )
        for pk, (_assessment, cell) in self.cells.items():
            name, drawn_name = f"points_{pk}", f"drawn_{pk}"
            drawn, drawn_ok = _points_read(self.data.get(drawn_name, ""))
            drawn_ok = drawn_ok and drawn_name in self.data
            if name not in self.data or (cell.editable and not drawn_ok):
                if cell.editable:
                    self.add_error(
                        name,
                        _("%(unit)s, tiêu chí %(code)s: thiếu ô điểm; hãy tải lại trang.")
                        % self._where(pk),
                    )
                continue  # a finalised unit's cell, not sent: as it stands
            value, ok = _points_read(cleaned.get(name, ""))
            if not ok or (value is not None and value > cell.criterion.max_points):
                self.add_error(
                    name,
                    _("%(unit)s, tiêu chí %(code)s: điểm phải là số từ 0 đến %(max)s (ví dụ 2,5).")
                    % self._where(pk),
                )
                continue
            self.points[pk] = value
            if cell.editable:
                self.drawn[pk] = drawn
        return cleaned

    def mark_errors(self) -> None:
        """The wrong boxes drawn as such, the browser brought to the first of them."""
        wrong = [n for n in self.errors if n in self.fields]
        for name in wrong:
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
        if wrong:
            self.fields[wrong[0]].widget.attrs["autofocus"] = True


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
