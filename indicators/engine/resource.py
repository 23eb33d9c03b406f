"""Resource allocation: the seven indicators of the 2017 standard (Q1–Q7, §2) and the eight of the 2012 standard
(B1–B8, §3), one function per indicator of one school-stage unit, and what is worked out over a stage's units:
the enrolment-weighted mean and CV of each indicator, and (2017) each unit's pass and shortfalls."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..report.model import CvDetail, CvDriver, IndicatorFigure, Shortfall, StageBlock, UnitFigures
from .data import PRIMARY, STAGE_STUDENTS, CountyData, Params, School, Unit, unit_included, unit_stages
from .registry import BASIC_2012, QUALITY_2017, TABLE, Entry
from .stats import EPS, LIMIT_EPS, combine, mean_or_none, weighted_cv

CV_FORMULA = "X̄ = ΣP_i·X_i / ΣP_i; S = sqrt(Σ(P_i/P)(X_i−X̄)²); CV = S/X̄ (enrolment-weighted, population form)"


# ---------------------------------------------------------------- what a unit's values are made of


def teacher_above_required(stage: str, counts: Mapping[str, int]) -> int:
    """Above the required degree: primary = 专科 or higher, junior = 本科 or higher."""
    return counts.get("associate_plus", 0) if stage == PRIMARY else counts.get("bachelor_plus", 0)


def teaching_area(school: School, excludes_indoor: bool) -> float | None:
    """教学及辅助用房面积, less the indoor sports rooms it includes when the setting says so (§2 Q4)."""
    area = school.get("teaching_area")
    if area is None:
        return None
    if excludes_indoor:
        indoor = school.get("indoor_sports_area")
        if indoor is None:
            return None
        return float(area) - float(indoor)
    return float(area)


def sports_area(school: School) -> float | None:
    """运动场地面积 + 室内体育用房面积 (§2 Q5)."""
    ground, indoor = school.get("sports_ground_area"), school.get("indoor_sports_area")
    if ground is None or indoor is None:
        return None
    return float(ground) + float(indoor)


def _teaching_area_of(u: Unit) -> float | None:
    return teaching_area(u.school, u.params.get("teaching_area_excludes_indoor_sports", True))


# ---------------------------------------------------------------- §2 the 2017 indicators


def q1(u: Unit) -> float | None:
    """100 × teachers above the required degree ÷ P."""
    return u.per_student(teacher_above_required(u.stage, u.teachers), 100)


def q2(u: Unit) -> float | None:
    """100 × 骨干 teachers (county level or above) ÷ P."""
    return u.per_student(u.teachers.get("backbone", 0), 100)


def q3(u: Unit) -> float | None:
    """100 × PE, music and art teachers ÷ P."""
    return u.per_student(u.teachers.get("pe_art", 0), 100)


def q4(u: Unit) -> float | None:
    """Stage share of the teaching area (indoor sports rooms out) ÷ P."""
    return u.per_student(u.shared(_teaching_area_of(u)))


def q5(u: Unit) -> float | None:
    """Stage share of the sports grounds and indoor sports rooms ÷ P."""
    return u.per_student(u.shared(sports_area(u.school)))


def q6(u: Unit) -> float | None:
    """Stage share of the equipment value ÷ P."""
    return u.per_student(u.shared(u.fact("equipment_value")))


def q7(u: Unit) -> float | None:
    """100 × stage share of the networked multimedia classrooms ÷ P."""
    return u.per_student(u.shared(u.fact("multimedia_rooms")), 100)


def _q(code: str, fn: Callable[[Unit], float | None], primary: float, junior: float, **kw: Any) -> None:
    TABLE.register(
        Entry(code, QUALITY_2017, "resource", fn, thresholds={"primary": primary, "junior": junior}, **kw)
    )


_q("Q1", q1, 4.2, 5.3, unit="人", per=100, whole=True)
_q("Q2", q2, 1.0, 1.0, unit="人", per=100, whole=True)
_q("Q3", q3, 0.9, 0.9, unit="人", per=100, whole=True)  # junior †
_q("Q4", q4, 4.5, 5.8, unit="m²")  # †
_q("Q5", q5, 7.5, 10.2, unit="m²")
_q("Q6", q6, 2000, 2500, unit="元")  # †
_q("Q7", q7, 2.3, 2.4, unit="间", per=100, whole=True)  # †


# ---------------------------------------------------------------- §3 the 2012 indicators


def b1(u: Unit) -> float | None:
    """As Q4: stage share of the teaching area ÷ P."""
    return u.per_student(u.shared(_teaching_area_of(u)))


def b2(u: Unit) -> float | None:
    """As Q5: stage share of the sports areas ÷ P."""
    return u.per_student(u.shared(sports_area(u.school)))


def b3(u: Unit) -> float | None:
    """As Q6: stage share of the equipment value ÷ P."""
    return u.per_student(u.shared(u.fact("equipment_value")))


def b4(u: Unit) -> float | None:
    """100 × stage share of the computers ÷ P."""
    return u.per_student(u.shared(u.fact("computers")), 100)


def b5(u: Unit) -> float | None:
    """Stage share of the books ÷ P."""
    return u.per_student(u.shared(u.fact("books")))


def b6(u: Unit) -> float | None:
    """Full-time teachers ÷ P."""
    return u.per_student(u.teachers.get("full_time", 0))


def b7(u: Unit) -> float | None:
    """Teachers above the required degree ÷ P."""
    return u.per_student(teacher_above_required(u.stage, u.teachers))


def b8(u: Unit) -> float | None:
    """Teachers with a mid-level title or higher (一级, 高级, 正高级) ÷ P."""
    return u.per_student(u.teachers.get("mid_title", 0))


for _code, _fn in (
    ("B1", b1),
    ("B2", b2),
    ("B3", b3),
    ("B4", b4),
    ("B5", b5),
    ("B6", b6),
    ("B7", b7),
    ("B8", b8),
):
    TABLE.register(Entry(_code, BASIC_2012, "resource", _fn))


# ---------------------------------------------------------------- a stage's units


def unit_values(
    standard: str, school: School, stage: str, teachers: Mapping[str, int], params: Params
) -> dict[str, float | None]:
    """Every resource indicator of a standard for one school-stage unit."""
    unit = Unit(school, stage, teachers, params)
    return {e.code: e.compute(unit) for e in TABLE.entries(standard, "resource") if stage in e.stages}


def quality_values(school: School, stage: str, teachers: Mapping[str, int], params: Params) -> dict[str, Any]:
    """Q1–Q7 of one school-stage unit (§2)."""
    return unit_values(QUALITY_2017, school, stage, teachers, params)


def basic_values(school: School, stage: str, teachers: Mapping[str, int], params: Params) -> dict[str, Any]:
    """B1–B8 of one school-stage unit (§3)."""
    return unit_values(BASIC_2012, school, stage, teachers, params)


def school_pass(
    values: Mapping[str, float | None], thresholds: Mapping[str, float], min_met: int = 6, floor: float = 0.85
) -> tuple[int, bool | None]:
    """(number of indicators met, pass): ≥ min_met met and every indicator ≥ floor × its minimum."""
    met = sum(1 for k, t in thresholds.items() if (v := values.get(k)) is not None and v >= t - EPS)
    checks: list[bool | None] = []
    for k, t in thresholds.items():
        v = values.get(k)
        checks.append(None if v is None else v >= floor * t - EPS)
    missing = sum(1 for k in thresholds if values.get(k) is None)
    enough = met >= min_met if not missing else (False if met + missing < min_met else None)
    return met, combine([enough, *checks])


def shortfalls(
    values: Mapping[str, float | None],
    thresholds: Mapping[str, float],
    students: float,
    entries: Mapping[str, Entry] | None = None,
) -> dict[str, Shortfall]:
    """Per indicator below its minimum: the amount in natural units that brings it to the minimum today."""
    entries = entries or {e.code: e for e in TABLE.entries(QUALITY_2017, "resource")}
    result = {}
    for k, t in thresholds.items():
        v = values.get(k)
        if v is None or v >= t - EPS:
            continue
        entry = entries[k]
        amount = (t - v) * students / entry.per
        if entry.whole:
            amount = float(math.ceil(amount - 1e-7))
        result[k] = Shortfall(v, t, amount, entry.unit)
    return result


UnitValues = tuple[School, int, dict[str, float | None]]


def _units(data: CountyData, stage: str, params: Params, entries: Sequence[Entry]) -> list[UnitValues]:
    units: list[UnitValues] = []
    for school in data.schools:
        if stage not in unit_stages(school) or not unit_included(school, params):
            continue
        unit = Unit(school, stage, data.teachers.get((school["code"], stage), {}), params)
        values = {e.code: e.compute(unit) for e in entries}
        units.append((school, int(school[STAGE_STUDENTS[stage]]), values))
    return units


def _figure(
    code: str, units: list[UnitValues], formula: str | None
) -> tuple[float | None, float | None, CvDetail]:
    """mean, cv and how they came about, over the units that have a value."""
    known: list[tuple[str, int, float]] = [
        (school["code"], students, value)
        for school, students, values in units
        if (value := values[code]) is not None
    ]
    xs = [v for _, _, v in known]
    ws = [p for _, p, _ in known]
    mean, sd, cv = weighted_cv(xs, ws)
    drivers: tuple[CvDriver, ...] = ()
    if mean is not None and ws:
        total, centre = sum(ws), mean
        contrib = sorted(known, key=lambda u: -(u[1] / total) * (u[2] - centre) ** 2)
        drivers = tuple(CvDriver(c, v, p) for c, p, v in contrib[:3])
    detail = CvDetail(
        sd=sd,
        students=sum(ws),
        units_with_value=len(known),
        units_missing_value=tuple(school["code"] for school, _, values in units if values[code] is None),
        schools_driving_cv=drivers,
        formula=formula,
    )
    return mean, cv, detail


def quality_stage(data: CountyData, stage: str, params: Params) -> StageBlock:
    """One stage of the 2017 resource part: each indicator's mean and CV against the limit, each unit's pass."""
    entries = [e for e in TABLE.entries(QUALITY_2017, "resource") if stage in e.stages]
    units = _units(data, stage, params, entries)
    minimums = params["thresholds"][stage]
    thresholds = {e.code: minimums[e.code] for e in entries}
    cv_limit = params["cv_limits"][stage]
    indicators = {}
    for e in entries:
        mean, cv, detail = _figure(e.code, units, CV_FORMULA)
        indicators[e.code] = IndicatorFigure(
            code=e.code,
            mean=mean,
            cv=cv,
            detail=detail,
            judged=True,
            threshold=thresholds[e.code],
            cv_limit=cv_limit,
            cv_pass=None if cv is None else cv <= cv_limit + LIMIT_EPS,
        )
    by_code = {e.code: e for e in entries}
    min_met, floor = params.get("school_min_met", 6), params.get("school_floor", 0.85)
    schools = []
    for school, students, values in units:
        met, passed = school_pass(values, thresholds, min_met, floor)
        schools.append(
            UnitFigures(
                code=school["code"],
                students=students,
                values=values,
                judged=True,
                name=school.get("name", ""),
                met=met,
                passed=passed,
                shortfalls=shortfalls(values, thresholds, students, by_code),
            )
        )
    passed = (
        combine([*(s.passed for s in schools), *(i.cv_pass for i in indicators.values())]) if units else None
    )
    return StageBlock(
        standard=QUALITY_2017,
        units=len(units),
        indicators=indicators,
        composite_cv=mean_or_none(i.cv for i in indicators.values()),
        limit=cv_limit,
        schools=tuple(schools),
        passed=passed,
        schools_passing=sum(1 for s in schools if s.passed is True),
    )


def basic_stage(data: CountyData, stage: str, params: Params) -> StageBlock:
    """One stage of the 2012 standard: the eight CVs and their mean, the composite, against its limit."""
    entries = [e for e in TABLE.entries(BASIC_2012, "resource") if stage in e.stages]
    units = _units(data, stage, params, entries)
    indicators = {}
    for e in entries:
        mean, cv, detail = _figure(e.code, units, None)
        indicators[e.code] = IndicatorFigure(e.code, mean, cv, detail)
    composite = mean_or_none(i.cv for i in indicators.values())
    limit = params["composite_cv_limits"][stage]
    return StageBlock(
        standard=BASIC_2012,
        units=len(units),
        indicators=indicators,
        composite_cv=composite,
        limit=limit,
        schools=tuple(UnitFigures(school["code"], students, values) for school, students, values in units),
        passed=None if composite is None else composite <= limit + LIMIT_EPS,
    )
