"""The report's other blocks, reported whatever the standard: class size (§4), the urban–rural degree ratio (§7),
achievement difference rates (§6) and staffing (§8). One function per block, each returning its part of the
report model."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..report.model import (
    Achievement,
    ClassSize,
    DegreeRatio,
    DegreeShares,
    Staffing,
)
from .context import Context
from .data import STAGE_STUDENTS, STAGES, shared
from .government import CLASS_LIMITS, LARGE_CLASS, SUPER_LARGE_CLASS
from .quality import DIFFERENCE_RATE_LIMIT
from .registry import QUALITY_2017, TABLE, Entry, Param
from .stats import LIMIT_EPS, share, weighted_cv

# ---------------------------------------------------------------- class size


def class_size_counts(
    sizes: Iterable[int], limit: int, large: int = 56, super_large: int = 66
) -> dict[str, Any]:
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


def class_size_summary(
    parts: Iterable[Mapping[str, Any]],
    limit: int,
    large_threshold: int | None = None,
    super_large_threshold: int | None = None,
    offending: Sequence[Mapping[str, Any]] = (),
) -> ClassSize:
    """Pool per-school counts into the county figure of one stage, with shares of all classes."""
    parts = list(parts)
    classes = sum(p["classes"] for p in parts)
    maxima = [p["max"] for p in parts if p.get("max") is not None]
    over_limit = sum(p["over_limit"] for p in parts)
    large = sum(p["large"] for p in parts)
    super_large = sum(p["super_large"] for p in parts)
    return ClassSize(
        classes=classes,
        students=sum(p["students"] for p in parts),
        limit=limit,
        over_limit=over_limit,
        large=large,
        super_large=super_large,
        max=max(maxima) if maxima else None,
        over_limit_share=over_limit / classes if classes else None,
        large_share=large / classes if classes else None,
        super_large_share=super_large / classes if classes else None,
        large_threshold=large_threshold,
        super_large_threshold=super_large_threshold,
        offending_rows=tuple(offending),
    )


def class_size(ctx: Context) -> dict[str, ClassSize]:
    """Every class of every school of the county, per stage (teaching points, private and special schools too)."""
    params = ctx.params
    limits, large, super_large = params["class_limits"], params["large_class"], params["super_large_class"]
    return {
        stage: class_size_summary(
            [c for (_, s), c in ctx.data.classes.items() if s == stage],
            limits[stage],
            large,
            super_large,
            [c for c in ctx.data.offending_classes if c["stage"] == stage],
        )
        for stage in STAGES
    }


# ---------------------------------------------------------------- §7 urban–rural degree ratio


def degree_ratio(
    groups: Mapping[str, Mapping[str, int]], urban_codes: Iterable[str], rural_codes: Iterable[str]
) -> DegreeShares:
    """groups: urban_rural_code -> {"full_time": n, "bachelor_plus": m}. Ratio of 本科+ shares urban ÷ rural."""
    urban, rural = set(urban_codes), set(rural_codes)

    def pooled(codes: set[str]) -> tuple[int, int]:
        ft = sum(g.get("full_time", 0) for c, g in groups.items() if c in codes)
        bp = sum(g.get("bachelor_plus", 0) for c, g in groups.items() if c in codes)
        return ft, bp

    uft, ubp = pooled(urban)
    rft, rbp = pooled(rural)
    urban_share, rural_share = share(ubp, uft), share(rbp, rft)
    ratio = urban_share / rural_share if urban_share is not None and rural_share else None
    return DegreeShares(urban_share, rural_share, ratio, uft, ubp, rft, rbp)


def rural_teachers_needed(figures: DegreeShares, target: float) -> int | None:
    """Rural teachers with 本科 (in place of teachers without) that bring the ratio to the target today."""
    if figures.urban_share is None or not figures.rural_teachers:
        return None
    needed = figures.urban_share / target * figures.rural_teachers - (figures.rural_bachelor_plus or 0)
    return max(0, math.ceil(needed - 1e-9))


def urban_rural_degree_ratio(ctx: Context) -> DegreeRatio:
    """Full-time primary and junior teachers of every school of the county, pooled and by stage."""
    params = ctx.params
    kinds_by_code = {s["code"]: s["urban_rural_code"] for s in ctx.data.schools}

    def groups(stages: Sequence[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (code, stage), counts in ctx.data.teachers.items():
            if stage not in stages or code not in kinds_by_code:
                continue
            g = out.setdefault(kinds_by_code[code], {"full_time": 0, "bachelor_plus": 0})
            g["full_time"] += counts.get("full_time", 0)
            g["bachelor_plus"] += counts.get("bachelor_plus", 0)
        return out

    target = params["degree_ratio_target"]
    urban_codes, rural_codes = params["urban_codes"], params["rural_codes"]
    pooled = degree_ratio(groups(STAGES), urban_codes, rural_codes)
    return DegreeRatio(
        pooled=pooled,
        target=target,
        passed=None if pooled.ratio is None else pooled.ratio <= target + LIMIT_EPS,
        by_stage={s: degree_ratio(groups((s,)), urban_codes, rural_codes) for s in STAGES},
        alternative_grouping=degree_ratio(
            groups(STAGES), params["alternative_urban_codes"], params["alternative_rural_codes"]
        ),
        rural_teachers_needed=rural_teachers_needed(pooled, target),
        grouping={"urban": list(urban_codes), "rural": list(rural_codes)},
    )


# ---------------------------------------------------------------- §6 achievement


def achievement_rates(rows: Sequence[Mapping[str, Any]], limit: float = 0.15) -> Achievement:
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
    return Achievement(cv, reference, tuple(r["code"] for r in refs), limit, tuple(schools))


def achievement(ctx: Context) -> dict[str, dict[str, Achievement]]:
    """Per stage and subject, from the schools' mean scores."""
    reference = {s["code"]: bool(s.get("urban_quality_reference")) for s in ctx.data.schools}
    limit = ctx.params["difference_rate_limit"]
    out: dict[str, dict[str, Achievement]] = {}
    for stage in STAGES:
        subjects: dict[str, list[dict[str, Any]]] = {}
        for row in ctx.data.achievement:
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
        out[stage] = {
            subject: achievement_rates(sorted(rows, key=lambda r: r["code"]), limit)
            for subject, rows in sorted(subjects.items())
        }
    return out


