import copy

import pytest

from plans import results

REPORT = {
    "county": {"code": "371302", "name": "兰山区"},
    "year": 2024,
    "computed_at": "2026-11-22T10:00:00+08:00",
    "rule_set": {"code": "moe-2017", "version": 1},
    "quality_2017": {
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
        "government": {"G5": {"pass": False, "detail": "3个班级超过标准班额"}},
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


@pytest.fixture
def stored_results(monkeypatch):
    """Stored county reports by (county id, year), read through plans.results as the engine's selectors would be.

    Until indicators.selectors lands this stands in for the result store; tests put reports in it.
    """
    store: dict[tuple[int, int], dict] = {}

    def county_report(county_id, year=None):
        year = year or latest_result_year(county_id)
        return store.get((county_id, year))

    def latest_result_year(county_id):
        years = [y for (c, y) in store if c == county_id]
        return max(years) if years else None

    def county_summaries(county_ids, year=None):
        rows = []
        for county_id in county_ids:
            report = county_report(county_id, year)
            if report:
                verdict = report["quality_2017"]["verdict"]
                rows.append(
                    {
                        "code": report["county"]["code"],
                        "year": report["year"],
                        "verdict": verdict,
                        "pass_2017": all(v == "pass" for v in verdict.values()),
                    }
                )
        return rows

    monkeypatch.setattr(results, "county_report", county_report)
    monkeypatch.setattr(results, "latest_result_year", latest_result_year)
    monkeypatch.setattr(results, "county_summaries", county_summaries)
    return store
