"""What is locked and where: the county-year's rows through every channel, a school's master data while any year
of its county is locked (creating a school stays open), deletes through forms, the API and the admin, imports
that change locked rows (unchanged rows pass), and nothing of another county or year."""

import pytest
import tablib

from schools.models import School, SchoolClass, SchoolYear
from signoff import services
from teachers.models import Teacher
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory
from workbook.importer import import_workbook
from workbook.resources import SchoolYearResource

from ..workbook.workbook_files import SCHOOL_HEADER, TEACHER_HEADER, school_row, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def locked(clerk, approver, county, facts):
    services.submit(user=clerk, county=county, year=2024)
    services.approve(user=approver, county=county, year=2024)
    return facts


def test_a_submission_alone_locks_and_names_the_clerk_who_submitted(client, clerk, county, facts):
    services.submit(user=clerk, county=county, year=2024)
    client.force_login(clerk)
    response = client.patch(
        f"/api/v1/school-years/{facts.pk}/", {"primary_students": 1}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "clerk" in response.json()["detail"] and "提交审核" in response.json()["detail"]


def test_a_schools_master_data_is_locked_while_any_year_of_its_county_is(client, clerk, school, locked):
    client.force_login(clerk)
    form = client.post(
        f"/schools/{school.code}/edit/",
        {
            "code": school.code,
            "name": "改名小学",
            "county": school.county_id,
            "kind": "primary",
            "urban_rural_code": "111",
            "ownership": "public",
        },
    )
    assert form.status_code == 200
    assert "学校基本信息对各学年的数据都有影响" in html(form) and "王芳" in html(form)
    assert 'value="改名小学"' in html(form)
    assert School.objects.get(pk=school.pk).name == "兰山第一小学"
    assert client.delete(f"/api/v1/schools/{school.code}/").status_code == 409


def test_creating_a_school_in_a_county_with_a_locked_year_is_allowed(client, clerk, county, locked):
    client.force_login(clerk)
    created = client.post(
        "/api/v1/schools/",
        {
            "code": "3713020099",
            "name": "新建小学",
            "county_code": "371302",
            "kind": "primary",
            "urban_rural_code": "111",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content


def test_teachers_of_the_locked_year_cannot_be_added_changed_or_deleted(client, clerk, school, locked):
    teacher = TeacherFactory(school=school, year=2024, teacher_id="T001")
    client.force_login(clerk)
    patch = client.patch(
        f"/api/v1/teachers/{teacher.pk}/", {"degree": "postgraduate"}, content_type="application/json"
    )
    assert patch.status_code == 409
    created = client.post(
        "/api/v1/teachers/",
        {
            "school_code": school.code,
            "year": 2024,
            "teacher_id": "T002",
            "stage": "primary",
            "degree": "bachelor",
        },
        content_type="application/json",
    )
    assert created.status_code == 409, created.content.decode()
    deleted = client.post(f"/teachers/{teacher.pk}/delete/", follow=True)
    assert deleted.status_code == 200 and "王芳" in html(deleted)
    assert Teacher.objects.filter(pk=teacher.pk).exists()
    # a teacher of 2025 in the same school is not locked
    other = TeacherFactory(school=school, year=2025, teacher_id="T009")
    assert (
        client.patch(
            f"/api/v1/teachers/{other.pk}/", {"degree": "postgraduate"}, content_type="application/json"
        ).status_code
        == 200
    )


def test_deleting_a_class_of_the_locked_year_shows_the_lock_instead_of_failing(client, clerk, school, locked):
    kept = SchoolClassFactory(school=school, year=2024, name="一年级1班", grade=1, students=40)
    client.force_login(clerk)
    data = {
        "classes-TOTAL_FORMS": "1",
        "classes-INITIAL_FORMS": "1",
        "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "1000",
        "classes-0-id": str(kept.pk),
        "classes-0-stage": "primary",
        "classes-0-grade": "1",
        "classes-0-name": "一年级1班",
        "classes-0-students": "40",
        "classes-0-DELETE": "on",
    }
    response = client.post(f"/schools/{school.code}/years/2024/classes/", data)
    assert response.status_code == 200 and "王芳" in html(response)
    assert SchoolClass.objects.filter(pk=kept.pk).exists()


def test_another_countys_data_is_not_locked(client, other_clerk, other_county, locked):
    school = SchoolFactory(code="3713110001", county=other_county)
    facts = SchoolYearFactory(school=school, year=2024)
    client.force_login(other_clerk)
    response = client.patch(
        f"/api/v1/school-years/{facts.pk}/", {"primary_students": 5}, content_type="application/json"
    )
    assert response.status_code == 200


# ---------------------------------------------------------------- imports


def test_reimporting_signed_off_data_unchanged_passes_and_a_change_is_refused_dry_run_included(
    tmp_path, clerk, approver, county, school
):
    first = write_xlsx(
        tmp_path / "a.xlsx",
        {"学校": [SCHOOL_HEADER, school_row()], "教师": [TEACHER_HEADER, teacher_row("T001")]},
    )
    assert import_workbook(first, user=clerk).ok
    services.submit(user=clerk, county=county, year=2024)
    services.approve(user=approver, county=county, year=2024)

    again = import_workbook(first, user=clerk)
    assert again.ok and not again.changed

    changed = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "学校": [SCHOOL_HEADER, school_row()],
            "教师": [TEACHER_HEADER, teacher_row("T001", 最高学历="研究生")],
        },
    )
    for dry_run in (True, False):
        result = import_workbook(changed, user=clerk, dry_run=dry_run)
        assert not result.ok
        assert [e["sheet"] for e in result.errors] == ["教师"]
        assert "王芳" in result.errors[0]["message"] and "2024" in result.errors[0]["message"]
    assert Teacher.objects.get(teacher_id="T001").degree == "bachelor"


def test_a_new_years_import_with_the_unchanged_schools_sheet_passes(tmp_path, clerk, county, school, locked):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        {
            "学校": [SCHOOL_HEADER, school_row()],
            "教师": [TEACHER_HEADER, teacher_row("T001", 学年=2025)],
        },
    )
    result = import_workbook(path, user=clerk)
    assert result.ok, result.errors
    assert Teacher.objects.filter(year=2025).count() == 1


