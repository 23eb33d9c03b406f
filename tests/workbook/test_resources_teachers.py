"""Admin import/export resources: scoped like the workbook importer, formula-safe on export, GB18030-tolerant."""

import pytest
import tablib
from django.urls import reverse

from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from workbook.resources import SchoolResource, read_text_upload
from workbook.resources_teachers import TeacherResource

pytestmark = pytest.mark.django_db

HEADERS = ["school", "year", "teacher_id", "stage", "degree", "full_time", "backbone_level"]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_clerk_imports_teachers_of_own_county(clerk, county):
    SchoolFactory(code="3713020001", county=county)
    result = TeacherResource(user=clerk).import_data(
        dataset(["3713020001", 2024, "T1", "primary", "bachelor", 1, "none"])
    )

    assert not result.has_errors()
    assert Teacher.objects.get(teacher_id="T1").updated_by == clerk


def test_clerk_cannot_import_teachers_into_another_county(clerk, other_county):
    SchoolFactory(code="3713110001", county=other_county)
    result = TeacherResource(user=clerk).import_data(
        dataset(["3713110001", 2024, "T1", "primary", "bachelor", 1, "none"])
    )

    assert result.has_errors()
    assert not Teacher.objects.exists()


def test_clerk_cannot_move_another_countys_teacher_into_own_school(clerk, county, other_county):
    TeacherFactory(school=SchoolFactory(county=other_county), teacher_id="T9", year=2024)
    SchoolFactory(code="3713020001", county=county)
    result = TeacherResource(user=clerk).import_data(
        dataset(["3713020001", 2024, "T9", "primary", "bachelor", 1, "none"])
    )

    assert result.has_errors()
    assert Teacher.objects.get(teacher_id="T9").school.county == other_county


def test_export_escapes_text_that_would_run_as_a_formula(county):
    SchoolFactory(code="3713020001", county=county, name='=HYPERLINK("http://x")')
    exported = SchoolResource().export()

    assert exported.dict[0]["name"].startswith("'=")
    assert exported.dict[0]["county"] == county.code


def test_gb18030_csv_is_read_and_passed_on_as_utf8():
    raw = "教师编号,姓名\nT1,刘䶮\n".encode("gb18030")
    assert read_text_upload(raw).decode("utf-8-sig") == "教师编号,姓名\nT1,刘䶮\n"


def test_admin_teacher_list_and_export_are_scoped_for_staff_clerks(client, clerk, county, other_county):
    TeacherFactory(school=SchoolFactory(county=county), teacher_id="MINE")
    TeacherFactory(school=SchoolFactory(county=other_county), teacher_id="THEIRS")
    clerk.is_staff = True
    clerk.save()
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_teacher", "export_teacher"]))
    client.force_login(clerk)

    page = client.get(reverse("admin:teachers_teacher_changelist")).content.decode()
    assert "MINE" in page and "THEIRS" not in page


def test_admin_import_page_reads_gb18030_csv(client, admin_user, county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    SchoolFactory(code="3713020001", county=county)
    csv_bytes = "school,year,teacher_id,name,stage,degree,full_time,backbone_level\n3713020001,2024,T1,刘䶮,primary,bachelor,1,none\n"
    client.force_login(admin_user)
    url = reverse("admin:teachers_teacher_import")
    page = client.get(url).content.decode()
    assert "import_file" in page
    from import_export.formats.base_formats import CSV

    formats = [
        f for f in __import__("import_export.admin", fromlist=["x"]).ImportMixin().get_import_formats()
    ]
    csv_index = next(i for i, f in enumerate(formats) if f is CSV)
    upload = SimpleUploadedFile("t.csv", csv_bytes.encode("gb18030"))
    response = client.post(url, {"import_file": upload, "format": csv_index, "resource": 0})

    assert response.status_code == 200
    assert "刘䶮" in response.content.decode()  # the dry-run preview shows the decoded row
