"""Teacher roster forms. Messages name the teacher number, never the teacher (names are personal data)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import scope, visible_counties
from schools.choices import Degree, Stage
from schools.forms import SubjectInput
from schools.models import School

from .models import Teacher
from .selectors import teacher_number_refusal

ANY = [("", _("全部"))]
YES_NO_UNKNOWN = [("unknown", _("未填")), ("true", _("是")), ("false", _("否"))]


class TeacherFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("区县"), queryset=None, required=False, to_field_name="code", empty_label=_("全部区县")
    )
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=None, required=False, to_field_name="code", empty_label=_("全部学校")
    )
    year = forms.IntegerField(label=_("学年"), required=False, min_value=1990, max_value=2100)
    stage = forms.ChoiceField(label=_("任教学段"), choices=ANY + Stage.choices, required=False)
    degree = forms.ChoiceField(label=_("最高学历"), choices=ANY + Degree.choices, required=False)
    full_time = forms.TypedChoiceField(
        label=_("是否专任教师"),
        choices=[("", _("全部")), ("1", _("专任")), ("0", _("非专任"))],
        required=False,
        coerce=lambda value: value == "1",
        empty_value=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_counties(user).order_by("code")
        schools = scope(School.objects.all(), user).order_by("code")
        county_code = self.data.get("county") if self.is_bound else None
        if county_code:
            schools = schools.filter(county__code=county_code)
        self.fields["school"].queryset = schools

    def filters(self) -> dict:
        """The valid filters only: a filter the user may not use (another county) is dropped and flagged."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}


class TeacherForm(forms.ModelForm):
    school = forms.ModelChoiceField(label=_("学校"), queryset=None, to_field_name="code")

    class Meta:
        model = Teacher
        fields = [
            "school", "year", "teacher_id", "name", "gender", "birth_month", "stage", "full_time", "degree",
            "subject", "backbone_level", "title", "certified", "training_hours", "rotation_eligible", "rotated",
        ]  # fmt: skip
        widgets = {
            "birth_month": forms.TextInput(attrs={"placeholder": "1985-09", "inputmode": "numeric"}),
            "subject": SubjectInput(),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = scope(School.objects.select_related("county"), user, for_write=True).order_by("code")
        self.fields["school"].queryset = schools
        for name in ("certified", "rotation_eligible", "rotated"):
            self.fields[name].widget = forms.Select(choices=YES_NO_UNKNOWN)

    def clean(self):
        cleaned = super().clean()
        year, teacher_id = cleaned.get("year"), cleaned.get("teacher_id")
        if year and teacher_id:
            message = teacher_number_refusal(
                user=self.user, year=year, teacher_id=teacher_id, exclude_pk=self.instance.pk
            )
            if message:
                # Added before the model's own constraint check, which then skips the field: one clear message
                # (and one that does not reveal another county's roster).
                self.add_error("teacher_id", message)
        return cleaned

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("school")
        data.pop("year")
        return data
