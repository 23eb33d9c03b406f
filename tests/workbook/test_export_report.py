"""The computed report as an xlsx, exported from a real stored report: the golden workbook imported and
recomputed, then the cells a user reads checked against the stored results and the golden expectations."""

import io
import json
import math

import openpyxl
import pytest
from django.core.management import call_command

from core.models import Region
from indicators.models import IndicatorResult
from indicators.selectors import county_report
from tests.indicators.golden import GOLDEN_JSON
from tests.indicators.golden import GOLDEN_XLSX as GOLDEN
from workbook.exporters import write_report_workbook
from workbook.importer import import_workbook

EXPECTED = json.loads(GOLDEN_JSON.read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported():
    """The report workbook of the golden county as the export button produces it."""
    assert import_workbook(GOLDEN).ok
    call_command("recompute", county="371399", year=2024)
    county = Region.objects.get(code="371399")
    report = county_report(county.pk, 2024)
    assert report is not None
    buffer = io.BytesIO()
    write_report_workbook(buffer, report)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer), county


def row_of(sheet, first_cell):
    """The row (as values) whose first cell is first_cell, the way a reader finds a line by its label."""
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == first_cell]
    assert len(rows) == 1, f"{first_cell!r} in {sheet.title}: {len(rows)} rows"
    return rows[0]


def test_primary_q1_row_shows_the_stored_cv_and_its_pass_mark(exported):
    workbook, county = exported
    stored = IndicatorResult.objects.get(
        result__county=county, result__year=2024, standard="quality_2017", stage="primary", code="Q1"
    )
    header = row_of(workbook["资源配置（小学）"], "指标")
    q1 = dict(zip(header, row_of(workbook["资源配置（小学）"], "Q1"), strict=False))

    assert q1["差异系数"] == pytest.approx(stored.cv, rel=1e-12)
    assert q1["差异系数"] == pytest.approx(
        EXPECTED["quality_2017"]["primary"]["indicators"]["Q1"]["cv"], rel=1e-9
    )
    assert q1["均值"] == pytest.approx(stored.mean, rel=1e-12)
    assert (q1["标准值"], q1["差异系数上限"]) == (stored.threshold, stored.cv_limit)
    assert q1["差异系数达标"] == ("达标" if stored.cv_pass else "未达标")


def test_every_resource_indicator_of_both_stages_matches_the_golden_cv(exported):
    workbook, _county = exported
    for stage, zh in (("primary", "小学"), ("junior", "初中")):
        for code, expected in EXPECTED["quality_2017"][stage]["indicators"].items():
            row = row_of(workbook[f"资源配置（{zh}）"], code)
            assert math.isclose(row[3], expected["cv"], rel_tol=1e-9), (stage, code)
            assert row[5] == ("达标" if expected["cv_pass"] else "未达标"), (stage, code)


def test_composite_cv_and_passing_schools_are_shown_with_the_stage_verdict(exported):
    workbook, _county = exported
    sheet = workbook["资源配置（小学）"]
    primary = EXPECTED["quality_2017"]["primary"]

    assert row_of(sheet, "综合差异系数")[3] == pytest.approx(primary["composite_cv"], rel=1e-9)
    passing = row_of(sheet, "达标学校数")
    assert passing[1] == primary["schools_passing"]
    assert passing[5] == ("达标" if primary["pass"] else "未达标")


def test_school_rows_carry_code_name_and_the_schools_own_verdict(exported):
    workbook, _county = exported
    sheet = workbook["资源配置（小学）"]
    expected = EXPECTED["quality_2017"]["primary"]["schools"][0]
    header = row_of(sheet, "学校标识码")
    school = dict(zip(header, row_of(sheet, expected["code"]), strict=False))

    assert school["学校名称"]  # the name a user recognises, not only the code
    assert school["学生数"] == expected["students"]
    assert school["Q1"] == pytest.approx(expected["values"]["Q1"], rel=1e-9)
    assert school["达标项数"] == expected["met"]
    assert school["学校达标"] == ("达标" if expected["pass"] else "未达标")
    assert len([r for r in sheet.iter_rows(values_only=True) if str(r[0]).startswith("3371399")]) == len(
        EXPECTED["quality_2017"]["primary"]["schools"]
    )


def test_cover_names_the_county_and_year(exported):
    workbook, _county = exported
    cover = workbook["概况"]

    assert "示范县" in cover["A1"].value and "371399" in cover["A1"].value
    assert row_of(cover, "学年")[1] == 2024


def test_government_sheet_says_in_words_what_each_item_found(exported):
    workbook, _county = exported
    sheet = workbook["政府保障程度"]
    header = row_of(sheet, "指标")
    g5 = dict(zip(header, row_of(sheet, "G5"), strict=False))
    over_limit = sum(EXPECTED["class_size"][stage]["over_limit"] for stage in ("primary", "junior"))

    assert g5["名称"] == "班额"
    assert g5["情况"] == f"{over_limit}个班超过标准班额"
    assert g5["达标"] == ("达标" if over_limit == 0 else "未达标")
