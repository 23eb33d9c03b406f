"""Pure indicator formulas of spec/indicators.md. No ORM, no Django: plain numbers, dicts and lists in and out.

Inputs arrive already aggregated (one dict per school, teacher counts per school x stage, class counts per
school x stage); `compute_report` turns them into the report document of spec/report.md. Every threshold and
setting comes from a rule set's params (see `rules.py`), never from constants here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PRIMARY, JUNIOR, SENIOR = "primary", "junior", "senior"
STAGES = (PRIMARY, JUNIOR)
Q_CODES = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")
B_CODES = ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8")

# Which compulsory stages a school kind can contribute units to (§0).
KIND_STAGES = {
    "primary": (PRIMARY,),
    "teaching_point": (PRIMARY,),
    "junior": (JUNIOR,),
    "nine_year": (PRIMARY, JUNIOR),
    "twelve_year": (PRIMARY, JUNIOR),
    "complete_secondary": (JUNIOR,),
    "special": (PRIMARY, JUNIOR),
}
STAGE_STUDENTS = {PRIMARY: "primary_students", JUNIOR: "junior_students", SENIOR: "senior_students"}
SHORTFALL_UNITS = {"Q1": "人", "Q2": "人", "Q3": "人", "Q4": "m²", "Q5": "m²", "Q6": "元", "Q7": "间"}
PER_HUNDRED = {"Q1", "Q2", "Q3", "Q7"}
WHOLE_UNITS = {"Q1", "Q2", "Q3", "Q7"}  # shortfalls counted in whole teachers / rooms
EPS = 1e-9


# ---------------------------------------------------------------- basic statistics


def weighted_cv(
    values: Sequence[float], weights: Sequence[float]
) -> tuple[float | None, float | None, float | None]:
    """Enrolment-weighted mean, population standard deviation and CV (§2).

    Returns (mean, sd, cv). mean is None when the total weight is 0; sd and cv are None when there are fewer than
    two units; cv is None when the mean is 0.
    """
    if len(values) != len(weights):
        raise ValueError("values and weights differ in length")
    total = float(sum(weights))
    if total <= 0:
        return None, None, None
    mean = sum(w * x for x, w in zip(values, weights, strict=True)) / total
    if len(values) < 2:
        return mean, None, None
    var = sum((w / total) * (x - mean) ** 2 for x, w in zip(values, weights, strict=True))
    sd = math.sqrt(max(var, 0.0))
    if mean == 0:
        return mean, sd, None
    return mean, sd, sd / mean


def mean_or_none(values: Iterable[float | None]) -> float | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)


def share(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def combine(results: Iterable[bool | None]) -> bool | None:
    """A failure is known as soon as one item fails; otherwise a missing item makes the whole unknown."""
    results = list(results)
    if any(r is False for r in results):
        return False
    if any(r is None for r in results):
        return None
    return True


def verdict_word(result: bool | None) -> str:
    return {True: "pass", False: "fail", None: "incomplete"}[result]


def at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit - EPS


# ---------------------------------------------------------------- §1 splitting shared assets


def stage_share(
    students: Mapping[str, int | float | None], stage: str, weights: Mapping[str, float] | str
) -> float | None:
    """Share of a whole-school asset that belongs to `stage` (§1); weights "enrolment" = plain enrolment shares."""

    def weight(s: str) -> float:
        return 1.0 if weights == "enrolment" else float(weights[s])

    denominator = sum(weight(s) * float(students.get(s) or 0) for s in (PRIMARY, JUNIOR, SENIOR))
    if denominator <= 0:
        return None
    return weight(stage) * float(students.get(stage) or 0) / denominator


# ---------------------------------------------------------------- §0 units


def unit_stages(school: Mapping[str, Any]) -> list[str]:
    """Compulsory stages the school has students in, restricted to the stages its kind reports."""
    return [s for s in KIND_STAGES.get(school["kind"], ()) if (school.get(STAGE_STUDENTS[s]) or 0) > 0]


def unit_included(school: Mapping[str, Any], params: Mapping[str, Any]) -> bool:
    """§0 inclusion in resource indicators and CVs."""
    kind = school["kind"]
    if kind == "special":
        return False
    if school.get("ownership") == "private" and not params.get("include_private", True):
        return False
    if kind == "teaching_point":
        below = params.get("exclude_teaching_points_below")
        if below is None:  # null = every teaching point excluded (2012 default)
            return False
        students = (school.get("primary_students") or 0) + (school.get("junior_students") or 0)
        return students >= below
    return True


# ---------------------------------------------------------------- §2/§3 unit values


def _per(numerator: float | None, students: float, scale: float = 1.0) -> float | None:
    if numerator is None or not students:
        return None
    return scale * numerator / students


def teacher_above_required(stage: str, counts: Mapping[str, int]) -> int:
    """Above the required degree: primary = 专科 or higher, junior = 本科 or higher."""
    return counts.get("associate_plus", 0) if stage == PRIMARY else counts.get("bachelor_plus", 0)


def _teaching_area(school: Mapping[str, Any], excludes_indoor: bool) -> float | None:
    area = school.get("teaching_area")
    if area is None:
        return None
    if excludes_indoor:
        indoor = school.get("indoor_sports_area")
        if indoor is None:
            return None
        return float(area) - float(indoor)
    return float(area)


def _sports_area(school: Mapping[str, Any]) -> float | None:
    ground, indoor = school.get("sports_ground_area"), school.get("indoor_sports_area")
    if ground is None or indoor is None:
        return None
    return float(ground) + float(indoor)


def _shared(school, stage, value, weights) -> float | None:
    if value is None:
        return None
    part = stage_share({s: school.get(STAGE_STUDENTS[s]) for s in (PRIMARY, JUNIOR, SENIOR)}, stage, weights)
    return None if part is None else part * float(value)


def quality_values(
    school: Mapping[str, Any], stage: str, teachers: Mapping[str, int], params: Mapping[str, Any]
) -> dict[str, float | None]:
    """Q1–Q7 of one school-stage unit (§2)."""
    p = float(school.get(STAGE_STUDENTS[stage]) or 0)
    w = params["split_weights"]
    excl = params.get("teaching_area_excludes_indoor_sports", True)
    return {
        "Q1": _per(teacher_above_required(stage, teachers), p, 100),
        "Q2": _per(teachers.get("backbone", 0), p, 100),
        "Q3": _per(teachers.get("pe_art", 0), p, 100),
        "Q4": _per(_shared(school, stage, _teaching_area(school, excl), w), p),
        "Q5": _per(_shared(school, stage, _sports_area(school), w), p),
        "Q6": _per(_shared(school, stage, school.get("equipment_value"), w), p),
        "Q7": _per(_shared(school, stage, school.get("multimedia_rooms"), w), p, 100),
    }


def basic_values(
    school: Mapping[str, Any], stage: str, teachers: Mapping[str, int], params: Mapping[str, Any]
) -> dict[str, float | None]:
    """B1–B8 of one school-stage unit (§3)."""
    p = float(school.get(STAGE_STUDENTS[stage]) or 0)
    w = params["split_weights"]
    excl = params.get("teaching_area_excludes_indoor_sports", True)
    return {
        "B1": _per(_shared(school, stage, _teaching_area(school, excl), w), p),
        "B2": _per(_shared(school, stage, _sports_area(school), w), p),
        "B3": _per(_shared(school, stage, school.get("equipment_value"), w), p),
        "B4": _per(_shared(school, stage, school.get("computers"), w), p, 100),
        "B5": _per(_shared(school, stage, school.get("books"), w), p),
        "B6": _per(teachers.get("full_time", 0), p),
        "B7": _per(teacher_above_required(stage, teachers), p),
        "B8": _per(teachers.get("mid_title", 0), p),
    }


# ---------------------------------------------------------------- §2 school pass and shortfalls


def school_pass(
    values: Mapping[str, float | None], thresholds: Mapping[str, float], min_met: int = 6, floor: float = 0.85
) -> tuple[int, bool | None]:
    """(number of indicators met, pass): ≥ min_met met and every indicator ≥ floor × its minimum."""
    met = sum(1 for k, t in thresholds.items() if values.get(k) is not None and values[k] >= t - EPS)
    checks = []
    for k, t in thresholds.items():
        v = values.get(k)
        checks.append(None if v is None else v >= floor * t - EPS)
    missing = sum(1 for k in thresholds if values.get(k) is None)
    enough = met >= min_met if not missing else (False if met + missing < min_met else None)
    return met, combine([enough, *checks])


def shortfalls(
    values: Mapping[str, float | None], thresholds: Mapping[str, float], students: float
) -> dict[str, dict[str, Any]]:
    """Per indicator below its minimum: the amount in natural units that brings it to the minimum today."""
    result = {}
    for k, t in thresholds.items():
        v = values.get(k)
        if v is None or v >= t - EPS:
            continue
        amount = (t - v) * students / (100 if k in PER_HUNDRED else 1)
        if k in WHOLE_UNITS:
            amount = float(math.ceil(amount - 1e-7))
        result[k] = {"value": v, "threshold": t, "missing": amount, "unit": SHORTFALL_UNITS.get(k, "")}
    return result


# ---------------------------------------------------------------- class size


def class_size_counts(
    sizes: Iterable[int], limit: int, large: int = 56, super_large: int = 66
) -> dict[str, int]:
    """Counts of one set of classes: classes, students, over the limit, large (≥ 56), super-large (≥ 66), max."""
    sizes = list(sizes)
    return {
        "classes": len(sizes),
        "students": sum(sizes),
        "over_limit": sum(1 for s in sizes if s > limit),
        "large": sum(1 for s in sizes if s >= large),
        "super_large": sum(1 for s in sizes if s >= super_large),
        "max": max(sizes) if sizes else None,
    }


def class_size_summary(parts: Iterable[Mapping[str, Any]], limit: int) -> dict[str, Any]:
    """Pool per-school counts into the county figure of one stage, with shares of all classes."""
    parts = list(parts)
    classes = sum(p["classes"] for p in parts)
    maxima = [p["max"] for p in parts if p.get("max") is not None]
    summary = {
        "classes": classes,
        "students": sum(p["students"] for p in parts),
        "limit": limit,
        "over_limit": sum(p["over_limit"] for p in parts),
        "large": sum(p["large"] for p in parts),
        "super_large": sum(p["super_large"] for p in parts),
        "max": max(maxima) if maxima else None,
    }
    for key in ("over_limit", "large", "super_large"):
        summary[f"{key}_share"] = summary[key] / classes if classes else None
    return summary


# ---------------------------------------------------------------- §7 urban–rural degree ratio


def degree_ratio(
    groups: Mapping[str, Mapping[str, int]], urban_codes: Iterable[str], rural_codes: Iterable[str]
) -> dict[str, Any]:
    """groups: urban_rural_code -> {"full_time": n, "bachelor_plus": m}. Ratio of 本科+ shares urban ÷ rural."""
    urban_codes, rural_codes = set(urban_codes), set(rural_codes)

    def pooled(codes):
        ft = sum(g.get("full_time", 0) for c, g in groups.items() if c in codes)
        bp = sum(g.get("bachelor_plus", 0) for c, g in groups.items() if c in codes)
        return ft, bp

    uft, ubp = pooled(urban_codes)
    rft, rbp = pooled(rural_codes)
    urban_share, rural_share = share(ubp, uft), share(rbp, rft)
    ratio = urban_share / rural_share if urban_share is not None and rural_share else None
    return {
        "urban_share": urban_share,
        "rural_share": rural_share,
        "ratio": ratio,
        "urban_teachers": uft,
        "urban_bachelor_plus": ubp,
        "rural_teachers": rft,
        "rural_bachelor_plus": rbp,
    }


def rural_teachers_needed(figures: Mapping[str, Any], target: float) -> int | None:
    """Rural teachers with 本科 (in place of teachers without) that bring the ratio to the target today."""
    if figures["urban_share"] is None or not figures["rural_teachers"]:
        return None
    needed = figures["urban_share"] / target * figures["rural_teachers"] - figures["rural_bachelor_plus"]
    return max(0, math.ceil(needed - 1e-9))


# ---------------------------------------------------------------- §6 achievement


def achievement_rates(rows: Sequence[Mapping[str, Any]], limit: float = 0.15) -> dict[str, Any]:
    """rows of one stage and subject: {code, tested, mean, reference}. Inter-school estimate and rates vs R."""
    rows = [r for r in rows if r.get("mean") is not None and r.get("tested")]
    _, _, cv = weighted_cv([float(r["mean"]) for r in rows], [float(r["tested"]) for r in rows])
    refs = [r for r in rows if r.get("reference")]
    reference, _, _ = weighted_cv([float(r["mean"]) for r in refs], [float(r["tested"]) for r in refs])
    schools = []
    for r in rows:
        if r.get("reference"):
            continue
        rate = (reference - float(r["mean"])) / reference if reference else None
        schools.append(
            {
                "code": r["code"],
                "mean": float(r["mean"]),
                "tested": r["tested"],
                "rate_vs_urban_quality": rate,
                "pass": None if rate is None else rate < limit,
            }
        )
    return {
        "inter_school_difference_rate": cv,
        "reference_mean": reference,
        "reference_schools": [r["code"] for r in refs],
        "limit": limit,
        "schools": schools,
    }


# ---------------------------------------------------------------- funding (§4)


def funding_rate(county_code: str, year: int, params: Mapping[str, Any]) -> dict[str, float] | None:
    """Per-pupil public funding rate of the county's province group in force in `year`."""
    rates = params["funding_rates"]
    group = "east" if county_code[:2] in rates["east_provinces"] else "central_west"
    chosen = None
    for entry in sorted(rates["schedule"], key=lambda e: e["from_year"]):
        if entry["from_year"] <= year:
            chosen = entry
    if chosen is None:
        return None
    return {**chosen[group], "group": group}


