"""A scenario's report beside the actual one: every figure that differs, and the difference in one sentence.

Both reports are read through the presenter (`indicators.presenter.present`), so a figure is compared and shown
exactly as the report page shows it, under the same stable id (`data-figure`). Marks (a school's or an item's
pass, the verdict's parts) count as figures too: a school that passes under the scenario is a changed figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from indicators import presenter
from indicators.presenter.views import Figure, ReportView
from indicators.report.model import Report


@dataclass(frozen=True)
class Shown:
    """One figure of a report as people read it."""

    id: str
    label: str
    value: Any  # raw value (a number, a pass word, a tuple of counts)
    text: str


@dataclass(frozen=True)
class Changed:
    id: str
    label: str
    actual: Any
    scenario: Any
    actual_text: str
    scenario_text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "actual": _jsonable(self.actual),
            "scenario": _jsonable(self.scenario),
            "actual_text": self.actual_text,
            "scenario_text": self.scenario_text,
        }


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _figure(out: dict[str, Shown], figure: Figure | None, label: str) -> None:
    if figure is not None:
        out[figure.id] = Shown(figure.id, label, figure.value, figure.text)


def figures(view: ReportView) -> dict[str, Shown]:
    """Every figure and mark of a presented report, by its id."""
    out: dict[str, Shown] = {}
    out["verdict.overall"] = Shown("verdict.overall", _("总体结论"), view.overall.status, str(view.overall))
    for part in view.parts:
        out[f"verdict.{part.key}"] = Shown(
            f"verdict.{part.key}", part.label, part.mark.status, str(part.mark)
        )
    for stage in view.resource:
        out[f"quality_2017.{stage.key}.schools_passing"] = Shown(
            f"quality_2017.{stage.key}.schools_passing",
            _("%(stage)s达标学校数") % {"stage": stage.label},
            stage.schools_passing,
            str(stage.schools_passing if stage.schools_passing is not None else "—"),
        )
        for row in stage.indicators:
            name = f"{stage.label} {row.code} {row.label}"
            _figure(out, row.mean, _("%(name)s · 均值") % {"name": name})
            _figure(out, row.cv, _("%(name)s · 差异系数") % {"name": name})
        _figure(out, stage.composite_cv, _("%(stage)s综合差异系数") % {"stage": stage.label})
        for school in stage.schools:
            where = f"{school.name} · {stage.label}"
            out[school.id] = Shown(
                school.id, _("%(school)s · 结论") % {"school": where}, school.mark.status, str(school.mark)
            )
            for code, value in zip(stage.codes, school.values, strict=True):
                _figure(out, value, f"{where} · {code}")
            for gap in school.shortfalls:
                out[gap.id] = Shown(
                    gap.id,
                    _("%(where)s · %(code)s 差距") % {"where": where, "code": gap.code},
                    gap.missing,
                    f"{gap.missing_text} {gap.unit}",
                )
    for part in ("government", "quality", "recognition"):
        for item in view.items(part):
            out[item.id] = Shown(
                item.id,
                f"{item.code} {item.label}",
                (item.mark.status, item.value, item.summary),
                str(item.value or item.summary or item.mark),
            )
    for block in view.basic:
        _figure(out, block.composite_cv, _("2012基本均衡 %(stage)s综合差异系数") % {"stage": block.label})
        for row in block.rows:
            _figure(
                out,
                row.cv,
                _("2012基本均衡 %(stage)s %(code)s 差异系数") % {"stage": block.label, "code": row.code},
            )
    for c in view.class_size:
        counts = (c.classes, c.over_limit, c.large, c.super_large, c.max)
        out[c.id] = Shown(
            c.id,
            _("%(stage)s班额") % {"stage": c.label},
            counts,
            _("超标准班额 %(over)s 个，大班额 %(large)s 个，超大班额 %(super)s 个，最大 %(max)s 人")
            % {"over": c.over_limit, "large": c.large, "super": c.super_large, "max": c.max},
        )
    ratio = view.ratio
    ratio_label = str(presenter.labels.INDICATORS["urban_rural_degree_ratio"])
    _figure(out, ratio.ratio, ratio_label)
    for stage in ratio.stages:
        _figure(out, stage.ratio, f"{ratio_label} · {stage.label}")
    _figure(out, ratio.alternative, _("%(label)s（另一口径）") % {"label": ratio_label})
    _figure(out, ratio.needed, _("乡村学校还需增加的本科及以上学历教师"))
    for a in view.achievement:
        _figure(out, a.rate, f"{a.stage_label} {a.subject} · {_('校际差异率')}")
    for s in view.staffing:
        _figure(out, s.student_teacher_ratio, f"{s.label} · {_('生师比')}")
        _figure(out, s.staff_ratio, f"{s.label} · {_('学生与教职工比')}")
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def changed_figures(actual: ReportView, scenario: ReportView) -> list[Changed]:
    """The figures that differ, in the order of the report (a figure only one side has counts as changed)."""
    before, after = figures(actual), figures(scenario)
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and _same(a.value, b.value):
            continue
        shown = b or a
        out.append(
            Changed(
                key,
                shown.label,
                a.value if a else None,
                b.value if b else None,
                a.text if a else "—",
                b.text if b else "—",
            )
        )
    return out


def verdict_sentence(actual: ReportView, scenario: ReportView, changed: list[Changed], limit: int = 3) -> str:
    """ "按此方案，初中 Q2 差异系数 0.512 → 0.431，全县资源配置达标": the CVs, school counts and the degree ratio
    that moved where one side fails, then where the verdict lands."""
    if not changed:
        return _("按此方案，各项结果与现状相同")
    by_id = {c.id: c for c in changed}
    pieces = []
    for before, after in zip(actual.resource, scenario.resource, strict=False):
        for a_row, b_row in zip(before.indicators, after.indicators, strict=False):
            c = by_id.get(a_row.cv.id)
            # a CV that moved below the shown precision ("0.587 → 0.587") says nothing in a sentence
            if c is not None and (a_row.failing or b_row.failing) and c.actual_text != c.scenario_text:
                pieces.append(
                    _("%(stage)s %(code)s 差异系数 %(before)s → %(after)s")
                    % {
                        "stage": before.label,
                        "code": a_row.code,
                        "before": c.actual_text,
                        "after": c.scenario_text,
                    }
                )
    for before, after in zip(actual.resource, scenario.resource, strict=False):
        if before.schools_passing != after.schools_passing and (
            before.failing_schools or after.failing_schools
        ):
            pieces.append(
                _("%(stage)s达标学校 %(before)s → %(after)s 所")
                % {"stage": before.label, "before": before.schools_passing, "after": after.schools_passing}
            )
    c = by_id.get(actual.ratio.ratio.id)
    if (
        c is not None
        and (actual.ratio.failing or scenario.ratio.failing)
        and c.actual_text != c.scenario_text
    ):
        pieces.append(
            _("城乡学历比 %(before)s → %(after)s") % {"before": c.actual_text, "after": c.scenario_text}
        )
    if len(pieces) > limit:
        pieces = [*pieces[:limit], _("等 %(n)s 项变化") % {"n": len(pieces) - limit}]
    if not pieces:
        pieces = [_("%(n)s 项数据变化") % {"n": len(changed)}]
    resource_before = actual.part("resource").mark.status
    resource_after = scenario.part("resource").mark.status
    if scenario.overall.status == "pass":
        verdict = _("全县达到优质均衡标准")
    elif resource_after == "pass":
        verdict = _("全县资源配置达标")
    elif resource_before == "pass":
        verdict = _("资源配置由达标变为未达标")
    else:
        verdict = _("资源配置仍未达标")
    return _("按此方案，%(changes)s，%(verdict)s") % {
        "changes": "，".join(str(p) for p in pieces),
        "verdict": verdict,
    }


def compare(
    actual: Report, scenario: Report, names: dict[str, str]
) -> tuple[ReportView, ReportView, list[Changed], str]:
    """Both reports presented, the figures that differ and the one-sentence difference."""
    a, b = presenter.present(actual, names), presenter.present(scenario, names)
    changed = changed_figures(a, b)
    return a, b, changed, verdict_sentence(a, b, changed)


def page_context(actual: ReportView, scenario: ReportView, changed: list[Changed]) -> dict[str, Any]:
    """What templates/remedies/_compare.html needs besides the two views."""
    ids = {c.id for c in changed}
    rows = set()
    for stage in scenario.resource:
        for school in stage.schools:
            if any(i == school.id or i.startswith(school.id + ".") for i in ids):
                rows.add(school.id)
    return {
        "parts": list(zip(actual.parts, scenario.parts, strict=True)),
        "changed": {c.id: c for c in changed},
        "changed_rows": rows,
    }
