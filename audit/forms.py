"""The filters of the audit pages and API: a county (or a region above it), a school, an import batch, a user.
A county or school outside the viewer's scope reads exactly like one that does not exist."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from core.scoping import scope
from schools.models import School

from .selectors import county_ids_under

OUT_OF_SCOPE = _("不在您可查看的范围内，或不存在")
NUL = {"null_characters_not_allowed": _("含有空字符（NUL），请删除后重试")}


class AuditFilterForm(forms.Form):
    county = forms.CharField(
        label=_("行政区划代码"),
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字"))],
        error_messages=NUL,
    )
    school = forms.CharField(
        label=_("学校标识码"),
        required=False,
        max_length=10,
        validators=[RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字"))],
        error_messages=NUL,
    )
    batch = forms.IntegerField(label=_("导入批次"), required=False, min_value=1, max_value=2_147_483_647)
    user = forms.CharField(label=_("用户名"), required=False, max_length=150, error_messages=NUL)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        for f in self.fields.values():
            f.validators.append(ProhibitNullCharactersValidator())

    def clean_county(self):
        code = self.cleaned_data.get("county")
        if not code:
            return None
        ids = county_ids_under(self.viewer, code)
        if ids is None:
            raise forms.ValidationError(OUT_OF_SCOPE)
        return ids

    def clean_school(self):
        code = self.cleaned_data.get("school")
        if not code:
            return None
        school = scope(School.objects.all(), self.viewer).filter(code=code).first()
        if school is None:
            raise forms.ValidationError(OUT_OF_SCOPE)
        return school

    def selector_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "counties": data.get("county"),
            "school": data.get("school"),
            "batch": data.get("batch"),
            "username": data.get("user") or None,
        }
