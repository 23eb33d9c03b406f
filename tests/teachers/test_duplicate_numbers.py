"""A teacher number taken in that year by another county's teacher is refused without confirming that teacher."""

import pytest
from rest_framework.test import APIClient

from teachers.models import Teacher
from teachers.selectors import NUMBER_HELD_ELSEWHERE, teacher_number_refusal, teacher_number_refusals
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "不可用"
TAKEN = "已被使用"


@pytest.fixture
def rosters(county, other_county):
    own = SchoolFactory(code="3713020001", county=county)
    foreign = SchoolFactory(code="3713110001", county=other_county)
    TeacherFactory(school=own, teacher_id="OWN1", year=2024)
    TeacherFactory(school=foreign, teacher_id="HIDDEN1", year=2024, name="李四")
    return own, foreign


def form_message(client, user, school, number) -> str:
    client.force_login(user)
    data = {"school": school.code, "year": "2024", "teacher_id": number, "name": "新老师", "stage": "primary",
            "degree": "bachelor", "backbone_level": "none", "full_time": "on", "certified": "unknown",
            "rotation_eligible": "unknown", "rotated": "unknown"}  # fmt: skip
    response = client.post("/teachers/new/", data)
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("teacher_id", []))


def api_message(user, school, number) -> str:
    api = APIClient()
    api.force_authenticate(user)
    data = {
        "school_code": school.code,
        "year": 2024,
        "teacher_id": number,
        "stage": "primary",
        "degree": "bachelor",
    }
    response = api.post("/api/v1/teachers/", data, format="json")
    assert response.status_code == 400, response.content
    return " ".join(response.json().get("teacher_id", []))


def test_the_form_refuses_another_countys_number_neutrally(client, clerk, rosters):
    own, _foreign = rosters
    message = form_message(client, clerk, own, "HIDDEN1")
    assert NEUTRAL in message and TAKEN not in message and "李四" not in message
    assert Teacher.objects.filter(teacher_id="HIDDEN1").count() == 1


def test_the_form_says_taken_for_a_number_of_the_own_county(client, clerk, rosters):
    own, _foreign = rosters
    assert TAKEN in form_message(client, clerk, own, "OWN1")


def test_the_outsider_gets_the_neutral_refusal_for_our_number(client, other_clerk, rosters):
    _own, foreign = rosters
    assert NEUTRAL in form_message(client, other_clerk, foreign, "OWN1")
    assert NEUTRAL in api_message(other_clerk, foreign, "OWN1")


def test_the_api_refuses_another_countys_number_neutrally(clerk, rosters):
    own, _foreign = rosters
    message = api_message(clerk, own, "HIDDEN1")
    assert NEUTRAL in message and TAKEN not in message and "已存在" not in message


def test_the_api_says_taken_for_a_number_of_the_own_county(clerk, rosters):
    own, _foreign = rosters
    assert TAKEN in api_message(clerk, own, "OWN1")


def test_the_same_number_in_another_year_is_free(clerk, rosters):
    own, _foreign = rosters
    api = APIClient()
    api.force_authenticate(clerk)
    data = {
        "school_code": own.code,
        "year": 2025,
        "teacher_id": "HIDDEN1",
        "stage": "primary",
        "degree": "bachelor",
    }
    assert api.post("/api/v1/teachers/", data, format="json").status_code == 201


def test_the_official_of_the_city_sees_the_plain_message_it_could_read_anyway(official, rosters):
    # officials may not write, so the API answers 403 before any uniqueness check
    own, _foreign = rosters
    api = APIClient()
    api.force_authenticate(official)
    data = {
        "school_code": own.code,
        "year": 2024,
        "teacher_id": "HIDDEN1",
        "stage": "primary",
        "degree": "bachelor",
    }
    assert api.post("/api/v1/teachers/", data, format="json").status_code == 403


def test_a_whole_sheet_of_numbers_is_judged_by_the_same_rule_as_one(clerk, rosters):
    numbers = ["OWN1", "HIDDEN1", "FREE1"]

    one_by_one = {n: teacher_number_refusal(user=clerk, year=2024, teacher_id=n) for n in numbers}
    at_once = teacher_number_refusals(user=clerk, year=2024, numbers=numbers)

    assert at_once == {n: message for n, message in one_by_one.items() if message}
    assert TAKEN in at_once["OWN1"] and NEUTRAL in at_once["HIDDEN1"]


def test_an_import_may_take_over_its_own_countys_number_but_not_another_countys(clerk, rosters):
    refused = teacher_number_refusals(
        user=clerk, year=2024, numbers=["OWN1", "HIDDEN1", "FREE1"], rows_are_holders=True
    )

    assert refused == {"HIDDEN1": NUMBER_HELD_ELSEWHERE}
    assert teacher_number_refusals(user=None, year=2024, numbers=["HIDDEN1"], rows_are_holders=True) == {}