# ---------------------------------------------------------------- §8 staffing


def staffing(ctx: Context) -> dict[str, Staffing]:
    """Pupils per full-time teacher and per staff member (staff split between stages), against the standard."""
    params, data = ctx.params, ctx.data
    weights = params.get("staff_split", "enrolment")
    out = {}
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
            part = shared(school, stage, school.get("staff"), weights)
            if part is None:
                staff_known = False
            else:
                staff += part
        standard = params["staffing_standard"][stage]
        out[stage] = Staffing(
            students=p,
            full_time_teachers=ft,
            student_teacher_ratio=share(p, ft),
            staff=staff if staff_known else None,
            staff_ratio=share(p, staff) if staff_known else None,
            staff_standard=standard,
            staff_needed=p / standard if p else None,
        )
    return out


# ---------------------------------------------------------------- the table rows


def _codes(key: str, default: list[str]) -> Param:
    return Param(key, {QUALITY_2017: default}, "codes", section="grouping")


TABLE.register(
    Entry(
        "class_size", QUALITY_2017, "class_size", class_size, (CLASS_LIMITS, LARGE_CLASS, SUPER_LARGE_CLASS)
    )
)
TABLE.register(
    Entry(
        "urban_rural_degree_ratio",
        QUALITY_2017,
        "degree_ratio",
        urban_rural_degree_ratio,
        (
            Param("degree_ratio_target", {QUALITY_2017: 1.05}, section="grouping"),
            _codes("urban_codes", ["111", "112"]),
            _codes("rural_codes", ["121", "122", "123", "210", "220"]),
            # The alternative grouping reported beside it: rural = 乡村 only, so 镇区 joins the urban side.
            _codes("alternative_urban_codes", ["111", "112", "121", "122", "123"]),
            _codes("alternative_rural_codes", ["210", "220"]),
        ),
    )
)
TABLE.register(Entry("achievement", QUALITY_2017, "achievement", achievement, (DIFFERENCE_RATE_LIMIT,)))
TABLE.register(
    Entry(
        "staffing",
        QUALITY_2017,
        "staffing",
        staffing,
        (
            # students per staff member of the unified standard
            Param(
                "staffing_standard",
                {QUALITY_2017: {"primary": 19, "junior": 13.5}},
                "table",
                section="staffing",
            ),
            # staff split between stages by enrolment (or by the split weights of §1)
            Param(
                "staff_split",
                {QUALITY_2017: "enrolment"},
                "word",
                words=frozenset({"enrolment"}),
                section="staffing",
            ),
        ),
    )
)
