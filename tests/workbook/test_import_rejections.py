"""Bad input: each rejects the whole file with a located Chinese message and writes nothing."""

import openpyxl
import pytest
from django.test import override_settings

from schools.models import School
from teachers.models import Teacher
from tests.factories import SchoolFactory
from workbook.importer import CODE_UNKNOWN, import_workbook

from .workbook_files import (
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


def rejected(result):
    assert not result.ok
    assert School.objects.count() == 0 or not School.objects.filter(code="3713020001").exists()
    assert not Teacher.objects.exists()
    return result.errors


def only_error(result):
    errors = rejected(result)
    assert len(errors) == 1, errors
    return errors[0]


def test_misspelt_header_is_named_with_a_suggestion(tmp_path, county):
    sheets = basic_sheets()
    sheets["教师"][0] = ["学年", "学校标示码", *TEACHER_HEADER[2:]]
    errors = rejected(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    messages = " ".join(e["message"] for e in errors)
    assert "缺少必填列「学校标识码」" in messages
    assert "无法识别的列「学校标示码」，是否应为「学校标识码」" in messages
    assert {e["sheet"] for e in errors} == {"教师"}


def test_missing_required_column_is_reported_on_the_header_row(tmp_path, county):
    sheets = basic_sheets()
    sheets["教师"] = [row[:8] for row in sheets["教师"]]  # 最高学历 dropped
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["sheet"], error["row"], error["column"]) == ("教师", 1, "最高学历")
    assert "缺少必填列" in error["message"]


def test_chinese_numerals_in_a_number_column_are_refused(tmp_path, county):
    sheets = basic_sheets()
    sheets["学校学年数据"] = [YEAR_HEADER, [2024, "3713020001", "四十五", 1200, 5000]]
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["sheet"], error["row"], error["column"], error["value"]) == (
        "学校学年数据",
        2,
        "小学在校生数",
        "四十五",
    )
    assert error["message"] == "应为数字"


def test_bad_birth_month_is_refused(tmp_path, county):
    sheets = basic_sheets(teachers=[teacher_row("T001"), teacher_row("T002", 出生年月="1985-13")])
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["row"], error["column"], error["value"]) == (3, "出生年月", "1985-13")
    assert "YYYY-MM" in error["message"]


@pytest.mark.parametrize("column, value", [("小学在校生数", -3), ("教学及辅助用房面积", "-12.5")])
def test_negative_counts_and_areas_are_refused(tmp_path, county, column, value):
    row = {
        "学年": 2024,
        "学校标识码": "3713020001",
        "小学在校生数": 300,
        "教学及辅助用房面积": 1200,
        "图书册数": 5000,
    }
    row[column] = value
    sheets = {**basic_sheets(), "学校学年数据": [YEAR_HEADER, list(row.values())]}
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["column"], error["message"]) == (column, "不能为负数")


def test_unknown_enum_value_lists_the_allowed_ones(tmp_path, county):
    sheets = basic_sheets(teachers=[teacher_row("T001", 最高学历="博士后")])
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["column"], error["value"]) == ("最高学历", "博士后")
    assert "研究生" in error["message"] and "不在可选值内" in error["message"]


def test_duplicate_natural_key_names_the_first_row(tmp_path, county):
    sheets = basic_sheets(teachers=[teacher_row("T001"), teacher_row("T002"), teacher_row("T001")])
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert error["row"] == 4
    assert "与第 2 行重复" in error["message"]


def test_unknown_school_code_is_refused(tmp_path, county):
    sheets = basic_sheets(teachers=[teacher_row("T001", 学校标识码="3713029999")])
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert (error["column"], error["value"]) == ("学校标识码", "3713029999")
    assert "不存在" in error["message"]


def test_clerk_cannot_import_another_countys_school(tmp_path, clerk, other_county):
    SchoolFactory(code="3713110001", county=other_county)
    sheets = {"教师": [TEACHER_HEADER, teacher_row("T001", 学校标识码="3713110001")]}
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets), user=clerk))

    assert error["message"] == CODE_UNKNOWN  # reads like a code that does not exist: confirms nothing


def test_clerk_file_creating_schools_in_another_county_is_refused(tmp_path, clerk, other_county):
    sheets = basic_sheets(
        schools=[school_row(code="3713110009", county="371311")],
        teachers=[teacher_row("T1", 学校标识码="3713110009")],
    )
    errors = rejected(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets), user=clerk))

    assert any(e["sheet"] == "学校" and "无权导入其他区县" in e["message"] for e in errors)
    assert not School.objects.filter(code="3713110009").exists()


def test_official_cannot_import_at_all(tmp_path, official, county):
    errors = rejected(import_workbook(write_xlsx(tmp_path / "f.xlsx", basic_sheets()), user=official))

    assert any("无权" in e["message"] for e in errors)


