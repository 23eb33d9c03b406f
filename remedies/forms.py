"""Forms of the planner's pages. Each change form turns its fields into one change's JSON form (`kind` and
fields, as `remedies.changes` reads it); the services check it against the data and say in Chinese where it is
wrong. No form writes anything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.choices import Degree

from .services import TIME_LIMITS

STAGE_CHOICES = [("primary", _("小学")), ("junior", _("初中"))]
DEGREE_CHOICES = list(Degree.choices)
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class YearChoiceField(forms.TypedChoiceField):
    def __init__(self, years: list[int], **kwargs):
        super().__init__(
            label=_("学年"),
            coerce=int,
            choices=[(y, _("%(year)s学年") % {"year": y}) for y in years],
            initial=years[0] if years else None,
            **kwargs,
        )


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)

    def __init__(self, years: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = YearChoiceField(years)


def _school_field(schools: list[tuple[str, str]], label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—")] + [(c, f"{n}（{c}）") for c, n in schools])


class ChangeForm(forms.Form):
    """Base of the change forms: `kind_of` names the form in the POST, `change()` is the change's JSON form."""

    form_name = ""
    title = ""

    def __init__(self, schools: list[tuple[str, str]], *args, **kwargs):
        kwargs.setdefault("prefix", self.form_name)
        super().__init__(*args, **kwargs)
        self.schools = schools
        self.build()

    def build(self) -> None:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def change(self) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError


class FacilityForm(ChangeForm):
    """Area, ground, equipment or multimedia rooms added to a school."""

    form_name = "facility"
    title = _("增加校舍、场地或设备")
    WHAT = [
        ("add_teaching_area", _("教学及辅助用房面积（m²）")),
        ("add_sports_ground", _("运动场地面积（m²）")),
        ("add_equipment", _("教学仪器设备值（元）")),
        ("add_multimedia_rooms", _("网络多媒体教室（间）")),
    ]

    def build(self) -> None:
        self.fields["school"] = _school_field(self.schools, _("学校"))
        self.fields["what"] = forms.ChoiceField(label=_("增加"), choices=self.WHAT)
        self.fields["amount"] = forms.DecimalField(
            label=_("数量"), min_value=0, max_digits=14, decimal_places=2, help_text=_("m²、元或间")
        )

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        if amount is not None and amount <= 0:
            self.add_error("amount", _("数量应大于 0"))
        if cleaned.get("what") == "add_multimedia_rooms" and amount is not None and amount != int(amount):
            self.add_error("amount", _("教室数应为整数"))
        return cleaned

    def change(self) -> dict[str, Any]:
        what, amount = self.cleaned_data["what"], self.cleaned_data["amount"]
        field, value = {
            "add_teaching_area": ("area", float(amount)),
            "add_sports_ground": ("area", float(amount)),
            "add_equipment": ("value", float(amount)),
            "add_multimedia_rooms": ("rooms", int(amount)),
        }[what]
        return {"kind": what, "school": self.cleaned_data["school"], field: value}


class _TeacherFields(ChangeForm):
    def teacher_fields(self) -> None:
        self.fields["stage"] = forms.ChoiceField(label=_("学段"), choices=STAGE_CHOICES)
        self.fields["count"] = forms.IntegerField(label=_("人数"), min_value=1, max_value=10_000, initial=1)
        self.fields["degree"] = forms.ChoiceField(
            label=_("最高学历"), choices=DEGREE_CHOICES, initial="bachelor"
        )
        self.fields["backbone"] = forms.BooleanField(label=_("县级以上骨干教师"), required=False)
        self.fields["subject"] = forms.CharField(
            label=_("任教学科"), max_length=20, required=False, help_text=_("体育、音乐、美术、艺术计入 Q3")
        )

    def teacher(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "stage": data["stage"],
            "count": data["count"],
            "degree": data["degree"],
            "backbone": bool(data["backbone"]),
            "subject": data["subject"].strip(),
        }


class HireForm(_TeacherFields):
    form_name = "hire"
    title = _("聘任教师")

    def build(self) -> None:
        self.fields["school"] = _school_field(self.schools, _("学校"))
        self.teacher_fields()

    def change(self) -> dict[str, Any]:
        return {"kind": "hire_teachers", "school": self.cleaned_data["school"], **self.teacher()}


class MoveTeacherForm(_TeacherFields):
    form_name = "move_teacher"
    title = _("调动教师")

    def build(self) -> None:
        self.fields["from_school"] = _school_field(self.schools, _("调出学校"))
        self.fields["to_school"] = _school_field(self.schools, _("调入学校"))
        self.teacher_fields()

    def change(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": "move_teacher",
            "from_school": data["from_school"],
            "to_school": data["to_school"],
            **self.teacher(),
        }


