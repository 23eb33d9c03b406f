"""REST API of the teacher roster: scoped per county, officials read only, writes through teachers/services."""

import pytest
from rest_framework.test import APIClient

from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory

OWN_CODE = "3713020001"
FOREIGN_CODE = "3713110001"


@pytest.fixture
def roster(county, other_county):
    own = SchoolFactory(code=OWN_CODE, county=county)
    foreign = SchoolFactory(code=FOREIGN_CODE, county=other_county)
    TeacherFactory(school=own, teacher_id="A001", name="张三", subject="体育", backbone_level="county")
    TeacherFactory(school=own, teacher_id="A002", stage="junior", degree="postgraduate", year=2023)
    TeacherFactory(school=foreign, teacher_id="B001", name="李四")
    return own, foreign


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["teacher_id"] for row in response.json()["results"])


def test_clerk_sees_only_teachers_of_own_county(roster, clerk):
    assert ids(client_for(clerk).get("/api/v1/teachers/")) == ["A001", "A002"]


def test_outsider_sees_only_own_county_and_gets_404_for_ours(roster, other_clerk):
    api = client_for(other_clerk)
    assert ids(api.get("/api/v1/teachers/")) == ["B001"]
    ours = Teacher.objects.get(teacher_id="A001")
    assert api.get(f"/api/v1/teachers/{ours.pk}/").status_code == 404
    assert api.patch(f"/api/v1/teachers/{ours.pk}/", {"subject": "数学"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/teachers/{ours.pk}/").status_code == 404
    assert Teacher.objects.get(pk=ours.pk).subject == "体育"


def test_city_official_reads_both_counties_but_cannot_write(roster, official):
    api = client_for(official)
    assert ids(api.get("/api/v1/teachers/")) == ["A001", "A002", "B001"]
    ours = Teacher.objects.get(teacher_id="A001")
    assert api.patch(f"/api/v1/teachers/{ours.pk}/", {"subject": "数学"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/teachers/{ours.pk}/").status_code == 403
    new = {
        "school_code": OWN_CODE,
        "year": 2024,
        "teacher_id": "X1",
        "stage": "primary",
        "degree": "bachelor",
    }
    assert api.post("/api/v1/teachers/", new, format="json").status_code == 403
    assert not Teacher.objects.filter(teacher_id="X1").exists()


def test_anonymous_visitor_is_refused(roster):
    assert APIClient().get("/api/v1/teachers/").status_code in (401, 403)


def test_teacher_item_uses_glossary_names_and_english_keys(roster, clerk):
    rows = client_for(clerk).get("/api/v1/teachers/?teacher_id=A001").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["school_code"] == OWN_CODE
    assert (row["stage"], row["degree"], row["backbone_level"], row["subject"]) == (
        "primary",
        "bachelor",
        "county",
        "体育",
    )


def test_teachers_filter_by_year_stage_and_degree(roster, clerk):
    api = client_for(clerk)
    assert ids(api.get("/api/v1/teachers/?year=2023")) == ["A002"]
    assert ids(api.get("/api/v1/teachers/?stage=junior&degree=postgraduate")) == ["A002"]
    assert ids(api.get(f"/api/v1/teachers/?school={OWN_CODE}&year=2024")) == ["A001"]


def test_clerk_adds_a_teacher_to_own_school(roster, clerk):
    new = {
        "school_code": OWN_CODE,
        "year": 2024,
        "teacher_id": "A003",
        "stage": "primary",
        "degree": "associate",
        "subject": "音乐",
        "title": "second",
        "certified": True,
        "training_hours": 380,
    }
    response = client_for(clerk).post("/api/v1/teachers/", new, format="json")
    assert response.status_code == 201, response.content
    teacher = Teacher.objects.get(teacher_id="A003")
    assert (teacher.school.code, teacher.title, teacher.training_hours) == (OWN_CODE, "second", 380)
    assert teacher.updated_by == clerk


def test_duplicate_teacher_number_in_a_year_answers_400(roster, clerk):
    new = {
        "school_code": OWN_CODE,
        "year": 2024,
        "teacher_id": "A001",
        "stage": "primary",
        "degree": "bachelor",
    }
    response = client_for(clerk).post("/api/v1/teachers/", new, format="json")
    assert response.status_code == 400
    assert "已被使用" in response.json()["teacher_id"][0]
    assert Teacher.objects.filter(teacher_id="A001").count() == 1


def test_clerk_cannot_add_a_teacher_to_another_countys_school(roster, clerk):
    new = {
        "school_code": FOREIGN_CODE,
        "year": 2024,
        "teacher_id": "Z9",
        "stage": "primary",
        "degree": "bachelor",
    }
    response = client_for(clerk).post("/api/v1/teachers/", new, format="json")
    assert response.status_code == 400
    assert "school_code" in response.json()
    assert not Teacher.objects.filter(teacher_id="Z9").exists()


def test_bad_birth_month_is_rejected_in_chinese(roster, clerk):
    ours = Teacher.objects.get(teacher_id="A001")
    response = client_for(clerk).patch(
        f"/api/v1/teachers/{ours.pk}/", {"birth_month": "1985/9"}, format="json"
    )
    assert response.status_code == 400
    assert "出生年月应写作 YYYY-MM" in response.json()["birth_month"][0]


def test_clerk_updates_and_deletes_own_teacher(roster, clerk):
    api = client_for(clerk)
    ours = Teacher.objects.get(teacher_id="A001")
    response = api.patch(
        f"/api/v1/teachers/{ours.pk}/", {"rotated": True, "rotation_eligible": True}, format="json"
    )
    assert response.status_code == 200, response.content
    ours.refresh_from_db()
    assert ours.rotated is True
    assert api.delete(f"/api/v1/teachers/{ours.pk}/").status_code == 204
    assert not Teacher.objects.filter(pk=ours.pk).exists()
