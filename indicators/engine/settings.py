"""The settings the engine reads as a whole rather than for one item: which schools form units (§0), how shared
assets are split (§1), the CV limits and the school rule of §2, the 2012 composite limits (§3). Thresholds marked
† in the spec are secondary-source figures: they live here as data so they can be corrected without code."""

from __future__ import annotations

from .registry import BASIC_2012, QUALITY_2017, TABLE, Param, fraction

BOTH = (QUALITY_2017, BASIC_2012)

SPLIT_WEIGHTS = Param(
    "split_weights",
    dict.fromkeys(BOTH, {"primary": 1.0, "junior": 1.1, "senior": 1.32}),
    "weights",
    words=frozenset({"enrolment"}),
    section="units",
)
# §2 Q4 / §3 B1: the statistics count indoor sports rooms inside 教学及辅助用房; Q5/B2 count them.
TEACHING_AREA_EXCLUDES_INDOOR_SPORTS = Param(
    "teaching_area_excludes_indoor_sports", dict.fromkeys(BOTH, True), "bool", section="units"
)
# §0 unit inclusion: teaching points below this enrolment are left out (null = every teaching point, 2012).
EXCLUDE_TEACHING_POINTS_BELOW = Param(
    "exclude_teaching_points_below",
    {QUALITY_2017: 50, BASIC_2012: None},
    "integer",
    nullable=True,
    section="units",
)
INCLUDE_PRIVATE = Param("include_private", {QUALITY_2017: True, BASIC_2012: False}, "bool", section="units")
# §2 minimums per stage and indicator: composed from the resource entries' own `thresholds` (registry.Table).
THRESHOLDS = Param("thresholds", {QUALITY_2017: None}, "table", section="resource")
CV_LIMITS = fraction("cv_limits", {QUALITY_2017: {"primary": 0.50, "junior": 0.45}}, "resource", "table")


def _resource_indicators() -> float:
    return len(TABLE.entries(QUALITY_2017, "resource"))


# §2 the school rule: at least this many of the indicators met (at most all of them), the rest ≥ school_floor.
SCHOOL_MIN_MET = Param(
    "school_min_met", {QUALITY_2017: 6}, "integer", maximum=_resource_indicators, section="resource"
)
SCHOOL_FLOOR = fraction("school_floor", {QUALITY_2017: 0.85}, "resource")
COMPOSITE_CV_LIMITS = fraction(
    "composite_cv_limits", {BASIC_2012: {"primary": 0.65, "junior": 0.55}}, "resource", "table"
)

TABLE.share(
    SPLIT_WEIGHTS,
    TEACHING_AREA_EXCLUDES_INDOOR_SPORTS,
    EXCLUDE_TEACHING_POINTS_BELOW,
    INCLUDE_PRIVATE,
    THRESHOLDS,
    CV_LIMITS,
    SCHOOL_MIN_MET,
    SCHOOL_FLOOR,
    COMPOSITE_CV_LIMITS,
)
