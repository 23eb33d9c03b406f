"""Targets are judged on county figures read from the stored summaries (typed columns and single report values),
and those figures are the ones the full stored report shows."""

import datetime

import pytest

from plans import judging, results, selectors, services
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
    expected = {
        "urban_rural_degree_ratio": 1.081,
        "achievement.rate_vs_urban_quality": 0.21,  # the junior 语文 school, worse than primary 数学's 0.139
        "quality_2017.pass": 0.0,  # resource and government fail
        "recognition.S1": 88.5,
    }
    assert set(expected) == set(results.COUNTY_INDICATORS)
    for code, value in expected.items():
        series = judging.county_series(code, [county.pk], 2024)
        assert series[county.pk] == {2024: pytest.approx(value)}, code


def test_quality_2017_pass_is_no_value_while_a_part_is_incomplete_and_none_fails(county, stored_results):
    verdict = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "incomplete"}
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=verdict)
    assert judging.county_series("quality_2017.pass", [county.pk], 2024)[county.pk] == {2024: None}


def _judged(target):
    services.targets_judge(Target.objects.filter(pk=target.pk), today=TODAY)
    target.refresh_from_db()
    return target


def test_recognition_target_ahead_of_its_path_is_on_track(county, stored_results):
    # plan year 2023: 80 in 2023 → 90 by 2027; the path in 2024 is 82.5 and 88.5 is ahead of it
    target = _target("recognition.S1", Comparator.GTE, 90, county)
    last_year = make_report()
    last_year["quality_2017"]["recognition"]["S1"] = {"pass": False, "value": 80.0}
    stored_results[(county.pk, 2023)] = last_year
    stored_results[(county.pk, 2024)] = _report()
    judged = _judged(target)
    assert judged.status == TargetStatus.ON_TRACK
    assert judged.judged_value == pytest.approx(88.5)


def test_achievement_target_over_a_city_is_off_track_when_one_county_is(
    city, county, other_county, stored_results
):
    target = _target("achievement.rate_vs_urban_quality", Comparator.LT, 0.15, city)
    stored_results[(county.pk, 2024)] = make_report()  # 0.139: met
    previous = make_report()
    previous["achievement"]["primary"]["数学"]["schools"][0]["rate_vs_urban_quality"] = 0.20
    stored_results[(other_county.pk, 2023)] = previous
    stored_results[(other_county.pk, 2024)] = _report()  # 0.20 → 0.21, away from the goal: off track
    judged = _judged(target)
    assert judged.status == TargetStatus.OFF_TRACK
    statuses = {row["code"]: row["status"] for row in judged.judgement["counties"]}
    assert statuses == {county.code: TargetStatus.MET, other_county.code: TargetStatus.OFF_TRACK}


def test_a_clerk_sees_the_regions_status_and_only_its_own_countys_contribution(
    city, county, other_county, other_clerk, clerk, stored_results
):
    target = _target("achievement.rate_vs_urban_quality", Comparator.LT, 0.15, city)
    previous = make_report()
    previous["achievement"]["primary"]["数学"]["schools"][0]["rate_vs_urban_quality"] = 0.20
    stored_results[(county.pk, 2023)] = previous
    stored_results[(county.pk, 2024)] = _report()  # 0.21: off track, but not the outsider's county
    stored_results[(other_county.pk, 2024)] = make_report()  # 0.139: met
    _judged(target)
    for user in (clerk, other_clerk):
        alerts = selectors.alerts(user=user, today=TODAY)
        assert target in [e.target for e in alerts["off_track_targets"]]
    view = selectors.target_views([Target.objects.get(pk=target.pk)], user=other_clerk)[0]
    assert view.status == TargetStatus.OFF_TRACK
    assert [row.code for row in view.counties] == [other_county.code]
    assert view.counties[0].value == pytest.approx(0.139)
