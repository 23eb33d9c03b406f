"""Forms of the data-entry pages. They validate and keep what the user typed; writes happen in schools.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.scoping import editable_counties

from .choices import ReviewState
from .models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from .selectors import school_code_refusal


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a model ValidationError raised by a service onto the form: next to its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def make_read_only(form) -> None:
    for field in form.fields.values():
        field.disabled = True


class SubjectInput(forms.TextInput):
    """Free text with the workbook's subjects suggested (the list is open)."""

    def __init__(self, attrs=None):
        super().__init__({"list": "subject-options", "autocomplete": "off", **(attrs or {})})


# ---------------------------------------------------------------- school


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "county",
            "kind",
            "urban_rural_code",
            "ownership",
            "boarding",
            "urban_quality_reference",
        ]
        widgets = {"code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 10})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        counties = editable_counties(user).order_by("code")
        self.fields["county"].queryset = counties
        self.fields["county"].empty_label = None if counties.count() == 1 else "---------"

    def validate_unique(self):
        """The code's uniqueness with a message that does not reveal another county's school."""
        exclude = self._get_validation_exclusions() | {"code"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)
        code = self.cleaned_data.get("code")
        if code and "code" not in self.errors:
            message = school_code_refusal(user=self.user, code=code, exclude_pk=self.instance.pk)
            if message:
                self.add_error("code", message)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class SchoolYearForm(forms.ModelForm):
    class Meta:
        model = SchoolYear
        fields = [
            "primary_students", "junior_students", "senior_students", "boarders", "staff",
            "teaching_area", "indoor_sports_area", "sports_ground_area", "equipment_value",
            "multimedia_rooms", "computers", "books", "music_rooms", "art_rooms",
        ]  # fmt: skip


class YearPickForm(forms.Form):
    year = forms.IntegerField(label=_("学年"), min_value=1990, max_value=2100)


class FundingForm(forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["public_funds", "public_budget", "training_funds"]


# ---------------------------------------------------------------- row tables (formsets)


def row_key(model) -> tuple[str, ...]:
    """The natural key of a row among the rows of one school (or county) and year."""
    return tuple(f for f in model.natural_key_fields() if f not in ("school", "county", "year"))


class KeyedRowForm(forms.ModelForm):
    """A row whose natural key fields cannot change once saved (the service keys rows by them)."""

    key_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.key_fields:
                self.fields[name].disabled = True


class SchoolClassForm(forms.ModelForm):
    class Meta:
        model = SchoolClass
        fields = ["stage", "grade", "name", "students"]
        widgets = {
            "grade": forms.NumberInput(attrs={"min": 1, "max": 9, "inputmode": "numeric"}),
            "students": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }


class UniqueRowsFormSet(forms.BaseModelFormSet):
    """Rows of one school (or county) and year; `unique_fields` must not repeat among the rows kept."""

    unique_fields: tuple[str, ...] = ()
    duplicate_message = ""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            key = tuple(form.cleaned_data.get(name) for name in self.unique_fields)
            if None in key:
                continue
            if key in seen:
                field = self.unique_fields[-1]
                form.add_error(field, self.duplicate_message.format(value=form.cleaned_data.get(field)))
            seen[key] = form

    def kept_forms(self):
        return [
            f for f in self.forms if f.cleaned_data and not self._should_delete_form(f) and f.has_changed()
        ]

    def deleted_rows(self):
        return [f.instance for f in self.deleted_forms if f.instance.pk]


class ClassFormSetBase(UniqueRowsFormSet):
    unique_fields = row_key(SchoolClass)
    duplicate_message = _("班级名称“{value}”在本学年已有，请改用其他名称")


ClassFormSet = forms.modelformset_factory(
    SchoolClass, form=SchoolClassForm, formset=ClassFormSetBase, extra=1, can_delete=True
)


class AchievementForm(KeyedRowForm):
    key_fields = row_key(Achievement)

    class Meta:
        model = Achievement
        fields = ["stage", "subject", "tested", "mean_score"]
        widgets = {"subject": SubjectInput()}


class AchievementFormSetBase(UniqueRowsFormSet):
    unique_fields = row_key(Achievement)
    duplicate_message = _("该学段的学科“{value}”已填写，同一学段每个学科只填一行")


AchievementFormSet = forms.modelformset_factory(
    Achievement, form=AchievementForm, formset=AchievementFormSetBase, extra=1, can_delete=True
)


# ---------------------------------------------------------------- county inputs


class CountyYearForm(forms.ModelForm):
    class Meta:
        model = CountyYear
        fields = [
            "teacher_pay", "civil_servant_pay", "junior_retention", "disabled_enrolment", "urban_nearby",
            "town_nearby", "quota_allocation", "migrant_public", "recognition",
        ]  # fmt: skip


class MonitoringForm(KeyedRowForm):
    key_fields = row_key(Monitoring)

    class Meta:
        model = Monitoring
        fields = ["stage", "subject", "level", "difference_rate"]
        widgets = {"subject": SubjectInput()}


class MonitoringFormSetBase(UniqueRowsFormSet):
    unique_fields = row_key(Monitoring)
    duplicate_message = _("该学段的学科“{value}”已填写，同一学段每个学科只填一行")


MonitoringFormSet = forms.modelformset_factory(
    Monitoring, form=MonitoringForm, formset=MonitoringFormSetBase, extra=1, can_delete=True
)


MET_CHOICES = [("yes", _("已达到")), ("no", _("未达到")), ("", _("未申报"))]
MET_VALUES = {"yes": True, "no": False, "": None}


class DeclarationForm(forms.Form):
    """A qualitative item declared by the county's clerk: met or not, a note and the evidence file (checked by its
    content in the service; the file input is the only thing a browser cannot keep after an error)."""

    met = forms.ChoiceField(
        label=_("申报结果"), choices=MET_CHOICES, required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片、Office 文档或 zip 压缩包；按文件内容判断类型。不选文件则保留已上传的材料。"),
    )

    def values(self) -> dict:
        return {
            "met": MET_VALUES[self.cleaned_data["met"]],
            "note": self.cleaned_data["note"],
            "evidence": self.cleaned_data["evidence"] or None,
        }


class DeclarationReviewForm(forms.Form):
    review_state = forms.ChoiceField(
        label=_("审核结果"), choices=ReviewState.choices, widget=forms.RadioSelect
    )
    review_comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
