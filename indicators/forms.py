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

from .engine import TABLE
from .presenter import labels as L

# The settings' bounds, words and sections come from the engine table's parameter schema (each item declares
# the settings it reads); their names come from the presenter's labels.


def _params() -> dict[str, Any]:
    return {p.key: p for p in TABLE.params()}


def sections() -> list[tuple[str, list[str]]]:
    """(section title, settings) in the order of the rule-set page."""
    by_section: dict[str, list[str]] = {}
    for param in TABLE.params():
        by_section.setdefault(param.section, []).append(param.key)
    order = list(L.PARAM_SECTIONS)
    return [
        (str(L.PARAM_SECTIONS.get(section, L.PARAM_SECTIONS["other"])), keys)
        for section, keys in sorted(
            by_section.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]


def maximum(top: str) -> float | None:
    param = _params().get(top)
    return None if param is None else param.bound()


def nullable(top: str) -> bool:
    param = _params().get(top)
    return param is not None and param.nullable


def words(top: str) -> frozenset[str]:
    param = _params().get(top)
    return frozenset() if param is None else param.words


def usual_shape(top: str) -> Any:
    """The value a setting that holds a word (split weights: "enrolment") has otherwise: its default."""
    param = _params().get(top)
    if param is None or param.kind != "weights":
        return None
    standard = next(iter(param.defaults))
    return param.default(standard)


def edited_as_json(top: str) -> bool:
    """A small mapping edited as one JSON box (the split weights, or the word "enrolment")."""
    param = _params().get(top)
    return param is not None and param.kind == "weights"


Path = tuple[Any, ...]


def path_label(path: Path) -> str:
    parts = []
    for i, key in enumerate(path):
        if isinstance(key, int):
            parts.append(str(L.NTH % {"n": key + 1}))
        elif i == 0:
            parts.append(str(L.PARAMS.get(key, key)))
        elif key in L.INDICATORS and path[0] == "thresholds":
            parts.append(f"{key} {L.INDICATORS[key]}")
        else:
            parts.append(str(L.PARAM_PARTS.get(key, key)))
    return " · ".join(parts)


def format_value(value: Any) -> str:
    if value is None or value is True or value is False:
        return str(L.PARAM_VALUES[value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, list):
        return "、".join(format_value(v) for v in value) if value else str(L.PARAM_VALUES["empty"])
    if isinstance(value, str):
        return str(L.PARAM_WORDS.get(value, value))
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
    listed = {key for _, keys in sections() for key in keys}
    out = []
    for title, keys in [
        *sections(),
        (str(L.PARAM_SECTIONS["other"]), [k for k in params if k not in listed]),
    ]:
        rows = []
        for key in keys:
            if key not in params:
                continue
            for path, value in flatten(params[key], (key,)).items():
                rows.append(
                    {"key": ".".join(map(str, path)), "label": path_label(path), "value": format_value(value)}
                )
        if rows:
            out.append({"title": title, "rows": rows})
    return out


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
    if len(path) == 1 and words(top):
        if isinstance(new, str) and new in words(top):
            return []
        if isinstance(current, str) and usual_shape(top) is not None:  # a word now, the usual value again
            current = usual_shape(top)
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
        return [] if current is None or nullable(top) else [f"{name}不能为空"]
    if current is None or _is_number(current):
        if not _is_number(new):
            return [f"{name}应为数字"]
        if new < 0:
            return [f"{name}不能为负数"]
        bound = maximum(top)
        if bound is not None and new > bound:
            return [f"{name}不能大于 {bound:g}"]
        return []
    if isinstance(current, bool):
        return [] if isinstance(new, bool) else [f"{name}应为 true 或 false（是/否）"]
    if isinstance(current, str):
        if not isinstance(new, str) or not new.strip():
            return [f"{name}应为非空文字"]
        allowed = words(top)
        if allowed and new not in allowed:
            return [f"{name}只能为：{'、'.join(sorted(allowed))}"]
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
        listed = {key for _, keys in sections() for key in keys}
        for title, keys in [
            *sections(),
            (str(L.PARAM_SECTIONS["other"]), [k for k in params if k not in listed]),
        ]:
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
        if edited_as_json(path[0]) or (isinstance(value, list) and not _is_scalar_list(value)):
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
            bound = maximum(top)
            return forms.FloatField(
                label=label,
                required=not (value is None or nullable(top)),
                initial=value,
                min_value=0,
                max_value=bound,
                error_messages={
                    "required": f"请填写“{label}”。",
                    "invalid": f"“{label}”应为数字。",
                    "min_value": f"“{label}”不能为负数。",
                    "max_value": f"“{label}”不能大于 {bound:g}。" if bound is not None else "",
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
        if words(top) and len(path) == 1:  # one of a few words: a choice, each word in the reader's language
            return forms.ChoiceField(
                label=label,
                initial=value,
                choices=[(w, L.PARAM_WORDS.get(w, w)) for w in sorted(words(top))],
                error_messages={"invalid_choice": f"“{label}”只能为：{'、'.join(sorted(words(top)))}"},
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
