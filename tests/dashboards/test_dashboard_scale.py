"""The overview at /indicators/ at province scale: its database work does not grow with the number of counties, and
the figures it shows come from the stored summaries (typed columns and indicator rows), not recomputed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Plan, Project
from tests.factories import CountyFactory
from tests.plans.conftest import make_report

PASSING = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}


@pytest.fixture
def stored_results(db):
    from tests.plans.conftest import ResultStore

    return ResultStore()


def _counties_with_results(city, stored_results, n, *, start=0):
    """n counties under the city, each with a 2023 and a 2024 result (so targets compare two years)."""
    counties = []
    for i in range(start, start + n):
        county = CountyFactory(code=f"3713{40 + i:02d}", name=f"测试{i}区", parent=city)
        stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.2)
        stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.1 + i / 1000)
        counties.append(county)
    return counties


def _queries_for_dashboard(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_number_of_counties(client, official, city, stored_results):
    plan = Plan.objects.get(slug="linyi-rural-education-2023")  # city targets on stored county figures
    client.force_login(official)
    first = _counties_with_results(city, stored_results, 2)
    Project.objects.create(plan=plan, title="逾期项目甲", county=first[0], deadline=datetime.date(2020, 1, 1))
    few, page = _queries_for_dashboard(client)
    assert "测试0区" in page and "测试1区" in page

    more = _counties_with_results(city, stored_results, 4, start=2)
    Project.objects.create(plan=plan, title="逾期项目乙", county=more[0], deadline=datetime.date(2020, 1, 1))
    many, page = _queries_for_dashboard(client)
    assert all(f"测试{i}区" in page for i in range(6))
    assert page.count("?year=2024") >= 6  # every county's failing verdict is listed among the alerts

    assert many == few


def test_outsider_clerk_sees_only_its_county_on_a_province_sized_dashboard(
    client, other_clerk, city, other_county, stored_results
):
    _counties_with_results(city, stored_results, 3)
    stored_results[(other_county.pk, 2024)] = make_report()
    client.force_login(other_clerk)
    _, page = _queries_for_dashboard(client)
    assert "罗庄区" in page
    assert not any(f"测试{i}区" in page for i in range(3))


def test_worst_cv_is_the_one_closest_to_its_limit_not_the_largest(client, official, county, stored_results):
    report = make_report()
    report["quality_2017"]["primary"]["indicators"] = {
        "Q1": {"mean": 5.2, "cv": 0.45, "threshold": 4.2, "cv_limit": 0.5, "cv_pass": True},  # 90% of limit
        "Q4": {"mean": 4.1, "cv": 0.52, "threshold": 4.5, "cv_limit": 0.6, "cv_pass": True},  # 87% of limit
    }
    stored_results[(county.pk, 2024)] = report
    client.force_login(official)
    _, page = _queries_for_dashboard(client)
    assert "Q1 0.450 / 0.5" in page
    assert "Q4 0.520" not in page


def test_large_classes_and_2012_composite_are_shown_per_stage(client, official, county, stored_results):
    report = make_report()
    report["class_size"]["junior"] = {"classes": 80, "large": 7, "super_large": 2}
    report["basic_2012"]["junior"] = {"indicators": {}, "composite_cv": 0.72, "limit": 0.55, "pass": False}
    stored_results[(county.pk, 2024)] = report
    client.force_login(official)
    _, page = _queries_for_dashboard(client)
    assert "小学 3<br>初中 7" in page  # large classes: primary from the fixture report, junior set here
    assert "小学 1<br>初中 2" in page
    assert '<span class="st st-fail">0.720</span>' in page  # junior 2012 composite over its limit
    assert '<span class="st st-pass">0.410</span>' in page


def test_year_filter_shows_the_stored_figures_of_that_year(client, official, county, stored_results):
    stored_results[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.234)
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.081)
    client.force_login(official)
    page = client.get(reverse("dashboards:dashboard") + "?year=2023").content.decode()
    assert "1.234" in page and "1.081" not in page
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "1.081" in page and "1.234" not in page


def test_dashboard_pages_take_their_look_from_the_portal_stylesheet(client, official, county, stored_results):
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(official)
    for url in (reverse("dashboards:dashboard"), reverse("dashboards:county_report", args=[county.code])):
        page = client.get(url).content.decode()
        assert "css/junheng.css" in page
        assert "<style" not in page  # no inline block: one vendored stylesheet, cacheable
