"""The county report as people read it: `present(report)` turns the typed report into labelled, formatted rows
for the HTML pages, the text report, the report workbook and the API's readable summary. Every number keeps its
raw value beside its text and a stable figure id (see `explain`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..engine import TABLE
from ..report.model import (
    Item,
    Report,
    StageBlock,
    Stamp,
    UnitFigures,
)
from . import items as item_text
from . import labels as L
from .numbers import NONE, fixed, judged, plain, up, whole

PARTS = ("resource", "government", "quality", "recognition")
ITEM_PARTS = ("government", "quality", "recognition")


def status(passed: bool | None) -> str:
    return {True: "pass", False: "fail"}.get(passed, "incomplete")  # type: ignore[arg-type]


@dataclass(frozen=True)
class Mark:
    """A pass mark: pass / fail / incomplete, and its word in the reader's language."""

    status: str
    label: Any

    def __str__(self) -> str:
        return str(self.label)


def mark(passed: bool | None, words: dict[str, Any] = L.JUDGED) -> Mark:
    s = status(passed)
    return Mark(s, words[s])


def part_mark(word: str | None) -> Mark:
    s = word if word in L.VERDICTS else "incomplete"
    return Mark(s, L.VERDICTS[s])  # type: ignore[index]


@dataclass(frozen=True)
class Figure:
    """A number as shown: its stable id (for "how computed"), its raw value and its text."""

    id: str
    value: Any
    text: str
    unit: str = ""

    def __str__(self) -> str:
        return self.text


def indicator_label(code: str) -> str:
    entry = TABLE.find(code)
    key = entry.label_key if entry is not None else code
    return str(L.INDICATORS.get(key, L.PLAN_INDICATORS.get(key, "")))


def code_label(code: str) -> str:
    return L.CODE_LABEL % {"code": code, "label": indicator_label(code)}


def unit_label(unit: str) -> str:
    return str(L.UNITS.get(unit, unit))


# ---------------------------------------------------------------- resource allocation (2017)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    label: str
    stage: str
    threshold: str
    mean: Figure
    cv: Figure
    limit: str
    mark: Mark

    @property
    def failing(self) -> bool:
        return self.mark.status == "fail"


@dataclass(frozen=True)
class ShortfallRow:
    id: str
    code: str
    label: str
    value: str
    threshold: str
    missing: int | None
    missing_text: str
    unit: str

    @property
    def text(self) -> str:
        """ "Q4：现值 3.90，标准 4.5，尚缺 368 m²"."""
        return str(
            L.SHORTFALL_SHORT
            % {
                "code": self.code,
                "value": self.value,
                "threshold": self.threshold,
                "missing": self.missing_text,
                "unit": self.unit,
            }
        )


@dataclass(frozen=True)
class SchoolRow:
    id: str
    code: str
    name: str
    students: Any
    values: list[Figure]
    met: int | None
    mark: Mark
    shortfalls: list[ShortfallRow]

    @property
    def failing(self) -> bool:
        return self.mark.status == "fail"


@dataclass(frozen=True)
class StageView:
    key: str
    label: str
    units: int
    codes: list[str]
    indicators: list[IndicatorRow]
    composite_cv: Figure
    schools: list[SchoolRow]
    schools_passing: int | None
    mark: Mark

    @property
    def failing_schools(self) -> list[SchoolRow]:
        return [s for s in self.schools if s.failing]


VALUE_DIGITS = 2
MEAN_DIGITS = 3
CV_DIGITS = 3


class _Labels(dict):
    """Indicator and unit words looked up once per report: each is a gettext, and a county has hundreds of
    shortfalls."""

    def __missing__(self, key: tuple[str, str]) -> str:
        kind, code = key
        value = indicator_label(code) if kind == "indicator" else unit_label(code)
        self[key] = value
        return value


def shortfall_row(
    stage: str, school: UnitFigures, code: str, words: _Labels | None = None
) -> ShortfallRow | None:
    gap = school.shortfalls.get(code)
    if gap is None:
        return None
    words = _Labels() if words is None else words
    missing = up(gap.missing)
    return ShortfallRow(
        id=f"quality_2017.{stage}.schools.{school.code}.shortfalls.{code}",
        code=code,
        label=words["indicator", code],
        value=judged(gap.value, VALUE_DIGITS, gap.threshold, ">=", passed=False, grouping=True),
        threshold=plain(gap.threshold),
        missing=missing,
        missing_text=whole(missing),
        unit=words["unit", gap.unit],
    )


