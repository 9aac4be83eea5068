from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import bootstrap

from .models import Channel, Kind


class NotificationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + Kind.choices
    )
    unread = forms.BooleanField(label=_("Chỉ thông báo chưa đọc"), required=False)

    def values(self) -> tuple[str, bool]:
        """The filters to apply; a value that is not a choice filters nothing."""
        if self.is_valid():
            return self.cleaned_data["kind"], self.cleaned_data["unread"]
        return "", False


class PreferenceForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=current[kind],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        bootstrap(self)
