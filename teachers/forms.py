"""Teacher roster forms. Messages name the teacher number, never the teacher (names are personal data)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import scope
from schools.forms import SubjectInput
from schools.models import School

from .models import Teacher
from .selectors import teacher_number_refusal

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
