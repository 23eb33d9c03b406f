"""Plan pages as each persona sees them: scoped plans, 404 on another county's project, officials read only."""

import datetime
import re

import pytest
from django.urls import reverse

from plans import services
from plans.models import Plan, Project
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linyi(db):
    return Plan.objects.get(slug="linyi-rural-education-2023")


@pytest.fixture
def own_project(linyi, county):
    return Project.objects.create(
        plan=linyi, task=linyi.tasks.get(number=2), title="兰山区薄弱学校改造", county=county
    )


@pytest.fixture
def other_project(linyi, other_county):
    return Project.objects.create(
        plan=linyi, task=linyi.tasks.get(number=2), title="罗庄区校舍改造", county=other_county
    )


def test_clerk_sees_the_city_plan_above_its_county_but_not_other_provinces_plans(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("plans:plan_list")).content.decode()
    assert "临沂市建设乡村教育振兴先行区实施方案" in page
    assert "关于构建优质均衡的基本公共教育服务体系的实施方案" not in page  # Henan


def test_plan_of_another_province_answers_404(client, clerk):
    client.force_login(clerk)
    henan = Plan.objects.get(slug="henan-basic-public-education-2024")
    assert client.get(reverse("plans:plan_detail", args=[henan.pk])).status_code == 404


def test_plan_detail_shows_tasks_projects_and_jinan_gap_as_to_be_completed(client, admin_user):
    client.force_login(admin_user)
    jinan = Plan.objects.get(slug="jinan-strong-towns-2023")
    page = client.get(reverse("plans:plan_detail", args=[jinan.pk])).content.decode()
    assert "9. 发展评价探索行动" in page
    assert '10. <span class="todo">待补充</span>' in page


def test_subei_plan_page_shows_box_8_discrepancy(client, admin_user):
    client.force_login(admin_user)
    subei = Plan.objects.get(slug="subei-education-14th-five-year")
    page = client.get(reverse("plans:plan_detail", args=[subei.pk])).content.decode()
    assert "2630" in page and "3130" in page and "差额 500" in page


def test_outsider_clerk_gets_404_on_another_countys_project(client, other_clerk, own_project):
    client.force_login(other_clerk)
    assert client.get(reverse("plans:project_detail", args=[own_project.pk])).status_code == 404
    assert client.get(reverse("plans:project_edit", args=[own_project.pk])).status_code == 404


def test_outsider_does_not_see_another_countys_project_on_the_shared_plan(
    client, other_clerk, own_project, linyi
):
    client.force_login(other_clerk)
    page = client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
    assert "兰山区薄弱学校改造" not in page


def test_official_sees_projects_of_both_counties_but_cannot_edit(
    client, official, own_project, other_project, linyi
):
    client.force_login(official)
    page = client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
    assert "兰山区薄弱学校改造" in page and "罗庄区校舍改造" in page
    assert client.get(reverse("plans:project_edit", args=[own_project.pk])).status_code == 403
    assert client.get(reverse("plans:project_create")).status_code == 403


def test_clerk_cannot_edit_another_countys_project(client, clerk, other_project):
    client.force_login(clerk)
    response = client.post(reverse("plans:project_edit", args=[other_project.pk]), {"title": "改名"})
    assert response.status_code == 404
    other_project.refresh_from_db()
    assert other_project.title == "罗庄区校舍改造"


def test_clerk_updates_own_project_progress(client, clerk, own_project, linyi):
    client.force_login(clerk)
    response = client.post(
        reverse("plans:project_edit", args=[own_project.pk]),
        {"title": "兰山区薄弱学校改造", "status": "in_progress", "progress": "40", "deadline": "2025-08-31"},
    )
    assert response.status_code == 302
    own_project.refresh_from_db()
    assert (own_project.status, own_project.progress, own_project.updated_by) == ("in_progress", 40, clerk)


def test_clerks_new_project_belongs_to_its_own_county(client, clerk, county, other_county, linyi):
    client.force_login(clerk)
    response = client.post(
        reverse("plans:plan_project_create", args=[linyi.pk]),
        {
            "plan": linyi.pk,
            "title": "乡村教师周转宿舍",
            "status": "not_started",
            "task": linyi.tasks.get(number=5).pk,
            "county": other_county.pk,
        },
    )
    assert response.status_code == 302
    assert Project.objects.get(title="乡村教师周转宿舍").county == county


