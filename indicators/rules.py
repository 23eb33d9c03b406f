"""Default params of the two rule sets (spec/indicators.md). Seeded as version 1 by a data migration; an
administrator's edit creates a new version through `services.rule_set_revise`. Thresholds marked † in the spec
are secondary-source figures: they live here as data so they can be corrected without code."""

from copy import deepcopy

QUALITY_2017 = "quality_2017"
BASIC_2012 = "basic_2012"

# 国发〔2015〕67号: 东部 provinces (by the first two digits of the region code).
EAST_PROVINCES = ["11", "12", "13", "21", "31", "32", "33", "35", "37", "44", "46"]

_COMMON = {
    # §1: weights primary 1.0 : junior 1.1 : senior 1.32, or the string "enrolment" for plain enrolment shares.
    "split_weights": {"primary": 1.0, "junior": 1.1, "senior": 1.32},
    # §2 Q4 / §3 B1: the statistics count indoor sports rooms inside 教学及辅助用房; Q5/B2 count them.
    "teaching_area_excludes_indoor_sports": True,
}

QUALITY_2017_DEFAULTS = {
    **_COMMON,
    # §0 unit inclusion: teaching points below this enrolment are left out (null = every teaching point).
    "exclude_teaching_points_below": 50,
    "include_private": True,
    # §2 minimums per stage († = secondary sources).
    "thresholds": {
        "primary": {"Q1": 4.2, "Q2": 1.0, "Q3": 0.9, "Q4": 4.5, "Q5": 7.5, "Q6": 2000, "Q7": 2.3},
        "junior": {"Q1": 5.3, "Q2": 1.0, "Q3": 0.9, "Q4": 5.8, "Q5": 10.2, "Q6": 2500, "Q7": 2.4},
    },
    "cv_limits": {"primary": 0.50, "junior": 0.45},
    "school_min_met": 6,
    "school_floor": 0.85,
    # §4 government guarantee
    "music_room_area": 96,
    "art_room_area": 90,
    "classes_per_special_room": 12,
    "school_size_limits": {
        "primary": 2000,
        "junior": 2000,
        "complete_secondary": 2000,
        "nine_year": 2500,
        "twelve_year": 2500,
    },
    "class_limits": {"primary": 45, "junior": 50},
    "large_class": 56,
    "super_large_class": 66,
    "funding_rates": {
        "east_provinces": EAST_PROVINCES,
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
    },
    "training_hours": 360,
    "training_share": 1.0,
    "rotation_share": 0.10,
    "rotation_backbone_share": 0.20,
    "certified_share": 1.0,
    "urban_nearby": 100,
    "town_nearby": 95,
    "quota_allocation": 50,
    "migrant_public": 85,
    # §5
    "junior_retention": 95,
    "disabled_enrolment": 95,
    "training_budget_share": 0.05,
    "monitoring_min_level": 3,
    "difference_rate_limit": 0.15,
    "recognition": 85,
    # §7 urban–rural degree ratio (Linyi 1.05)
    "degree_ratio_target": 1.05,
    "urban_codes": ["111", "112"],
    "rural_codes": ["121", "122", "123", "210", "220"],
    # The alternative grouping reported beside it: rural = 乡村 only, so 镇区 joins the urban side.
    "alternative_urban_codes": ["111", "112", "121", "122", "123"],
    "alternative_rural_codes": ["210", "220"],
    # §8 staffing: students per staff member of the unified standard; staff split between stages by enrolment.
    "staffing_standard": {"primary": 19, "junior": 13.5},
    "staff_split": "enrolment",
}

BASIC_2012_DEFAULTS = {
    **_COMMON,
    "exclude_teaching_points_below": None,
    "include_private": False,
    "composite_cv_limits": {"primary": 0.65, "junior": 0.55},
}

DEFAULTS = {QUALITY_2017: QUALITY_2017_DEFAULTS, BASIC_2012: BASIC_2012_DEFAULTS}
NAMES = {QUALITY_2017: "县域义务教育优质均衡（2017）", BASIC_2012: "县域义务教育基本均衡（2012）"}


def default_params(code: str) -> dict:
    return deepcopy(DEFAULTS[code])


def validate_params(code: str, params: dict) -> list[str]:
    """Names of required settings missing from params (an edit may change values, not drop settings)."""
    return sorted(set(DEFAULTS[code]) - set(params))
