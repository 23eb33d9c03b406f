""" "How computed" for every figure the presenter shows: `explain(report, figure_id)` gives the figure's formula in
words, the inputs it was computed from (with their values and where they come from) and the rule set. Figure
ids are the stable dotted paths the presenter puts on each `Figure` (`quality_2017.primary.Q1.cv`,
`quality_2017.junior.schools.<school code>.Q4`, `quality_2017.government.G5`, `class_size.primary`,
`urban_rural_degree_ratio.ratio`, …): the JSON path of the figure with school codes in place of list indexes.
The lines are structured so a page (a drawer), the API or a test can lay them out as it needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.data import stage_share
from ..report.model import Report
from . import items as item_text
from . import labels as L
from .numbers import NONE, fixed, judged, plain, up, whole
from .views import indicator_label, rule_set_text, status


def _flag(value: Any, standard: str) -> bool:
    """A setting that is one value or one per standard ({"quality_2017": true, …})."""
    if isinstance(value, Mapping):
        return bool(value.get(standard, True))
    return bool(value)


@dataclass(frozen=True)
class Line:
    """One input of a figure: what it is, its value, where it comes from."""

    label: str
    value: str
    source: str = ""


@dataclass(frozen=True)
class Explanation:
    id: str
    title: str
    value: str
    formula: list[str]
    inputs: list[Line] = field(default_factory=list)
    rule_set: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "value": self.value,
            "formula": self.formula,
            "inputs": [{"label": x.label, "value": x.value, "source": x.source} for x in self.inputs],
            "rule_set": self.rule_set,
            "notes": self.notes,
        }


def _source(report: Report) -> str:
    at = report.stamp.computed_at if report.stamp else NONE
    return str(L.EXPLAIN["source_report"] % {"year": report.year, "at": at})


def _e(key: str) -> str:
    return str(L.EXPLAIN[key])


def explain(
    report: Report,
    figure_id: str,
    params: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Explanation | None:
    """The explanation of one figure, or None for an id this report has no figure for. params: the rule set's
    params, when the caller has them (adds the settings a figure depends on). facts: the school's reported facts
    of the year (学校学年数据), when the figure is one school's: its inputs are then listed with their values and
    the sheet, school and year they come from, and a one-through school's split between its stages."""
    parts = figure_id.split(".")
    try:
        head = parts[0]
        if head in ("quality_2017", "basic_2012") and parts[1] in L.STAGES:
            return _resource(report, parts, params or {}, facts)
        if head == "quality_2017":
            return _item(report, parts)
        if head == "class_size":
            return _class_size(report, parts)
        if head == "urban_rural_degree_ratio":
            return _ratio(report, parts)
        if head == "achievement":
            return _achievement(report, parts)
        if head == "staffing":
            return _staffing(report, parts)
    except (KeyError, IndexError):
        return None
    return None


# the reported facts each resource value is computed from (besides the stage's pupils)
FACT_INPUTS = {
    "Q4": ("teaching_area", "indoor_sports_area"),
    "B1": ("teaching_area", "indoor_sports_area"),
    "Q5": ("sports_ground_area", "indoor_sports_area"),
    "B2": ("sports_ground_area", "indoor_sports_area"),
    "Q6": ("equipment_value",),
    "B3": ("equipment_value",),
    "Q7": ("multimedia_rooms",),
}
# values per hundred pupils counted from the teacher roster
PER_HUNDRED_TEACHERS = ("Q1", "Q2", "Q3")
STUDENT_FIELDS = {"primary": "primary_students", "junior": "junior_students", "senior": "senior_students"}


def _school_inputs(
    report: Report,
    stage: str,
    code: str,
    school_code: str,
    name: str,
    value: Any,
    students: Any,
    params: Mapping[str, Any],
    facts: Mapping[str, Any] | None,
) -> list[Line]:
    """A school value's inputs: the stage's pupils, the reported facts it divides (with the sheet, school and year
    they come from), a one-through school's split weights and share, or the teachers counted from the roster."""
    sheet = str(L.EXPLAIN["sheet_school_years"])
    where = str(L.EXPLAIN["source_sheet"] % {"sheet": sheet, "school": name, "year": report.year})
    lines = [Line(_e("stage_students"), plain(students), where)]
    if code in PER_HUNDRED_TEACHERS and value is not None and students:
        roster = str(
            L.EXPLAIN["source_sheet"]
            % {"sheet": L.EXPLAIN["sheet_teachers"], "school": name, "year": report.year}
        )
        lines.append(Line(_e("teachers_counted"), whole(value * students / 100), roster))
    if not facts:
        return lines
    for key in FACT_INPUTS.get(code, ()):
        lines.append(Line(_e(key), whole(facts.get(key)) if facts.get(key) is not None else NONE, where))
    enrolled = {s: facts.get(f) for s, f in STUDENT_FIELDS.items()}
    if sum(1 for n in enrolled.values() if n) > 1:  # a one-through school: its facts are split between stages
        for s, n in enrolled.items():
            if n:
                lines.append(Line(_e(STUDENT_FIELDS[s]), plain(n), where))
        weights = params.get("split_weights", "enrolment")
        share = stage_share({s: float(n or 0) for s, n in enrolled.items()}, stage, weights)
        share_text = NONE if share is None else f"{share * 100:.1f}%"
        if isinstance(weights, Mapping):
            text = "，".join(f"{L.STAGES[s]} {plain(weights.get(s))}" for s in STUDENT_FIELDS if s in weights)
            lines.append(Line(str(L.EXPLAIN["split"] % {"weights": text, "share": share_text}), ""))
        else:
            lines.append(Line(str(L.EXPLAIN["split_enrolment"] % {"share": share_text}), ""))
    return lines