def school_row(stage: str, block: StageBlock, school: UnitFigures, words: _Labels | None = None) -> SchoolRow:
    codes = list(block.indicators)
    values = []
    for code in codes:
        value = school.values.get(code)
        threshold = block.indicators[code].threshold
        values.append(
            Figure(
                f"quality_2017.{stage}.schools.{school.code}.{code}",
                value,
                judged(value, VALUE_DIGITS, threshold, ">=", grouping=True),
            )
        )
    words = _Labels() if words is None else words
    gaps = [shortfall_row(stage, school, code, words) for code in school.shortfalls]
    return SchoolRow(
        id=f"quality_2017.{stage}.schools.{school.code}",
        code=school.code,
        name=school.name or school.code,
        students=school.students,
        values=values,
        met=school.met,
        mark=mark(school.passed),
        shortfalls=[g for g in gaps if g is not None],
    )


def stage_view(stage: str, block: StageBlock) -> StageView:
    words = _Labels()
    rows = []
    for code, figure in block.indicators.items():
        rows.append(
            IndicatorRow(
                code=code,
                label=indicator_label(code),
                stage=stage,
                threshold=plain(figure.threshold),
                mean=Figure(
                    f"quality_2017.{stage}.{code}.mean",
                    figure.mean,
                    judged(figure.mean, MEAN_DIGITS, figure.threshold, ">=", grouping=True),
                ),
                cv=Figure(
                    f"quality_2017.{stage}.{code}.cv",
                    figure.cv,
                    judged(figure.cv, CV_DIGITS, figure.cv_limit, "<=", passed=figure.cv_pass),
                ),
                limit=plain(figure.cv_limit),
                mark=mark(figure.cv_pass, L.CV_MARKS),
            )
        )
    return StageView(
        key=stage,
        label=str(L.STAGES[stage]),
        units=block.units,
        codes=list(block.indicators),
        indicators=rows,
        composite_cv=Figure(
            f"quality_2017.{stage}.composite_cv", block.composite_cv, fixed(block.composite_cv, CV_DIGITS)
        ),
        schools=[school_row(stage, block, s, words) for s in block.schools],
        schools_passing=block.schools_passing,
        mark=mark(block.passed),
    )


# ---------------------------------------------------------------- government, quality, recognition


@dataclass(frozen=True)
class ItemRow:
    id: str
    code: str
    label: str
    mark: Mark
    value: str | None
    summary: str
    lines: list[str]

    @property
    def long(self) -> bool:
        return sum(len(line) for line in self.lines) > 200

    @property
    def note(self) -> str:
        """The summary when it says more than the value column."""
        return "" if self.summary == self.value else self.summary

    below: str = ""  # "82.6% < 100.0%" when the item's own figure is below its threshold

    @property
    def sentence(self) -> str:
        """One sentence for a failing item: "G5 班额：115个班超过标准班额", "G9 …：82.6% < 100.0%"."""
        summary = self.below or self.summary or str(self.mark)
        return str(L.ITEM_SENTENCE % {"code": self.code, "label": self.label, "summary": summary})


def item_row(part: str, item: Item, names: dict[str, str]) -> ItemRow:
    return ItemRow(
        id=f"quality_2017.{part}.{item.code}",
        code=item.code,
        label=indicator_label(item.code),
        mark=mark(item.passed, L.VERDICTS),
        value=item_text.value_text(item),
        summary=item_text.summary(item),
        lines=item_text.lines(item, names),
        below=item_text.below(item),
    )


