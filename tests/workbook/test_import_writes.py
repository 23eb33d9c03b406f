"""What an import writes and stamps, the same on every backend and with every writer: audit stamps, the
cross-county teacher check, stale rows, parents that only exist in the file, dry runs that match the real import,
and text that survives.

The module runs in both CI passes. Every test runs once per writer the backend has (workbook/writers.py): the
portable one (bulk_create) everywhere, and on PostgreSQL also the COPY writer, with the same assertions.
"""

import gc
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import Region
from indicators.models import RecomputeRun
from schools.models import School, SchoolClass, SchoolYear
from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from workbook import writers
from workbook.importer import import_workbook

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

CLASS_HEADER = ["学年", "学校标识码", "学段", "年级", "班级名称", "学生数"]


@pytest.fixture(autouse=True, params=["portable", "postgresql"])
def table_writer(request, monkeypatch):
    """The writer the importer uses in this test."""
    if request.param == "postgresql":
        if connection.vendor != "postgresql":
            pytest.skip("the COPY writer needs PostgreSQL")
        chosen = writers.PostgresWriter
    else:
        chosen = writers.Writer
    monkeypatch.setattr(writers, "writer", chosen)
    return chosen


def stamps(teacher_id):
    teacher = Teacher.objects.get(teacher_id=teacher_id)
    return teacher.created_at, teacher.updated_at, teacher.updated_by_id


def test_importing_the_same_file_again_leaves_every_stamp_alone(tmp_path, clerk, admin_user):
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets())
    assert import_workbook(path, user=clerk).ok
    before = {t: stamps(t) for t in ("T001", "T002")}

    again = import_workbook(path, user=admin_user)

    assert again.ok and not again.changed
    assert again.counts["teachers"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    assert {t: stamps(t) for t in ("T001", "T002")} == before


def test_a_changed_row_is_stamped_by_the_importer_and_keeps_its_creation_time(tmp_path, clerk, admin_user):
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", basic_sheets()), user=clerk).ok
    created, updated, _by = stamps("T001")
    untouched = stamps("T002")

    changed = basic_sheets(teachers=[teacher_row("T001", 最高学历="研究生"), teacher_row("T002")])
    result = import_workbook(write_xlsx(tmp_path / "b.xlsx", changed), user=admin_user)

    assert result.counts["teachers"] == {"created": 0, "updated": 1, "unchanged": 1, "deleted": 0}
    teacher = Teacher.objects.get(teacher_id="T001")
    assert teacher.degree == "postgraduate"
    assert (teacher.created_at, teacher.updated_by) == (created, admin_user)
    assert teacher.updated_at > updated
    assert stamps("T002") == untouched


def test_columns_the_file_leaves_out_keep_their_stored_values(tmp_path, county):
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", basic_sheets())).ok
    Teacher.objects.filter(teacher_id="T001").update(subject="数学", training_hours=120)

    result = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", basic_sheets())
    )  # no 任教学科 / 培训学时 columns

    assert result.ok and not result.changed
    assert Teacher.objects.filter(teacher_id="T001", subject="数学", training_hours=120).exists()


def test_clerk_cannot_claim_a_teacher_number_registered_in_another_county(tmp_path, clerk, other_county):
    elsewhere = SchoolFactory(code="3713110001", county=other_county)
    TeacherFactory(school=elsewhere, year=2024, teacher_id="T002")
    sheets = basic_sheets(teachers=[teacher_row("T001"), teacher_row("T002")])

    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets), user=clerk)

    assert not result.ok
    assert [(e["sheet"], e["row"], e["column"], e["value"]) for e in result.errors] == [
        ("教师", 3, "教师编号", "T002")
    ]
    assert "其他区县" in result.errors[0]["message"]
    assert not School.objects.filter(code="3713020001").exists()  # nothing of the file was written
    assert Teacher.objects.get(teacher_id="T002").school == elsewhere


