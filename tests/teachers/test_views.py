"""The teacher roster pages. Names are personal data: they appear in the page body only, never in URLs,
page titles or messages."""

import re

import pytest

from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(county):
    return SchoolFactory(code="3713020001", name="兰山第一小学", county=county)


@pytest.fixture
def foreign_school(other_county):
    return SchoolFactory(code="3713110001", name="罗庄第一小学", county=other_county)


@pytest.fixture
def teacher(school):
    return TeacherFactory(school=school, year=2024, teacher_id="T0000001", name="张秀英", stage="primary")


def login(client, user):
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", page(response), re.S).group(1)


def teacher_data(**overrides):
    data = {
        "school": "3713020001",
        "year": "2024",
        "teacher_id": "T0000099",
        "name": "李建国",
        "gender": "male",
        "birth_month": "1985-09",
        "stage": "primary",
        "full_time": "on",
        "degree": "bachelor",
        "subject": "数学",
        "backbone_level": "county",
        "title": "first",
        "certified": "true",
        "training_hours": "360",
        "rotation_eligible": "unknown",
        "rotated": "false",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("url", ["/teachers/", "/teachers/new/", "/teachers/1/edit/"])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_clerk_of_another_county_gets_404_for_edit_and_delete(client, other_clerk, teacher):
    login(client, other_clerk)
    url = f"/teachers/{teacher.pk}/edit/"
    assert client.get(url).status_code == 404
    assert client.post(url, teacher_data(name="改名")).status_code == 404
    assert client.post(f"/teachers/{teacher.pk}/delete/").status_code == 404
    teacher.refresh_from_db()
    assert teacher.name == "张秀英"


def test_official_reads_a_teacher_but_cannot_change_or_delete(client, official, teacher):
    login(client, official)
    response = client.get(f"/teachers/{teacher.pk}/edit/")
    assert response.status_code == 200
    assert "张秀英" in page(response) and "删除该教师记录" not in page(response)
    assert client.post(f"/teachers/{teacher.pk}/edit/", teacher_data(name="改名")).status_code == 403
    assert client.post(f"/teachers/{teacher.pk}/delete/").status_code == 403
    assert client.get("/teachers/new/").status_code == 403
    assert Teacher.objects.get().name == "张秀英"


# ---------------------------------------------------------------- list


def test_list_shows_own_county_only_and_names_stay_out_of_the_title(client, clerk, teacher, foreign_school):
    TeacherFactory(school=foreign_school, year=2024, teacher_id="T0000002", name="王外县")
    response = login(client, clerk).get("/teachers/")
    assert "张秀英" in page(response) and "王外县" not in page(response)
    assert "张秀英" not in title(response)


def test_filters_narrow_the_roster(client, official, school, foreign_school):
    TeacherFactory(
        school=school, year=2024, teacher_id="A1", stage="primary", degree="bachelor", full_time=True
    )
    TeacherFactory(
        school=school, year=2023, teacher_id="A2", stage="primary", degree="bachelor", full_time=True
    )
    TeacherFactory(
        school=school, year=2024, teacher_id="A3", stage="junior", degree="postgraduate", full_time=True
    )
    TeacherFactory(
        school=school, year=2024, teacher_id="A4", stage="primary", degree="associate", full_time=False
    )
    TeacherFactory(school=foreign_school, year=2024, teacher_id="B1", stage="primary", degree="bachelor")
    login(client, official)

    def ids(**params):
        return sorted(t.teacher_id for t in client.get("/teachers/", params).context["page"])

    assert ids(county="371311") == ["B1"]
    assert ids(school="3713020001", year="2024") == ["A1", "A3", "A4"]
    assert ids(stage="junior") == ["A3"]
    assert ids(degree="associate") == ["A4"]
    assert ids(full_time="0") == ["A4"]
    assert ids(full_time="1", school="3713020001", year="2024", stage="primary") == ["A1"]


def test_clerk_cannot_filter_into_another_county(client, clerk, foreign_school):
    TeacherFactory(school=foreign_school, year=2024, teacher_id="B1")
    response = login(client, clerk).get("/teachers/", {"county": "371311"})
    assert "B1" not in page(response)


def test_roster_is_paginated(client, clerk, school):
    for n in range(52):
        TeacherFactory(school=school, year=2024, teacher_id=f"P{n:03d}")
    login(client, clerk)
    assert len(client.get("/teachers/").context["page"]) == 50
    second = client.get("/teachers/", {"page": "2"}).context["page"]
    assert [t.teacher_id for t in second] == ["P050", "P051"]


def test_roster_rows_name_stage_degree_and_post_in_the_readers_language(client, clerk, teacher):
    login(client, clerk)
    row = page(client.get("/teachers/")).split("T0000001", 1)[1].split("</tr>", 1)[0]
    assert "<td>小学</td>" in row and "<td>本科</td>" in row and "<td>是</td>" in row
    assert f'href="/teachers/{teacher.pk}/edit/"' in page(client.get("/teachers/"))
    client.cookies["django_language"] = "en"
    row = page(client.get("/teachers/")).split("T0000001", 1)[1].split("</tr>", 1)[0]
    assert "<td>Primary</td>" in row and "<td>Bachelor</td>" in row and "<td>yes</td>" in row


def test_roster_lists_the_newest_year_first_and_pages_run_on_into_older_years(client, official, county):
    first, second = (
        SchoolFactory(code="3713020001", county=county),
        SchoolFactory(code="3713020002", county=county),
    )
    # Created out of order: the roster sorts by year (newest first), school code, teacher number.
    for year, count in ((2021, 10), (2023, 60), (2024, 60)):
        for n in range(count):
            TeacherFactory(school=second if n % 2 else first, year=year, teacher_id=f"{year}-{n:03d}")
    expected = [
        t.teacher_id
        for t in sorted(
            Teacher.objects.select_related("school"), key=lambda t: (-t.year, t.school.code, t.teacher_id)
        )
    ]
    login(client, official)

    pages = [client.get("/teachers/", {"page": n}).context["page"] for n in (1, 2, 3)]

    assert [t.teacher_id for page_ in pages for t in page_] == expected  # 130 rows: 50, 50, 30
    assert [page_.has_next() for page_ in pages] == [True, True, False]
    assert [t.teacher_id for t in client.get("/teachers/", {"page": 4}).context["page"]] == expected[:50]


def test_roster_pages_of_one_chosen_year_hold_that_year_only(client, clerk, school, foreign_school):
    for n in range(55):
        TeacherFactory(school=school, year=2023, teacher_id=f"Y{n:03d}")
    TeacherFactory(school=school, year=2024, teacher_id="NEWER")
    TeacherFactory(school=foreign_school, year=2023, teacher_id="FOREIGN")
    login(client, clerk)

    pages = [client.get("/teachers/", {"year": "2023", "page": n}).context["page"] for n in (1, 2)]

    assert [t.teacher_id for page_ in pages for t in page_] == [f"Y{n:03d}" for n in range(55)]


def test_roster_of_a_clerk_runs_past_years_the_county_has_no_teachers_in(
    client, clerk, school, foreign_school
):
    # The newest year of the roster is another county's.
    TeacherFactory(school=foreign_school, year=2025, teacher_id="FOREIGN")
    for n in range(3):
        TeacherFactory(school=school, year=2022, teacher_id=f"OLD{n}")
    login(client, clerk)
    assert [t.teacher_id for t in client.get("/teachers/").context["page"]] == ["OLD0", "OLD1", "OLD2"]


# ---------------------------------------------------------------- create


def test_new_teacher_form_is_prefilled_from_school_and_year(client, clerk, school):
    response = login(client, clerk).get("/teachers/new/", {"school": "3713020001", "year": "2024"})
    form = response.context["form"]
    assert form.initial["school"] == school and form.initial["year"] == 2024


def test_new_teacher_form_ignores_a_school_of_another_county(client, clerk, foreign_school):
    response = login(client, clerk).get("/teachers/new/", {"school": "3713110001"})
    assert "school" not in response.context["form"].initial
    assert "罗庄第一小学" not in page(response)


def test_clerk_adds_a_teacher_and_neither_url_nor_message_names_them(client, clerk, school):
    response = login(client, clerk).post("/teachers/new/", teacher_data())
    assert response.status_code == 302
    assert "李建国" not in response["Location"]
    saved = Teacher.objects.get(teacher_id="T0000099")
    assert (
        saved.school,
        saved.year,
        saved.name,
        saved.certified,
        saved.rotation_eligible,
        saved.rotated,
    ) == (
        school,
        2024,
        "李建国",
        True,
        None,
        False,
    )
    followed = client.get(response["Location"])
    messages = [str(m) for m in followed.context["messages"]]
    assert messages == ["教师 T0000099 已保存"]


def test_duplicate_teacher_number_in_a_year_is_refused_and_input_kept(client, clerk, teacher):
    response = login(client, clerk).post("/teachers/new/", teacher_data(teacher_id="T0000001"))
    assert response.status_code == 200
    assert "教师编号“T0000001”在2024学年已被使用" in page(response)
    assert 'value="李建国"' in page(response) and 'value="1985-09"' in page(response)
    assert Teacher.objects.count() == 1


def test_badly_written_birth_month_is_explained(client, clerk, school):
    response = login(client, clerk).post("/teachers/new/", teacher_data(birth_month="85年9月"))
    assert "出生年月应写作 YYYY-MM" in page(response)
    assert not Teacher.objects.exists()


def test_clerk_cannot_add_a_teacher_to_another_countys_school(client, clerk, foreign_school):
    response = login(client, clerk).post("/teachers/new/", teacher_data(school="3713110001"))
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Teacher.objects.exists()


# ---------------------------------------------------------------- edit and delete


def test_clerk_edits_a_teacher_and_the_title_shows_the_number_not_the_name(client, clerk, teacher):
    login(client, clerk)
    response = client.get(f"/teachers/{teacher.pk}/edit/")
    assert "T0000001" in title(response) and "张秀英" not in title(response)
    saved = client.post(
        f"/teachers/{teacher.pk}/edit/", teacher_data(teacher_id="T0000001", degree="postgraduate")
    )
    assert saved.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.degree, teacher.name) == ("postgraduate", "李建国")


