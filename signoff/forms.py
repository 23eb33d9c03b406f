from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REASON_MAX


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回后区县可以重新修改数据；理由会记入审核记录"),
    )
