from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.lib.forms import bootstrap

from .services import MAX_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên"),
        max_length=100,
        help_text=_("Dùng để làm gì, ví dụ: hệ thống báo cáo của Cục Tuyên huấn."),
        error_messages={
            "required": _("Hãy đặt tên cho mã truy cập."),
            "max_length": _("Tên dài tối đa %(limit_value)d ký tự."),
        },
    )
    days = forms.IntegerField(
        label=_("Thời hạn (ngày)"),
        initial=90,
        min_value=1,
        max_value=MAX_DAYS,
        error_messages={
            "required": _("Hãy nhập thời hạn, tính bằng ngày."),
            "invalid": _("Thời hạn là một số nguyên từ 1 đến %(max)d ngày.") % {"max": MAX_DAYS},
            "min_value": _("Thời hạn phải từ 1 đến %(max)d ngày.") % {"max": MAX_DAYS},
            "max_value": _("Thời hạn phải từ 1 đến %(max)d ngày.") % {"max": MAX_DAYS},
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