def _natural(code: str) -> tuple[str, int]:
    """G2 before G10: item codes in the order of the inspection tables."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return code.rstrip("0123456789"), int(digits) if digits else 0


# ---------------------------------------------------------------- the verdict


@dataclass(frozen=True)
class PartView:
    key: str
    label: str
    mark: Mark
    sentences: list[str]


def failing_sentences(stages: list[StageView]) -> list[str]:
    """Resource failures, one sentence each: every CV over its limit, then the failing schools of a stage."""
    out = []
    for stage in stages:
        for row in stage.indicators:
            if row.failing:
                out.append(
                    str(
                        L.CV_OVER
                        % {"stage": stage.label, "code": row.code, "value": row.cv.text, "limit": row.limit}
                    )
                )
    for stage in stages:
        n = len(stage.failing_schools)
        if n:
            out.append(str(L.SCHOOLS_FAILING % {"stage": stage.label, "n": n}))
    return out


# ---------------------------------------------------------------- the 2012 standard


@dataclass(frozen=True)
class BasicRow:
    code: str
    label: str
    mean: Figure
    cv: Figure


@dataclass(frozen=True)
class BasicStageView:
    key: str
    label: str
    units: int
    composite_cv: Figure
    limit: str
    mark: Mark
    rows: list[BasicRow]


def basic_view(stage: str, block: StageBlock) -> BasicStageView:
    return BasicStageView(
        key=stage,
        label=str(L.STAGES[stage]),
        units=block.units,
        composite_cv=Figure(
            f"basic_2012.{stage}.composite_cv",
            block.composite_cv,
            judged(block.composite_cv, CV_DIGITS, block.limit, "<=", passed=block.passed),
        ),
        limit=plain(block.limit),
        mark=mark(block.passed),
        rows=[
            BasicRow(
                code,
                indicator_label(code),
                Figure(f"basic_2012.{stage}.{code}.mean", f.mean, fixed(f.mean, 4, grouping=True)),
                Figure(f"basic_2012.{stage}.{code}.cv", f.cv, fixed(f.cv, CV_DIGITS)),
            )
            for code, f in block.indicators.items()
        ],
    )


# ---------------------------------------------------------------- class size, degree ratio, achievement, staffing


@dataclass(frozen=True)
class OffendingRow:
    school: str
    name: str
    students: Any


@dataclass(frozen=True)
class ClassSizeView:
    id: str
    key: str
    label: str
    classes: Any
    students: Any
    limit: Any
    over_limit: Any
    large: Any
    super_large: Any
    max: Any
    over_limit_share: str
    large_share: str
    large_threshold: Any
    super_large_threshold: Any
    offending: list[OffendingRow]


@dataclass(frozen=True)
class RatioStage:
    label: str
    ratio: Figure


@dataclass(frozen=True)
class RatioView:
    urban_share: str
    rural_share: str
    ratio: Figure
    target: str
    mark: Mark
    stages: list[RatioStage]
    alternative: Figure | None
    rural_teachers_needed: int | None
    needed: Figure

    @property
    def failing(self) -> bool:
        return self.mark.status == "fail"


@dataclass(frozen=True)
class AchievementSchoolRow:
    code: str
    name: str
    mean: str
    rate: Figure
    mark: Mark


@dataclass(frozen=True)
class AchievementView:
    stage: str
    stage_label: str
    subject: str
    rate: Figure
    reference_mean: str
    limit: str
    schools: list[AchievementSchoolRow]

    @property
    def failing(self) -> int:
        return sum(1 for s in self.schools if s.mark.status == "fail")


@dataclass(frozen=True)
class StaffingView:
    key: str
    label: str
    student_teacher_ratio: Figure
    staff_ratio: Figure
    standard: str


# ---------------------------------------------------------------- the whole report


@dataclass(frozen=True)
class ReportView:
    county_code: str
    county_name: str
    year: int
    computed_at: datetime.datetime | str | None
    rule_set: str
    parts: list[PartView]
    overall: Mark
    failing: list[str]
    resource: list[StageView]
    government: list[ItemRow]
    quality: list[ItemRow]
    recognition: list[ItemRow]
    basic: list[BasicStageView]
    class_size: list[ClassSizeView]
    ratio: RatioView
    achievement: list[AchievementView]
    staffing: list[StaffingView]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.overall.status == "pass"

    def items(self, part: str) -> list[ItemRow]:
        return {"government": self.government, "quality": self.quality, "recognition": self.recognition}[part]

    def part(self, key: str) -> PartView:
        return next(p for p in self.parts if p.key == key)


class Stamped(Protocol):
    """A report, or a stored result read without its figures (indicators.selectors.StoredResult)."""

    @property
    def stamp(self) -> Stamp | None: ...


def computed_at(report: Stamped) -> datetime.datetime | str | None:
    """The stamp's ISO time as a datetime (so a page shows it in local time); unparsable: as is."""
    if report.stamp is None:
        return None
    try:
        return datetime.datetime.fromisoformat(report.stamp.computed_at)
    except ValueError:
        return report.stamp.computed_at


def rule_set_text(report: Stamped) -> str:
    if report.stamp is None:
        return ""
    ref = report.stamp.rule_set
    return f"{L.STANDARDS.get(ref.code, ref.code)} v{ref.version}"


def _ratio_view(report: Report) -> RatioView:
    ur = report.urban_rural_degree_ratio
    ratio = Figure(
        "urban_rural_degree_ratio.ratio", ur.ratio, judged(ur.ratio, 3, ur.target, "<=", passed=ur.passed)
    )
    stages = [
        RatioStage(
            str(L.STAGES[s]),
            Figure(f"urban_rural_degree_ratio.by_stage.{s}", b.ratio, judged(b.ratio, 3, ur.target, "<=")),
        )
        for s, b in ur.by_stage.items()
        if s in L.STAGES
    ]
    alternative = None
    if ur.alternative_grouping is not None:
        alt = ur.alternative_grouping.ratio
        alternative = Figure(
            "urban_rural_degree_ratio.alternative_grouping", alt, judged(alt, 3, ur.target, "<=")
        )
    return RatioView(
        urban_share=fixed(ur.pooled.urban_share, 3),
        rural_share=fixed(ur.pooled.rural_share, 3),
        ratio=ratio,
        target=plain(ur.target),
        mark=mark(ur.passed),
        stages=stages,
        alternative=alternative,
        rural_teachers_needed=ur.rural_teachers_needed,
        needed=Figure(
            "urban_rural_degree_ratio.rural_teachers_needed",
            ur.rural_teachers_needed,
            whole(ur.rural_teachers_needed),
        ),
    )