def _resource(
    report: Report, parts: list[str], params: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> Explanation | None:
    standard, stage = parts[0], parts[1]
    block = (report.quality_2017 if standard == "quality_2017" else report.basic_2012).stages[stage]
    stage_label = str(L.STAGES[stage])
    names = report.school_names()
    rule_set = rule_set_text(report)
    if parts[2] == "composite_cv":
        return Explanation(
            ".".join(parts),
            f"{stage_label} {L.XLSX['composite_cv']}",
            fixed(block.composite_cv, 3),
            [str(L.FORMULAS["composite_cv"])],
            [Line(f"{code} {indicator_label(code)}", fixed(f.cv, 3)) for code, f in block.indicators.items()],
            rule_set,
        )
    if parts[2] == "schools":
        school = block.school(parts[3])
        if school is None:
            return None
        name = names.get(school.code, school.code)
        if len(parts) == 4:  # the school's pass
            formula = L.FORMULAS["school"] % {
                "n": plain(params.get("school_min_met", 6)),
                "floor": plain(round(params.get("school_floor", 0.85) * 100)),
            }
            inputs = [
                Line(
                    f"{code} {indicator_label(code)}",
                    f"{judged(school.values.get(code), 2, f.threshold)} / {plain(f.threshold)}",
                )
                for code, f in block.indicators.items()
            ]
            return Explanation(
                ".".join(parts),
                f"{name}（{stage_label}）",
                str(L.JUDGED[status(school.passed)]),
                [str(formula)],
                inputs,
                rule_set,
            )
        code = parts[-1]
        figure = block.indicators[code]
        value = school.values.get(code)
        if len(parts) == 6 and parts[4] == "shortfalls":
            gap = school.shortfalls[code]
            unit = str(L.UNITS.get(gap.unit, gap.unit))
            return Explanation(
                ".".join(parts),
                f"{name}（{stage_label}）{code} {indicator_label(code)}",
                f"{whole(up(gap.missing))} {unit}",
                [str(L.FORMULAS["shortfall"])],
                [
                    Line(_e("value"), judged(gap.value, 2, gap.threshold, passed=False)),
                    Line(_e("threshold"), plain(gap.threshold)),
                    Line(str(L.FACTS["students"]), plain(school.students), _source(report)),
                    Line(_e("missing"), f"{fixed(gap.missing, 2)} {unit}"),
                ],
                rule_set,
            )
        notes = []
        if code in ("Q4", "B1") and _flag(params.get("teaching_area_excludes_indoor_sports", True), standard):
            notes.append(_e("indoor_sports_deducted"))
        return Explanation(
            ".".join(parts),
            f"{name}（{stage_label}）{code} {indicator_label(code)}",
            judged(value, 2, figure.threshold),
            [str(L.FORMULAS.get(code, ""))],
            [
                *_school_inputs(
                    report, stage, code, school.code, name, value, school.students, params, facts
                ),
                *([Line(_e("threshold"), plain(figure.threshold))] if figure.judged else []),
            ],
            rule_set,
            notes,
        )
    code, which = parts[2], parts[3]
    figure = block.indicators[code]
    detail = figure.detail
    inputs = [Line(_e("units"), plain(detail.units_with_value if detail else block.units))]
    if detail is not None:
        inputs += [
            Line(_e("students"), whole(detail.students), _source(report)),
            Line(_e("mean"), fixed(figure.mean, 4)),
            Line(_e("sd"), fixed(detail.sd, 4)),
        ]
        if detail.units_missing_value:
            inputs.append(
                Line(_e("units_missing"), "、".join(names.get(c, c) for c in detail.units_missing_value))
            )
        inputs += [
            Line(_e("drivers"), f"{names.get(d.code, d.code)}：{fixed(d.value, 3)}（{plain(d.students)}）")
            for d in detail.schools_driving_cv
        ]
    if figure.judged:
        inputs += [Line(_e("threshold"), plain(figure.threshold)), Line(_e("limit"), plain(figure.cv_limit))]
    value = figure.mean if which == "mean" else figure.cv
    shown = (
        judged(value, 3, figure.cv_limit, "<=", passed=figure.cv_pass) if which == "cv" else fixed(value, 3)
    )
    return Explanation(
        ".".join(parts),
        f"{stage_label} {code} {indicator_label(code)}",
        shown,
        [str(L.FORMULAS.get(code, "")), str(L.FORMULAS["cv"])],
        inputs,
        rule_set,
    )


def _item(report: Report, parts: list[str]) -> Explanation | None:
    item = report.quality_2017.items(parts[1]).get(parts[2])
    if item is None:
        return None
    formula = L.FORMULAS["declared"] if item.declared is not None else L.FORMULAS.get(item.code, "")
    lines = item_text.lines(item, report.school_names())
    return Explanation(
        ".".join(parts),
        f"{item.code} {indicator_label(item.code)}",
        item_text.summary(item) or str(L.VERDICTS[status(item.passed)]),
        [str(formula)],
        [_as_line(line) for line in lines],
        rule_set_text(report),
    )


def _as_line(text: str) -> Line:
    """An item's detail line ("label：value", "label: value" in English) as a structured line."""
    for mark in ("：", ": "):
        if mark in text:
            label, value = text.split(mark, 1)
            return Line(label, value)
    return Line(text, "")


def _class_size(report: Report, parts: list[str]) -> Explanation | None:
    c = report.class_size[parts[1]]
    return Explanation(
        ".".join(parts),
        f"{L.STAGES[parts[1]]} {L.INDICATORS['class_size']}",
        plain(c.over_limit),
        [str(L.FORMULAS["class_size"])],
        [
            Line(str(L.XLSX["classes"]), plain(c.classes), _source(report)),
            Line(str(L.XLSX["limit"]), plain(c.limit)),
            Line(str(L.XLSX["over_limit"]), plain(c.over_limit)),
            Line(str(L.XLSX["large"]), plain(c.large)),
            Line(str(L.XLSX["super_large"]), plain(c.super_large)),
            Line(str(L.XLSX["max"]), plain(c.max)),
        ],
        rule_set_text(report),
    )


def _ratio(report: Report, parts: list[str]) -> Explanation | None:
    ur = report.urban_rural_degree_ratio
    if parts[1] == "by_stage":
        shares, title = (
            ur.by_stage[parts[2]],
            f"{L.STAGES[parts[2]]} {L.INDICATORS['urban_rural_degree_ratio']}",
        )
    elif parts[1] == "alternative_grouping" and ur.alternative_grouping is not None:
        shares, title = ur.alternative_grouping, str(L.INDICATORS["urban_rural_degree_ratio"])
    else:
        shares, title = ur.pooled, str(L.INDICATORS["urban_rural_degree_ratio"])
    formula = [str(L.FORMULAS["urban_rural_degree_ratio"])]
    value = judged(shares.ratio, 3, ur.target, "<=")
    if parts[1] == "rural_teachers_needed":
        formula.append(str(L.FORMULAS["rural_teachers_needed"]))
        value = whole(ur.rural_teachers_needed)
    source = _source(report)
    return Explanation(
        ".".join(parts),
        title,
        value,
        formula,
        [
            Line(f"{_e('urban')} · {_e('teachers')}", plain(shares.urban_teachers), source),
            Line(f"{_e('urban')} · {_e('bachelor_plus')}", plain(shares.urban_bachelor_plus), source),
            Line(f"{_e('rural')} · {_e('teachers')}", plain(shares.rural_teachers), source),
            Line(f"{_e('rural')} · {_e('bachelor_plus')}", plain(shares.rural_bachelor_plus), source),
            Line(str(L.XLSX["target"]), plain(ur.target)),
        ],
        rule_set_text(report),
    )


def _achievement(report: Report, parts: list[str]) -> Explanation | None:
    stage, subject = parts[1], parts[2]
    a = report.achievement[stage][subject]
    names = report.school_names()
    title = f"{L.STAGES[stage]}{subject}"
    if parts[3] == "schools":
        school = next(s for s in a.schools if s.code == parts[4])
        return Explanation(
            ".".join(parts),
            f"{names.get(school.code, school.code)} · {title}",
            judged(school.rate_vs_urban_quality, 3, a.limit, "<", passed=school.passed),
            [str(L.FORMULAS["rate_vs_urban_quality"])],
            [
                Line(_e("reference_mean"), fixed(a.reference_mean, 2)),
                Line(_e("reference_schools"), "、".join(names.get(c, c) for c in a.reference_schools)),
                Line(str(L.XLSX["school_mean"]), fixed(school.mean, 2), _source(report)),
            ],
            rule_set_text(report),
        )
    return Explanation(
        ".".join(parts),
        title,
        fixed(a.inter_school_difference_rate, 3),
        [str(L.FORMULAS["inter_school_difference_rate"])],
        [Line(names.get(s.code, s.code), fixed(s.mean, 2), _source(report)) for s in a.schools],
        rule_set_text(report),
    )


def _staffing(report: Report, parts: list[str]) -> Explanation | None:
    x = report.staffing[parts[1]]
    which = parts[2]
    value = x.student_teacher_ratio if which == "student_teacher_ratio" else x.staff_ratio
    return Explanation(
        ".".join(parts),
        f"{L.STAGES[parts[1]]} {L.INDICATORS['staffing']}",
        fixed(value, 1),
        [str(L.FORMULAS[which])],
        [
            Line(str(L.FACTS["students"]), plain(x.students), _source(report)),
            Line(_e("teachers"), plain(x.full_time_teachers), _source(report)),
        ],
        rule_set_text(report),
    )
