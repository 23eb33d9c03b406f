"""Building small workbooks and CSV folders for import tests (the standard headers of spec/workbook.md)."""

import csv
import io
import zipfile
from pathlib import Path

import openpyxl

SCHOOL_HEADER = [
    "学校标识码",
    "学校名称",
    "区县代码",
    "办学类型",
    "城乡分类代码",
    "办学性质",
    "是否寄宿制",
    "是否城区优质学校",
]
TEACHER_HEADER = [
    "学年",
    "学校标识码",
    "教师编号",
    "姓名",
    "性别",
    "出生年月",
    "任教学段",
    "是否专任教师",
    "最高学历",
]
YEAR_HEADER = ["学年", "学校标识码", "小学在校生数", "教学及辅助用房面积", "图书册数"]
COUNTY_YEAR_HEADER = ["学年", "区县代码", "初中三年巩固率", "残疾儿童少年入学率", "社会认可度"]


def school_row(code="3713020001", county="371302", kind="小学"):
    return [code, "兰山第一小学", county, kind, "111", "公办", "否", "否"]


def teacher_row(number="T001", code="3713020001", **changes):
    row = dict(
        zip(TEACHER_HEADER, [2024, code, number, "张三", "男", "1985-09", "小学", "是", "本科"], strict=True)
    )
    row.update(changes)
    return list(row.values())


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def csv_bytes(rows: list[list], encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def basic_sheets(teachers=None, schools=None):
    return {
        "学校": [SCHOOL_HEADER, *(schools or [school_row()])],
        "教师": [TEACHER_HEADER, *(teachers or [teacher_row("T001"), teacher_row("T002")])],
    }
