"""The county report as typed, immutable values (spec/report.md).

The engine (`indicators.engine.compute_report`) returns a `Report`; `to_json()` is exactly the JSON document of
spec/report.md that is stored, served by the API and printed by `manage.py balance_report --format json` (same
keys, same order, unrounded numbers, null for what cannot be computed); `Report.from_json()` reads a stored one
back, so `indicators.selectors` hand out the model and the presenter reads figures by attribute, never by
probing a dict. Reading is tolerant of reports stored before a key existed: a missing figure reads as None, a
missing list or mapping as empty.

Pure: no Django. The mappings inside (a unit's `values`, an item's `facts`) are shared with the JSON document
for speed; treat them as read-only like the rest of the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
Number = float  # ints are numbers too (mypy: int is compatible with float); JSON keeps 3 and 3.0 apart

STAGES = ("primary", "junior")
PARTS = ("resource", "government", "quality", "recognition")
QUALITY_2017 = "quality_2017"
BASIC_2012 = "basic_2012"

_EMPTY: Mapping[str, Any] = {}


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# ---------------------------------------------------------------- the resource indicators (§2, §3)


@dataclass(frozen=True, slots=True)
class CvDriver:
    """A school whose distance from the mean adds most to the CV."""

    code: str
    value: Number
    students: Number

    def to_json(self) -> Json:
        return {"code": self.code, "value": self.value, "students": self.students}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CvDriver:
        return cls(d.get("code", ""), d.get("value"), d.get("students"))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CvDetail:
    """How an indicator's mean and CV came about: the weighted SD, the pupils and units counted, the units left
    out for a missing value, the schools driving the CV and (2017) the formula."""

    sd: Number | None
    students: Number
    units_with_value: int
    units_missing_value: tuple[str, ...] = ()
    schools_driving_cv: tuple[CvDriver, ...] = ()
    formula: str | None = None

    def to_json(self) -> Json:
        out: Json = {
            "sd": self.sd,
            "students": self.students,
            "units_with_value": self.units_with_value,
            "units_missing_value": list(self.units_missing_value),
            "schools_driving_cv": [d.to_json() for d in self.schools_driving_cv],
        }
        if self.formula is not None:
            out["formula"] = self.formula
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CvDetail:
        return cls(
            sd=d.get("sd"),
            students=d.get("students") or 0,
            units_with_value=d.get("units_with_value") or 0,
            units_missing_value=tuple(_list(d.get("units_missing_value"))),
            schools_driving_cv=tuple(CvDriver.from_json(x) for x in _list(d.get("schools_driving_cv"))),
            formula=d.get("formula"),
        )


@dataclass(frozen=True, slots=True)
class IndicatorFigure:
    """One indicator of one stage: the enrolment-weighted mean and CV over the included units; a 2017 figure is
    also judged (its minimum per unit, the CV limit and whether the CV is within it)."""

    code: str
    mean: Number | None
    cv: Number | None
    detail: CvDetail | None = None
    judged: bool = False
    threshold: Number | None = None
    cv_limit: Number | None = None
    cv_pass: bool | None = None

    def to_json(self) -> Json:
        out: Json = {"mean": self.mean, "cv": self.cv}
        if self.detail is not None:
            out["detail"] = self.detail.to_json()
        if self.judged:
            out["threshold"] = self.threshold
            out["cv_limit"] = self.cv_limit
            out["cv_pass"] = self.cv_pass
        return out

    @classmethod
    def from_json(cls, code: str, d: Mapping[str, Any]) -> IndicatorFigure:
        detail = d.get("detail")
        return cls(
            code=code,
            mean=d.get("mean"),
            cv=d.get("cv"),
            detail=CvDetail.from_json(detail) if isinstance(detail, Mapping) else None,
            judged="cv_limit" in d or "cv_pass" in d or "threshold" in d,
            threshold=d.get("threshold"),
            cv_limit=d.get("cv_limit"),
            cv_pass=d.get("cv_pass"),
        )


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What brings a unit's value to the minimum at today's enrolment, in natural units (teachers, m², 元,
    rooms); whole persons and rooms are already counted up by the engine, other amounts are unrounded."""

    value: Number
    threshold: Number
    missing: Number
    unit: str

    def to_json(self) -> Json:
        return {"value": self.value, "threshold": self.threshold, "missing": self.missing, "unit": self.unit}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Shortfall:
        return cls(d.get("value"), d.get("threshold"), d.get("missing"), d.get("unit") or "")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """One school-stage unit: its pupils and its value of every indicator; a 2017 unit is also judged (name,
    indicators met, pass, shortfalls)."""

    code: str
    students: Number
    values: Mapping[str, Number | None]
    judged: bool = False
    name: str = ""
    met: int | None = None
    passed: bool | None = None
    shortfalls: Mapping[str, Shortfall] = field(default_factory=dict)

    def to_json(self) -> Json:
        if not self.judged:
            return {"code": self.code, "students": self.students, "values": self.values}
        return {
            "code": self.code,
            "name": self.name,
            "students": self.students,
            "values": self.values,
            "met": self.met,
            "pass": self.passed,
            "shortfalls": {k: s.to_json() for k, s in self.shortfalls.items()},
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> UnitFigures:
        judged = "pass" in d or "met" in d or "shortfalls" in d
        return cls(
            code=d.get("code", ""),
            students=d.get("students") or 0,
            values=_map(d.get("values")),
            judged=judged,
            name=d.get("name") or "",
            met=d.get("met"),
            passed=d.get("pass"),
            shortfalls={
                k: Shortfall.from_json(s)
                for k, s in _map(d.get("shortfalls")).items()
                if isinstance(s, Mapping)
            },
        )


@dataclass(frozen=True, slots=True)
class StageBlock:
    """One stage of one standard. 2017: `limit` is every indicator's CV limit, `passed` needs every unit to pass
    and every CV within it. 2012: `limit` is the composite CV's limit, `passed` compares the composite with it."""

    standard: str
    units: int
    indicators: Mapping[str, IndicatorFigure]
    composite_cv: Number | None
    limit: Number | None
    schools: tuple[UnitFigures, ...]
    passed: bool | None
    schools_passing: int | None = None

    def to_json(self) -> Json:
        indicators = {code: figure.to_json() for code, figure in self.indicators.items()}
        schools = [s.to_json() for s in self.schools]
        if self.standard == BASIC_2012:
            return {
                "units": self.units,
                "indicators": indicators,
                "composite_cv": self.composite_cv,
                "limit": self.limit,
                "pass": self.passed,
                "schools": schools,
            }
        return {
            "units": self.units,
            "indicators": indicators,
            "composite_cv": self.composite_cv,
            "cv_limit": self.limit,
            "schools": schools,
            "schools_passing": self.schools_passing,
            "pass": self.passed,
        }

    @classmethod
    def from_json(cls, standard: str, d: Mapping[str, Any] | None) -> StageBlock:
        d = _map(d)
        return cls(
            standard=standard,
            units=d.get("units") or 0,
            indicators={
                code: IndicatorFigure.from_json(code, x)
                for code, x in _map(d.get("indicators")).items()
                if isinstance(x, Mapping)
            },
            composite_cv=d.get("composite_cv"),
            limit=d.get("cv_limit" if standard == QUALITY_2017 else "limit"),
            schools=tuple(
                UnitFigures.from_json(s) for s in _list(d.get("schools")) if isinstance(s, Mapping)
            ),
            passed=d.get("pass"),
            schools_passing=d.get("schools_passing"),
        )

    def school(self, code: str) -> UnitFigures | None:
        return next((s for s in self.schools if s.code == code), None)

    @property
    def failing_schools(self) -> list[UnitFigures]:
        return [s for s in self.schools if s.passed is False]


# ---------------------------------------------------------------- judged items and the 2017 verdict (§4, §5, §9)


@dataclass(frozen=True, slots=True)
class Item:
    """A government, quality or recognition item: pass / fail / None (incomplete) and the facts it was judged
    on, in the engine's words (`value` and `threshold` where the item has one figure; lists of schools, …)."""

    code: str
    passed: bool | None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> Any:
        return self.facts.get("value")

    @property
    def threshold(self) -> Any:
        return self.facts.get("threshold")

    @property
    def declared(self) -> bool | None:
        """For a qualitative item recorded as a declaration: whether one was made (None: not such an item)."""
        return self.facts.get("declared") if "declared" in self.facts else None

    def to_json(self) -> Json:
        return {"pass": self.passed, **self.facts}

    @classmethod
    def from_json(cls, code: str, d: Any) -> Item:
        if not isinstance(d, Mapping):  # a bare value stored for an item
            return cls(code, None, {"value": d})
        return cls(code, d.get("pass"), {k: v for k, v in d.items() if k != "pass"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """The 2017 verdict, derived once by the engine: each part pass / fail / incomplete, the failing items of
    each part ("primary:Q2" or "primary:<school code>" for resource, item codes otherwise) and the whole."""

    parts: Mapping[str, str]
    failing: Mapping[str, tuple[str, ...]]
    passed: bool | None

    def part(self, key: str) -> str:
        return self.parts.get(key) or "incomplete"


@dataclass(frozen=True, slots=True)
class StandardBlock:
    """One standard: its stages; for 2017 also the government, quality and recognition items and the verdict."""

    code: str
    stages: Mapping[str, StageBlock]
    passed: bool | None
    government: Mapping[str, Item] = field(default_factory=dict)
    quality: Mapping[str, Item] = field(default_factory=dict)
    recognition: Mapping[str, Item] = field(default_factory=dict)
    verdict: Verdict | None = None

    def stage(self, stage: str) -> StageBlock | None:
        return self.stages.get(stage)

    def items(self, part: str) -> Mapping[str, Item]:
        return {"government": self.government, "quality": self.quality, "recognition": self.recognition}.get(
            part, {}
        )

    def item(self, code: str) -> Item | None:
        for part in ("government", "quality", "recognition"):
            found = self.items(part).get(code)
            if found is not None:
                return found
        return None

    def to_json(self) -> Json:
        out: Json = {stage: block.to_json() for stage, block in self.stages.items()}
        if self.code == BASIC_2012:
            out["pass"] = self.passed
            return out
        out["government"] = {code: i.to_json() for code, i in self.government.items()}
        out["quality"] = {code: i.to_json() for code, i in self.quality.items()}
        out["recognition"] = {code: i.to_json() for code, i in self.recognition.items()}
        verdict = self.verdict or Verdict({}, {}, None)
        out["verdict"] = dict(verdict.parts)
        out["failing_items"] = {part: list(codes) for part, codes in verdict.failing.items()}
        out["pass"] = self.passed
        return out

    @classmethod
    def from_json(cls, code: str, d: Mapping[str, Any] | None) -> StandardBlock:
        d = _map(d)
        stages = {s: StageBlock.from_json(code, d[s]) for s in STAGES if isinstance(d.get(s), Mapping)}
        if code == BASIC_2012:
            return cls(code, stages, d.get("pass"))

        def items(part: str) -> dict[str, Item]:
            return {c: Item.from_json(c, i) for c, i in _map(d.get(part)).items()}

        verdict = Verdict(
            parts={k: v for k, v in _map(d.get("verdict")).items() if isinstance(v, str)},
            failing={k: tuple(_list(v)) for k, v in _map(d.get("failing_items")).items()},
            passed=d.get("pass"),
        )
        return cls(
            code, stages, d.get("pass"), items("government"), items("quality"), items("recognition"), verdict
        )


# ---------------------------------------------------------------- class size, degree ratio, achievement, staffing


@dataclass(frozen=True, slots=True)
class OffendingClass:
    school_code: str
    stage: str
    name: str
    students: int | None

    def to_json(self) -> Json:
        return {
            "school_code": self.school_code,
            "stage": self.stage,
            "name": self.name,
            "students": self.students,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> OffendingClass:
        return cls(
            d.get("school_code") or d.get("code") or "",
            d.get("stage") or "",
            d.get("name") or "",
            d.get("students"),
        )


@dataclass(frozen=True, slots=True)
class ClassSize:
    """Class-size statistics of one stage over every class of the county (§4): classes over the standard size
    (`limit`), 大班额 (≥ large_threshold) and 超大班额 (≥ super_large_threshold), their shares, the largest class,
    and the classes over the standard size. A county can have hundreds of those: they are kept as their JSON
    records (`offending_rows`, shared with the document) and typed when read (`offending`)."""

    classes: int | None
    students: int | None
    limit: int | None
    over_limit: int | None
    large: int | None
    super_large: int | None
    max: int | None
    over_limit_share: Number | None
    large_share: Number | None
    super_large_share: Number | None
    large_threshold: int | None = None
    super_large_threshold: int | None = None
    offending_rows: tuple[Mapping[str, Any], ...] = ()

    @property
    def offending(self) -> tuple[OffendingClass, ...]:
        return tuple(OffendingClass.from_json(row) for row in self.offending_rows)

    def to_json(self) -> Json:
        return {
            "classes": self.classes,
            "students": self.students,
            "limit": self.limit,
            "over_limit": self.over_limit,
            "large": self.large,
            "super_large": self.super_large,
            "max": self.max,
            "over_limit_share": self.over_limit_share,
            "large_share": self.large_share,
            "super_large_share": self.super_large_share,
            "large_threshold": self.large_threshold,
            "super_large_threshold": self.super_large_threshold,
            "offending": list(self.offending_rows),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ClassSize:
        return cls(
            classes=d.get("classes"),
            students=d.get("students"),
            limit=d.get("limit"),
            over_limit=d.get("over_limit"),
            large=d.get("large"),
            super_large=d.get("super_large"),
            max=d.get("max"),
            over_limit_share=d.get("over_limit_share"),
            large_share=d.get("large_share"),
            super_large_share=d.get("super_large_share"),
            large_threshold=d.get("large_threshold"),
            super_large_threshold=d.get("super_large_threshold"),
            offending_rows=tuple(c for c in _list(d.get("offending")) if isinstance(c, Mapping)),
        )


@dataclass(frozen=True, slots=True)
class DegreeShares:
    """Shares of full-time teachers with 本科 or higher in urban and rural schools, and their ratio (§7)."""

    urban_share: Number | None
    rural_share: Number | None
    ratio: Number | None
    urban_teachers: int | None = None
    urban_bachelor_plus: int | None = None
    rural_teachers: int | None = None
    rural_bachelor_plus: int | None = None

    def to_json(self) -> Json:
        return {
            "urban_share": self.urban_share,
            "rural_share": self.rural_share,
            "ratio": self.ratio,
            "urban_teachers": self.urban_teachers,
            "urban_bachelor_plus": self.urban_bachelor_plus,
            "rural_teachers": self.rural_teachers,
            "rural_bachelor_plus": self.rural_bachelor_plus,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any] | None) -> DegreeShares:
        d = _map(d)
        return cls(
            d.get("urban_share"),
            d.get("rural_share"),
            d.get("ratio"),
            d.get("urban_teachers"),
            d.get("urban_bachelor_plus"),
            d.get("rural_teachers"),
            d.get("rural_bachelor_plus"),
        )


@dataclass(frozen=True, slots=True)
class DegreeRatio:
    """The urban–rural degree ratio of both stages pooled against its target, by stage, under the alternative
    grouping, and how many rural teachers with 本科 would reach the target at today's numbers."""

    pooled: DegreeShares
    target: Number | None
    passed: bool | None
    by_stage: Mapping[str, DegreeShares] = field(default_factory=dict)
    alternative_grouping: DegreeShares | None = None
    rural_teachers_needed: int | None = None
    grouping: Mapping[str, list[str]] = field(default_factory=dict)

    @property
    def ratio(self) -> Number | None:
        return self.pooled.ratio

    def to_json(self) -> Json:
        return {
            **self.pooled.to_json(),
            "target": self.target,
            "pass": self.passed,
            "by_stage": {s: b.to_json() for s, b in self.by_stage.items()},
            "alternative_grouping": None
            if self.alternative_grouping is None
            else self.alternative_grouping.to_json(),
            "rural_teachers_needed": self.rural_teachers_needed,
            "grouping": {k: list(v) for k, v in self.grouping.items()},
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any] | None) -> DegreeRatio:
        d = _map(d)
        alternative = d.get("alternative_grouping")
        return cls(
            pooled=DegreeShares.from_json(d),
            target=d.get("target"),
            passed=d.get("pass"),
            by_stage={s: DegreeShares.from_json(b) for s, b in _map(d.get("by_stage")).items()},
            alternative_grouping=DegreeShares.from_json(alternative)
            if isinstance(alternative, Mapping)
            else None,
            rural_teachers_needed=d.get("rural_teachers_needed"),
            grouping={k: list(v) for k, v in _map(d.get("grouping")).items()},
        )


@dataclass(frozen=True, slots=True)
class AchievementSchool:
    code: str
    mean: Number | None
    tested: int | None
    rate_vs_urban_quality: Number | None
    passed: bool | None

    def to_json(self) -> Json:
        return {
            "code": self.code,
            "mean": self.mean,
            "tested": self.tested,
            "rate_vs_urban_quality": self.rate_vs_urban_quality,
            "pass": self.passed,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> AchievementSchool:
        return cls(
            d.get("code") or "", d.get("mean"), d.get("tested"), d.get("rate_vs_urban_quality"), d.get("pass")
        )


@dataclass(frozen=True, slots=True)
class Achievement:
    """One stage and subject (§6): the portal's estimate of the inter-school difference rate, the urban quality
    schools' reference mean, and each other school's rate against it (passes below `limit`). The schools are
    kept as their JSON records (`school_rows`, shared with the document: a county has hundreds of them) and typed
    when read (`schools`)."""

    inter_school_difference_rate: Number | None
    reference_mean: Number | None
    reference_schools: tuple[str, ...] = ()
    limit: Number | None = None
    school_rows: tuple[Mapping[str, Any], ...] = ()

    @property
    def schools(self) -> tuple[AchievementSchool, ...]:
        return tuple(AchievementSchool.from_json(row) for row in self.school_rows)

    def to_json(self) -> Json:
        return {
            "inter_school_difference_rate": self.inter_school_difference_rate,
            "reference_mean": self.reference_mean,
            "reference_schools": list(self.reference_schools),
            "limit": self.limit,
            "schools": list(self.school_rows),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Achievement:
        return cls(
            d.get("inter_school_difference_rate"),
            d.get("reference_mean"),
            tuple(_list(d.get("reference_schools"))),
            d.get("limit"),
            tuple(s for s in _list(d.get("schools")) if isinstance(s, Mapping)),
        )


@dataclass(frozen=True, slots=True)
class Staffing:
    """Informational staffing of one stage (§8): pupils per full-time teacher and per staff member, against the
    unified standard."""

    students: Number | None
    full_time_teachers: int | None
    student_teacher_ratio: Number | None
    staff: Number | None
    staff_ratio: Number | None
    staff_standard: Number | None
    staff_needed: Number | None

    def to_json(self) -> Json:
        return {
            "students": self.students,
            "full_time_teachers": self.full_time_teachers,
            "student_teacher_ratio": self.student_teacher_ratio,
            "staff": self.staff,
            "staff_ratio": self.staff_ratio,
            "staff_standard": self.staff_standard,
            "staff_needed": self.staff_needed,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Staffing:
        return cls(
            d.get("students"),
            d.get("full_time_teachers"),
            d.get("student_teacher_ratio"),
            d.get("staff"),
            d.get("staff_ratio"),
            d.get("staff_standard"),
            d.get("staff_needed"),
        )


# ---------------------------------------------------------------- the whole report


@dataclass(frozen=True, slots=True)
class County:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class RuleSetRef:
    code: str
    version: int

    def to_json(self) -> Json:
        return {"code": self.code, "version": self.version}


@dataclass(frozen=True, slots=True)
class Stamp:
    """When and under which rule sets a stored report was computed (added by the selectors when reading)."""

    computed_at: str
    rule_set: RuleSetRef
    rule_sets: tuple[RuleSetRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    county: County
    year: int
    quality_2017: StandardBlock
    basic_2012: StandardBlock
    class_size: Mapping[str, ClassSize]
    urban_rural_degree_ratio: DegreeRatio
    achievement: Mapping[str, Mapping[str, Achievement]]
    staffing: Mapping[str, Staffing]
    stamp: Stamp | None = None

    @property
    def verdict(self) -> Verdict:
        return self.quality_2017.verdict or Verdict({}, {}, None)

    def school_names(self) -> dict[str, str]:
        """School code → name, from the 2017 units (every included school has one)."""
        return {
            s.code: s.name or s.code for block in self.quality_2017.stages.values() for s in block.schools
        }

    def worst_rate_vs_urban_quality(self) -> Number | None:
        """The highest difference rate against the urban quality schools of any school, stage and subject."""
        return worst_rate_vs_urban_quality(self.achievement)

    def stamped(self, stamp: Stamp) -> Report:
        return Report(
            self.county,
            self.year,
            self.quality_2017,
            self.basic_2012,
            self.class_size,
            self.urban_rural_degree_ratio,
            self.achievement,
            self.staffing,
            stamp,
        )

    def to_json(self) -> Json:
        out: Json = {
            "county": {"code": self.county.code, "name": self.county.name},
            "year": self.year,
            "quality_2017": self.quality_2017.to_json(),
            "basic_2012": self.basic_2012.to_json(),
            "class_size": {s: c.to_json() for s, c in self.class_size.items()},
            "urban_rural_degree_ratio": self.urban_rural_degree_ratio.to_json(),
            "achievement": {
                stage: {subject: a.to_json() for subject, a in subjects.items()}
                for stage, subjects in self.achievement.items()
            },
            "staffing": {s: x.to_json() for s, x in self.staffing.items()},
        }
        if self.stamp is not None:
            out["computed_at"] = self.stamp.computed_at
            out["rule_set"] = self.stamp.rule_set.to_json()
            out["rule_sets"] = [r.to_json() for r in self.stamp.rule_sets]
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Report:
        county = _map(d.get("county"))
        stamp = None
        rule_set = d.get("rule_set")
        if d.get("computed_at") is not None and isinstance(rule_set, Mapping):
            stamp = Stamp(
                str(d["computed_at"]),
                RuleSetRef(rule_set.get("code", ""), rule_set.get("version", 0)),
                tuple(
                    RuleSetRef(r.get("code", ""), r.get("version", 0))
                    for r in _list(d.get("rule_sets"))
                    if isinstance(r, Mapping)
                ),
            )
        return cls(
            county=County(county.get("code", ""), county.get("name", "")),
            year=d.get("year") or 0,
            quality_2017=StandardBlock.from_json(QUALITY_2017, d.get("quality_2017")),
            basic_2012=StandardBlock.from_json(BASIC_2012, d.get("basic_2012")),
            class_size={
                s: ClassSize.from_json(c)
                for s, c in _map(d.get("class_size")).items()
                if isinstance(c, Mapping)
            },
            urban_rural_degree_ratio=DegreeRatio.from_json(d.get("urban_rural_degree_ratio")),
            achievement=read_achievement(d.get("achievement")),
            staffing={
                s: Staffing.from_json(x) for s, x in _map(d.get("staffing")).items() if isinstance(x, Mapping)
            },
            stamp=stamp,
        )


def read_achievement(d: Any) -> dict[str, dict[str, Achievement]]:
    """The stored `achievement` block (stage → subject → figures)."""
    return {
        stage: {
            subject: Achievement.from_json(a)
            for subject, a in _map(subjects).items()
            if isinstance(a, Mapping)
        }
        for stage, subjects in _map(d).items()
    }


def worst_rate_vs_urban_quality(achievement: Mapping[str, Mapping[str, Achievement]]) -> Number | None:
    """The highest difference rate against the urban quality schools of any school, stage and subject."""
    rates = [
        rate
        for subjects in achievement.values()
        for subject in subjects.values()
        for row in subject.school_rows
        if (rate := row.get("rate_vs_urban_quality")) is not None
    ]
    return max(rates) if rates else None
