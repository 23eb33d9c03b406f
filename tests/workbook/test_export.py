"""Exports: the county workbook round-trips, CSV opens right in Excel, and no cell can become a formula."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from core.models import Region
from indicators import runs, selectors
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from tests.factories import SchoolFactory, SchoolYearFactory, TeacherFactory
from workbook.exporters import write_county_csv_zip, write_county_workbook, write_template
from workbook.importer import import_workbook

from .test_import_golden import GOLDEN

pytestmark = pytest.mark.django_db

MODELS = [Region, School, SchoolYear, SchoolClass, Teacher, Funding, Achievement, CountyYear, Monitoring]


def snapshot():
    """Every imported value, keyed by natural keys (database ids differ between databases)."""
    data = {}
    for model in MODELS:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.name not in ("id", "created_at", "updated_at", "updated_by")
        ]
        names = [f"{n}__code" if n in ("school", "county", "parent") else n for n in fields]
        data[model.__name__] = sorted(model.objects.values_list(*names), key=str)
    return data


@pytest.mark.parametrize("writer, suffix", [(write_county_workbook, "xlsx"), (write_county_csv_zip, "zip")])
def test_export_then_import_into_an_empty_database_gives_identical_data(tmp_path, writer, suffix):
    assert import_workbook(GOLDEN).ok
    before = snapshot()
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    report_before = comparable(selectors.county_report(county.pk, 2024))
    path = tmp_path / f"out.{suffix}"
    writer(path, [county.pk])
    for model in reversed(MODELS[1:]):
        model.objects.all().delete()
    for level in ("county", "city", "province"):
        Region.objects.filter(level=level).delete()

    result = import_workbook(path)

    assert result.ok, result.errors[:5]
    assert snapshot() == before
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    assert comparable(selectors.county_report(county.pk, 2024)) == report_before


def comparable(report: dict) -> dict:
    """The report without what names this particular computation (time, database ids)."""
    return {k: v for k, v in report.items() if k not in ("computed_at",)}


def test_csv_export_has_a_bom_and_keeps_numbers_and_blanks(tmp_path, county):
    school = SchoolFactory(code="3713020001", county=county)
    SchoolYearFactory(school=school, primary_students=600, junior_students=None)
    path = tmp_path / "out.zip"
    write_county_csv_zip(path, [county.pk])

    raw = zipfile.ZipFile(path).read("学校学年数据.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    values = dict(zip(header, row, strict=True))
    assert (values["小学在校生数"], values["初中在校生数"], values["学校标识码"]) == ("600", "", "3713020001")


@pytest.mark.parametrize("dangerous", ["=1+2", "+86", "-cmd", "@SUM(A1)"])
def test_text_that_could_run_as_a_formula_is_escaped(tmp_path, county, dangerous):
    school = SchoolFactory(code="3713020001", county=county, name=dangerous)
    TeacherFactory(school=school, subject=dangerous)
    xlsx, zipped = tmp_path / "out.xlsx", tmp_path / "out.zip"
    write_county_workbook(xlsx, [county.pk])
    write_county_csv_zip(zipped, [county.pk])

    sheet = openpyxl.load_workbook(xlsx)["学校"]
    assert sheet["B2"].value == "'" + dangerous and sheet["B2"].data_type == "s"
    rows = list(csv.reader(io.StringIO(zipfile.ZipFile(zipped).read("学校.csv").decode("utf-8-sig"))))
    assert rows[1][1] == "'" + dangerous
    # and the escape does not leak into the data on the way back in
    School.objects.all().delete()
    assert import_workbook(xlsx).ok
    assert School.objects.get().name == dangerous


def test_numbers_stay_numbers_in_the_workbook(tmp_path, county):
    SchoolYearFactory(school=SchoolFactory(county=county), primary_students=600, teaching_area=1200.5)
    path = tmp_path / "out.xlsx"
    write_county_workbook(path, [county.pk])

    header, row = list(openpyxl.load_workbook(path)["学校学年数据"].iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["小学在校生数"] == 600 and values["教学及辅助用房面积"] == 1200.5
    assert values["初中在校生数"] is None


def test_export_of_one_county_leaves_other_counties_out(tmp_path, county, other_county):
    SchoolFactory(code="3713020001", county=county)
    SchoolFactory(code="3713110001", county=other_county)
    path = tmp_path / "out.xlsx"
    write_county_workbook(path, [county.pk])

    codes = [r[0] for r in openpyxl.load_workbook(path)["学校"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["3713020001"]


def test_template_has_headers_drop_downs_and_instructions(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)

    assert workbook.sheetnames[0] == "填表说明"
    teachers = workbook["教师"]
    assert [c.value for c in teachers[1]][:3] == ["学年", "学校标识码", "教师编号"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in teachers.data_validations.dataValidation}
    assert "研究生" in lists["I"]  # 最高学历
    assert '"是,否"' == lists["H"]  # 是否专任教师


def test_the_empty_template_imports_as_nothing_to_do(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    result = import_workbook(path)

    assert not result.ok and "没有数据行" in result.errors[0]["message"]


def test_export_command_writes_a_workbook(tmp_path):
    import_workbook(GOLDEN)
    path = tmp_path / "c.xlsx"
    call_command("export_workbook", str(path), county=["371399"])

    assert openpyxl.load_workbook(path, read_only=True).sheetnames[:2] == ["区县", "学校"]