class MovePupilsForm(ChangeForm):
    form_name = "move_pupils"
    title = _("调整学生")

    def build(self) -> None:
        self.fields["from_school"] = _school_field(self.schools, _("调出学校"))
        self.fields["to_school"] = _school_field(self.schools, _("调入学校"))
        self.fields["stage"] = forms.ChoiceField(label=_("学段"), choices=STAGE_CHOICES)
        self.fields["count"] = forms.IntegerField(label=_("学生数"), min_value=1, max_value=100_000)

    def change(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": "move_pupils", **{k: data[k] for k in ("from_school", "to_school", "stage", "count")}}


class SplitClassForm(ChangeForm):
    """Only an over-limit class can be split: the only classes whose size the engine's inputs know."""

    form_name = "split_class"
    title = _("拆分班级")

    def __init__(self, schools, classes: list[dict[str, Any]], *args, **kwargs):
        self.classes = classes
        super().__init__(schools, *args, **kwargs)

    def build(self) -> None:
        names = dict(self.schools)
        stages = dict(STAGE_CHOICES)
        self.fields["klass"] = forms.ChoiceField(
            label=_("超过标准班额的班级"),
            choices=[("", "—")]
            + [
                (
                    f"{c['school_code']}|{c['stage']}|{c['name']}",
                    f"{names.get(c['school_code'], c['school_code'])} · {stages[c['stage']]} · {c['name']}"
                    f"（{c['students']}）",
                )
                for c in self.classes
            ],
        )
        self.fields["into"] = forms.IntegerField(
            label=_("拆分为几个班"), min_value=2, max_value=10, initial=2
        )

    def change(self) -> dict[str, Any]:
        school, stage, name = self.cleaned_data["klass"].split("|", 2)
        return {
            "kind": "split_class",
            "school": school,
            "stage": stage,
            "class_name": name,
            "into": self.cleaned_data["into"],
        }


CHANGE_FORMS = {
    f.form_name: f for f in (FacilityForm, HireForm, MoveTeacherForm, MovePupilsForm, SplitClassForm)
}


class UploadChangesForm(forms.Form):
    file = forms.FileField(
        label=_("修改清单工作簿"),
        help_text=_("按模板填写的 .xlsx 或 .csv；全部正确才会加入方案"),
        error_messages={"required": _("请选择要上传的文件")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件过大：上限为 5 MB"))
        return uploaded


class ProjectsForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("加入规划"), queryset=None, empty_label=None)

    def __init__(self, plans, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class RunRequestForm(forms.Form):
    time_limit_s = forms.IntegerField(
        label=_("时限（秒）"),
        min_value=TIME_LIMITS[0],
        max_value=TIME_LIMITS[1],
        initial=60,
        help_text=_("到时限时给出目前最优的方案及其与最优解下界的差距"),
    )

    def __init__(self, years: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = YearChoiceField(years)
        self.order_fields(["year", "time_limit_s"])

    def options(self) -> dict[str, Any]:
        return {}


class CheapestRequestForm(RunRequestForm):
    cost_cap = forms.DecimalField(
        label=_("成本上限（元，可不填）"), required=False, min_value=0, max_digits=16, decimal_places=0
    )

    def options(self) -> dict[str, Any]:
        cap = self.cleaned_data.get("cost_cap")
        return {} if cap is None else {"cost_cap": float(cap)}


class RotationRequestForm(RunRequestForm):
    TARGETS = [
        ("", _("按规则设置")),
        ("keep", _("不使任何学校的 Q1–Q3 低于现状（或标准值）、差异系数不扩大")),
        ("reach", _("各校 Q1–Q3 均达到标准值、差异系数不超过上限")),
    ]
    school_targets = forms.ChoiceField(label=_("学校目标"), choices=TARGETS, required=False)
    distances = forms.FileField(
        label=_("学校间距离（可选）"),
        required=False,
        help_text=_(
            "xlsx 或 csv，三列：学校标识码1、学校标识码2、距离（km）；用于最大交流距离或按总距离最短求解"
        ),
    )
    max_distance_km = forms.FloatField(
        label=_("最大交流距离（km，可不填）"),
        required=False,
        min_value=0,
        help_text=_("不填时按规则设置；需同时上传学校间距离"),
    )

    def clean_distances(self):
        uploaded = self.cleaned_data.get("distances")
        if not uploaded:
            return []
        if uploaded.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件过大：上限为 5 MB"))
        from .files import ChangesFileError, parse_distances

        try:
            return parse_distances(uploaded, uploaded.name, uploaded.size)
        except ChangesFileError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("max_distance_km") is not None and not cleaned.get("distances") and not self.errors:
            self.add_error("distances", _("设置最大交流距离时，请上传学校间距离"))
        return cleaned

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {}
        if data.get("school_targets"):
            out["school_targets"] = data["school_targets"]
        if data.get("distances"):
            out["distances"] = data["distances"]
        if data.get("max_distance_km") is not None:
            out["max_distance_km"] = data["max_distance_km"]
        return out
