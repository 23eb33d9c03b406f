"""Target status from the latest stored results: met, on track, off track, no data."""

import datetime

import pytest

from plans import selectors
from plans.models import Plan, Target, TargetStatus
from tests.factories import CountyFactory
from tests.plans.conftest import make_report

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def ratio_target(db):
    return Target.objects.get(
        plan__slug="linyi-rural-education-2023", indicator_code="urban_rural_degree_ratio"
    )


@pytest.fixture
def share_target(db):
    return Target.objects.get(
        plan__slug="linyi-rural-education-2023", indicator_code="share_counties_quality_2017"
    )


def test_ratio_above_1_05_with_no_improvement_is_off_track(ratio_target, county, stored_results):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.081)
    evaluation = selectors.evaluate_target(ratio_target, county=county, today=TODAY)
    assert evaluation.status == TargetStatus.OFF_TRACK
    assert evaluation.value == pytest.approx(1.081)


def test_ratio_falling_towards_1_05_before_the_deadline_is_on_track(ratio_target, county, stored_results):
    stored_results[(county.pk, 2023)] = make_report(year=2023, urban_rural_degree_ratio__ratio=1.12)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.081)
    assert selectors.evaluate_target(ratio_target, county=county, today=TODAY).status == TargetStatus.ON_TRACK


def test_ratio_within_1_05_is_met(ratio_target, county, stored_results):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    assert selectors.evaluate_target(ratio_target, county=county, today=TODAY).status == TargetStatus.MET


def test_a_county_without_results_has_no_data(ratio_target, county, stored_results):
    assert selectors.evaluate_target(ratio_target, county=county, today=TODAY).status == TargetStatus.NO_DATA


def test_missed_deadline_is_off_track_even_when_improving(ratio_target, county, stored_results):
    stored_results[(county.pk, 2023)] = make_report(year=2023, urban_rural_degree_ratio__ratio=1.12)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.081)
    late = datetime.date(2028, 1, 1)
    assert selectors.evaluate_target(ratio_target, county=county, today=late).status == TargetStatus.OFF_TRACK


def test_city_ratio_target_is_off_track_when_one_county_is(
    ratio_target, county, other_county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.02)
    stored_results[(other_county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.30)
    evaluation = selectors.evaluate_target(ratio_target, today=TODAY)
    assert evaluation.status == TargetStatus.OFF_TRACK
    assert {c.county.code: c.status for c in evaluation.counties} == {"371302": "met", "371311": "off_track"}


def test_share_of_counties_counts_a_county_without_results_as_not_passing(
    share_target, county, other_county, stored_results
):
    passing = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=passing)
    CountyFactory(code="371312", name="河东区", parent=county.parent)
    evaluation = selectors.evaluate_target(share_target, today=TODAY)
    assert evaluation.value == pytest.approx(100 / 3)
    assert evaluation.status == TargetStatus.OFF_TRACK


def test_share_of_counties_at_sixty_percent_or_more_is_met(
    share_target, county, other_county, stored_results
):
    passing = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=passing)
    stored_results[(other_county.pk, 2024)] = make_report(quality_2017__verdict=passing)
    assert selectors.evaluate_target(share_target, today=TODAY).status == TargetStatus.MET


def test_a_target_without_indicator_has_no_data(db):
    target = Plan.objects.get(slug="jinan-strong-towns-2023").targets.filter(indicator_code="").first()
    assert selectors.evaluate_target(target, today=TODAY).status == TargetStatus.NO_DATA


def test_share_of_counties_reads_the_stored_city_roll_up(share_target, county, other_county, stored_results):
    from indicators.rollups import rollups_refresh

    passing = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=passing)
    stored_results[(other_county.pk, 2024)] = make_report()
    rollups_refresh(2024)
    evaluation = selectors.evaluate_target(share_target, today=TODAY)
    assert (evaluation.value, evaluation.year) == (pytest.approx(50.0), 2024)
    assert evaluation.status == TargetStatus.OFF_TRACK
