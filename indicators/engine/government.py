"""The 2017 standard, part 2: government guarantee (政府保障程度, §4). One function per item; each returns
(pass, facts): pass is True / False / None (an input missing: incomplete, never a pass), facts are what the item
was judged on, stored with it and read by the presenter."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .context import Context
from .data import JUNIOR, PRIMARY, STAGES, Params, compulsory_students
from .registry import QUALITY_2017, TABLE, Entry, Param, fraction, percent
from .stats import EPS, at_least, combine, share

Finding = tuple[bool | None, dict[str, Any]]


def declared(code: str) -> Callable[[Context], Finding]:
    """A qualitative item (G1, G2, G10, E3, E5–E8): recorded as a checked declaration with evidence."""

    def declaration(ctx: Context) -> Finding:
        return ctx.data.declarations.get(code), {"declared": code in ctx.data.declarations}

    declaration.__name__ = f"declared_{code}"
    return declaration


def pct_item(value: Any, limit: float) -> Finding:
    """A county input in percent against its minimum."""
    value = None if value is None else float(value)
    return at_least(value, limit), {"value": value, "threshold": limit}


# ---------------------------------------------------------------- the items


def g3(ctx: Context) -> Finding:
    """Every school with classes has ceil(classes ÷ 12) music and art rooms meeting the area standard."""
    per_room = ctx.params["classes_per_special_room"]
    failing, results = [], []
    for school in ctx.data.schools:
        n = sum(ctx.data.classes.get((school["code"], s), {}).get("classes", 0) for s in STAGES)
        if not n:
            continue
        required = math.ceil(n / per_room)
        music, art = school.get("music_rooms"), school.get("art_rooms")
        ok = combine([at_least(music, required), at_least(art, required)])
        results.append(ok)
        if ok is not True:
            failing.append(
                {"code": school["code"], "classes": n, "required": required, "music": music, "art": art}
            )
    return (combine(results) if results else None), {"failing_schools": failing}


def g4(ctx: Context) -> Finding:
    """Compulsory enrolment of every school within the size limit of its kind."""
    limits = ctx.params["school_size_limits"]
    results, failing = [], []
    for school in ctx.data.schools:
        limit = limits.get(school["kind"])
        if limit is None:
            continue
        p = compulsory_students(school)
        results.append(p <= limit)
        if p > limit:
            failing.append({"code": school["code"], "students": p, "limit": limit})
    return (combine(results) if results else None), {"failing_schools": failing}


def g5(ctx: Context) -> Finding:
    """No class above the standard size (45 primary, 50 junior)."""
    over = sum(c.get("over_limit", 0) for c in ctx.data.classes.values())
    any_classes = any(c.get("classes") for c in ctx.data.classes.values())
    return (None if not any_classes else over == 0), {"over_limit": over}


def funding_rate(county_code: str, year: int, params: Params) -> dict[str, Any] | None:
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
    students: Mapping[str, int | None], boarders: int | None, rate: Mapping[str, float], params: Params
) -> float:
    """rate × max(P, 100) + 200 × boarders; a mixed school's top-up to 100 is priced at its lowest stage."""
    rates = params["funding_rates"]
    floor = rates["small_school_floor"]
    p = {s: students.get(s) or 0 for s in STAGES}
    total = sum(p.values())
    amount = sum(rate[s] * p[s] for s in STAGES)
    if total < floor:
        amount += rate[PRIMARY if p[PRIMARY] else JUNIOR] * (floor - total)
    required: float = amount + rates["boarder_supplement"] * (boarders or 0)
    return required


def g6(ctx: Context) -> Finding:
    """Every public school below 100 pupils receives at least the appropriation of 100 pupils."""
    params, data = ctx.params, ctx.data
    rate = funding_rate(data.county_code, data.year, params)
    results, small, appropriations = [], [], []
    for school in data.schools:
        p = compulsory_students(school)
        if school["kind"] == "special" or school.get("ownership") == "private" or rate is None or not p:
            continue
        funds = (data.funding.get(school["code"]) or {}).get("public_funds")
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
            results.append(ok)
            small.append({"code": school["code"], "students": p, "funds": funds, "required": required})
    facts = {"small_schools": small, "rate": rate, "appropriations": appropriations}
    return (None if rate is None else combine(results)), facts


def g7(ctx: Context) -> Finding:
    """Special-education schools receive at least the special per-pupil rate."""
    special_rate = ctx.params["funding_rates"]["special_education"]
    results, schools = [], []
    for school in ctx.data.schools:
        if school["kind"] != "special":
            continue
        p = compulsory_students(school)
        funds = (ctx.data.funding.get(school["code"]) or {}).get("public_funds")
        per_pupil = funds / p if funds is not None and p else None
        results.append(at_least(per_pupil, special_rate))
        schools.append({"code": school["code"], "per_pupil": per_pupil, "required": special_rate})
    return (combine(results) if results else True), {"special_schools": schools, "threshold": special_rate}


def g8(ctx: Context) -> Finding:
    """The county's average teacher pay is not below its civil servants' (county input)."""
    pay, cs_pay = ctx.county_year.get("teacher_pay"), ctx.county_year.get("civil_servant_pay")
    passed = None if pay is None or cs_pay is None else float(pay) >= float(cs_pay) - EPS
    return passed, {"teacher_pay": pay, "civil_servant_pay": cs_pay}


