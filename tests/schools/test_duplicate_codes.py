"""A school code taken by another county's school is refused without confirming that school: the refusal reads
"不可用", the same whichever other county has it, and "已被另一所学校使用" only when the user can see that school."""

import pytest
from rest_framework.test import APIClient

from schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

OWN_TAKEN = "3713020001"
FOREIGN_TAKEN = "3713110001"
FREE = "3713029999"
NEUTRAL = "该学校标识码不可用"
TAKEN = "该学校标识码已被另一所学校使用"


@pytest.fixture
def schools(county, other_county):
    SchoolFactory(code=OWN_TAKEN, county=county, name="兰山第一小学")
    SchoolFactory(code=FOREIGN_TAKEN, county=other_county, name="罗庄隐秘小学")


def form_data(county, code):
    return {"code": code, "name": "新建小学", "county": county.pk, "kind": "primary", "urban_rural_code": "111",
            "ownership": "public"}  # fmt: skip


def api_data(county, code):
    return {"code": code, "name": "新建小学", "county_code": county.code, "kind": "primary", "urban_rural_code": "111"}  # fmt: skip


def form_errors(client, user, county, code) -> str:
    client.force_login(user)
    response = client.post("/schools/new/", form_data(county, code))
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("code", []))


def api_errors(user, county, code) -> str:
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/v1/schools/", api_data(county, code), format="json")
    assert response.status_code == 400, response.content
    return " ".join(response.json().get("code", []))


def test_the_form_refuses_another_countys_code_neutrally(client, clerk, county, schools):
    message = form_errors(client, clerk, county, FOREIGN_TAKEN)
    assert NEUTRAL in message
    assert "已" not in message and "罗庄" not in message
    assert not School.objects.filter(name="新建小学").exists()


def test_the_form_says_taken_for_a_code_of_the_own_county(client, clerk, county, schools):
    assert TAKEN in form_errors(client, clerk, county, OWN_TAKEN)


def test_the_outsider_gets_the_neutral_refusal_for_our_code(client, other_clerk, other_county, schools):
    message = form_errors(client, other_clerk, other_county, OWN_TAKEN)
    assert NEUTRAL in message and "兰山" not in message


def test_the_api_refuses_another_countys_code_neutrally(clerk, county, schools):
    message = api_errors(clerk, county, FOREIGN_TAKEN)
    assert NEUTRAL in message and "已存在" not in message and "罗庄" not in message
    assert School.objects.filter(code=FOREIGN_TAKEN).get().name == "罗庄隐秘小学"


def test_the_api_says_taken_for_a_code_of_the_own_county(clerk, county, schools):
    assert TAKEN in api_errors(clerk, county, OWN_TAKEN)


def test_the_api_outsider_gets_the_neutral_refusal_for_our_code(other_clerk, other_county, schools):
    assert NEUTRAL in api_errors(other_clerk, other_county, OWN_TAKEN)


def test_a_foreign_code_and_a_code_taken_in_a_third_county_read_the_same(
    client, clerk, county, schools, city
):
    from tests.factories import CountyFactory

    third = CountyFactory(code="371312", name="河东区", parent=city)
    SchoolFactory(code="3713120001", county=third)
    assert api_errors(clerk, county, FOREIGN_TAKEN) == api_errors(clerk, county, "3713120001")


def test_renaming_a_school_to_a_foreign_code_through_the_api_is_refused_neutrally(clerk, county, schools):
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.patch(f"/api/v1/schools/{OWN_TAKEN}/", {"code": FOREIGN_TAKEN}, format="json")
    assert response.status_code == 400
    assert NEUTRAL in response.json()["code"][0]
    assert School.objects.filter(code=OWN_TAKEN).exists()


def test_a_free_code_is_still_accepted_by_form_and_api(client, clerk, county, schools):
    client.force_login(clerk)
    assert client.post("/schools/new/", form_data(county, FREE)).status_code == 302
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.post("/api/v1/schools/", api_data(county, "3713029998"), format="json").status_code == 201


def test_a_bad_code_and_another_bad_field_are_reported_together_by_the_api(clerk, county, schools):
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.post(
        "/api/v1/schools/", {**api_data(county, FOREIGN_TAKEN), "kind": "castle"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()


def test_the_admin_sees_the_plain_message(client, admin_user, county, schools):
    assert TAKEN in api_errors(admin_user, county, FOREIGN_TAKEN)
