"""The well-formed golden workbook loads whole, and loading it again changes nothing."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from core.models import Region
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from tests.indicators.golden import GOLDEN_XLSX as GOLDEN
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


def data_rows(sheet_name: str) -> int:
    """Counted with openpyxl, independently of the importer's reader."""
    workbook = openpyxl.load_workbook(GOLDEN, read_only=True)
    rows = workbook[sheet_name].iter_rows(min_row=2, values_only=True)
    return sum(1 for row in rows if any(v not in (None, "") for v in row))


def test_golden_workbook_loads_every_sheet():
    result = import_workbook(GOLDEN)

    assert result.ok, result.errors[:5]
    assert School.objects.count() == data_rows("学校")
    assert SchoolYear.objects.count() == data_rows("学校学年数据")
    assert SchoolClass.objects.count() == data_rows("班级")
    assert Teacher.objects.count() == data_rows("教师")
    assert Funding.objects.count() == data_rows("经费")
    assert Achievement.objects.count() == data_rows("学业质量")
    assert CountyYear.objects.count() == data_rows("区县学年数据")
    assert Monitoring.objects.count() == data_rows("质量监测")
    county = Region.objects.get(code="371399")
    assert county.level == "county" and county.parent.code == "371300"
    assert result.county_ids == [county.pk]
    assert result.counts["teachers"]["created"] == data_rows("教师")


def test_golden_values_land_in_the_right_fields():
    import_workbook(GOLDEN)

    school = School.objects.get(code="3371399001")
    assert (school.kind, school.urban_rural_code, school.ownership, school.boarding) == (
        "complete_secondary",
        "122",
        "public",
        False,
    )
    year = SchoolYear.objects.get(school=school, year=2024)
    assert year.primary_students is None  # blank means not reported, never zero
    assert year.junior_students == 848 and year.boarders == 0
    assert year.equipment_value == Decimal("9007384.42")
    teacher = Teacher.objects.get(year=2024, teacher_id="T371399000001")
    assert (teacher.stage, teacher.degree, teacher.title, teacher.birth_month) == (
        "junior",
        "bachelor",
        "none",
        "1983-03",
    )
    assert teacher.certified is True and teacher.rotated is False
    county_year = CountyYear.objects.get(county__code="371399", year=2024)
    assert county_year.junior_retention == Decimal("94.4")
    assert Monitoring.objects.get(stage="primary", subject="语文").level == 3


def test_reimporting_the_same_file_changes_nothing():
    import_workbook(GOLDEN)
    stamps = dict(Teacher.objects.values_list("pk", "updated_at"))

    again = import_workbook(GOLDEN)

    assert again.ok
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in again.counts.values())
    assert dict(Teacher.objects.values_list("pk", "updated_at")) == stamps


def test_dry_run_counts_but_writes_nothing():
    result = import_workbook(GOLDEN, dry_run=True)

    assert result.ok
    assert result.counts["schools"]["created"] == data_rows("学校")
    assert School.objects.count() == 0 and Region.objects.count() == 0


def test_management_command_imports_the_golden_file(capsys):
    call_command("import_workbook", str(GOLDEN))

    assert Teacher.objects.count() == data_rows("教师")
    assert "导入完成" in capsys.readouterr().out