def full_share(ctx: Context, key: str, reported_key: str, limit: float) -> Finding:
    """Share of full-time teachers with a property: failing even if every unreported teacher had it → fail;
    otherwise unreported teachers make it incomplete."""
    t = ctx.teacher_totals
    ft = t.get("full_time", 0)
    met, unknown = t.get(key, 0), ft - t.get(reported_key, 0)
    value = share(met, ft)
    passed: bool | None
    if not ft:
        passed = None
    elif (met + unknown) / ft < limit - EPS:
        passed = False
    else:
        passed = None if unknown else at_least(value, limit)
    return passed, {"value": value, "threshold": limit, "not_reported": unknown}


def g9(ctx: Context) -> Finding:
    """Every full-time teacher trained 360 hours in five years."""
    return full_share(ctx, "trained", "training_reported", ctx.params["training_share"])


def g11(ctx: Context) -> Finding:
    """Rotated teachers ≥ 10 % of the eligible, 骨干 ≥ 20 % of the rotated."""
    t, params = ctx.teacher_totals, ctx.params
    rot = share(t.get("rotated", 0), t.get("rotation_eligible", 0))
    rot_bb = share(t.get("rotated_backbone", 0), t.get("rotated", 0))
    passed = combine(
        [at_least(rot, params["rotation_share"]), at_least(rot_bb, params["rotation_backbone_share"])]
    )
    return passed, {
        "value": rot,
        "backbone_share": rot_bb,
        "eligible": t.get("rotation_eligible", 0),
        "rotated": t.get("rotated", 0),
        "threshold": params["rotation_share"],
        "backbone_threshold": params["rotation_backbone_share"],
    }


def g12(ctx: Context) -> Finding:
    """Every full-time teacher holds a teacher's certificate."""
    return full_share(ctx, "certified", "certified_reported", ctx.params["certified_share"])


def g13(ctx: Context) -> Finding:
    """Nearby enrolment of urban (100 %) and town (≥ 95 %) public schools (county input)."""
    urban, town = ctx.county_year.get("urban_nearby"), ctx.county_year.get("town_nearby")
    passed = combine([at_least(urban, ctx.params["urban_nearby"]), at_least(town, ctx.params["town_nearby"])])
    return passed, {"urban_nearby": urban, "town_nearby": town}


def g14(ctx: Context) -> Finding:
    """Quality high-school places allocated to junior schools (county input)."""
    return pct_item(ctx.county_year.get("quota_allocation"), ctx.params["quota_allocation"])


def g15(ctx: Context) -> Finding:
    """Migrant children in public schools or purchased places (county input)."""
    return pct_item(ctx.county_year.get("migrant_public"), ctx.params["migrant_public"])


# ---------------------------------------------------------------- the settings they read, and the table rows

CLASS_LIMITS = Param(
    "class_limits", {QUALITY_2017: {"primary": 45, "junior": 50}}, "table", section="government"
)
LARGE_CLASS = Param("large_class", {QUALITY_2017: 56}, "integer", section="government")
SUPER_LARGE_CLASS = Param("super_large_class", {QUALITY_2017: 66}, "integer", section="government")
FUNDING_RATES = Param(
    "funding_rates",
    {
        QUALITY_2017: {
            # 国发〔2015〕67号: 东部 provinces (by the first two digits of the region code).
            "east_provinces": ["11", "12", "13", "21", "31", "32", "33", "35", "37", "44", "46"],
            "schedule": [
                {
                    "from_year": 2016,
                    "east": {"primary": 650, "junior": 850},
                    "central_west": {"primary": 600, "junior": 800},
                }
            ],
            "boarder_supplement": 200,
            "small_school_floor": 100,
            "special_education": 6000,
        }
    },
    "table",
    section="government",
)


def _g(code: str, fn: Callable[[Context], Finding], *params: Param) -> None:
    TABLE.register(Entry(code, QUALITY_2017, "government", fn, params=params))


def _n(key: str, default: float, kind: Any = "number") -> Param:
    return Param(key, {QUALITY_2017: default}, kind, section="government")


# Registration order is the order of the report's keys: the declared items first, as stored since the start.
for _code in ("G1", "G2", "G10"):
    _g(_code, declared(_code))
_g(
    "G3",
    g3,
    _n("music_room_area", 96),
    _n("art_room_area", 90),
    _n("classes_per_special_room", 12, "integer"),
)
_g(
    "G4",
    g4,
    Param(
        "school_size_limits",
        {
            QUALITY_2017: {
                "primary": 2000,
                "junior": 2000,
                "complete_secondary": 2000,
                "nine_year": 2500,
                "twelve_year": 2500,
            }
        },
        "table",
        section="government",
    ),
)
_g("G5", g5, CLASS_LIMITS, LARGE_CLASS, SUPER_LARGE_CLASS)
_g("G6", g6, FUNDING_RATES)
_g("G7", g7, FUNDING_RATES)
_g("G8", g8)
_g(
    "G9",
    g9,
    _n("training_hours", 360, "integer"),
    fraction("training_share", {QUALITY_2017: 1.0}, "government"),
)
_g(
    "G11",
    g11,
    fraction("rotation_share", {QUALITY_2017: 0.10}, "government"),
    fraction("rotation_backbone_share", {QUALITY_2017: 0.20}, "government"),
)
_g("G12", g12, fraction("certified_share", {QUALITY_2017: 1.0}, "government"))
_g(
    "G13",
    g13,
    percent("urban_nearby", {QUALITY_2017: 100}, "government"),
    percent("town_nearby", {QUALITY_2017: 95}, "government"),
)
_g("G14", g14, percent("quota_allocation", {QUALITY_2017: 50}, "government"))
_g("G15", g15, percent("migrant_public", {QUALITY_2017: 85}, "government"))