def test_rejected_project_form_keeps_what_was_typed_and_names_the_field(client, clerk, linyi):
    client.force_login(clerk)
    response = client.post(
        reverse("plans:plan_project_create", args=[linyi.pk]),
        {"plan": linyi.pk, "title": "周转宿舍", "status": "not_started", "progress": "150", "budget": "12.5"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "周转宿舍" in page and "12.5" in page
    assert "100" in page  # the progress field's limit is stated
    assert not Project.objects.filter(title="周转宿舍").exists()


def test_clerk_cannot_attach_a_project_to_another_countys_school(client, clerk, linyi, other_county):
    school = SchoolFactory(county=other_county, code="3713110001")
    client.force_login(clerk)
    response = client.post(
        reverse("plans:plan_project_create", args=[linyi.pk]),
        {"plan": linyi.pk, "title": "外校项目", "status": "not_started", "school": school.pk},
    )
    assert response.status_code == 200
    assert not Project.objects.filter(title="外校项目").exists()


def test_overdue_project_is_marked_on_the_plan_page(client, clerk, own_project, linyi):
    own_project.deadline = datetime.date(2020, 1, 1)
    own_project.save()
    client.force_login(clerk)
    page = client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
    assert "逾期" in page


def test_project_from_a_failing_indicator_is_prefilled_with_the_shortfall(
    client, clerk, county, linyi, stored_results
):
    from tests.plans.conftest import make_report

    SchoolFactory(county=county, code="3713020001", name="兰山第一小学")
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(clerk)
    url = reverse("plans:project_create") + f"?plan={linyi.pk}&county=371302&indicator=Q4&school=3713020001"
    page = client.get(url).content.decode()
    assert "尚缺 368 m²" in page
    assert 'value="Q4"' in page


def test_outsider_cannot_prefill_from_another_countys_results(client, other_clerk, county, stored_results):
    from tests.plans.conftest import make_report

    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(other_clerk)
    url = reverse("plans:project_create") + "?county=371302&indicator=Q4"
    assert client.get(url).status_code == 404


def test_api_lists_only_visible_projects(client, other_clerk, own_project, other_project):
    client.force_login(other_clerk)
    data = client.get("/api/v1/plan-projects/").json()
    rows = data["results"] if isinstance(data, dict) else data
    titles = {r["title"] for r in rows}
    assert "罗庄区校舍改造" in titles and "兰山区薄弱学校改造" not in titles
    assert client.get(f"/api/v1/plan-projects/{own_project.pk}/").status_code == 404


def test_city_target_on_a_clerks_plan_page_shows_only_its_own_countys_figure(
    client, clerk, county, other_county, linyi, stored_results
):
    from tests.plans.conftest import make_report

    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.02)
    stored_results[(other_county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.3)
    services.targets_judge()
    client.force_login(clerk)
    page = client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
    assert "兰山区：1.02" in page
    assert "罗庄区" not in page


def test_api_reports_target_status_from_stored_results(
    client, official, county, other_county, linyi, stored_results
):
    from tests.plans.conftest import make_report

    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    stored_results[(other_county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.01)
    services.targets_judge()
    client.force_login(official)
    plan = client.get(f"/api/v1/plans/{linyi.pk}/").json()
    statuses = {t["indicator_code"]: t["status"] for t in plan["targets"]}
    assert statuses["urban_rural_degree_ratio"] == "met"
    assert len(plan["tasks"]) == 12


def test_plan_page_queries_do_not_grow_with_its_projects(client, clerk, county, linyi):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(clerk)
    url = reverse("plans:plan_detail", args=[linyi.pk])

    def queries_with(projects: int) -> int:
        Project.objects.filter(plan=linyi).delete()
        for n in range(projects):
            Project.objects.create(
                plan=linyi, task=linyi.tasks.get(number=2), title=f"项目{n}", county=county
            )
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert f"项目{projects - 1}" in page and "编辑" in page
        return len(captured)

    assert queries_with(8) == queries_with(2)


def test_subei_page_reads_its_programme_boxes_in_a_constant_number_of_queries(client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    subei = Plan.objects.get(slug="subei-education-14th-five-year")
    url = reverse("plans:plan_detail", args=[subei.pk])
    client.get(url)  # warm anything cached per process
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    box_queries = [q["sql"] for q in captured if "plans_project" in q["sql"] and "box_id" in q["sql"]]
    assert subei.boxes.count() >= 14
    assert len(box_queries) <= 2


def test_project_from_a_failing_indicator_takes_the_plan_of_the_countys_city_and_rounds_the_gap(
    client, clerk, county, linyi, stored_results
):
    from tests.plans.conftest import make_report

    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.0812345)
    client.force_login(clerk)
    url = (
        reverse("plans:project_create")
        + f"?county={county.code}&indicator=urban_rural_degree_ratio&year=2024"
    )
    page = client.get(url).content.decode()
    assert f'<option value="{linyi.pk}" selected>' in page
    assert "1.081" in page and "1.0812345" not in page
    text = re.sub(r"<[^>]*>", "", page)  # what the reader sees: the code is only in hidden values and links
    assert "urban_rural_degree_ratio" not in text


def test_outsider_cannot_prefill_a_project_from_another_countys_indicator(client, other_clerk, county):
    client.force_login(other_clerk)
    url = reverse("plans:project_create") + f"?county={county.code}&indicator=urban_rural_degree_ratio"
    assert client.get(url).status_code == 404


def test_the_county_report_include_lists_the_projects_working_on_an_indicator(
    rf, clerk, other_clerk, county, linyi
):
    from django.template import Context, Template

    Project.objects.create(
        plan=linyi, title="兰山区学历提升计划", county=county, indicator_code="urban_rural_degree_ratio"
    )
    template = Template("{% load plans_tags %}{% indicator_projects county 'urban_rural_degree_ratio' %}")
    for user, shown in ((clerk, True), (other_clerk, False)):
        request = rf.get("/")
        request.user = user
        html = template.render(Context({"request": request, "county": county}))
        assert ("兰山区学历提升计划" in html) is shown