def required_appropriation(
    students: Mapping[str, int | None],
    boarders: int | None,
    rate: Mapping[str, float],
    params: Mapping[str, Any],
) -> float:
    """rate × max(P, 100) + 200 × boarders; a mixed school's top-up to 100 is priced at its lowest stage."""
    rates = params["funding_rates"]
    floor = rates["small_school_floor"]
    p = {s: students.get(s) or 0 for s in STAGES}
    total = sum(p.values())
    amount = sum(rate[s] * p[s] for s in STAGES)
    if total < floor:
        amount += rate[PRIMARY if p[PRIMARY] else JUNIOR] * (floor - total)
    return amount + rates["boarder_supplement"] * (boarders or 0)


# ---------------------------------------------------------------- the whole county


@dataclass
class CountyData:
    """Aggregated inputs of one county and year (built by selectors from the DB, or by a test from a workbook)."""

    county_code: str
    county_name: str
    year: int
    schools: list[dict[str, Any]]
    teachers: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    classes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    offending_classes: list[dict[str, Any]] = field(default_factory=list)
    funding: dict[str, dict[str, float | None]] = field(default_factory=dict)
    achievement: list[dict[str, Any]] = field(default_factory=list)
    county_year: dict[str, Any] | None = None
    monitoring: list[dict[str, Any]] = field(default_factory=list)
    declarations: dict[str, bool | None] = field(default_factory=dict)


