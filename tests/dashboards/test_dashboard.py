"""The officials' overview at /indicators/: counties in scope, verdict parts, roll-up, off-track targets."""

import datetime

import pytest
from django.urls import reverse

from plans import services as plan_services
from plans.models import Plan, Project
from tests.plans.conftest import make_report

PASSING = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}


@pytest.fixture
def stored_results(db):
    from tests.plans.conftest import ResultStore

    return ResultStore()


def _page(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("dashboards:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_official_sees_both_counties_with_verdict_parts_in_chinese(
    client, official, county, other_county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report()
    stored_results[(other_county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    page = _page(client, official)
    assert "兰山区" in page and "罗庄区" in page
    assert '<span class="st st-fail">未达标</span>' in page
    assert '<span class="st st-incomplete">数据不全</span>' in page
    assert "1.081" in page  # the stored urban–rural ratio of 兰山区
    assert "Q4 0.620 / 0.5" in page  # worst CV against its limit, as the rule set writes it


def test_share_of_counties_passing_counts_every_county_in_scope(
    client, official, county, other_county, stored_results
):
    stored_results[(other_county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    page = _page(client, official)
    assert "辖区内共 2 个区县，已计算 1 个，达到2017优质均衡标准 1 个" in page
    assert "达标比例 50.0%" in page


def test_passing_county_is_ranked_first(client, official, county, other_county, stored_results):
    stored_results[(county.pk, 2024)] = make_report()
    stored_results[(other_county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    page = _page(client, official)
    assert page.index("罗庄区") < page.index("兰山区")


def test_clerk_sees_only_its_own_county(client, clerk, county, other_county, stored_results):
    stored_results[(other_county.pk, 2024)] = make_report()
    page = _page(client, clerk)
    assert "兰山区" in page
    assert "罗庄区" not in page


def test_county_without_results_shows_not_yet_computed_with_a_hint(client, official, county):
    page = _page(client, official)
    assert "尚未计算" in page
    assert "导入" in page


def test_off_track_target_and_overdue_project_appear_on_the_city_dashboard(
    client, official, county, stored_results
):
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.15)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.2)  # behind its path
    plan = Plan.objects.get(slug="linyi-rural-education-2023")
    Project.objects.create(
        plan=plan, title="兰山区教师周转宿舍", county=county, deadline=datetime.date(2020, 12, 31)
    )
    plan_services.targets_judge()
    page = _page(client, official)
    assert "城市与农村义务教育教师本科及以上学历比例之比降至1.05以内" in page
    assert "偏离目标" in page
    assert "兰山区教师周转宿舍" in page


def test_outsider_does_not_see_another_countys_overdue_project(client, other_clerk, county):
    plan = Plan.objects.get(slug="linyi-rural-education-2023")
    Project.objects.create(
        plan=plan, title="兰山区教师周转宿舍", county=county, deadline=datetime.date(2020, 12, 31)
    )
    page = _page(client, other_clerk)
    assert "兰山区教师周转宿舍" not in page


def test_dashboard_of_anonymous_visitor_redirects_to_login(client):
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 302
