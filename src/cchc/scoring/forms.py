"""The criteria pages' forms: a field's error names the field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import bootstrap

from . import tree
from .models import Method, RatioSource


def _this_year() -> int:
    return timezone.localdate().year


class PointsField(forms.CharField):
    """Points as written in Vietnam (“2,5”) or with a point; 0..9999,99."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        points = tree.parse_points(text)
        if points is None:
            raise forms.ValidationError(
                _("Điểm tối đa là số từ 0 đến 9999,99, tối đa hai chữ số thập phân (ví dụ 2,5).")
            )
        return points


class _Bootstrap(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class SetForm(_Bootstrap):
    year = forms.IntegerField(label=_("Năm"), initial=_this_year, min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=255)


class ExampleForm(_Bootstrap):
    year = forms.IntegerField(label=_("Năm"), initial=_this_year, min_value=2000, max_value=2100)


class ImportForm(SetForm):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class CriterionForm(_Bootstrap):
    code = forms.CharField(
        label=_("Mã"),
        max_length=20,
        help_text=_("Ví dụ 1, 1.2 hoặc 1.2.3: mã cho biết tiêu chí cha."),
    )
    title = forms.CharField(label=_("Tiêu chí"), max_length=1000)
    max_points = PointsField(label=_("Điểm tối đa"))
    method = forms.ChoiceField(
        label=_("Phương thức chấm"),
        choices=[("", _("— tiêu chí có tiêu chí con —")), *Method.choices],
        required=False,
    )
    ratio_source = forms.ChoiceField(
        label=_("Nguồn số liệu (phương thức tỷ lệ)"),
        choices=[("", "—"), *RatioSource.choices],
        required=False,
    )
    bands = forms.CharField(
        label=_("Thang điểm (phương thức tỷ lệ)"),
        max_length=200,
        required=False,
        help_text=_(
            "Ngưỡng %:hệ số, giảm dần: “100:1; 80:0,5; 0:0” — đạt 100 % được trọn "
            "điểm, từ 80 % được một nửa, dưới đó 0."
        ),
    )
    guidance = forms.CharField(
        label=_("Hướng dẫn chấm"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_required = forms.CharField(
        label=_("Tài liệu kiểm chứng"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().rstrip(".")
        if not tree.CODE.fullmatch(code):
            raise forms.ValidationError(tree.code_message())
        if tree.code_depth(code) > tree.MAX_DEPTH:
            raise forms.ValidationError(tree.depth_message(code))
        return code

    def clean(self):
        data = super().clean()
        if data.get("method") == Method.RATIO:
            if not data.get("ratio_source"):
                self.add_error("ratio_source", _("Tiêu chí tỷ lệ cần nguồn số liệu."))
            problem = tree.bands_problem(data.get("bands", ""))
            if problem:
                self.add_error("bands", problem)
        else:
            if data.get("ratio_source"):
                self.add_error("ratio_source", _("Chỉ dùng cho phương thức tỷ lệ."))
            if data.get("bands"):
                self.add_error("bands", _("Chỉ dùng cho phương thức tỷ lệ."))
        return data


def criterion_initial(criterion) -> dict:
    return {
        "code": criterion.code,
        "title": criterion.title,
        "max_points": tree.points_text(criterion.max_points),
        "method": criterion.method,
        "ratio_source": criterion.ratio_source,
        "bands": criterion.bands,
        "guidance": criterion.guidance,
        "evidence_required": criterion.evidence_required,
    }
