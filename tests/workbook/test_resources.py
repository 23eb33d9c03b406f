"""The admin's import-export resources write through the owning services: the same validation, scope,
natural-key refusal and recompute as a form, the API or the workbook importer."""

import pytest
import tablib

from core import hooks
from schools.models import SchoolYear
from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from workbook.resources import SchoolYearResource
from workbook.resources_teachers import TeacherResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        hooks,
        "_listeners",
        [lambda ids, year, user=None, trigger=hooks.EDIT: calls.append((sorted(ids), year, trigger))],
    )
    return calls


def test_an_admin_import_refuses_a_negative_count_as_the_form_does(clerk, county):
    SchoolFactory(code="3713020001", county=county)
    data = tablib.Dataset(["3713020001", 2024, -5], headers=["school", "year", "primary_students"])

    result = SchoolYearResource(user=clerk).import_data(data)

    assert result.has_validation_errors()
    assert "primary_students" in result.invalid_rows[0].field_specific_errors
    assert not SchoolYear.objects.exists()


def test_an_admin_import_queues_the_recompute_of_its_county_and_year(clerk, county, recomputes):
    SchoolFactory(code="3713020001", county=county)
    data = tablib.Dataset(["3713020001", 2024, 120], headers=["school", "year", "primary_students"])

    result = SchoolYearResource(user=clerk).import_data(data)

    assert not result.has_errors() and not result.has_validation_errors()
    assert SchoolYear.objects.get().updated_by == clerk
    assert recomputes == [([county.pk], 2024, "edit")]


def test_an_admin_import_of_a_taken_teacher_number_does_not_reveal_the_other_county(
    clerk, county, other_county
):
    TeacherFactory(school=SchoolFactory(county=other_county), teacher_id="T9", year=2024)
    SchoolFactory(code="3713020001", county=county)
    data = tablib.Dataset(
        ["3713020001", 2024, "T9", "primary", "bachelor", 1, "none"],
        headers=["school", "year", "teacher_id", "stage", "degree", "full_time", "backbone_level"],
    )

    result = TeacherResource(user=clerk).import_data(data)

    assert result.has_errors()
    assert Teacher.objects.get(teacher_id="T9").school.county == other_county
    assert "罗庄" not in str(result.row_errors()) and other_county.code not in str(result.row_errors())
