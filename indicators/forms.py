"""Forms of the rule-set and recompute pages, and the Chinese reading of a rule set's params.

A revision is checked against the CURRENT version's params: the same settings (no unknown, none missing), the
same kind of value for each (number, yes/no, list of codes, …), no negative numbers and shares within their
range. The form only validates; `services.rule_set_revise` writes the new version.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .labels import INDICATOR_LABELS, STAGE_LABELS

# ---------------------------------------------------------------- Chinese names of the settings

PARAM_LABELS = {
    "split_weights": "学段分摊权重",
    "teaching_area_excludes_indoor_sports": "教学及辅助用房面积不含室内体育用房",
    "exclude_teaching_points_below": "在校生少于此数的教学点不纳入计算（空 = 全部纳入）",
    "include_private": "纳入民办学校",
    "thresholds": "资源配置指标标准值",
    "cv_limits": "差异系数上限",
    "composite_cv_limits": "综合差异系数上限",
    "school_min_met": "学校达标需达到的指标项数（共7项）",
    "school_floor": "每项指标达标学校比例下限",
    "music_room_area": "音乐专用教室面积（m²）",
    "art_room_area": "美术专用教室面积（m²）",
    "classes_per_special_room": "每间音乐/美术教室对应的班级数",
    "school_size_limits": "学校规模上限（人）",
    "class_limits": "标准班额（人）",
    "large_class": "大班额（人及以上）",
    "super_large_class": "超大班额（人及以上）",
    "funding_rates": "生均公用经费基准定额",
    "training_hours": "教师5年培训学时",
    "training_share": "完成培训学时的教师比例",
    "rotation_share": "交流轮岗教师比例",
    "rotation_backbone_share": "交流轮岗教师中骨干教师比例",
    "certified_share": "教师持证上岗比例",
    "urban_nearby": "城区就近划片入学比例（%）",
    "town_nearby": "镇区就近划片入学比例（%）",
    "quota_allocation": "优质高中招生名额分配比例（%）",
    "migrant_public": "随迁子女在公办学校或政府购买学位就读比例（%）",
    "junior_retention": "初中三年巩固率（%）",
    "disabled_enrolment": "残疾儿童少年入学率（%）",
    "training_budget_share": "教师培训经费占公用经费比例",
    "monitoring_min_level": "国家质量监测最低等级",
    "difference_rate_limit": "校际差异率上限",
    "recognition": "社会认可度（%）",
    "degree_ratio_target": "城乡本科学历教师比例之比上限",
    "urban_codes": "城镇学校的城乡分类代码",
    "rural_codes": "乡村学校的城乡分类代码",
    "alternative_urban_codes": "备选口径：城镇学校的城乡分类代码",
    "alternative_rural_codes": "备选口径：乡村学校的城乡分类代码",
    "staffing_standard": "编制标准（学生数/教职工）",
    "staff_split": "教职工在学段间的分摊方式",
}
SUB_LABELS = {
    **STAGE_LABELS,
    "senior": "高中",
    "complete_secondary": "完全中学",
    "nine_year": "九年一贯制学校",
    "twelve_year": "十二年一贯制学校",
    "east_provinces": "东部省份（行政区划代码前两位）",
    "schedule": "分年度定额",
    "from_year": "起始年度",
    "east": "东部",
    "central_west": "中西部",
    "boarder_supplement": "寄宿生补助（元/生）",
    "small_school_floor": "不足100人的学校按此人数拨付",
    "special_education": "特殊教育学校生均公用经费（元）",
}
VALUE_LABELS = {"enrolment": "按在校生数"}
SECTIONS = [
    (
        "计算单位",
        [
            "exclude_teaching_points_below",
            "include_private",
            "split_weights",
            "teaching_area_excludes_indoor_sports",
        ],
    ),
    ("资源配置", ["thresholds", "cv_limits", "school_min_met", "school_floor", "composite_cv_limits"]),
    (
        "政府保障程度",
        [
            "music_room_area",
            "art_room_area",
            "classes_per_special_room",
            "school_size_limits",
            "class_limits",
            "large_class",
            "super_large_class",
            "funding_rates",
            "training_hours",
            "training_share",
            "rotation_share",
            "rotation_backbone_share",
            "certified_share",
            "urban_nearby",
            "town_nearby",
            "quota_allocation",
            "migrant_public",
        ],
    ),
    (
        "教育质量与社会认可度",
        [
            "junior_retention",
            "disabled_enrolment",
            "training_budget_share",
            "monitoring_min_level",
            "difference_rate_limit",
            "recognition",
        ],
    ),
    (
        "城乡分组",
        [
            "degree_ratio_target",
            "urban_codes",
            "rural_codes",
            "alternative_urban_codes",
            "alternative_rural_codes",
        ],
    ),
    ("编制", ["staffing_standard", "staff_split"]),
]

# value ranges by top-level setting (numbers are never negative)
FRACTIONS = {
    "cv_limits",
    "composite_cv_limits",
    "school_floor",
    "training_share",
    "rotation_share",
    "rotation_backbone_share",
    "certified_share",
    "training_budget_share",
    "difference_rate_limit",
}
PERCENTS = {
    "urban_nearby",
    "town_nearby",
    "quota_allocation",
    "migrant_public",
    "junior_retention",
    "disabled_enrolment",
    "recognition",
}
MAXIMUM = {"school_min_met": 7, **dict.fromkeys(FRACTIONS, 1), **dict.fromkeys(PERCENTS, 100)}
NULLABLE = {"exclude_teaching_points_below"}
# a setting that may take a word instead of its usual value, and the usual value's shape
ALTERNATIVE_WORDS = {"split_weights": {"enrolment"}, "staff_split": {"enrolment"}}
SHAPES = {"split_weights": {"primary": 1.0, "junior": 1.1, "senior": 1.32}}
# edited as one small JSON box in the form (a dict of weights, or the word "enrolment")
JSON_SETTINGS = {"split_weights"}

Path = tuple[Any, ...]


def path_label(path: Path) -> str:
    parts = []
    for i, key in enumerate(path):
        if isinstance(key, int):
            parts.append(f"第{key + 1}项")
        elif i == 0:
            parts.append(PARAM_LABELS.get(key, key))
        elif key in INDICATOR_LABELS and path[0] == "thresholds":
            parts.append(f"{key} {INDICATOR_LABELS[key]}")
        else:
            parts.append(SUB_LABELS.get(key, key))
    return " · ".join(parts)


def format_value(value: Any) -> str:
    if value is None:
        return "不设"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, list):
        return "、".join(format_value(v) for v in value) if value else "（无）"
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return str(value)


def _is_scalar_list(value) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def flatten(params: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Leaves of the params by path; a list of plain values is one leaf."""
    if isinstance(params, dict):
        out: dict[Path, Any] = {}
        for key, value in params.items():
            out.update(flatten(value, (*prefix, key)))
        return out
    if isinstance(params, list) and not _is_scalar_list(params):
        out = {}
        for i, value in enumerate(params):
            out.update(flatten(value, (*prefix, i)))
        return out
    return {prefix: params}


