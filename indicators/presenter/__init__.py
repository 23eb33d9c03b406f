"""The ONE presenter of the county report: what people read, from the typed report model.

- `present(report)` → `ReportView`: labelled, formatted rows for the county report page, the text report
  (`indicators.report_text`) and the report workbook (`workbook.exporters`); the 2017 verdict in four parts,
  each failing item named in one sentence ("初中 Q2 差异系数 0.512 > 0.45"), shortfalls in natural units
  rounded so they can be acted on, no value shown on the wrong side of its limit.
- `explain(report, figure_id)`: "how computed" for any figure of the view (each `Figure` has a stable id).
- `readable(report)`: the human-readable summary the API serves beside the report document.
- `prefill(report, code, school_code)`: the shortfall written into a project drawn up from a failing indicator.
- `verdict_parts`, `school_panel`, `plan_indicator_label`: the same words for the dashboards and plans.

Every word comes from `labels`; numbers are formatted by `numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..report.model import Report
from . import labels
from .explain import Explanation, Line, explain
from .numbers import judged, plain, up, whole
from .views import (
    Figure,
    Mark,
    PartView,
    ReportView,
    code_label,
    indicator_label,
    mark,
    part_mark,
    present,
    shortfall_row,
    status,
)

__all__ = [
    "Explanation",
    "Figure",
    "Line",
    "Mark",
    "PartView",
    "ReportView",
    "code_label",
    "explain",
    "indicator_label",
    "labels",
    "mark",
    "part_mark",
    "plan_indicator_label",
    "prefill",
    "present",
    "readable",
    "school_panel",
    "status",
    "verdict_parts",
]


def verdict_parts(words: Mapping[str, str] | None) -> list[PartView]:
    """The four parts of a stored 2017 verdict (words "pass" / "fail" / "incomplete"), labelled."""
    words = words or {}
    return [PartView(key, str(label), part_mark(words.get(key)), []) for key, label in labels.PARTS.items()]


def plan_indicator_label(code: str) -> str:
    """The name of a figure a plan target or project is bound to (an indicator code or a report figure)."""
    return str(labels.PLAN_INDICATORS.get(code) or indicator_label(code) or code)


def readable(report: Report) -> dict[str, Any]:
    """What the API's readable summary says, in the request's language: the verdict by part with its failing
    items in one sentence each, the overall verdict, and where the figures were computed."""
    view = present(report)
    return {
        "county": {"code": view.county_code, "name": view.county_name},
        "year": view.year,
        "rule_set": view.rule_set,
        "computed_at": report.stamp.computed_at if report.stamp else None,
        "verdict": str(view.overall),
        "status": view.overall.status,
        "parts": [
            {
                "part": p.key,
                "label": p.label,
                "status": p.mark.status,
                "verdict": str(p.mark),
                "failing": p.sentences,
            }
            for p in view.parts
        ],
        "failing": view.failing,
        "degree_ratio": {
            "label": str(labels.INDICATORS["urban_rural_degree_ratio"]),
            "value": view.ratio.ratio.text,
            "target": view.ratio.target,
            "status": view.ratio.mark.status,
            "verdict": str(view.ratio.mark),
        },
    }


def prefill(report: Report | None, code: str, school_code: str | None = None) -> str:
    """The gap written into a project drawn up from a failing indicator: for one school, its shortfall in the
    stages it has (rounded as on the dashboard); for the county, the stages where the indicator fails (or every
    stage when it fails in none); for a report figure (the degree ratio, …), its value against the target."""
    if report is None:
        return ""
    lines: list[str] = []
    ur = report.urban_rural_degree_ratio
    if code == "urban_rural_degree_ratio":
        lines.append(
            str(
                labels.PREFILL_VALUE
                % {
                    "label": plan_indicator_label(code),
                    "value": judged(ur.ratio, 3, ur.target, "<=", passed=ur.passed),
                }
            )
        )
        if ur.target is not None:
            lines.append(str(labels.PREFILL_RATIO_TARGET % {"target": plain(ur.target)}))
        if ur.rural_teachers_needed is not None:
            lines.append(str(labels.PREFILL_RATIO_NEEDED % {"n": ur.rural_teachers_needed}))
        return "\n".join(lines)
    value = _plan_value(report, code)
    if code in labels.PLAN_INDICATORS:
        return str(labels.PREFILL_VALUE % {"label": plan_indicator_label(code), "value": value})
    stages = report.quality_2017.stages
    names = report.school_names()
    if school_code is not None:
        for stage, block in stages.items():
            school = block.school(school_code)
            if school is None:
                continue
            gap = shortfall_row(stage, school, code)
            if gap is None:
                continue
            lines.append(
                str(
                    labels.PREFILL_SCHOOL
                    % {
                        "school": names.get(school_code, school_code),
                        "stage": labels.STAGES[stage],
                        "code": code,
                        "label": gap.label,
                        "value": gap.value,
                        "threshold": gap.threshold,
                        "missing": gap.missing_text,
                        "unit": gap.unit,
                    }
                )
            )
        return "\n".join(lines)
    with_code = {s: b for s, b in stages.items() if code in b.indicators}
    failing = [s for s, b in with_code.items() if b.indicators[code].cv_pass is False]
    for stage in failing or list(with_code):
        figure = with_code[stage].indicators[code]
        lines.append(
            str(
                labels.PREFILL_INDICATOR
                % {
                    "stage": labels.STAGES[stage],
                    "code": code,
                    "label": indicator_label(code),
                    "mean": judged(figure.mean, 3, figure.threshold),
                    "cv": judged(figure.cv, 3, figure.cv_limit, "<=", passed=figure.cv_pass),
                    "limit": plain(figure.cv_limit),
                }
            )
        )
    return "\n".join(lines)


def _plan_value(report: Report, code: str) -> str:
    if code == "achievement.rate_vs_urban_quality":
        return judged(report.worst_rate_vs_urban_quality(), 3, 0.15, "<")
    if code == "quality_2017.pass":
        return str(labels.OVERALL[status(report.verdict.passed)])
    if code == "recognition.S1":
        item = report.quality_2017.recognition.get("S1")
        return judged(item.value if item else None, 1, item.threshold if item else None) + "%"
    return ""


def school_panel(results: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A school's own resource figures (indicators.selectors.school_results) with labels, its values never shown
    on the wrong side of their minimum and its shortfalls rounded up to what can be acted on."""
    if results is None:
        return None
    stages = []
    for unit in results.get("stages", []):
        rows = []
        for row in unit["rows"]:
            gap = row.get("shortfall")
            unit_word = str(labels.UNITS.get(gap["unit"], gap["unit"])) if gap else ""
            rows.append(
                {
                    **row,
                    "label": indicator_label(row["code"]),
                    "value_text": judged(row["value"], 2, row["threshold"]),
                    "threshold_text": plain(row["threshold"]),
                    "mark": mark(row["met"], labels.MET),
                    "shortfall_missing": whole(up(gap["missing"])) if gap else "",
                    "shortfall_unit": unit_word,
                }
            )
        stages.append(
            {
                **unit,
                "stage_label": str(labels.STAGES.get(unit["stage"], "")),
                "rows": rows,
                "mark": mark(unit["passed"]),
            }
        )
    return {**results, "stages": stages}