def test_dry_run_reports_the_real_counts_and_writes_nothing(tmp_path, county):
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", basic_sheets())).ok
    sheets = basic_sheets(
        schools=[school_row(), school_row(code="3713020002")],
        teachers=[teacher_row("T001", 最高学历="研究生"), teacher_row("T003", 学校标识码="3713020002")],
    )
    path = write_xlsx(tmp_path / "b.xlsx", sheets)

    dry = import_workbook(path, dry_run=True)

    assert dry.ok, dry.errors
    assert not School.objects.filter(code="3713020002").exists()
    assert set(Teacher.objects.values_list("teacher_id", "degree")) == {
        ("T001", "bachelor"),
        ("T002", "bachelor"),
    }
    assert dry.counts["teachers"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 1}
    assert dry.counts["schools"] == {"created": 1, "updated": 0, "unchanged": 1, "deleted": 0}
    assert dry.county_ids == [county.pk]

    real = import_workbook(path)

    assert (real.counts, real.county_ids, real.years) == (dry.counts, dry.county_ids, dry.years)


def test_dry_run_of_a_file_creating_a_county_lists_only_counties_that_exist(tmp_path, county, city):
    sheets = {
        "区县": [["行政区划代码", "名称", "上级代码", "层级"], ["371399", "示范县", city.code, "县"]],
        "学校": [SCHOOL_HEADER, school_row(code="3713990001", county="371399")],
        "教师": [TEACHER_HEADER, teacher_row("T1", 学校标识码="3713990001")],
    }

    dry = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets), dry_run=True)

    assert dry.ok, dry.errors
    assert dry.counts["regions"]["created"] == 1 and dry.counts["teachers"]["created"] == 1
    assert dry.county_ids == []
    assert not Region.objects.filter(code="371399").exists()


def test_a_file_of_an_earlier_year_reports_that_year(tmp_path, county):
    sheets = basic_sheets(teachers=[teacher_row("T1", 学年=2023)])

    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets))

    assert result.ok and result.years == [2023]


def test_text_with_commas_quotes_backslashes_and_line_breaks_is_stored_as_typed(tmp_path, county):
    awkward = 'O"Brien, 张\\三\n第二行\t制表'
    sheets = basic_sheets(
        schools=[[*school_row()[:1], 'a "quoted", \\N name', *school_row()[2:]]],
        teachers=[teacher_row("T,1", 姓名=awkward), teacher_row("\\N")],
    )
    path = write_zip(
        tmp_path / "f.zip",
        {name: csv_bytes(rows) for name, rows in {f"{k}.csv": v for k, v in sheets.items()}.items()},
    )

    result = import_workbook(path)

    assert result.ok, result.errors
    assert School.objects.get(code="3713020001").name == 'a "quoted", \\N name'
    assert Teacher.objects.get(teacher_id="T,1").name == awkward
    assert Teacher.objects.get(teacher_id="\\N").name == "张三"
    assert import_workbook(path).changed is False


def test_a_sheet_longer_than_a_chunk_and_a_read_is_written_whole_and_as_typed(tmp_path, county, monkeypatch):
    # Tiny chunks and reads: lines cross the pieces the COPY stream hands out, and chunk ends fall mid-sheet.
    monkeypatch.setattr(writers, "CHUNK", 2)
    monkeypatch.setattr(writers, "COPY_READ", 7)
    names = {f"T{n}": f'李"{n}",\n第{n}行' for n in range(7)}
    path = write_xlsx(
        tmp_path / "f.xlsx", basic_sheets(teachers=[teacher_row(k, 姓名=v) for k, v in names.items()])
    )

    assert import_workbook(path).ok

    assert dict(Teacher.objects.values_list("teacher_id", "name")) == names
    assert not import_workbook(path).changed


def test_decimals_blanks_and_booleans_round_trip(tmp_path, county):
    sheets = basic_sheets()
    sheets["学校学年数据"] = [YEAR_HEADER, [2024, "3713020001", "1,234", "１２３４.５６７", None]]
    path = write_xlsx(tmp_path / "f.xlsx", sheets)

    assert import_workbook(path).ok
    year = SchoolYear.objects.get()
    assert (year.primary_students, year.teaching_area, year.books) == (1234, Decimal("1234.57"), None)
    assert School.objects.get().boarding is False
    assert not import_workbook(path).changed


def class_row(name, students=40, code="3713020001", year=2024):
    return [year, code, "小学", 1, name, students]


