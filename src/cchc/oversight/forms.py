import re

from django import forms
from django.utils.translation import gettext as _

from cchc.lib.forms import bootstrap

from .models import ReminderRules


class ReminderRulesForm(forms.ModelForm):
    class Meta:
        model = ReminderRules
        fields = ["before_due", "overdue_every", "escalate_after", "report_before", "report_after"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        for name in self.Meta.fields[1:]:
            self.fields[name].widget.attrs.update({"min": 0, "max": 365})

    def clean_before_due(self) -> str:
        # The model's pattern alone answers "Nhập giá trị hợp lệ": say what is expected.
        value = self.cleaned_data["before_due"]
        if not re.fullmatch(r"\s*\d{1,3}(\s*,\s*\d{1,3}){0,4}\s*", value or ""):
            raise forms.ValidationError(
                _("Ghi số ngày trước hạn, cách nhau bằng dấu phẩy, tối đa 5 số (ví dụ: 7, 1).")
            )
        return value
