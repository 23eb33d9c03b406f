"""REST API of schools and their yearly inputs, seen by every persona: scoping, read-only officials, services."""

import pytest
from rest_framework.test import APIClient

from schools.models import CountyYear, School, SchoolClass, SchoolYear
from tests.factories import (
    AchievementFactory,
    CountyYearFactory,
    FundingFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
)

OWN_CODE = "3713020001"
FOREIGN_CODE = "3713110001"


@pytest.fixture
def scene(county, other_county):
    own = SchoolFactory(code=OWN_CODE, name="兰山第一小学", county=county)
    foreign = SchoolFactory(code=FOREIGN_CODE, name="罗庄第一小学", county=other_county, kind="junior")
    for school in (own, foreign):
        SchoolYearFactory(school=school, year=2024)
        SchoolYearFactory(school=school, year=2023)
        SchoolClassFactory(school=school, name="一年级1班", students=44)
        FundingFactory(school=school, public_funds=500000)
        AchievementFactory(school=school)
    CountyYearFactory(county=county, recognition=90)
    CountyYearFactory(county=other_county, recognition=88)
    return own, foreign


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


def test_clerk_lists_only_schools_of_own_county(scene, clerk):
    assert codes(client_for(clerk).get("/api/v1/schools/")) == [OWN_CODE]


def test_outsider_clerk_lists_only_own_county_too(scene, other_clerk):
    assert codes(client_for(other_clerk).get("/api/v1/schools/")) == [FOREIGN_CODE]


def test_city_official_lists_schools_of_both_counties(scene, official):
    assert codes(client_for(official).get("/api/v1/schools/")) == [OWN_CODE, FOREIGN_CODE]


def test_school_item_carries_code_county_code_and_english_enum_keys(scene, clerk):
    body = client_for(clerk).get(f"/api/v1/schools/{OWN_CODE}/").json()
    assert body["code"] == OWN_CODE
    assert body["county_code"] == "371302"
    assert body["kind"] == "primary"
    assert body["ownership"] == "public"
    assert body["urban_rural_code"] == "111"


def test_clerk_of_another_county_gets_404_for_a_school_detail(scene, other_clerk):
    assert client_for(other_clerk).get(f"/api/v1/schools/{OWN_CODE}/").status_code == 404


