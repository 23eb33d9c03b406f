"""Stored county results for plan and dashboard tests, written as the indicator engine stores them."""

import copy

import pytest
from django.utils import timezone

from indicators import selectors as indicator_selectors
from indicators.engine import verdict_from_parts
from indicators.models import CountyResult, IndicatorResult

REPORT = {
    "county": {"code": "371302", "name": "兰山区"},
    "year": 2024,
    "computed_at": "2026-11-22T10:00:00+08:00",
    "rule_set": {"code": "moe-2017", "version": 1},
    "quality_2017": {
        "pass": False,
        "primary": {
            "units": 2,
            "indicators": {
                "Q1": {"mean": 5.2, "cv": 0.31, "threshold": 4.2, "cv_limit": 0.5, "cv_pass": True},
                "Q4": {"mean": 4.1, "cv": 0.62, "threshold": 4.5, "cv_limit": 0.5, "cv_pass": False},
            },
            "composite_cv": 0.465,
            "schools": [
                {
                    "code": "3713020001",
                    "name": "兰山第一小学",
                    "students": 612,
                    "values": {"Q1": 5.4, "Q4": 3.9},
                    "met": 6,
                    "pass": False,
                    "shortfalls": {"Q4": {"value": 3.9, "threshold": 4.5, "missing": 367.2, "unit": "m²"}},
                }
            ],
            "schools_passing": 1,
            "pass": False,
        },
        "government": {"G5": {"pass": False, "over_limit": 3}},
        "quality": {"E1": {"pass": True, "value": 96.2}},
        "recognition": {"S1": {"pass": None, "value": None}},
        "verdict": {"resource": "fail", "government": "fail", "quality": "pass", "recognition": "incomplete"},
    },
    "basic_2012": {
        "primary": {
            "indicators": {"B5": {"mean": 6.3344, "cv": 0.5153}},
            "composite_cv": 0.41,
            "limit": 0.65,
            "pass": True,
        }
    },
    "class_size": {
        "primary": {
            "classes": 240,
            "students": 9800,
            "over_limit": 12,
            "large": 3,
            "super_large": 1,
            "over_limit_share": 0.05,
            "large_share": 0.0125,
            "max": 67,
        }
    },
    "urban_rural_degree_ratio": {
        "urban_share": 0.93,
        "rural_share": 0.86,
        "ratio": 1.081,
        "target": 1.05,
        "pass": False,
        "alternative_grouping": {"ratio": 1.2},
        "rural_teachers_needed": 14,
    },
    "achievement": {
        "primary": {
            "数学": {
                "inter_school_difference_rate": 0.12,
                "reference_mean": 81.5,
                "schools": [
                    {"code": "3713020001", "mean": 70.2, "rate_vs_urban_quality": 0.139, "pass": True}
                ],
            }
        }
    },
}


def make_report(**changes) -> dict:
    report = copy.deepcopy(REPORT)
    for path, value in changes.items():
        node = report
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return report


class ResultStore:
    """store[(county_id, year)] = report writes a CountyResult the way the engine does: report, typed columns and
    one IndicatorResult row per stage and indicator."""

    def __setitem__(self, key, report):
        county_id, year = key
        report = {**report, "year": year}
        q = report["quality_2017"]
        verdict = q["verdict"]
        stages = ("primary", "junior")
        basic = report.get("basic_2012") or {}
        result, _ = CountyResult.objects.update_or_create(
            county_id=county_id,
            year=year,
            defaults={
                "rule_set": indicator_selectors.current_rule_set("quality_2017"),
                "basic_rule_set": indicator_selectors.current_rule_set("basic_2012"),
                "computed_at": timezone.now(),
                "report": report,
                **verdict,
                "pass_2017": verdict_from_parts(verdict),
                "composite_cv_primary": (q.get("primary") or {}).get("composite_cv"),
                "composite_cv_junior": (q.get("junior") or {}).get("composite_cv"),
                "basic_composite_cv_primary": (basic.get("primary") or {}).get("composite_cv"),
                "basic_composite_cv_junior": (basic.get("junior") or {}).get("composite_cv"),
                "degree_ratio": report["urban_rural_degree_ratio"]["ratio"],
                "large_classes": sum(report["class_size"].get(s, {}).get("large", 0) for s in stages),
                "super_large_classes": sum(
                    report["class_size"].get(s, {}).get("super_large", 0) for s in stages
                ),
            },
        )
        result.indicators.all().delete()
        IndicatorResult.objects.bulk_create(
            IndicatorResult(
                result=result,
                standard=standard,
                stage=stage,
                code=code,
                units=report[standard][stage].get("units") or 0,
                mean=item.get("mean"),
                cv=item.get("cv"),
                threshold=item.get("threshold"),
                cv_limit=item.get("cv_limit"),
                cv_pass=item.get("cv_pass"),
            )
            for standard in ("quality_2017", "basic_2012")
            for stage in stages
            if isinstance((report.get(standard) or {}).get(stage), dict)
            for code, item in (report[standard][stage].get("indicators") or {}).items()
        )


@pytest.fixture
def stored_results(db):
    return ResultStore()
