"""Project form: every choice list is scoped to what the user may see or change."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.scoping import editable_counties, visible_counties
from schools.models import School

from . import selectors
from .models import ProgrammeBox, ProgressReport, Project, Task
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    """A real date picker: the browser's own, sent as YYYY-MM-DD whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ProgressReportForm(forms.ModelForm):
    """A progress report: date, what was done, status and percent (kept consistent by the service), files."""

    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_(
            "可多选：PDF、图片、Office 文档或 zip 压缩包，按文件内容检查类型；单个文件不超过 %(mb)s MB。"
        ),
    )

    class Meta:
        model = ProgressReport
        fields = ["date", "status", "progress", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024)
        }
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})


class ProjectForm(forms.ModelForm):
    plan = forms.ModelChoiceField(label=_("规划"), queryset=None)

    class Meta:
        model = Project
        fields = ["plan", *EDITABLE_FIELDS]
        widgets = {
            "deadline": DateInput(),
            "indicator_code": forms.HiddenInput(),  # a code, never shown: the page names the indicator
            "result_year": forms.HiddenInput(),
            "content_standard": forms.Textarea(attrs={"rows": 3}),
            "evidence_note": forms.Textarea(attrs={"rows": 3}),
            "shortfall": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        plans = selectors.plan_list(user=user)
        self.fields["plan"].queryset = plans
        if self.instance.pk:
            self.fields["plan"].disabled = True
            plan = self.instance.plan
        if plan is not None:
            self.fields["plan"].initial = plan.pk
            self.fields["task"].queryset = Task.objects.filter(plan=plan)
            self.fields["box"].queryset = ProgrammeBox.objects.filter(plan=plan)
        else:
            self.fields["task"].queryset = Task.objects.filter(plan__in=plans).select_related("plan")
            self.fields["box"].queryset = ProgrammeBox.objects.filter(plan__in=plans)
        counties = visible_counties(user) if user.is_admin else editable_counties(user)
        if user.is_admin:
            self.fields["county"].queryset = counties
        else:
            del self.fields["county"]
        self.fields["school"].queryset = School.objects.filter(county__in=counties).order_by("code")

    def clean(self):
        cleaned = super().clean()
        task, box, plan = cleaned.get("task"), cleaned.get("box"), cleaned.get("plan")
        if plan is not None and task is not None and task.plan_id != plan.pk:
            self.add_error("task", _("所选任务不属于该规划"))
        if plan is not None and box is not None and box.plan_id != plan.pk:
            self.add_error("box", _("所选专栏不属于该规划"))
        return cleaned

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "plan"}
        return data