def describe(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The params as sections of readable rows (label, value) for the detail page."""
    listed = {key for _, keys in SECTIONS for key in keys}
    sections = []
    for title, keys in [*SECTIONS, ("其他", [k for k in params if k not in listed])]:
        rows = []
        for key in keys:
            if key not in params:
                continue
            for path, value in flatten(params[key], (key,)).items():
                rows.append(
                    {"key": ".".join(map(str, path)), "label": path_label(path), "value": format_value(value)}
                )
        if rows:
            sections.append({"title": title, "rows": rows})
    return sections


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The settings that differ between two versions' params: label, old value, new value."""
    a, b = flatten(old), flatten(new)
    rows = []
    for path in [*a, *(p for p in b if p not in a)]:
        if a.get(path, _MISSING) != b.get(path, _MISSING):
            rows.append(
                {
                    "label": path_label(path),
                    "old": format_value(a[path]) if path in a else "（无）",
                    "new": format_value(b[path]) if path in b else "（无）",
                }
            )
    return rows


_MISSING = object()


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_params(current: Any, new: Any, path: Path = ()) -> list[str]:
    """Chinese messages for everything in `new` that does not fit the shape of `current` (keys and kinds of
    values) or the allowed ranges; empty when the revision may be saved."""
    name = f"“{path_label(path)}”" if path else "参数"
    top = path[0] if path else None
    if len(path) == 1 and top in ALTERNATIVE_WORDS:
        if isinstance(new, str) and new in ALTERNATIVE_WORDS[top]:
            return []
        if isinstance(current, str) and top in SHAPES:  # a word now, the usual value again
            current = SHAPES[top]
    if isinstance(current, dict):
        if not isinstance(new, dict):
            return [f"{name}应为一组设置（JSON 对象）"]
        errors = [f"未知参数：{'.'.join(map(str, (*path, k)))}" for k in new if k not in current]
        errors += [f"缺少参数：{path_label((*path, k))}" for k in current if k not in new]
        for key in current:
            if key in new:
                errors += check_params(current[key], new[key], (*path, key))
        return errors
    if isinstance(current, list):
        if not isinstance(new, list):
            return [f"{name}应为列表"]
        if not current:
            return []
        errors = []
        for i, item in enumerate(new):
            errors += check_params(current[0], item, (*path, i))
        return errors
    if new is None:
        return [] if current is None or top in NULLABLE else [f"{name}不能为空"]
    if current is None or _is_number(current):
        if not _is_number(new):
            return [f"{name}应为数字"]
        if new < 0:
            return [f"{name}不能为负数"]
        if top in MAXIMUM and new > MAXIMUM[top]:
            return [f"{name}不能大于 {MAXIMUM[top]}"]
        return []
    if isinstance(current, bool):
        return [] if isinstance(new, bool) else [f"{name}应为 true 或 false（是/否）"]
    if isinstance(current, str):
        if not isinstance(new, str) or not new.strip():
            return [f"{name}应为非空文字"]
        words = ALTERNATIVE_WORDS.get(top)
        if words and new not in words:
            return [f"{name}只能为：{'、'.join(sorted(words))}"]
        return []
    return []


def set_path(params: dict[str, Any], path: Path, value: Any) -> None:
    target = params
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


# ---------------------------------------------------------------- forms

NOTE_FIELD = dict(
    label=_("修订说明"),
    max_length=2000,
    widget=forms.Textarea(attrs={"rows": 2}),
    help_text=_("说明修改了什么、依据哪份文件；会记录在版本历史中。"),
    error_messages={"required": _("请填写修订说明。")},
)
_SPLIT = re.compile(r"[\s,，、;；]+")


def _field_name(path: Path) -> str:
    return "p__" + "__".join(map(str, path))


class RuleSetForm(forms.Form):
    """The settings of a rule set as one field each (numbers, yes/no, code lists); a setting with a nested list
    (the funding schedule) is a small JSON box. Built from the current version's params."""

    mode = forms.CharField(widget=forms.HiddenInput, initial="fields", required=False)

    def __init__(self, params: dict[str, Any], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = params
        self.paths: dict[str, tuple[Path, str]] = {}
        self.sections: list[dict[str, Any]] = []
        listed = {key for _, keys in SECTIONS for key in keys}
        for title, keys in [*SECTIONS, ("其他", [k for k in params if k not in listed])]:
            names = []
            for key in keys:
                if key not in params:
                    continue
                for path, value, kind in self._leaves(params[key], (key,)):
                    name = _field_name(path)
                    self.fields[name] = self._field(path, value, kind)
                    self.paths[name] = (path, kind)
                    names.append(name)
            if names:
                self.sections.append({"title": title, "names": names})
        self.fields["note"] = forms.CharField(**NOTE_FIELD)

    @property
    def bound_sections(self) -> list[dict[str, Any]]:
        return [{"title": s["title"], "fields": [self[n] for n in s["names"]]} for s in self.sections]

    def _leaves(self, value, path):
        if path[0] in JSON_SETTINGS or (isinstance(value, list) and not _is_scalar_list(value)):
            yield path, value, "json"
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from self._leaves(item, (*path, key))
        elif _is_scalar_list(value):
            yield path, value, "list"
        elif isinstance(value, bool):
            yield path, value, "bool"
        elif value is None or _is_number(value):
            yield path, value, "number"
        else:
            yield path, value, "text"

    def _field(self, path: Path, value, kind: str) -> forms.Field:
        label = path_label(path)
        top = path[0]
        if kind == "bool":
            return forms.BooleanField(label=label, required=False, initial=value)
        if kind == "number":
            nullable = value is None or top in NULLABLE
            return forms.FloatField(
                label=label,
                required=not nullable,
                initial=value,
                min_value=0,
                max_value=MAXIMUM.get(top),
                error_messages={
                    "required": f"请填写“{label}”。",
                    "invalid": f"“{label}”应为数字。",
                    "min_value": f"“{label}”不能为负数。",
                    "max_value": f"“{label}”不能大于 {MAXIMUM.get(top)}。",
                },
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
        if kind == "list":
            return forms.CharField(
                label=label,
                required=False,
                initial="、".join(map(str, value)),
                help_text=_("多个代码用顿号、逗号或空格分隔"),
            )
        if kind == "json":
            return forms.CharField(
                label=label,
                initial=json.dumps(value, ensure_ascii=False, indent=1),
                widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
                help_text=_("JSON 格式"),
                error_messages={"required": f"请填写“{label}”。"},
            )
        return forms.CharField(label=label, initial=value, error_messages={"required": f"请填写“{label}”。"})

    def clean(self):
        cleaned = super().clean()
        params = deepcopy(self.current)
        for name, (path, kind) in self.paths.items():
            if name not in cleaned:  # the field's own check failed; its message is already there
                continue
            value = cleaned[name]
            original = self._at(path)
            if (
                kind == "number"
                and value is not None
                and value.is_integer()
                and not isinstance(original, float)
            ):
                value = int(value)
            elif kind == "list":
                value = [v for v in _SPLIT.split(value.strip()) if v]
            elif kind == "json":
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    self.add_error(
                        name, f"“{path_label(path)}”不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列"
                    )
                    continue
                errors = check_params({path[-1]: self._at(path)}, {path[-1]: value}, path[:-1])
                if errors:
                    for error in errors:
                        self.add_error(name, error)
                    continue
            set_path(params, path, value)
        if not self.errors:
            errors = check_params(self.current, params)
            for error in errors:
                self.add_error(None, error)
            if not errors and params == self.current:
                self.add_error(None, _("参数没有任何改动，未保存新版本。"))
        cleaned["params"] = params
        return cleaned

    def _at(self, path: Path):
        value = self.current
        for key in path:
            value = value[key]
        return value


class RuleSetJsonForm(forms.Form):
    """Every setting at once as JSON, checked against the current version's settings and kinds of value."""

    mode = forms.CharField(widget=forms.HiddenInput, initial="json", required=False)
    params = forms.CharField(
        label=_("全部参数（JSON）"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
        error_messages={"required": _("请填写参数。")},
    )

    def __init__(self, current: dict[str, Any], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.fields["params"].initial = json.dumps(current, ensure_ascii=False, indent=2)
        self.fields["note"] = forms.CharField(**NOTE_FIELD)

    def clean_params(self):
        raw = self.cleaned_data["params"]
        try:
            params = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(
                _("参数不是有效的 JSON：第 %(line)s 行第 %(col)s 列附近有误。"),
                params={"line": exc.lineno, "col": exc.colno},
            ) from None
        errors = check_params(self.current, params)
        if errors:
            raise forms.ValidationError(errors)
        if params == self.current:
            raise forms.ValidationError(_("参数没有任何改动，未保存新版本。"))
        return params


class RecomputeAllForm(forms.Form):
    year = forms.TypedChoiceField(label=_("学年"), coerce=int)

    def __init__(self, years: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}学年") for y in years]
        if years:
            self.fields["year"].initial = years[0]


class RecomputeCountyForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, widget=forms.HiddenInput)
