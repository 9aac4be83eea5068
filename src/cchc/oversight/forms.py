from django import forms

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
