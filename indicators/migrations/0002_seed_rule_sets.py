"""Seed version 1 of both rule sets with the defaults of spec/indicators.md (a frozen copy of indicators.rules
at the time of writing; later changes are new versions made through services.rule_set_revise)."""

from django.db import migrations

QUALITY_2017 = {
    "split_weights": {"primary": 1.0, "junior": 1.1, "senior": 1.32},
    "teaching_area_excludes_indoor_sports": True,
    "exclude_teaching_points_below": 50,
    "include_private": True,
    "thresholds": {
        "primary": {"Q1": 4.2, "Q2": 1.0, "Q3": 0.9, "Q4": 4.5, "Q5": 7.5, "Q6": 2000, "Q7": 2.3},
        "junior": {"Q1": 5.3, "Q2": 1.0, "Q3": 0.9, "Q4": 5.8, "Q5": 10.2, "Q6": 2500, "Q7": 2.4},
    },
    "cv_limits": {"primary": 0.5, "junior": 0.45},
    "school_min_met": 6,
    "school_floor": 0.85,
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
    },
    "training_hours": 360,
    "training_share": 1.0,
    "rotation_share": 0.1,
    "rotation_backbone_share": 0.2,
    "certified_share": 1.0,
    "urban_nearby": 100,
    "town_nearby": 95,
    "quota_allocation": 50,
    "migrant_public": 85,
    "junior_retention": 95,
    "disabled_enrolment": 95,
    "training_budget_share": 0.05,
    "monitoring_min_level": 3,
    "difference_rate_limit": 0.15,
    "recognition": 85,
    "degree_ratio_target": 1.05,
    "urban_codes": ["111", "112"],
    "rural_codes": ["121", "122", "123", "210", "220"],
    "alternative_urban_codes": ["111", "112", "121", "122", "123"],
    "alternative_rural_codes": ["210", "220"],
    "staffing_standard": {"primary": 19, "junior": 13.5},
    "staff_split": "enrolment",
}

BASIC_2012 = {
    "split_weights": {"primary": 1.0, "junior": 1.1, "senior": 1.32},
    "teaching_area_excludes_indoor_sports": True,
    "exclude_teaching_points_below": None,
    "include_private": False,
    "composite_cv_limits": {"primary": 0.65, "junior": 0.55},
}

NAMES = {"quality_2017": "县域义务教育优质均衡（2017）", "basic_2012": "县域义务教育基本均衡（2012）"}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("indicators", "RuleSet")
    for code, params in (("quality_2017", QUALITY_2017), ("basic_2012", BASIC_2012)):
        RuleSet.objects.get_or_create(
            code=code, version=1, defaults={"name": NAMES[code], "params": params, "note": "规范默认值"}
        )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "RuleSet").objects.filter(version=1, code__in=list(NAMES)).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