def test_formula_cells_are_refused(tmp_path, county):
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets())
    workbook = openpyxl.load_workbook(path)
    workbook["教师"]["C3"] = '="T"&"002"'
    workbook.save(path)
    errors = rejected(import_workbook(path))

    assert any(e["sheet"] == "教师" and e["row"] == 3 and "公式" in e["message"] for e in errors)


def test_merged_header_cells_are_refused(tmp_path, county):
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets())
    workbook = openpyxl.load_workbook(path)
    workbook["学校"].merge_cells("A1:B1")
    workbook.save(path)
    errors = rejected(import_workbook(path))

    assert any(e["sheet"] == "学校" and e["row"] == 1 and "合并单元格" in e["message"] for e in errors)


def test_empty_file_is_refused(tmp_path, county):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert only_error(import_workbook(path))["message"] == "文件为空。"


def test_workbook_without_any_rows_is_refused(tmp_path, county):
    path = write_xlsx(tmp_path / "blank.xlsx", {"学校": []})
    assert "没有可导入的数据" in only_error(import_workbook(path))["message"]


def test_text_file_renamed_xlsx_is_refused(tmp_path, county):
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    assert "不是有效的 Excel 工作簿" in only_error(import_workbook(path))["message"]


def test_zip_with_unexpected_files_is_refused(tmp_path, county):
    path = write_zip(
        tmp_path / "data.zip",
        {"学校.csv": csv_bytes([SCHOOL_HEADER, school_row()]), "readme.docx": b"PK\x03\x04 not really"},
    )
    message = only_error(import_workbook(path))["message"]
    assert "无法识别的文件" in message and "readme.docx" in message


@override_settings(IMPORT_MAX_FILE_BYTES=1000)
def test_oversized_file_is_refused_politely(tmp_path, county):
    path = write_xlsx(
        tmp_path / "big.xlsx", basic_sheets(teachers=[teacher_row(f"T{i}") for i in range(300)])
    )
    message = only_error(import_workbook(path))["message"]
    assert message.startswith("文件过大") and "拆分" in message


def test_csv_in_utf16_is_refused_with_an_encoding_hint(tmp_path, county):
    path = write_zip(tmp_path / "data.zip", {"学校.csv": csv_bytes([SCHOOL_HEADER, school_row()], "utf-16")})
    message = only_error(import_workbook(path))["message"]
    assert "UTF-8" in message and "GB18030" in message


def test_csv_in_an_unknown_single_byte_encoding_is_refused(tmp_path, county):
    # Bytes valid neither as UTF-8 nor GB18030 (0x80 and 0xFF are not GB18030 lead bytes).
    path = write_zip(tmp_path / "data.zip", {"学校.csv": csv_bytes([SCHOOL_HEADER]) + b"\x80\xff\x80\n"})
    message = only_error(import_workbook(path))["message"]
    assert "编码" in message


def test_unknown_column_with_data_is_refused_but_an_empty_one_is_ignored(tmp_path, county):
    sheets = basic_sheets()
    sheets["教师"] = [[*TEACHER_HEADER, "备注"], teacher_row("T001") + [""], teacher_row("T002") + ["调入"]]
    error = only_error(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))
    assert "无法识别的列「备注」" in error["message"]

    sheets["教师"][2][-1] = ""
    assert import_workbook(write_xlsx(tmp_path / "g.xlsx", sheets)).ok


def test_every_problem_of_the_file_is_listed_at_once(tmp_path, county):
    sheets = basic_sheets(
        teachers=[
            teacher_row("T001", 性别="M"),
            teacher_row("T002", 任教学段="大学"),
            teacher_row("T003", 是否专任教师="也许"),
        ]
    )
    errors = rejected(import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets)))

    assert [(e["row"], e["column"]) for e in errors] == [(2, "性别"), (3, "任教学段"), (4, "是否专任教师")]


def test_a_bad_cell_and_an_unknown_school_are_reported_in_the_same_round(tmp_path, county):
    teachers = [teacher_row("T001", 最高学历="博士"), teacher_row("T002", code="3713029999")]
    path = write_xlsx(tmp_path / "two.xlsx", basic_sheets(teachers=teachers))

    errors = rejected(import_workbook(path))

    assert {(e["row"], e["column"]) for e in errors} == {(2, "最高学历"), (3, "学校标识码")}


def test_teachers_of_a_school_whose_own_row_is_bad_do_not_repeat_that_problem(tmp_path, county):
    sheets = basic_sheets(schools=[school_row(kind="大学")])

    errors = rejected(import_workbook(write_xlsx(tmp_path / "bad-school.xlsx", sheets)))

    assert [(e["sheet"], e["column"]) for e in errors] == [("学校", "办学类型")]
