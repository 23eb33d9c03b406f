"""The school lists' filters (schools/filters.py), on the page and in the API, as each persona meets them: choices
list only what the user may see, another county's code is refused (400) or flagged (page), garbage never reaches
the database, and the page and the API answer the same rows for the same filter."""

import re

import pytest
from rest_framework.test import APIClient

from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db

OWN_CODE, FOREIGN_CODE = "3713020001", "3713110001"


@pytest.fixture
def schools(county, other_county):
    own = SchoolFactory(code=OWN_CODE, name="兰山第一小学", county=county, boarding=True)
    foreign = SchoolFactory(code=FOREIGN_CODE, name="罗庄第一小学", county=other_county, kind="junior")
    for school in (own, foreign):
        SchoolYearFactory(school=school, year=2024)
        SchoolClassFactory(school=school, year=2024, students=60)
    return own, foreign


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_codes(response, key="code"):
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


def page_codes(response):
    assert response.status_code == 200
    return sorted(school.code for school in response.context["page"])


def county_options(response) -> list[str]:
    select = re.search(r'<select name="county".*?</select>', response.content.decode(), re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


# ---------------------------------------------------------------- choices are scoped


def test_clerk_is_offered_only_its_own_county(client, clerk, schools):
    client.force_login(clerk)
    assert county_options(client.get("/schools/")) == ["371302"]


def test_official_and_admin_are_offered_every_county_they_see(client, official, admin_user, schools):
    client.force_login(official)
    assert county_options(client.get("/schools/")) == ["371302", "371311"]
    client.force_login(admin_user)
    assert county_options(client.get("/schools/")) == ["371302", "371311"]


def test_outsider_is_offered_only_its_own_county(client, other_clerk, schools):
    client.force_login(other_clerk)
    assert county_options(client.get("/schools/")) == ["371311"]


# ---------------------------------------------------------------- another county's code


def test_api_refuses_another_countys_code_exactly_as_an_unknown_one(schools, clerk):
    foreign = api(clerk).get("/api/v1/schools/", {"county": "371311"})
    unknown = api(clerk).get("/api/v1/schools/", {"county": "379999"})
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json()
    assert "不在您可查看的范围内" in foreign.json()["county"][0]


def test_outsider_cannot_reach_our_rows_through_a_filter(schools, other_clerk):
    client = api(other_clerk)
    assert client.get("/api/v1/school-years/", {"county": "371302"}).status_code == 400
    assert client.get("/api/v1/school-years/", {"school": OWN_CODE}).status_code == 400
    assert api_codes(client.get("/api/v1/school-years/", {"school": FOREIGN_CODE}), "school_code") == [
        FOREIGN_CODE
    ]


def test_page_flags_another_countys_code_and_keeps_the_other_filters(client, clerk, county, schools):
    SchoolFactory(code="3713020002", name="兰山第一初中", county=county, kind="junior")
    client.force_login(clerk)
    response = client.get("/schools/", {"county": "371311", "kind": "junior"})
    assert page_codes(response) == ["3713020002"]
    assert response.context["filter_form"].errors["county"]
    assert "罗庄第一小学" not in response.content.decode()


def test_admin_filters_by_any_county(schools, admin_user):
    assert api_codes(api(admin_user).get("/api/v1/schools/", {"county": "371311"})) == [FOREIGN_CODE]


# ---------------------------------------------------------------- garbage answers 400, never 500


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/schools/", {"q": "兰山\x00"}),
        ("/api/v1/schools/", {"county": "\x00"}),
        ("/api/v1/schools/", {"kind": "primary\x00"}),
        ("/api/v1/schools/", {"kind": "castle"}),
        ("/api/v1/schools/", {"boarding": "maybe"}),
        ("/api/v1/schools/", {"q": "长" * 101}),
        ("/api/v1/school-years/", {"year": "2024.5"}),
        ("/api/v1/school-years/", {"year": "²⁰²⁴"}),
        ("/api/v1/school-years/", {"year": "99999999999999999999"}),
        ("/api/v1/school-years/", {"school": "\x00"}),
        ("/api/v1/classes/", {"min_students": "-1"}),
        ("/api/v1/classes/", {"grade": "10"}),
        ("/api/v1/achievement/", {"subject": "数学\x00"}),
        ("/api/v1/county-years/", {"year": "abc"}),
        ("/api/v1/monitoring/", {"stage": "senior\x00"}),
        ("/api/v1/regions/", {"level": "planet"}),
    ],
)
def test_garbage_in_a_filter_answers_400_naming_the_parameter(schools, official, url, params):
    response = api(official).get(url, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_page_with_garbage_filters_still_answers_and_flags_them(client, official, schools):
    client.force_login(official)
    response = client.get("/schools/", {"county": "9", "kind": "castle", "boarding": "x"})
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == {"county", "kind", "boarding"}
    assert page_codes(response) == [OWN_CODE, FOREIGN_CODE]


def test_a_page_filter_with_a_nul_byte_answers_the_portals_400_page(client, official, schools):
    client.force_login(official)
    response = client.get("/schools/", {"q": "\x00"})
    assert response.status_code == 400


# ---------------------------------------------------------------- the same FilterSet for page and API


@pytest.mark.parametrize(
    "params",
    [
        {"county": "371311"},
        {"kind": "junior"},
        {"q": "兰山"},
        {"q": "37131100"},
        {"boarding": "1"},
        {"boarding": "否"},
        {"ownership": "public", "urban_rural_code": "111"},
    ],
)
def test_page_and_api_list_the_same_schools_for_the_same_filter(client, official, schools, params):
    client.force_login(official)
    assert page_codes(client.get("/schools/", params)) == api_codes(
        api(official).get("/api/v1/schools/", params)
    )


def test_yes_no_filters_take_what_people_and_scripts_write(schools, official):
    client = api(official)
    for word in ("1", "true", "True", "yes", "是"):
        assert api_codes(client.get("/api/v1/schools/", {"boarding": word})) == [OWN_CODE]
    for word in ("0", "false", "no", "否"):
        assert api_codes(client.get("/api/v1/schools/", {"boarding": word})) == [FOREIGN_CODE]


# ---------------------------------------------------------------- schools are searched, not listed


def test_school_filter_of_the_api_takes_a_name_part_as_well_as_a_code(schools, official):
    client = api(official)
    assert api_codes(client.get("/api/v1/classes/", {"school": "罗庄"}), "school_code") == [FOREIGN_CODE]
    assert api_codes(client.get("/api/v1/classes/", {"school": "第一小学"}), "school_code") == [
        OWN_CODE,
        FOREIGN_CODE,
    ]
    assert api_codes(client.get("/api/v1/classes/", {"school": OWN_CODE}), "school_code") == [OWN_CODE]


def test_a_name_part_matching_only_another_countys_school_is_refused(schools, clerk):
    response = api(clerk).get("/api/v1/classes/", {"school": "罗庄"})
    assert response.status_code == 400
    assert "school" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/classes/", "/api/v1/funding/", "/api/v1/school-years/"])
def test_a_percent_sign_in_a_school_name_part_is_refused_with_the_text_not_a_500(schools, clerk, url):
    """Found by the API fuzz: the text was formatted into the message and django-filter formatted it again."""
    response = api(clerk).get(url, {"school": "%M]"})
    assert response.status_code == 400
    assert response.json()["school"] == ["没有名称含“%M]”的学校"]


def test_regions_filter_by_parent_within_scope_only(schools, clerk, official):
    assert api_codes(api(official).get("/api/v1/regions/", {"parent": "371300"})) == ["371302", "371311"]
    assert api(clerk).get("/api/v1/regions/", {"parent": "371300"}).status_code == 400
    assert api_codes(api(clerk).get("/api/v1/regions/", {"level": "county"})) == ["371302"]


def test_a_nul_byte_is_named_as_such_in_chinese(schools, official):
    for params in ({"q": "兰\x00"}, {"county": "\x00"}, {"school": "\x00"}):
        url = "/api/v1/schools/" if "school" not in params else "/api/v1/classes/"
        response = api(official).get(url, params)
        assert response.status_code == 400
        assert "空字符" in next(iter(response.json().values()))[0]