def _resource_stage(
    data: CountyData, stage: str, params: Mapping[str, Any], codes: Sequence[str], values_fn
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    units = []
    for school in data.schools:
        if stage not in unit_stages(school) or not unit_included(school, params):
            continue
        teachers = data.teachers.get((school["code"], stage), {})
        units.append(
            {
                "code": school["code"],
                "name": school.get("name", ""),
                "students": int(school[STAGE_STUDENTS[stage]]),
                "values": values_fn(school, stage, teachers, params),
            }
        )
    indicators = {}
    for k in codes:
        known = [u for u in units if u["values"][k] is not None]
        xs = [u["values"][k] for u in known]
        ws = [u["students"] for u in known]
        mean, sd, cv = weighted_cv(xs, ws)
        drivers = []
        if mean is not None and ws:
            total = sum(ws)
            contrib = sorted(known, key=lambda u: -(u["students"] / total) * (u["values"][k] - mean) ** 2)
            drivers = [
                {"code": u["code"], "value": u["values"][k], "students": u["students"]} for u in contrib[:3]
            ]
        indicators[k] = {
            "mean": mean,
            "cv": cv,
            "detail": {
                "sd": sd,
                "students": sum(ws),
                "units_with_value": len(known),
                "units_missing_value": [u["code"] for u in units if u["values"][k] is None],
                "schools_driving_cv": drivers,
            },
        }
    return units, indicators


def quality_stage(data: CountyData, stage: str, params: Mapping[str, Any]) -> dict[str, Any]:
    units, indicators = _resource_stage(data, stage, params, Q_CODES, quality_values)
    thresholds = params["thresholds"][stage]
    cv_limit = params["cv_limits"][stage]
    for k, ind in indicators.items():
        ind["threshold"] = thresholds[k]
        ind["cv_limit"] = cv_limit
        ind["cv_pass"] = None if ind["cv"] is None else ind["cv"] <= cv_limit + 1e-12
        ind["detail"]["formula"] = (
            "X̄ = ΣP_i·X_i / ΣP_i; S = sqrt(Σ(P_i/P)(X_i−X̄)²); CV = S/X̄ (enrolment-weighted, population form)"
        )
    schools = []
    for u in units:
        met, passed = school_pass(
            u["values"], thresholds, params.get("school_min_met", 6), params.get("school_floor", 0.85)
        )
        schools.append(
            {
                "code": u["code"],
                "name": u["name"],
                "students": u["students"],
                "values": u["values"],
                "met": met,
                "pass": passed,
                "shortfalls": shortfalls(u["values"], thresholds, u["students"]),
            }
        )
    cvs = [indicators[k]["cv"] for k in Q_CODES]
    passed = (
        combine([*(s["pass"] for s in schools), *(indicators[k]["cv_pass"] for k in Q_CODES)])
        if units
        else None
    )
    return {
        "units": len(units),
        "indicators": indicators,
        "composite_cv": mean_or_none(cvs),
        "cv_limit": cv_limit,
        "schools": schools,
        "schools_passing": sum(1 for s in schools if s["pass"] is True),
        "pass": passed,
    }


def basic_stage(data: CountyData, stage: str, params: Mapping[str, Any]) -> dict[str, Any]:
    units, indicators = _resource_stage(data, stage, params, B_CODES, basic_values)
    composite = mean_or_none(indicators[k]["cv"] for k in B_CODES)
    limit = params["composite_cv_limits"][stage]
    return {
        "units": len(units),
        "indicators": indicators,
        "composite_cv": composite,
        "limit": limit,
        "pass": None if composite is None else composite <= limit + 1e-12,
        "schools": [{"code": u["code"], "students": u["students"], "values": u["values"]} for u in units],
    }


def _item(passed: bool | None, **detail) -> dict[str, Any]:
    return {"pass": passed, **detail}


def _pct_item(value, limit) -> dict[str, Any]:
    value = None if value is None else float(value)
    return _item(at_least(value, limit), value=value, threshold=limit)


def _compulsory_students(school) -> int:
    return (school.get("primary_students") or 0) + (school.get("junior_students") or 0)


def _teacher_totals(data: CountyData) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (_, stage), counts in data.teachers.items():
        if stage not in STAGES:
            continue
        for key, n in counts.items():
            totals[key] = totals.get(key, 0) + (n or 0)
    return totals


def government_items(data: CountyData, params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for code in ("G1", "G2", "G10"):
        items[code] = _item(data.declarations.get(code), declared=code in data.declarations)

    # G3 music and art rooms
    per_room = params["classes_per_special_room"]
    g3_schools, g3 = [], []
    for school in data.schools:
        n = sum(data.classes.get((school["code"], s), {}).get("classes", 0) for s in STAGES)
        if not n:
            continue
        required = math.ceil(n / per_room)
        music, art = school.get("music_rooms"), school.get("art_rooms")
        ok = combine([at_least(music, required), at_least(art, required)])
        g3.append(ok)
        if ok is not True:
            g3_schools.append(
                {"code": school["code"], "classes": n, "required": required, "music": music, "art": art}
            )
    items["G3"] = _item(combine(g3) if g3 else None, failing_schools=g3_schools)

    # G4 school size
    limits = params["school_size_limits"]
    g4, g4_schools = [], []
    for school in data.schools:
        limit = limits.get(school["kind"])
        if limit is None:
            continue
        p = _compulsory_students(school)
        g4.append(p <= limit)
        if p > limit:
            g4_schools.append({"code": school["code"], "students": p, "limit": limit})
    items["G4"] = _item(combine(g4) if g4 else None, failing_schools=g4_schools)

    # G5 class size
    over = sum(c.get("over_limit", 0) for c in data.classes.values())
    any_classes = any(c.get("classes") for c in data.classes.values())
    items["G5"] = _item(None if not any_classes else over == 0, over_limit=over)

    # G6 small schools funded as 100 pupils; G7 special education
    rate = funding_rate(data.county_code, data.year, params)
    g6, g6_schools, appropriations = [], [], []
    special_rate = params["funding_rates"]["special_education"]
    g7, g7_schools = [], []
    for school in data.schools:
        p = _compulsory_students(school)
        funds = (data.funding.get(school["code"]) or {}).get("public_funds")
        if school["kind"] == "special":
            per_pupil = funds / p if funds is not None and p else None
            g7.append(at_least(per_pupil, special_rate))
            g7_schools.append({"code": school["code"], "per_pupil": per_pupil, "required": special_rate})
            continue
        if school.get("ownership") == "private" or rate is None or not p:
            continue
        required = required_appropriation(
            {PRIMARY: school.get("primary_students"), JUNIOR: school.get("junior_students")},
            school.get("boarders"),
            rate,
            params,
        )
        ok = at_least(funds, required)
        appropriations.append(
            {"code": school["code"], "students": p, "funds": funds, "required": required, "pass": ok}
        )
        if p < params["funding_rates"]["small_school_floor"]:
            g6.append(ok)
            g6_schools.append({"code": school["code"], "students": p, "funds": funds, "required": required})
    items["G6"] = _item(
        None if rate is None else combine(g6),
        small_schools=g6_schools,
        rate=rate,
        appropriations=appropriations,
    )
    items["G7"] = _item(combine(g7) if g7 else True, special_schools=g7_schools, threshold=special_rate)

    cy = data.county_year or {}
    pay, cs_pay = cy.get("teacher_pay"), cy.get("civil_servant_pay")
    items["G8"] = _item(
        None if pay is None or cs_pay is None else float(pay) >= float(cs_pay) - EPS,
        teacher_pay=pay,
        civil_servant_pay=cs_pay,
    )

    t = _teacher_totals(data)
    ft = t.get("full_time", 0)

    def full_share(key, reported_key, limit):
        """Share of full-time teachers with a property: failing even if every unreported teacher had it → fail;
        otherwise unreported teachers make it incomplete."""
        met, unknown = t.get(key, 0), ft - t.get(reported_key, 0)
        value = share(met, ft)
        if not ft:
            passed = None
        elif (met + unknown) / ft < limit - EPS:
            passed = False
        else:
            passed = None if unknown else at_least(value, limit)
        return _item(passed, value=value, threshold=limit, not_reported=unknown)

    items["G9"] = full_share("trained", "training_reported", params["training_share"])
    rot = share(t.get("rotated", 0), t.get("rotation_eligible", 0))
    rot_bb = share(t.get("rotated_backbone", 0), t.get("rotated", 0))
    items["G11"] = _item(
        combine(
            [at_least(rot, params["rotation_share"]), at_least(rot_bb, params["rotation_backbone_share"])]
        ),
        value=rot,
        backbone_share=rot_bb,
        eligible=t.get("rotation_eligible", 0),
        rotated=t.get("rotated", 0),
        threshold=params["rotation_share"],
        backbone_threshold=params["rotation_backbone_share"],
    )
    items["G12"] = full_share("certified", "certified_reported", params["certified_share"])
    urban, town = cy.get("urban_nearby"), cy.get("town_nearby")
    items["G13"] = _item(
        combine([at_least(urban, params["urban_nearby"]), at_least(town, params["town_nearby"])]),
        urban_nearby=urban,
        town_nearby=town,
    )
    items["G14"] = _pct_item(cy.get("quota_allocation"), params["quota_allocation"])
    items["G15"] = _pct_item(cy.get("migrant_public"), params["migrant_public"])
    return items


def quality_items(data: CountyData, params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    cy = data.county_year or {}
    items = {
        "E1": _pct_item(cy.get("junior_retention"), params["junior_retention"]),
        "E2": _pct_item(cy.get("disabled_enrolment"), params["disabled_enrolment"]),
    }
    e4, e4_schools = [], []
    for school in data.schools:
        f = data.funding.get(school["code"])
        if not f:
            e4.append(None)
            continue
        budget, training = f.get("public_budget"), f.get("training_funds")
        ok = (
            None
            if budget is None or training is None
            else training >= params["training_budget_share"] * budget - EPS
        )
        e4.append(ok)
        if ok is not True:
            e4_schools.append({"code": school["code"], "public_budget": budget, "training_funds": training})
    items["E4"] = _item(combine(e4) if e4 else None, failing_schools=e4_schools)
    subjects = []
    for m in data.monitoring:
        ok = (
            m["level"] >= params["monitoring_min_level"]
            and float(m["difference_rate"]) < params["difference_rate_limit"]
        )
        subjects.append({**m, "difference_rate": float(m["difference_rate"]), "pass": ok})
    items["E9"] = _item(combine(s["pass"] for s in subjects) if subjects else None, subjects=subjects)
    for code in ("E3", "E5", "E6", "E7", "E8"):
        items[code] = _item(data.declarations.get(code), declared=code in data.declarations)
    return items


def _part(items: Mapping[str, Mapping[str, Any]]) -> tuple[str, list[str]]:
    result = combine(i["pass"] for i in items.values())
    failing = [code for code, i in items.items() if i["pass"] is False]
    return verdict_word(result), failing


def compute_report(data: CountyData, quality: Mapping[str, Any], basic: Mapping[str, Any]) -> dict[str, Any]:
    """The whole county report (spec/report.md) from aggregated inputs and the two rule sets' params."""
    q = {stage: quality_stage(data, stage, quality) for stage in STAGES}
    q["government"] = government_items(data, quality)
    q["quality"] = quality_items(data, quality)
    cy = data.county_year or {}
    q["recognition"] = {"S1": _pct_item(cy.get("recognition"), quality["recognition"])}
    # a stage without units (e.g. a county whose junior schools are all in the city) does not block the verdict
    staged = [q[s]["pass"] for s in STAGES if q[s]["units"]]
    resource = combine(staged) if staged else None
    verdict, failing = {"resource": verdict_word(resource)}, {}
    failing["resource"] = [
        f"{stage}:{k}" for stage in STAGES for k, i in q[stage]["indicators"].items() if i["cv_pass"] is False
    ] + [f"{stage}:{s['code']}" for stage in STAGES for s in q[stage]["schools"] if s["pass"] is False]
    for part in ("government", "quality", "recognition"):
        verdict[part], failing[part] = _part(q[part])
    q["verdict"] = verdict
    q["failing_items"] = failing
    word_to = {"pass": True, "fail": False, "incomplete": None}
    q["pass"] = combine(word_to[v] for v in verdict.values())

    b = {stage: basic_stage(data, stage, basic) for stage in STAGES}
    b["pass"] = (
        combine([b[s]["pass"] for s in STAGES if b[s]["units"]])
        if any(b[s]["units"] for s in STAGES)
        else None
    )

    # class size: every class of every school
    limits, large, super_large = quality["class_limits"], quality["large_class"], quality["super_large_class"]
    class_size = {}
    for stage in STAGES:
        parts = [c for (_, s), c in data.classes.items() if s == stage]
        summary = class_size_summary(parts, limits[stage])
        summary["large_threshold"], summary["super_large_threshold"] = large, super_large
        summary["offending"] = [c for c in data.offending_classes if c["stage"] == stage]
        class_size[stage] = summary

    # urban-rural degree ratio: full-time primary/junior teachers of every school
    kinds_by_code = {s["code"]: s["urban_rural_code"] for s in data.schools}

    def groups(stages):
        out: dict[str, dict[str, int]] = {}
        for (code, stage), counts in data.teachers.items():
            if stage not in stages or code not in kinds_by_code:
                continue
            g = out.setdefault(kinds_by_code[code], {"full_time": 0, "bachelor_plus": 0})
            g["full_time"] += counts.get("full_time", 0)
            g["bachelor_plus"] += counts.get("bachelor_plus", 0)
        return out

    target = quality["degree_ratio_target"]
    urban_codes, rural_codes = quality["urban_codes"], quality["rural_codes"]
    ur = degree_ratio(groups(STAGES), urban_codes, rural_codes)
    ur["target"] = target
    ur["pass"] = None if ur["ratio"] is None else ur["ratio"] <= target + 1e-12
    ur["by_stage"] = {s: degree_ratio(groups((s,)), urban_codes, rural_codes) for s in STAGES}
    ur["alternative_grouping"] = degree_ratio(
        groups(STAGES), quality["alternative_urban_codes"], quality["alternative_rural_codes"]
    )
    ur["rural_teachers_needed"] = rural_teachers_needed(ur, target)
    ur["grouping"] = {"urban": list(urban_codes), "rural": list(rural_codes)}

    # achievement
    reference = {s["code"]: bool(s.get("urban_quality_reference")) for s in data.schools}
    achievement: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        subjects: dict[str, list] = {}
        for row in data.achievement:
            if row["stage"] != stage:
                continue
            subjects.setdefault(row["subject"], []).append(
                {
                    "code": row["school_code"],
                    "tested": row["tested"],
                    "mean": row["mean_score"],
                    "reference": reference.get(row["school_code"], False),
                }
            )
        achievement[stage] = {
            subj: achievement_rates(sorted(rows, key=lambda r: r["code"]), quality["difference_rate_limit"])
            for subj, rows in sorted(subjects.items())
        }

    # staffing (informational)
    staffing = {}
    weights = quality.get("staff_split", "enrolment")
    for stage in STAGES:
        p = ft = 0
        staff = 0.0
        staff_known = True
        for school in data.schools:
            students = school.get(STAGE_STUDENTS[stage]) or 0
            if not students:
                continue
            p += students
            ft += data.teachers.get((school["code"], stage), {}).get("full_time", 0)
            part = _shared(school, stage, school.get("staff"), weights)
            if part is None:
                staff_known = False
            else:
                staff += part
        standard = quality["staffing_standard"][stage]
        staffing[stage] = {
            "students": p,
            "full_time_teachers": ft,
            "student_teacher_ratio": share(p, ft),
            "staff": staff if staff_known else None,
            "staff_ratio": share(p, staff) if staff_known else None,
            "staff_standard": standard,
            "staff_needed": p / standard if p else None,
        }

    return {
        "county": {"code": data.county_code, "name": data.county_name},
        "year": data.year,
        "quality_2017": q,
        "basic_2012": b,
        "class_size": class_size,
        "urban_rural_degree_ratio": ur,
        "achievement": achievement,
        "staffing": staffing,
    }
