from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        help_text=_("6 chữ số trên ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class MemberPasswordForm(SetPasswordForm):
    """The office types the new password twice; Django's validators check it."""


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm người dùng"), max_length=100, required=False)