def test_clerk_of_another_county_cannot_change_or_delete_it_and_gets_404(scene, other_clerk):
    api = client_for(other_clerk)
    assert api.patch(f"/api/v1/schools/{OWN_CODE}/", {"name": "改名"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/schools/{OWN_CODE}/").status_code == 404
    assert School.objects.get(code=OWN_CODE).name == "兰山第一小学"


def test_official_reads_a_school_but_any_write_is_forbidden(scene, official):
    api = client_for(official)
    assert api.get(f"/api/v1/schools/{OWN_CODE}/").status_code == 200
    assert api.patch(f"/api/v1/schools/{OWN_CODE}/", {"name": "改名"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/schools/{OWN_CODE}/").status_code == 403
    new = {
        "code": "3713029999",
        "name": "新校",
        "county_code": "371302",
        "kind": "primary",
        "urban_rural_code": "111",
    }
    assert api.post("/api/v1/schools/", new, format="json").status_code == 403
    assert School.objects.get(code=OWN_CODE).name == "兰山第一小学"
    assert not School.objects.filter(code="3713029999").exists()


def test_anonymous_visitor_is_refused(scene):
    api = APIClient()
    assert api.get("/api/v1/schools/").status_code in (401, 403)
    assert api.get(f"/api/v1/schools/{OWN_CODE}/").status_code in (401, 403)


def test_clerk_creates_a_school_in_own_county_and_it_is_stamped(scene, clerk):
    new = {
        "code": "3713020002",
        "name": "兰山第二小学",
        "county_code": "371302",
        "kind": "nine_year",
        "urban_rural_code": "121",
        "ownership": "private",
    }
    response = client_for(clerk).post("/api/v1/schools/", new, format="json")
    assert response.status_code == 201, response.content
    school = School.objects.get(code="3713020002")
    assert (school.kind, school.ownership, school.county.code) == ("nine_year", "private", "371302")
    assert school.updated_by == clerk


def test_clerk_cannot_create_a_school_in_another_county(scene, clerk):
    new = {
        "code": "3713110002",
        "name": "越界",
        "county_code": "371311",
        "kind": "primary",
        "urban_rural_code": "111",
    }
    response = client_for(clerk).post("/api/v1/schools/", new, format="json")
    assert response.status_code == 400
    assert "county_code" in response.json()
    assert not School.objects.filter(code="3713110002").exists()


def test_bad_school_input_answers_400_in_chinese_keyed_by_field(scene, clerk):
    new = {
        "code": "12345",
        "name": "短码",
        "county_code": "371302",
        "kind": "castle",
        "urban_rural_code": "111",
    }
    response = client_for(clerk).post("/api/v1/schools/", new, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "学校标识码应为10位数字" in body["code"]
    assert "kind" in body
    assert "不是合法选项" in body["kind"][0]


def test_clerk_renames_own_school_with_patch(scene, clerk):
    response = client_for(clerk).patch(
        f"/api/v1/schools/{OWN_CODE}/", {"name": "兰山实验小学"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "兰山实验小学"
    assert School.objects.get(code=OWN_CODE).name == "兰山实验小学"


def test_admin_deletes_a_school(scene, admin_user):
    assert client_for(admin_user).delete(f"/api/v1/schools/{FOREIGN_CODE}/").status_code == 204
    assert not School.objects.filter(code=FOREIGN_CODE).exists()


def test_page_size_limits_the_page(scene, official, county):
    for n in range(2, 7):
        SchoolFactory(code=f"37130200{n:02d}", county=county)
    body = client_for(official).get("/api/v1/schools/?page_size=3").json()
    assert body["count"] == 7
    assert len(body["results"]) == 3
    assert body["next"] is not None


def test_school_list_filters_by_county_and_kind(scene, official):
    api = client_for(official)
    assert codes(api.get("/api/v1/schools/?county=371311")) == [FOREIGN_CODE]
    assert codes(api.get("/api/v1/schools/?kind=primary")) == [OWN_CODE]


@pytest.mark.parametrize(
    "url, key",
    [
        ("/api/v1/school-years/", "school_code"),
        ("/api/v1/classes/", "school_code"),
        ("/api/v1/funding/", "school_code"),
        ("/api/v1/achievement/", "school_code"),
        ("/api/v1/county-years/", "county_code"),
    ],
)
def test_every_yearly_list_is_scoped_to_the_clerks_county(scene, clerk, other_clerk, official, url, key):
    own = set(codes(client_for(clerk).get(url), key))
    foreign = set(codes(client_for(other_clerk).get(url), key))
    both = set(codes(client_for(official).get(url), key))
    assert own and foreign
    assert own.isdisjoint(foreign)
    assert both == own | foreign


def test_school_years_filter_by_year_and_school(scene, official):
    api = client_for(official)
    rows = api.get(f"/api/v1/school-years/?year=2023&school={OWN_CODE}").json()["results"]
    assert [(r["school_code"], r["year"]) for r in rows] == [(OWN_CODE, 2023)]
    assert len(api.get("/api/v1/school-years/?year=2024&county=371311").json()["results"]) == 1


def test_non_numeric_year_filter_answers_400_naming_the_parameter(scene, official):
    response = client_for(official).get("/api/v1/school-years/?year=abc")
    assert response.status_code == 400
    assert "year" in response.json()


def test_clerk_saves_a_school_year_through_the_service(scene, clerk):
    data = {"school_code": OWN_CODE, "year": 2022, "primary_students": 480, "books": 12000}
    response = client_for(clerk).post("/api/v1/school-years/", data, format="json")
    assert response.status_code == 201, response.content
    row = SchoolYear.objects.get(school__code=OWN_CODE, year=2022)
    assert (row.primary_students, row.books, row.updated_by) == (480, 12000, clerk)


def test_clerk_cannot_file_a_school_year_for_another_countys_school(scene, clerk):
    data = {"school_code": FOREIGN_CODE, "year": 2022, "primary_students": 480}
    response = client_for(clerk).post("/api/v1/school-years/", data, format="json")
    assert response.status_code == 400
    assert "school_code" in response.json()
    assert not SchoolYear.objects.filter(school__code=FOREIGN_CODE, year=2022).exists()


def test_negative_area_is_rejected_with_a_chinese_message(scene, clerk):
    row = SchoolYear.objects.get(school__code=OWN_CODE, year=2024)
    response = client_for(clerk).patch(
        f"/api/v1/school-years/{row.pk}/", {"teaching_area": "-5"}, format="json"
    )
    assert response.status_code == 400
    assert "teaching_area" in response.json()
    assert "大于或者等于" in response.json()["teaching_area"][0]


def test_patch_cannot_move_a_row_to_another_year(scene, clerk):
    row = SchoolYear.objects.get(school__code=OWN_CODE, year=2024)
    response = client_for(clerk).patch(
        f"/api/v1/school-years/{row.pk}/", {"year": 2030, "staff": 61}, format="json"
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.year, row.staff) == (2024, 61)


def test_outsider_gets_404_for_a_foreign_class_and_official_403_on_writing_it(scene, other_clerk, official):
    own_class = SchoolClass.objects.get(school__code=OWN_CODE)
    url = f"/api/v1/classes/{own_class.pk}/"
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(other_clerk).delete(url).status_code == 404
    assert client_for(official).patch(url, {"students": 70}, format="json").status_code == 403
    own_class.refresh_from_db()
    assert own_class.students == 44


def test_large_classes_are_found_with_min_students(scene, clerk):
    school = School.objects.get(code=OWN_CODE)
    SchoolClassFactory(school=school, name="二年级1班", grade=2, students=58)
    rows = client_for(clerk).get("/api/v1/classes/?min_students=56").json()["results"]
    assert [(r["name"], r["students"]) for r in rows] == [("二年级1班", 58)]


def test_clerk_deletes_a_class_of_own_school(scene, clerk):
    own_class = SchoolClass.objects.get(school__code=OWN_CODE)
    assert client_for(clerk).delete(f"/api/v1/classes/{own_class.pk}/").status_code == 204
    assert not SchoolClass.objects.filter(pk=own_class.pk).exists()


def test_county_year_percentage_over_100_is_rejected(scene, clerk):
    row = CountyYear.objects.get(county__code="371302")
    response = client_for(clerk).patch(
        f"/api/v1/county-years/{row.pk}/", {"recognition": "101"}, format="json"
    )
    assert response.status_code == 400
    assert "recognition" in response.json()


def test_monitoring_is_filed_by_own_clerk_and_hidden_from_the_outsider(scene, clerk, other_clerk):
    data = {
        "county_code": "371302",
        "year": 2024,
        "stage": "junior",
        "subject": "数学",
        "level": 3,
        "difference_rate": "0.12",
    }
    response = client_for(clerk).post("/api/v1/monitoring/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["level"] == 3
    assert client_for(other_clerk).get("/api/v1/monitoring/").json()["count"] == 0
    pk = response.json()["id"]
    assert client_for(other_clerk).get(f"/api/v1/monitoring/{pk}/").status_code == 404


def test_regions_are_read_only_and_scoped(scene, clerk, official):
    assert codes(client_for(clerk).get("/api/v1/regions/")) == ["371302"]
    assert codes(client_for(official).get("/api/v1/regions/")) == ["371300", "371302", "371311"]
    response = client_for(official).post("/api/v1/regions/", {"code": "371399"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("url", ["/api/v1/schools/3713.02/", "/api/v1/regions/3713.02/"])
def test_a_code_with_a_dot_answers_the_apis_json_404_not_the_sites_page(scene, clerk, url):
    """Found by the API fuzz: the router's lookup stopped at ".", so such a code fell through to the HTML 404."""
    response = client_for(clerk).get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)