def test_a_later_file_replaces_the_school_years_rows_and_leaves_other_schools_alone(tmp_path, county):
    first = basic_sheets(schools=[school_row(), school_row(code="3713020002")])
    first["班级"] = [CLASS_HEADER, class_row("1班"), class_row("2班"), class_row("1班", code="3713020002")]
    assert import_workbook(write_xlsx(tmp_path / "a.xlsx", first)).ok

    later = basic_sheets()
    later["班级"] = [CLASS_HEADER, class_row("1班", students=41), class_row("3班")]
    result = import_workbook(write_xlsx(tmp_path / "b.xlsx", later))

    assert result.ok, result.errors
    assert result.counts["classes"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 1}
    assert set(SchoolClass.objects.values_list("school__code", "name", "students")) == {
        ("3713020001", "1班", 41),
        ("3713020001", "3班", 40),
        ("3713020002", "1班", 40),
    }


def test_a_county_school_and_roster_that_only_exist_in_the_file_are_written_together(tmp_path, city):
    TeacherFactory(school=SchoolFactory(county__parent=city), year=2024, teacher_id="T9")
    sheets = {
        "区县": [["行政区划代码", "名称", "上级代码", "层级"], ["371399", "示范县", city.code, "县"]],
        "学校": [SCHOOL_HEADER, school_row(code="3713990001", county="371399")],
        "教师": [
            TEACHER_HEADER,
            teacher_row("T1", 学校标识码="3713990001"),
            teacher_row("T9", 学校标识码="3713990001"),
        ],
    }

    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets))

    assert result.ok, result.errors
    county = Region.objects.get(code="371399")
    school = School.objects.get(code="3713990001")
    assert (county.parent, school.county) == (city, county)
    assert set(Teacher.objects.filter(school=school).values_list("teacher_id", flat=True)) == {"T1", "T9"}
    assert result.counts["teachers"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert county.pk in result.county_ids


def test_a_row_stored_meanwhile_by_another_session_rolls_the_whole_file_back(tmp_path, county, monkeypatch):
    chosen = writers.writer

    class Racing(chosen):
        def write(self, change, *, user_id=None):
            if change.model is Teacher:  # another session stores T002 after the plan was made
                TeacherFactory(school=School.objects.get(code="3713020001"), year=2024, teacher_id="T002")
            super().write(change, user_id=user_id)

    monkeypatch.setattr(writers, "writer", Racing)

    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", basic_sheets()))

    assert not result.ok
    assert "数据库内容发生变化" in result.errors[0]["message"]
    assert not School.objects.exists() and not Teacher.objects.exists()


def test_the_import_asks_for_one_recompute_of_each_county_and_year_it_changed(tmp_path, county, clerk):
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets())

    assert import_workbook(path, user=clerk).ok
    assert import_workbook(path, user=clerk).ok  # unchanged: nothing to recompute

    # queued (the tests commit nothing), named after the uploader and the import
    run = RecomputeRun.objects.get()
    assert (run.trigger, run.started_by, run.year) == ("import", clerk, 2024)
    assert run.counties == {str(county.pk): {"status": "queued"}}


def test_an_import_gives_the_process_its_garbage_collector_back_whether_the_file_is_taken_or_refused(
    tmp_path, county
):
    good = write_xlsx(tmp_path / "good.xlsx", basic_sheets())
    refused = write_xlsx(
        tmp_path / "refused.xlsx",
        {"教师": [TEACHER_HEADER, teacher_row("T1", 学校标识码="9999999999")]},
    )
    was_enabled = gc.isenabled()
    try:
        assert import_workbook(good).ok
        assert gc.isenabled()
        assert not import_workbook(refused).ok
        assert gc.isenabled()
        gc.disable()  # a caller that paused it itself finds it paused still
        assert import_workbook(good).ok
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


def test_a_row_whose_new_school_was_never_written_is_refused_whole(table_writer, county, monkeypatch):
    # Small chunks: the bad row's chunk is formatted after the first ones were sent.
    monkeypatch.setattr(writers, "CHUNK", 2)
    school = SchoolFactory(county=county)
    fields = ["school_id", "year", "teacher_id", "stage", "degree", "subject"]
    rows = [(school.pk, 2024, f"T{n}", "primary", "bachelor", "语文") for n in range(7)]
    rows.append((writers.PendingId(), 2024, "T99", "primary", "bachelor", "语文"))  # its id never set

    # The portable writer finds it before the insert; psycopg2 turns the COPY's failed read into a database error.
    with pytest.raises((writers.RowsChanged, DatabaseError)), transaction.atomic():
        table_writer().write(writers.TableChange(Teacher, fields, create=rows, pending=True))

    assert not Teacher.objects.exists()
