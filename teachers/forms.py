"""Teacher roster forms. Messages name the teacher number, never the teacher (names are personal data)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import scope
from schools.forms import SubjectInput
from schools.models import School

from .models import Teacher

YES_NO_UNKNOWN = [("unknown", _("未填")), ("true", _("是")), ("false", _("否"))]


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
        schools = scope(School.objects.select_related("county"), user, for_write=True).order_by("code")
        self.fields["school"].queryset = schools
        for name in ("certified", "rotation_eligible", "rotated"):
            self.fields[name].widget = forms.Select(choices=YES_NO_UNKNOWN)

    def clean(self):
        cleaned = super().clean()
        year, teacher_id = cleaned.get("year"), cleaned.get("teacher_id")
        if year and teacher_id:
            taken = Teacher.objects.filter(year=year, teacher_id=teacher_id)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                # Added before the model's own constraint check, which then skips the field: one clear message.
                self.add_error(
                    "teacher_id",
                    _("教师编号“%(id)s”在%(year)s学年已被使用，同一学年内教师编号不能重复")
                    % {"id": teacher_id, "year": year},
                )
        return cleaned

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("school")
        data.pop("year")
        return data
