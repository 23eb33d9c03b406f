"""The school pages as the four personas meet them: own clerk, another county's clerk, the city official, anonymous."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schools.models import School, SchoolYear
from tests.factories import (
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(county):
    return SchoolFactory(code="3713020001", name="兰山第一小学", county=county)


@pytest.fixture
def foreign_school(other_county):
    return SchoolFactory(code="3713110001", name="罗庄第一小学", county=other_county)


def login(client, user):
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def school_data(**overrides):
    data = {
        "code": "3713029999",
        "name": "兰山新建小学",
        "kind": "primary",
        "urban_rural_code": "111",
        "ownership": "public",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- anonymous


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/schools/",
        "/schools/new/",
        "/schools/3713020001/",
        "/schools/3713020001/edit/",
        "/schools/3713020001/years/2024/",
        "/schools/3713020001/years/2024/classes/",
        "/schools/3713020001/years/2024/funding/",
        "/schools/3713020001/years/2024/achievement/",
        "/counties/",
        "/counties/371302/",
        "/counties/371302/years/2024/",
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, school, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_post_writes_nothing(client, school):
    response = client.post("/schools/3713020001/years/2024/", {"primary_students": "5"})
    assert response.status_code == 302
    assert not SchoolYear.objects.exists()


# ---------------------------------------------------------------- home


def test_home_shows_clerks_region_and_counts_in_scope_from_the_stored_results(
    client, clerk, school, foreign_school
):
    from tests.plans.conftest import ResultStore, make_report

    store = ResultStore()
    report = make_report()
    report["class_size"] = {
        "primary": {"classes": 3, "students": 120},
        "junior": {"classes": 2, "students": 90},
    }
    report["staffing"] = {"primary": {"full_time_teachers": 7}, "junior": {"full_time_teachers": 5}}
    store[(school.county_id, 2024)] = report
    foreign = make_report()
    foreign["class_size"] = {"primary": {"classes": 50}}
    store[(foreign_school.county_id, 2024)] = foreign
    SchoolClassFactory.create_batch(3, school=school, year=2024)  # the roster is not what is counted
    # the home page itself (without ?stay it sends a clerk to the county's dashboard)
    response = login(client, clerk).get("/?stay=1")
    assert response.status_code == 200
    assert "兰山区" in page(response)
    summary = response.context["summary"]
    assert (summary["school_count"], summary["class_count"], summary["teacher_count"]) == (1, 5, 12)
    assert summary["year"] == 2024


def test_home_before_any_computation_shows_no_class_or_teacher_count(client, clerk, school):
    SchoolClassFactory.create_batch(3, school=school, year=2024)
    TeacherFactory.create_batch(2, school=school, year=2024)
    response = login(client, clerk).get("/?stay=1")
    summary = response.context["summary"]
    assert (summary["class_count"], summary["teacher_count"]) == (None, None)
    assert "班级与教师数在指标计算后显示" in page(response)


def test_home_of_city_official_counts_every_county(client, official, school, foreign_school):
    response = login(client, official).get("/?stay=1")
    assert response.context["summary"]["school_count"] == 2
    assert response.context["summary"]["county_count"] == 2


# ---------------------------------------------------------------- list


def test_school_list_shows_only_schools_in_the_clerks_county(client, clerk, school, foreign_school):
    response = login(client, clerk).get("/schools/")
    assert "兰山第一小学" in page(response)
    assert "罗庄第一小学" not in page(response)


def test_school_list_rows_link_the_school_page_and_name_kind_area_and_ownership(client, clerk, school):
    row = page(login(client, clerk).get("/schools/")).split("3713020001", 1)[1].split("</tr>", 1)[0]
    assert '<a href="/schools/3713020001/">兰山第一小学</a>' in row
    assert "<td>小学</td>" in row and "<td>111 主城区</td>" in row and "<td>公办</td>" in row


def test_city_official_lists_schools_of_every_county(client, official, school, foreign_school):
    response = login(client, official).get("/schools/")
    assert "兰山第一小学" in page(response)
    assert "罗庄第一小学" in page(response)
    assert "新增学校" not in page(response)


def test_search_by_name_or_code_narrows_the_list(client, official, school, foreign_school):
    by_name = login(client, official).get("/schools/", {"q": "罗庄"})
    assert "罗庄第一小学" in page(by_name) and "兰山第一小学" not in page(by_name)
    by_code = client.get("/schools/", {"q": "3713020001"})
    assert "兰山第一小学" in page(by_code) and "罗庄第一小学" not in page(by_code)


def test_filters_narrow_by_county_kind_urban_rural_class_and_ownership(
    client, official, county, other_county
):
    SchoolFactory(name="甲初中", county=county, kind="junior", urban_rural_code="220", ownership="private")
    SchoolFactory(name="乙小学", county=county, kind="primary", urban_rural_code="111")
    SchoolFactory(name="丙初中", county=other_county, kind="junior", urban_rural_code="220")
    login(client, official)
    assert [s.name for s in client.get("/schools/", {"county": "371311"}).context["page"]] == ["丙初中"]
    assert {s.name for s in client.get("/schools/", {"kind": "junior"}).context["page"]} == {
        "甲初中",
        "丙初中",
    }
    rural = client.get("/schools/", {"urban_rural_code": "220", "county": "371302"}).context["page"]
    assert [s.name for s in rural] == ["甲初中"]
    assert [s.name for s in client.get("/schools/", {"ownership": "private"}).context["page"]] == ["甲初中"]


def test_clerk_cannot_filter_into_another_county(client, clerk, school, foreign_school):
    response = login(client, clerk).get("/schools/", {"county": "371311"})
    assert "罗庄第一小学" not in page(response)


def test_school_list_is_paginated_and_keeps_the_filter_in_page_links(client, clerk, county):
    for n in range(55):
        SchoolFactory(code=f"37130210{n:02d}", name=f"分页学校{n:02d}", county=county)
    login(client, clerk)
    first = client.get("/schools/", {"q": "分页"})
    assert len(first.context["page"]) == 50
    assert "q=%E5%88%86%E9%A1%B5&amp;page=2" in page(first)
    second = client.get("/schools/", {"q": "分页", "page": 2})
    assert [s.name for s in second.context["page"]] == [f"分页学校{n}" for n in range(50, 55)]


def test_school_list_query_count_does_not_grow_with_the_number_of_schools(client, official, county):
    login(client, official)
    SchoolFactory.create_batch(3, county=county)
    with CaptureQueriesContext(connection) as few:
        client.get("/schools/")
    SchoolFactory.create_batch(30, county=county)
    with CaptureQueriesContext(connection) as many:
        client.get("/schools/")
    assert len(many.captured_queries) == len(few.captured_queries)


# ---------------------------------------------------------------- create


def test_clerk_creates_a_school_in_own_county(client, clerk, county):
    response = login(client, clerk).post("/schools/new/", school_data(county=county.pk))
    assert response.status_code == 302
    created = School.objects.get(code="3713029999")
    assert created.county == county and created.updated_by == clerk
    assert response["Location"] == "/schools/3713029999/"


def test_school_form_offers_only_the_clerks_own_county(client, clerk, other_county):
    response = login(client, clerk).get("/schools/new/")
    assert list(response.context["form"].fields["county"].queryset) == [clerk.region]
    rejected = client.post("/schools/new/", school_data(county=other_county.pk))
    assert rejected.status_code == 200
    assert "county" in rejected.context["form"].errors
    assert not School.objects.filter(code="3713029999").exists()


def test_invalid_school_code_is_explained_and_the_typed_values_stay(client, clerk, county):
    response = login(client, clerk).post("/schools/new/", school_data(code="12345", county=county.pk))
    assert response.status_code == 200
    assert "学校标识码应为10位数字" in page(response)
    assert 'value="兰山新建小学"' in page(response)
    assert 'value="12345"' in page(response)
    assert not School.objects.exists()


def test_duplicate_school_code_is_rejected_next_to_the_field(client, clerk, county, school):
    response = login(client, clerk).post("/schools/new/", school_data(code=school.code, county=county.pk))
    assert "该学校标识码已被另一所学校使用" in page(response)
    assert School.objects.count() == 1


def test_official_cannot_create_schools(client, official, county):
    login(client, official)
    assert client.get("/schools/new/").status_code == 403
    assert client.post("/schools/new/", school_data(county=county.pk)).status_code == 403
    assert not School.objects.exists()


# ---------------------------------------------------------------- detail and edit


def test_detail_lists_years_with_class_and_teacher_counts(client, clerk, school):
    SchoolYearFactory(school=school, year=2023, primary_students=580)
    SchoolYearFactory(school=school, year=2024, primary_students=612)
    SchoolClassFactory.create_batch(4, school=school, year=2024)
    TeacherFactory.create_batch(3, school=school, year=2024)
    TeacherFactory(school=school, year=2023)
    response = login(client, clerk).get("/schools/3713020001/")
    assert response.status_code == 200
    rows = {row["year"]: row for row in response.context["years"]}
    assert (rows[2024]["classes"], rows[2024]["teachers"], rows[2023]["teachers"]) == (4, 3, 1)
    assert "612" in page(response) and "580" in page(response)
    assert "修改学校信息" in page(response)


def test_official_reads_detail_without_edit_buttons(client, official, school):
    response = login(client, official).get("/schools/3713020001/")
    assert response.status_code == 200
    assert "修改学校信息" not in page(response)


def test_clerk_of_another_county_gets_404_for_detail_and_edit(client, other_clerk, school):
    login(client, other_clerk)
    assert client.get("/schools/3713020001/").status_code == 404
    assert client.get("/schools/3713020001/edit/").status_code == 404
    assert client.post("/schools/3713020001/edit/", school_data(code=school.code)).status_code == 404
    school.refresh_from_db()
    assert school.name == "兰山第一小学"


def test_clerk_edits_own_school(client, clerk, county, school):
    data = school_data(code=school.code, name="兰山第一实验小学", county=county.pk, boarding="on")
    response = login(client, clerk).post("/schools/3713020001/edit/", data)
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.boarding) == ("兰山第一实验小学", True)


def test_rejected_school_edit_keeps_typed_name_and_saves_nothing(client, clerk, county, school):
    data = school_data(code=school.code, name="改名后的学校", county=county.pk, kind="no-such-kind")
    response = login(client, clerk).post("/schools/3713020001/edit/", data)
    assert response.status_code == 200
    assert 'value="改名后的学校"' in page(response)
    school.refresh_from_db()
    assert school.name == "兰山第一小学"


def test_official_cannot_edit_a_school(client, official, county, school):
    login(client, official)
    assert client.get("/schools/3713020001/edit/").status_code == 403
    response = client.post("/schools/3713020001/edit/", school_data(code=school.code, county=county.pk))
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.name == "兰山第一小学"


def test_unknown_school_code_is_404(client, clerk):
    assert login(client, clerk).get("/schools/0000000000/").status_code == 404
