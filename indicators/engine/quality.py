"""The 2017 standard, parts 3 and 4: education quality (E…) and social recognition (S1), §5. One function per
item, returning (pass, facts) like the government items."""

from __future__ import annotations

from collections.abc import Callable

from .context import Context
from .government import Finding, declared, pct_item
from .registry import QUALITY_2017, TABLE, Entry, Param, fraction, percent
from .stats import EPS, combine


def e1(ctx: Context) -> Finding:
    """初中三年巩固率 (county input) ≥ 95 %."""
    return pct_item(ctx.county_year.get("junior_retention"), ctx.params["junior_retention"])


def e2(ctx: Context) -> Finding:
    """残疾儿童少年入学率 (county input) ≥ 95 %."""
    return pct_item(ctx.county_year.get("disabled_enrolment"), ctx.params["disabled_enrolment"])


def e4(ctx: Context) -> Finding:
    """Every school spends ≥ 5 % of its public-funds budget on teacher training."""
    results: list[bool | None] = []
    failing = []
    for school in ctx.data.schools:
        f = ctx.data.funding.get(school["code"])
        if not f:
            results.append(None)
            continue
        budget, training = f.get("public_budget"), f.get("training_funds")
        ok = (
            None
            if budget is None or training is None
            else training >= ctx.params["training_budget_share"] * budget - EPS
        )
        results.append(ok)
        if ok is not True:
            failing.append({"code": school["code"], "public_budget": budget, "training_funds": training})
    return (combine(results) if results else None), {"failing_schools": failing}


def e9(ctx: Context) -> Finding:
    """National quality monitoring: every monitored subject at level Ⅲ or above and 校际差异率 below 0.15."""
    subjects = []
    for m in ctx.data.monitoring:
        ok = (
            m["level"] >= ctx.params["monitoring_min_level"]
            and float(m["difference_rate"]) < ctx.params["difference_rate_limit"]
        )
        subjects.append({**m, "difference_rate": float(m["difference_rate"]), "pass": ok})
    return (combine(s["pass"] for s in subjects) if subjects else None), {"subjects": subjects}


def s1(ctx: Context) -> Finding:
    """社会认可度 (county input, survey) ≥ 85 %."""
    return pct_item(ctx.county_year.get("recognition"), ctx.params["recognition"])


DIFFERENCE_RATE_LIMIT = fraction("difference_rate_limit", {QUALITY_2017: 0.15}, "quality")


def _e(code: str, fn: Callable[[Context], Finding], *params: Param) -> None:
    TABLE.register(Entry(code, QUALITY_2017, "quality", fn, params=params))


# Registration order is the order of the report's keys: the computed items first, then the declared ones.
_e("E1", e1, percent("junior_retention", {QUALITY_2017: 95}, "quality"))
_e("E2", e2, percent("disabled_enrolment", {QUALITY_2017: 95}, "quality"))
_e("E4", e4, fraction("training_budget_share", {QUALITY_2017: 0.05}, "quality"))
_e(
    "E9",
    e9,
    Param("monitoring_min_level", {QUALITY_2017: 3}, "integer", section="quality"),
    DIFFERENCE_RATE_LIMIT,
)
for _code in ("E3", "E5", "E6", "E7", "E8"):
    _e(_code, declared(_code))

TABLE.register(
    Entry(
        "S1", QUALITY_2017, "recognition", s1, params=(percent("recognition", {QUALITY_2017: 85}, "quality"),)
    )
)
