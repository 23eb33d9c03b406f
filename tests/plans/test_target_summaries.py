"""Targets read county figures from the stored summaries (typed columns and single report values), and those
figures are the ones the full stored report shows."""

import datetime

import pytest

from plans import results, selectors
from plans.models import Comparator, Plan, Target, TargetStatus
from tests.plans.conftest import make_report

TODAY = datetime.date(2026, 6, 1)


def _target(code, comparator, value, region):
    plan = Plan.objects.get(slug="linyi-rural-education-2023")
    return Target.objects.create(
        plan=plan,
        description=f"测试目标 {code}",
        indicator_code=code,
        comparator=comparator,
        value=value,
        deadline=datetime.date(2027, 12, 31),
        region_code=region.code,
        region_name=region.name,
    )


def _report():
    report = make_report()
    report["quality_2017"]["recognition"]["S1"] = {"pass": True, "value": 88.5}
    report["achievement"]["junior"] = {
        "语文": {
            "schools": [{"code": "3713020002", "mean": 60.0, "rate_vs_urban_quality": 0.21, "pass": False}]
        }
    }
    return report


def test_every_county_target_code_is_read_from_the_summary(county, stored_results):
    stored_results[(county.pk, 2024)] = _report()
    assert set(selectors.SUMMARY_VALUES) == set(results.COUNTY_INDICATORS)
    latest, previous = selectors.stored_summaries([county.pk], with_achievement=True)[county.pk]
    assert previous is None
    expected = {
        "urban_rural_degree_ratio": 1.081,
        "achievement.rate_vs_urban_quality": 0.21,  # the junior 语文 school, worse than primary 数学's 0.139
        "quality_2017.pass": 0.0,  # resource and government fail
        "recognition.S1": 88.5,
    }
    for code, value in expected.items():
        assert selectors.summary_value(code, latest) == pytest.approx(value), code


def test_quality_2017_pass_is_no_value_while_a_part_is_incomplete_and_none_fails(county, stored_results):
    verdict = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "incomplete"}
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=verdict)
    latest, _ = selectors.stored_summaries([county.pk])[county.pk]
    assert selectors.summary_value("quality_2017.pass", latest) is None


def test_recognition_target_improving_since_last_year_is_on_track(county, stored_results):
    target = _target("recognition.S1", Comparator.GTE, 90, county)
    last_year = make_report()
    last_year["quality_2017"]["recognition"]["S1"] = {"pass": False, "value": 80.0}
    stored_results[(county.pk, 2023)] = last_year
    stored_results[(county.pk, 2024)] = _report()
    evaluation = selectors.evaluate_target(target, county=county, today=TODAY)
    assert evaluation.status == TargetStatus.ON_TRACK
    assert evaluation.value == pytest.approx(88.5)


def test_achievement_target_over_a_city_is_off_track_when_one_county_is(
    city, county, other_county, stored_results
):
    target = _target("achievement.rate_vs_urban_quality", Comparator.LT, 0.15, city)
    stored_results[(county.pk, 2024)] = make_report()  # 0.139: met
    stored_results[(other_county.pk, 2024)] = _report()  # 0.21, no earlier year: off track
    evaluation = selectors.evaluate_target(target, today=TODAY)
    assert evaluation.status == TargetStatus.OFF_TRACK
    statuses = {row.county.code: row.status for row in evaluation.counties}
    assert statuses == {county.code: TargetStatus.MET, other_county.code: TargetStatus.OFF_TRACK}


def test_outsider_clerk_is_judged_on_its_own_county_not_a_neighbours_figure(
    city, county, other_county, other_clerk, stored_results
):
    target = _target("achievement.rate_vs_urban_quality", Comparator.LT, 0.15, city)
    stored_results[(county.pk, 2024)] = _report()  # 0.21: off track, but not the outsider's county
    stored_results[(other_county.pk, 2024)] = make_report()  # 0.139: met
    alerts = selectors.alerts(user=other_clerk, today=TODAY)
    assert target not in [e.target for e in alerts["off_track_targets"]]
    evaluation = selectors.evaluate_target(target, user=other_clerk, today=TODAY)
    assert [row.county.code for row in evaluation.counties] == [other_county.code]
    assert evaluation.value == pytest.approx(0.139)