def test_clerk_deletes_a_teacher(client, clerk, teacher):
    response = login(client, clerk).post(f"/teachers/{teacher.pk}/delete/")
    assert response.status_code == 302
    assert not Teacher.objects.exists()


def test_roster_query_count_does_not_grow_with_the_number_of_teachers(client, official, school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, official)
    TeacherFactory.create_batch(3, school=school, year=2024)
    with CaptureQueriesContext(connection) as few:
        client.get("/teachers/", {"year": "2024"})
    TeacherFactory.create_batch(30, school=SchoolFactory(county=school.county), year=2024)
    with CaptureQueriesContext(connection) as many:
        client.get("/teachers/", {"year": "2024"})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_filter_outside_the_clerks_scope_is_flagged_and_the_other_filters_still_apply(
    client, clerk, school, foreign_school
):
    TeacherFactory(school=school, year=2024, teacher_id="A1", stage="primary")
    TeacherFactory(school=school, year=2024, teacher_id="A2", stage="junior")
    response = login(client, clerk).get("/teachers/", {"school": "3713110001", "stage": "junior"})
    assert [t.teacher_id for t in response.context["page"]] == ["A2"]
    assert response.context["filter_form"].errors["school"]


def test_admin_may_edit_teachers_of_any_county(client, admin_user, foreign_school):
    teacher = TeacherFactory(school=foreign_school, year=2024, teacher_id="B1", name="王外县")
    data = teacher_data(school="3713110001", teacher_id="B1", name="王外县", degree="postgraduate")
    response = login(client, admin_user).post(f"/teachers/{teacher.pk}/edit/", data)
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.degree == "postgraduate"
