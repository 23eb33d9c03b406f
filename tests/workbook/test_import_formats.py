"""The tolerant forms the workbook spec allows: CSV folders and zips, encodings, English keys, number spellings."""

from decimal import Decimal

import pytest

from schools.models import CountyYear, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from tests.factories import SchoolFactory
from workbook.importer import import_workbook

from .workbook_files import (
    COUNTY_YEAR_HEADER,
    SCHOOL_HEADER,
    TEACHER_HEADER,
    YEAR_HEADER,
    basic_sheets,
    csv_bytes,
    school_row,
    teacher_row,
    write_xlsx,
    write_zip,
)

pytestmark = pytest.mark.django_db


def test_zip_of_gb18030_csv_keeps_characters_only_gb18030_has(tmp_path, county):
    rare = "䶮"  # in GB18030 but not in GBK
    teachers = [TEACHER_HEADER, teacher_row("T001", 姓名=f"刘{rare}")]
    path = write_zip(
        tmp_path / "data.zip",
        {
            "学校.csv": csv_bytes([SCHOOL_HEADER, school_row()], "gb18030"),
            "教师.csv": csv_bytes(teachers, "gb18030"),
        },
    )
    result = import_workbook(path)

    assert result.ok, result.errors
    assert Teacher.objects.get(teacher_id="T001").name == f"刘{rare}"


def test_folder_of_csv_named_by_english_keys_with_english_headers(tmp_path, county):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "schools.csv").write_bytes(
        csv_bytes([["code", "name", "county_code", "kind", "urban_rural_code"], school_row()[:5]], "utf-8")
    )
    (folder / "teachers.csv").write_bytes(
        csv_bytes(
            [
                ["year", "school_code", "teacher_id", "stage", "degree"],
                [2024, "3713020001", "T9", "初中", "专科"],
            ]
        )
    )
    result = import_workbook(folder)

    assert result.ok, result.errors
    teacher = Teacher.objects.get(teacher_id="T9")
    assert (teacher.stage, teacher.degree, teacher.full_time) == ("junior", "associate", True)


def test_csv_in_a_zip_from_chinese_windows_has_its_gbk_file_name_understood(tmp_path, county):
    import zipfile

    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as archive:

        class GbkName(zipfile.ZipInfo):
            """Windows Explorer and WinRAR store the name as GBK bytes without the UTF-8 flag."""

            __slots__ = ()

            def _encodeFilenameFlags(self):
                return "学校.csv".encode("gbk"), self.flag_bits & ~0x800

        archive.writestr(GbkName("gbk-name.csv"), csv_bytes([SCHOOL_HEADER, school_row()], "gb18030"))

    result = import_workbook(path)
    assert result.ok, result.errors
    assert School.objects.filter(code="3713020001").exists()


def test_number_spellings_and_percent_forms_are_understood(tmp_path, county):
    sheets = basic_sheets()
    sheets["学校学年数据"] = [YEAR_HEADER, ["２０２４", "3713020001", "1,234", "１２００.５", "12,345"]]
    sheets["区县学年数据"] = [COUNTY_YEAR_HEADER, [2024, "371302", "95%", 0.95, "95"]]
    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets))

    assert result.ok, result.errors
    year = SchoolYear.objects.get()
    assert (year.primary_students, year.teaching_area, year.books) == (1234, Decimal("1200.5"), 12345)
    county_year = CountyYear.objects.get()
    assert (
        county_year.junior_retention
        == county_year.disabled_enrolment
        == county_year.recognition
        == Decimal(95)
    )


@pytest.mark.parametrize("yes, no", [("是", "否"), ("1", "0"), ("Y", "N"), ("true", "false"), (1, 0)])
def test_yes_no_spellings(tmp_path, county, yes, no):
    sheets = basic_sheets(teachers=[teacher_row("T1", 是否专任教师=yes), teacher_row("T2", 是否专任教师=no)])
    assert import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)).ok

    assert dict(Teacher.objects.values_list("teacher_id", "full_time")) == {"T1": True, "T2": False}


def test_headers_with_star_and_unit_suffix_and_any_order(tmp_path, county):
    header = ["学校名称", "学校标识码*", "办学类型*", "区县代码", "城乡分类代码（统计用）"]
    sheets = {"学校": [header, ["一小", "3713020001", "小学", "371302", "220"]]}

    assert import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)).ok
    assert School.objects.get().urban_rural_code == "220"


def test_blank_cells_mean_not_reported_not_zero(tmp_path, county):
    sheets = basic_sheets()
    sheets["学校学年数据"] = [YEAR_HEADER, [2024, "3713020001", "", None, 0]]
    assert import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)).ok

    year = SchoolYear.objects.get()
    assert (year.primary_students, year.teaching_area, year.books) == (None, None, 0)


def test_later_file_replaces_that_school_years_rows(tmp_path, county):
    first = basic_sheets(teachers=[teacher_row("T1"), teacher_row("T2"), teacher_row("T3")])
    first["班级"] = [
        ["学年", "学校标识码", "学段", "年级", "班级名称", "学生数"],
        [2024, "3713020001", "小学", 1, "一年级1班", 40],
        [2024, "3713020001", "小学", 1, "一年级2班", 41],
    ]
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", first)).ok
    kept_elsewhere = SchoolFactory(code="3713020002", county=county)
    Teacher.objects.create(
        school=kept_elsewhere, year=2024, teacher_id="X1", stage="primary", degree="bachelor"
    )

    second = basic_sheets(teachers=[teacher_row("T1"), teacher_row("T3", 最高学历="研究生")])
    result = import_workbook(write_xlsx(tmp_path / "b.xlsx", second))

    assert result.counts["teachers"] == {"created": 0, "updated": 1, "unchanged": 1, "deleted": 1}
    assert set(Teacher.objects.values_list("teacher_id", flat=True)) == {"T1", "T3", "X1"}
    assert SchoolClass.objects.count() == 2  # the second file carries no 班级 sheet: classes untouched


def test_clerk_imports_own_county(tmp_path, clerk):
    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", basic_sheets()), user=clerk)

    assert result.ok, result.errors
    assert result.county_ids == [clerk.region_id]
    assert Teacher.objects.get(teacher_id="T001").updated_by == clerk
