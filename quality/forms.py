"""The rule form administrators edit in the portal (and in the Django admin): parameters as JSON, checked against
the rule's kind with Chinese messages."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS
from .models import ValidationRule


class RuleForm(forms.ModelForm):
    params = forms.CharField(
        label=_("参数（JSON）"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
        help_text=_('例如 {"min_students": 56, "max_students": 65}；各参数的含义见下表。'),
    )

    class Meta:
        model = ValidationRule
        fields = ["name", "severity", "enabled", "params", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["params"] = json.dumps(self.instance.params or {}, ensure_ascii=False, indent=1)

    def clean_params(self):
        text = self.cleaned_data["params"]
        try:
            raw = json.loads(text)
        except ValueError as error:
            raise ValidationError(_("参数不是有效的 JSON：%(reason)s") % {"reason": error}) from error
        kind = KINDS.get(self.instance.kind)
        if kind is None:
            raise ValidationError(_("未知的检查类型"))
        return kind.clean_params(raw)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1990, max_value=2100, required=False)
    rule = forms.SlugField(required=False)
    severity = forms.ChoiceField(
        choices=[("", "")] + [("error", "error"), ("warning", "warning")], required=False
    )