def present(report: Report, names: dict[str, str] | None = None) -> ReportView:
    """names: school code → name of every school of the county, when the caller has them (the report itself
    names the schools counted in the resource indicators only)."""
    q = report.quality_2017
    names = {**(names or {}), **report.school_names()}
    verdict = report.verdict
    resource = [stage_view(s, q.stages[s]) for s in L.STAGES if s in q.stages]
    item_rows = {
        part: [item_row(part, q.items(part)[code], names) for code in sorted(q.items(part), key=_natural)]
        for part in ITEM_PARTS
    }
    resource_sentences = failing_sentences(resource)
    parts = [
        PartView(
            key,
            str(L.PARTS[key]),
            part_mark(verdict.parts.get(key)),
            resource_sentences
            if key == "resource"
            else [row.sentence for row in item_rows[key] if row.mark.status == "fail"],
        )
        for key in PARTS
    ]
    class_size = []
    for s, c in report.class_size.items():
        if s not in L.STAGES:
            continue
        class_size.append(
            ClassSizeView(
                id=f"class_size.{s}",
                key=s,
                label=str(L.STAGES[s]),
                classes=c.classes,
                students=c.students,
                limit=c.limit,
                over_limit=c.over_limit,
                large=c.large,
                super_large=c.super_large,
                max=c.max,
                over_limit_share=NONE if c.over_limit_share is None else f"{c.over_limit_share * 100:.1f}%",
                large_share=NONE if c.large_share is None else f"{c.large_share * 100:.1f}%",
                large_threshold=c.large_threshold,
                super_large_threshold=c.super_large_threshold,
                offending=[
                    OffendingRow(names.get(o.school_code, o.school_code), o.name, o.students)
                    for o in c.offending
                ],
            )
        )
    achievement = []
    for s, subjects in report.achievement.items():
        if s not in L.STAGES:
            continue
        for subject, a in subjects.items():
            achievement.append(
                AchievementView(
                    stage=s,
                    stage_label=str(L.STAGES[s]),
                    subject=subject,
                    rate=Figure(
                        f"achievement.{s}.{subject}.inter_school_difference_rate",
                        a.inter_school_difference_rate,
                        fixed(a.inter_school_difference_rate, 3),
                    ),
                    reference_mean=fixed(a.reference_mean, 2),
                    limit=plain(a.limit if a.limit is not None else 0.15),
                    schools=[
                        AchievementSchoolRow(
                            x.code,
                            names.get(x.code, x.code),
                            fixed(x.mean, 2),
                            Figure(
                                f"achievement.{s}.{subject}.schools.{x.code}",
                                x.rate_vs_urban_quality,
                                judged(x.rate_vs_urban_quality, 3, a.limit, "<", passed=x.passed),
                            ),
                            mark(x.passed),
                        )
                        for x in a.schools
                    ],
                )
            )
    staffing = [
        StaffingView(
            s,
            str(L.STAGES[s]),
            Figure(
                f"staffing.{s}.student_teacher_ratio",
                x.student_teacher_ratio,
                fixed(x.student_teacher_ratio, 1),
            ),
            Figure(f"staffing.{s}.staff_ratio", x.staff_ratio, fixed(x.staff_ratio, 1)),
            plain(x.staff_standard),
        )
        for s, x in report.staffing.items()
        if s in L.STAGES
    ]
    return ReportView(
        county_code=report.county.code,
        county_name=report.county.name,
        year=report.year,
        computed_at=computed_at(report),
        rule_set=rule_set_text(report),
        parts=parts,
        overall=Mark(status(verdict.passed), L.OVERALL[status(verdict.passed)]),
        failing=[sentence for part in parts for sentence in part.sentences],
        resource=resource,
        government=item_rows["government"],
        quality=item_rows["quality"],
        recognition=item_rows["recognition"],
        basic=[basic_view(s, report.basic_2012.stages[s]) for s in L.STAGES if s in report.basic_2012.stages],
        class_size=class_size,
        ratio=_ratio_view(report),
        achievement=achievement,
        staffing=staffing,
        names=names,
    )
