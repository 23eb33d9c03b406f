"""A target's status is judged once from the stored results and stored on the target: met, on track (at or
ahead of the linear path from the plan's year to the deadline), off track, no data — the same for every viewer."""

import datetime

import pytest
from django.urls import reverse

from core import hooks
from indicators.rollups import rollups_refresh
from plans import judging, services
from plans.models import Plan, Target, TargetStatus
from tests.factories import CountyFactory
from tests.plans.conftest import make_report

TODAY = datetime.date(2026, 6, 1)
PASSING = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}


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


def _judged(target, today=TODAY):
    services.targets_judge(Target.objects.filter(pk=target.pk), today=today)
    target.refresh_from_db()
    return target


def _county_target(county, target):
    """The Linyi ratio target set for one county (plan year 2023, deadline 2027-12-31)."""
    target.pk = None
    target.region_code, target.region_name = county.code, county.name
    target.save()
    return target


def test_on_track_is_at_or_ahead_of_the_linear_path_from_the_plans_year(ratio_target, county, stored_results):
    # Hand-computed: baseline 2023 = 1.25, goal 1.05 at 2027 → path in 2025 = 1.25 − 0.20 × 2/4 = 1.15.
    target = _county_target(county, ratio_target)
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.25)
    stored_results[(county.pk, 2025)] = make_report(urban_rural_degree_ratio__ratio=1.14)
    judged = _judged(target)
    assert judged.status == TargetStatus.ON_TRACK
    assert (judged.judged_value, judged.judged_year) == (pytest.approx(1.14), 2025)
    county_row = judged.judgement["counties"][0]
    assert county_row["baseline_year"] == 2023
    assert county_row["expected"] == pytest.approx(1.15)
    assert judged.rule_version == judging.RULE_VERSION and judged.judged_at is not None


def test_behind_the_linear_path_is_off_track(ratio_target, county, stored_results):
    target = _county_target(county, ratio_target)
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.25)
    stored_results[(county.pk, 2025)] = make_report(urban_rural_degree_ratio__ratio=1.16)
    assert _judged(target).status == TargetStatus.OFF_TRACK


def test_without_results_in_the_plans_year_the_earliest_later_year_is_the_baseline(
    ratio_target, county, stored_results
):
    # baseline 2024 = 1.30 → path in 2026 = 1.30 − 0.25 × 2/3 ≈ 1.1333; 1.13 is ahead of it.
    target = _county_target(county, ratio_target)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.30)
    stored_results[(county.pk, 2026)] = make_report(urban_rural_degree_ratio__ratio=1.13)
    judged = _judged(target)
    assert judged.status == TargetStatus.ON_TRACK
    assert judged.judgement["counties"][0]["expected"] == pytest.approx(1.30 - 0.25 * 2 / 3)


def test_ratio_within_1_05_is_met(ratio_target, county, stored_results):
    target = _county_target(county, ratio_target)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    assert _judged(target).status == TargetStatus.MET


def test_a_county_without_results_has_no_data(ratio_target, county, stored_results):
    assert _judged(_county_target(county, ratio_target)).status == TargetStatus.NO_DATA


def test_missed_deadline_is_off_track_even_when_improving(ratio_target, county, stored_results):
    target = _county_target(county, ratio_target)
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.12)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.081)
    assert _judged(target, datetime.date(2028, 1, 1)).status == TargetStatus.OFF_TRACK


def test_city_ratio_target_is_off_track_when_one_county_is_and_judged_on_the_farthest(
    ratio_target, county, other_county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.02)
    stored_results[(other_county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.25)
    stored_results[(other_county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.30)
    judged = _judged(ratio_target)
    assert judged.status == TargetStatus.OFF_TRACK
    assert judged.judged_value == pytest.approx(1.30)
    assert {c["code"]: c["status"] for c in judged.judgement["counties"]} == {
        "371302": "met",
        "371311": "off_track",
    }


def test_share_of_counties_counts_a_county_without_results_as_not_passing(
    share_target, county, other_county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    CountyFactory(code="371312", name="河东区", parent=county.parent)
    judged = _judged(share_target)
    assert judged.judged_value == pytest.approx(100 / 3)
    # One year only: the baseline is the latest value, which is on the path.
    assert judged.status == TargetStatus.ON_TRACK


def test_share_of_counties_at_sixty_percent_or_more_is_met(
    share_target, county, other_county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    stored_results[(other_county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    assert _judged(share_target).status == TargetStatus.MET


def test_a_target_without_indicator_has_no_data(db):
    target = Plan.objects.get(slug="jinan-strong-towns-2023").targets.filter(indicator_code="").first()
    assert _judged(target).status == TargetStatus.NO_DATA


def test_share_of_counties_reads_the_stored_city_roll_up(
    share_target, county, other_county, stored_results, django_capture_on_commit_callbacks
):
    stored_results[(county.pk, 2023)] = make_report()
    stored_results[(other_county.pk, 2023)] = make_report()
    stored_results[(county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    stored_results[(other_county.pk, 2024)] = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        rollups_refresh(2023)
        rollups_refresh(2024)
    judged = Target.objects.get(pk=share_target.pk)  # judged by the hook the roll-ups announce
    assert (judged.judged_value, judged.judged_year) == (pytest.approx(50.0), 2024)
    assert judged.judgement["series"] == {"2023": 0.0, "2024": 50.0}
    # path in 2024 from 0 % (2023) to 60 % (2027): 15 %; 50 % is ahead of it
    assert judged.status == TargetStatus.ON_TRACK
    assert judged.judgement["expected"] == pytest.approx(15.0)


def test_the_engine_announces_results_and_plans_judge_on_commit(
    ratio_target, county, stored_results, django_capture_on_commit_callbacks
):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hooks.results_changed([county.pk])
    assert Target.objects.get(pk=ratio_target.pk).judged_at is None  # nothing before the commit
    for callback in callbacks:
        callback()
    judged = Target.objects.get(pk=ratio_target.pk)
    assert judged.judged_at is not None
    assert judged.judgement["counties"][0]["status"] == TargetStatus.MET


@pytest.mark.parametrize("persona", ["clerk", "official", "admin_user"])
def test_the_same_target_shows_the_same_stored_status_to_every_persona(
    request, persona, client, ratio_target, county, other_county, stored_results
):
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.90)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.802)
    stored_results[(other_county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    judged = _judged(ratio_target)
    assert judged.status == TargetStatus.OFF_TRACK  # 1.802 in 2024 is behind the path (1.90 → 1.05 by 2027)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("plans:plan_detail", args=[judged.plan_id])).content.decode()
    row = page.split(f'data-target="{judged.pk}"')[1].split("</tr>")[0]
    assert "偏离目标" in row.split('<span class="st st-off_track">')[-1]
    assert '<span class="st st-off_track">偏离目标</span><br>' in row
    assert "urban_rural_degree_ratio" not in page and "share_counties_quality_2017" not in page
    assert "000_43c564b021f7f97f" not in page


def test_the_judge_targets_command_judges_every_target(ratio_target, county, stored_results):
    from django.core.management import call_command

    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    call_command("judge_targets", stdout=open("/dev/null", "w"))
    assert not Target.objects.filter(judged_at__isnull=True).exists()
    assert Target.objects.get(pk=ratio_target.pk).status == TargetStatus.MET