def test_an_import_changing_a_school_of_a_locked_county_is_refused(tmp_path, clerk, county, school, locked):
    row = school_row()
    row[1] = "改名小学"
    path = write_xlsx(tmp_path / "d.xlsx", {"学校": [SCHOOL_HEADER, row]})
    result = import_workbook(path, user=clerk)
    assert not result.ok
    assert "学校基本信息" in result.errors[0]["message"]
    assert School.objects.get(pk=school.pk).name == "兰山第一小学"


# ---------------------------------------------------------------- the admin


def test_the_admin_delete_page_names_the_lock_and_deletes_nothing(client, admin_user, locked):
    client.force_login(admin_user)
    url = f"/admin/schools/schoolyear/{locked.pk}/delete/"
    page = client.get(url)
    assert "王芳" in html(page)
    client.post(url, {"post": "yes"})
    assert SchoolYear.objects.filter(pk=locked.pk).exists()


def test_the_admin_bulk_delete_is_refused_too(client, admin_user, locked):
    client.force_login(admin_user)
    response = client.post(
        "/admin/schools/schoolyear/",
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 200 and "王芳" in html(response)
    assert SchoolYear.objects.filter(pk=locked.pk).exists()


def test_the_admins_import_export_rows_of_a_locked_year_are_refused(admin_user, school, locked):
    dataset = tablib.Dataset(headers=["school", "year", "primary_students"])
    dataset.append([school.code, 2024, 999])
    result = SchoolYearResource(user=admin_user).import_data(dataset, dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    assert SchoolYear.objects.get(pk=locked.pk).primary_students == 600
