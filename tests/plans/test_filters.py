"""The plan lists' FilterSets (plans/filters.py): the plan page and /api/v1/plans/ share PlanFilter, the projects'
API uses ProjectFilter; choices are the user's, another county or region is refused, garbage answers 400."""

import datetime
import re

import pytest
from rest_framework.test import APIClient

from plans.models import Plan, Project, ProjectStatus
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linyi(db):
    return Plan.objects.get(slug="linyi-rural-education-2023")


@pytest.fixture
def projects(linyi, county, other_county):
    school = SchoolFactory(code="3713020001", name="兰山第一小学", county=county)
    past = datetime.date(2020, 1, 1)
    return {
        "own": Project.objects.create(plan=linyi, title="兰山区薄弱学校改造", county=county, school=school),
        "late": Project.objects.create(plan=linyi, title="兰山区逾期项目", county=county, deadline=past),
        "done": Project.objects.create(
            plan=linyi, title="兰山区已完成", county=county, deadline=past, status=ProjectStatus.DONE
        ),
        "other": Project.objects.create(plan=linyi, title="罗庄区校舍改造", county=other_county),
    }


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


def page_titles(response):
    assert response.status_code == 200
    return sorted(plan.title for plan in response.context["plans"])


def region_options(response):
    select = re.search(r'<select name="region".*?</select>', response.content.decode(), re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


def test_clerk_is_offered_only_the_regions_of_its_own_plans(client, clerk, admin_user):
    client.force_login(clerk)
    assert region_options(client.get("/plans/")) == ["371300"]
    client.force_login(admin_user)
    assert set(region_options(client.get("/plans/"))) == set(
        Plan.objects.values_list("region_code", flat=True)
    )


@pytest.mark.parametrize(
    "params", [{"region": "371300"}, {"status": "in_force"}, {"built_in": "1"}, {"year": "2023"}]
)
def test_plan_page_and_api_list_the_same_plans(client, official, params):
    client.force_login(official)
    assert page_titles(client.get("/plans/", params)) == titles(api(official).get("/api/v1/plans/", params))


def test_another_provinces_plans_cannot_be_asked_for_by_region(client, clerk):
    response = api(clerk).get("/api/v1/plans/", {"region": "410000"})
    assert response.status_code == 400
    assert "region" in response.json()
    client.force_login(clerk)
    page = client.get("/plans/", {"region": "410000"})
    assert page.context["filter_form"].errors["region"]
    assert "关于构建优质均衡的基本公共教育服务体系的实施方案" not in page.content.decode()


def test_a_filter_matching_nothing_says_so(client, clerk):
    client.force_login(clerk)
    assert "没有符合条件的规划" in client.get("/plans/", {"status": "finished"}).content.decode()


def test_projects_filter_by_county_school_status_and_overdue(projects, official):
    client = api(official)
    assert titles(client.get("/api/v1/plan-projects/", {"county": "371311"})) == ["罗庄区校舍改造"]
    assert titles(client.get("/api/v1/plan-projects/", {"school": "兰山第一"})) == ["兰山区薄弱学校改造"]
    assert titles(client.get("/api/v1/plan-projects/", {"status": "done"})) == ["兰山区已完成"]
    assert titles(client.get("/api/v1/plan-projects/", {"overdue": "1"})) == ["兰山区逾期项目"]
    assert "兰山区逾期项目" not in titles(client.get("/api/v1/plan-projects/", {"overdue": "0"}))


def test_outsider_cannot_filter_into_our_projects(projects, other_clerk):
    client = api(other_clerk)
    assert client.get("/api/v1/plan-projects/", {"county": "371302"}).status_code == 400
    assert client.get("/api/v1/plan-projects/", {"school": "3713020001"}).status_code == 400
    assert titles(client.get("/api/v1/plan-projects/", {"county": "371311"})) == ["罗庄区校舍改造"]


def test_clerk_cannot_ask_for_a_plan_of_another_province(projects, clerk):
    henan = Plan.objects.get(slug="henan-basic-public-education-2024")
    response = api(clerk).get("/api/v1/plan-projects/", {"plan": henan.pk})
    assert response.status_code == 400
    assert "plan" in response.json()


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/plans/", {"status": "\x00"}),
        ("/api/v1/plans/", {"year": "MMXXIII"}),
        ("/api/v1/plans/", {"built_in": "sometimes"}),
        ("/api/v1/plan-projects/", {"plan": "abc"}),
        ("/api/v1/plan-projects/", {"overdue": "\x00"}),
        ("/api/v1/plan-projects/", {"indicator_code": "Q1\x00"}),
    ],
)
def test_garbage_in_a_plan_filter_answers_400(projects, admin_user, url, params):
    response = api(admin_user).get(url, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)
