"""Project writes: scoped, and drawn up from a failing indicator with its stored shortfall."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from plans import services
from plans.models import Plan
from tests.factories import SchoolFactory
from tests.plans.conftest import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def linyi(db):
    return Plan.objects.get(slug="linyi-rural-education-2023")


def test_project_from_failing_ratio_copies_the_gap_and_links_back(
    client, clerk, county, linyi, stored_results
):
    stored_results[(county.pk, 2024)] = make_report()
    project = services.project_from_indicator(
        user=clerk, plan=linyi, county=county, indicator_code="urban_rural_degree_ratio"
    )
    assert (project.county, project.result_year, project.indicator_code) == (
        county,
        2024,
        "urban_rural_degree_ratio",
    )
    assert "需增加本科及以上学历乡村教师 14 人" in project.shortfall
    client.force_login(clerk)
    page = client.get(reverse("plans:project_detail", args=[project.pk])).content.decode()
    assert reverse("dashboards:county_report", args=["371302"]) + "?year=2024" in page


def test_project_from_a_schools_shortfall_names_the_school(clerk, county, linyi, stored_results):
    school = SchoolFactory(county=county, code="3713020001", name="兰山第一小学")
    stored_results[(county.pk, 2024)] = make_report()
    project = services.project_from_indicator(
        user=clerk, plan=linyi, county=county, indicator_code="Q4", school=school
    )
    assert "兰山第一小学（小学）：现值 3.9，标准 4.5，尚缺 367.2 m²" in project.shortfall


def test_official_cannot_create_a_project(official, county, linyi):
    with pytest.raises(PermissionDenied):
        services.project_create(user=official, plan=linyi, title="视察", county=county)


def test_clerk_cannot_update_another_countys_project(clerk, other_clerk, linyi):
    project = services.project_create(user=other_clerk, plan=linyi, title="罗庄区项目")
    with pytest.raises(PermissionDenied):
        services.project_update(user=clerk, project=project, title="改名")
