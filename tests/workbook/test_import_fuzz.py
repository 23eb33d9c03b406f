"""The importer fuzzed with generated workbooks: whatever a clerk uploads, never an exception or a 500, and either
the file is accepted or it is rejected with nothing written.

Hypothesis draws workbooks (xlsx written by openpyxl, a zip of CSV files, a folder of CSV files, a single CSV)
from the sheets of the standard template: sheet names in Chinese or English, headers in Chinese or English with
columns dropped, added, repeated or shuffled, and cells of every kind — valid values, blanks, full-width digits,
huge, negative and non-finite numbers, NUL and other control characters, emoji, formulas, dates, wrong codes and
the codes of the county next door. Each file goes through `workbook.importer.import_workbook` as the clerk (dry run,
then the real import) and through the web flow (`/imports/new/`, then confirm). Invariants:

- no exception, no 5xx; the upload lands on the batch page, whose status is a preview or a rejection;
- a rejected file changes nothing in any registry table (a digest of every row before and after);
- the dry run and the real import agree (a preview never fails on confirm);
- what was accepted exports as xlsx, and that export imports back without a change;
- the county next door is never changed, accepted file or not.

Most drawn files are messy and rejected; half are near-valid (the clerk's own county, consistent codes, unique
keys) with at most one spoiled cell, so about a quarter are accepted and the write path runs too. The files the
fuzzer found broken are kept as fixed @example cases.

Bounded: a modest number of examples (IMPORT_FUZZ_EXAMPLES to change it), no deadline, each example in its own
savepoint so examples do not see each other's writes. Under CI (CI=true) the profile prints the blob that
reproduces a failure.
"""

import csv
import datetime
import hashlib
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.models import Region
from schools.models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    Monitoring,
    School,
    SchoolClass,
    SchoolYear,
)
from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from workbook.exporters import write_county_workbook
from workbook.importer import import_workbook
from workbook.models import ImportBatch
from workbook.spec import SHEETS

pytestmark = pytest.mark.django_db

OWN_SCHOOL = "3713020001"
NEIGHBOUR_SCHOOL = "3713110001"

settings.register_profile(
    "import-fuzz",
    max_examples=int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile("import-fuzz-ci", settings.get_profile("import-fuzz"), print_blob=True)
FUZZ = settings.get_profile("import-fuzz-ci" if os.environ.get("CI") else "import-fuzz")

REGISTRY = [
    Region,
    School,
    SchoolYear,
    SchoolClass,
    Teacher,
    Funding,
    Achievement,
    CountyYear,
    Monitoring,
    Declaration,
]


# ------------------------------------------------------------------------------------------------ cells

FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")

nasty = st.sampled_from(
    [
        None,
        "",
        " ",
        "\x00",
        "abc\x00def",
        "\x07\x1b",
        "😀",
        "👩‍🏫教师",
        "=1+1",
        "=A1*2",
        "=SUM(B:B)",
        "-1",
        -5,
        -0.5,
        10**30,
        "1e400",
        float("inf"),
        float("nan"),
        "NaN",
        "２０２４",
        "３７１３０２",
        "３７１３０２０００１",
        " 3713020001 ",
        "3713020001.0",
        3713020001,
        True,
        False,
        datetime.date(2024, 9, 1),
        datetime.datetime(1985, 9, 1, 8, 30),
        "是否",
        "Ⅴ",
        "一年级",
        "x" * 300,
        "1,234",
        "12%",
        "0x10",
        "9999999999",
        "000000",
        NEIGHBOUR_SCHOOL,
        "371311",
        "371302",
        OWN_SCHOOL,
    ]
)


def valid(column) -> st.SearchStrategy:
    """A value the column accepts (so some files pass and the write path runs too)."""
    kind = column.kind
    if column.choices:
        return st.sampled_from(sorted(column.choices, key=str))
    if kind == "year":
        return st.sampled_from([2023, 2024, "2024"])
    if kind == "code10":
        return st.sampled_from([OWN_SCHOOL, "3713020002", NEIGHBOUR_SCHOOL])
    if kind == "code6":
        return st.sampled_from(["371302", "371311", "371300"])
    if kind in ("count", "grade"):
        return st.integers(min_value=0 if kind == "count" else 1, max_value=2000 if kind == "count" else 9)
    if kind in ("amount", "decimal", "percent"):
        return st.one_of(
            st.integers(min_value=0, max_value=10**6), st.floats(min_value=0, max_value=100, allow_nan=False)
        )
    if kind == "bool":
        return st.sampled_from(["是", "否"])
    if kind == "month":
        return st.sampled_from(["1985-09", "1990-01", "198509"])
    if column.key == "teacher_id":
        return st.sampled_from(["T001", "T002", "T003"])
    return st.text(alphabet="兰山第一小学班数学语文abc123", min_size=1, max_size=12)


def cell(column) -> st.SearchStrategy:
    return st.one_of(valid(column), valid(column), nasty, st.text(max_size=8))


# ------------------------------------------------------------------------------------------------ sheets


@st.composite
def sheet(draw, spec):
    """(sheet name, rows): the header in Chinese or English, perturbed, then 0-4 rows of cells."""
    columns = list(spec.columns)
    if draw(st.booleans()):
        columns = [c for c in columns if c.required or draw(st.booleans())]
    headers = [draw(st.sampled_from([c.zh, c.key])) for c in columns]
    cells = [cell(c) for c in columns]
    extra = draw(st.sampled_from(["none", "none", "unknown", "blank", "duplicate", "shuffle"]))
    if extra == "unknown":
        headers.append(draw(st.sampled_from(["备注", "notes", "学校标示码", "😀"])))
        cells.append(nasty)
    elif extra == "blank":
        headers.append(None)
        cells.append(nasty)
    elif extra == "duplicate" and headers:
        headers.append(headers[0])
        cells.append(cells[0])
    elif extra == "shuffle":
        order = draw(st.permutations(range(len(headers))))
        headers, cells = [headers[i] for i in order], [cells[i] for i in order]
    rows = draw(st.lists(st.tuples(*cells).map(list), max_size=4))
    name = draw(st.sampled_from([spec.zh, spec.key, spec.zh, f"{spec.zh} "]))
    return name, [headers, *rows]


@st.composite
def messy_books(draw):
    """{sheet name: rows}: any sheets, any cells; almost always rejected, which is the point."""
    specs = draw(st.lists(st.sampled_from(SHEETS), min_size=1, max_size=3, unique_by=lambda s: s.key))
    book = {}
    for spec in specs:
        name, rows = draw(sheet(spec))
        book.setdefault(name, rows)
    if draw(st.integers(0, 9)) == 0:
        book.setdefault(draw(st.sampled_from(["Sheet1", "说明", "其他"])), [["a", "b"], [1, 2]])
    return book


SUBJECTS = ["语文", "数学", "英语", "科学"]


@st.composite
def near_valid_books(draw):
    """A file the clerk may import (own county, consistent codes, unique keys), then at most one cell spoiled:
    accepted files exercise the write path, a single bad cell is the likeliest half-write."""
    specs = draw(
        st.lists(
            st.sampled_from([s for s in SHEETS if s.key != "regions"]),
            min_size=1,
            max_size=4,
            unique_by=lambda s: s.key,
        )
    )
    listed = [OWN_SCHOOL, "3713020002", "3713020003"][: draw(st.integers(1, 3))]
    codes = listed if any(s.key == "schools" for s in specs) else [OWN_SCHOOL]
    book = {}
    for spec in specs:
        columns = [c for c in spec.columns if c.required or draw(st.booleans())]
        header = [draw(st.sampled_from([c.zh, c.key])) for c in columns]
        count = len(listed) if spec.key == "schools" else draw(st.integers(1, 3))
        rows = []
        for i in range(count):
            fixed = {
                "code": listed[i] if spec.key == "schools" else None,
                "school_code": draw(st.sampled_from(codes)),
                "county_code": "371302",
                "year": 2024,
                "teacher_id": f"T{i:04d}F",
                "name": f"{i + 1}班" if spec.key == "classes" else None,
                "subject": SUBJECTS[i],
            }
            row = []
            for column in columns:
                value = fixed.get(column.key)
                row.append(draw(valid(column)) if value is None else value)
            rows.append(row)
        if spec.key not in ("schools", "teachers", "classes", "achievement", "monitoring"):
            rows = list({tuple(r[:2]): r for r in rows}.values())  # one row per (year, school or county)
        book[spec.zh] = [header, *rows]
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(book)))
        rows = book[name]
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[0]) - 1))
        rows[r] = [*rows[r][:c], draw(nasty), *rows[r][c + 1 :]]
    return book


workbooks = st.one_of(messy_books(), near_valid_books())


formats = st.sampled_from(["xlsx", "csv-zip", "csv-folder", "csv"])
encodings = st.sampled_from(["utf-8-sig", "utf-8", "gb18030"])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def csv_bytes(rows, encoding) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # openpyxl refuses control characters in cells
    if isinstance(value, int) and abs(value) > 10**15:
        return str(value)  # Excel keeps 15 digits; openpyxl would write it as a float anyway
    return value


def write(book: dict, kind: str, encoding: str, folder: Path) -> Path:
    """The workbook on disk in the given format; `csv` writes only the first sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name, rows in book.items():
            target = workbook.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", name.strip())[:31] or "Sheet")
            for row in rows:
                target.append([xlsx_value(v) for v in row])
        path = folder / "fuzz.xlsx"
        workbook.save(path)
        return path
    files = {f"{name.strip()}.csv": csv_bytes(rows, encoding) for name, rows in book.items()}
    if kind == "csv-zip":
        path = folder / "fuzz.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return path
    if kind == "csv-folder":
        path = folder / "fuzz"
        path.mkdir()
        for name, content in files.items():
            (path / name).write_bytes(content)
        return path
    name, content = next(iter(files.items()))
    path = folder / name
    path.write_bytes(content)
    return path


# ------------------------------------------------------------------------------------------------ the state


def digest(models=REGISTRY, **filters) -> str:
    rows = [
        list(model.objects.filter(**filters.get(model.__name__, {})).order_by("pk").values())
        for model in models
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def neighbour_digest(neighbour) -> str:
    """Everything of the county next door."""
    return digest(
        [School, SchoolYear, SchoolClass, Teacher, Funding, Achievement, CountyYear, Monitoring],
        School={"county": neighbour},
        SchoolYear={"school__county": neighbour},
        SchoolClass={"school__county": neighbour},
        Teacher={"school__county": neighbour},
        Funding={"school__county": neighbour},
        Achievement={"school__county": neighbour},
        CountyYear={"county": neighbour},
        Monitoring={"county": neighbour},
    )


@pytest.fixture
def counties(county, other_county):
    """The clerk's county with a school and two teachers, the county next door with the same."""
    for region, code in ((county, OWN_SCHOOL), (other_county, NEIGHBOUR_SCHOOL)):
        school = SchoolFactory(county=region, code=code, name=f"{region.name}第一小学")
        TeacherFactory(school=school, teacher_id=f"T{code}1")
        TeacherFactory(school=school, teacher_id=f"T{code}2")
    return county, other_county


class Rollback(Exception):
    pass


def isolated(check):
    """Run one example in a savepoint that is always rolled back: examples do not see each other's writes."""
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


# ------------------------------------------------------------------------------------------------ the proofs


# Files the fuzzer found, kept as fixed examples (each was an exception before its fix):
SCHOOLS = ["学校标识码", "学校名称", "区县代码", "办学类型", "城乡分类代码"]
FUNDING = ["学年", "学校标识码", "公用经费拨款", "公用经费预算总额", "教师培训经费"]
# an amount of 1e30: Decimal.quantize raised InvalidOperation (cells.parse_decimal)
HUGE_AMOUNT = {"经费": [FUNDING, [2023, OWN_SCHOOL, 0, 0, 10**30]]}
# an ESC in a school's name was stored, and every xlsx export of the county then failed (openpyxl refuses it)
CONTROL_IN_NAME = {"学校": [SCHOOLS, [OWN_SCHOOL, "兰山\x1b小学", "371302", "小学", "111"]]}
# an ESC in a refused cell: writing the error report failed, the upload answered 500 and stayed 校验中
CONTROL_IN_BAD_CELL = {"学校": [SCHOOLS, [OWN_SCHOOL, "1", "371302", "\x1b", "111"]]}


@FUZZ
@given(book=workbooks, kind=formats, encoding=encodings)
@example(book=HUGE_AMOUNT, kind="xlsx", encoding="utf-8")
@example(book=CONTROL_IN_NAME, kind="csv-zip", encoding="utf-8-sig")
def test_the_importer_accepts_or_rejects_without_writing(
    book, kind, encoding, counties, clerk, tmp_path_factory
):
    own, neighbour = counties
    path = write(book, kind, encoding, tmp_path_factory.mktemp("fuzz"))

    def check():
        before, next_door = digest(), neighbour_digest(neighbour)
        dry = import_workbook(path, user=clerk, dry_run=True)
        assert digest() == before, "a dry run wrote"
        result = import_workbook(path, user=clerk)
        event("accepted" if result.ok else "rejected")
        assert result.ok == dry.ok, (dry.errors, result.errors)
        if result.ok:
            assert result.counts == dry.counts
            # What was accepted can be exported, and the export imports back as it is.
            exported = path.parent / f"export-{path.name}.xlsx"
            write_county_workbook(exported, [own.pk])
            again = import_workbook(exported, user=clerk, dry_run=True)
            assert again.ok, again.errors
            changed = {k: c for k, c in again.counts.items() if c["created"] or c["updated"] or c["deleted"]}
            assert not changed, changed
        else:
            assert result.errors, "a rejection must say why"
            assert all(e["message"] for e in result.errors)
            assert digest() == before, "a rejected file wrote"
        assert neighbour_digest(neighbour) == next_door, "the county next door changed"

    isolated(check)


@FUZZ
@given(book=workbooks, kind=st.sampled_from(["xlsx", "csv-zip", "csv"]), encoding=encodings)
@example(book=CONTROL_IN_BAD_CELL, kind="csv-zip", encoding="utf-8-sig")
@example(book=HUGE_AMOUNT, kind="csv", encoding="gb18030")
def test_the_web_upload_never_fails_and_writes_all_or_nothing(
    book, kind, encoding, counties, clerk, tmp_path_factory
):
    _, neighbour = counties
    path = write(book, kind, encoding, tmp_path_factory.mktemp("fuzz"))
    client = Client(raise_request_exception=False)
    client.force_login(clerk)

    def check():
        before, next_door = digest(), neighbour_digest(neighbour)
        response = client.post(
            reverse("imports:upload"), {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        )
        assert response.status_code in (200, 302), response.status_code
        assert digest() == before, "an upload (validation only) wrote"
        if response.status_code == 200:  # refused by the form (its messages are on the page)
            event("upload: refused by the form")
            return
        batch = ImportBatch.objects.latest("pk")
        event(f"upload: {batch.status}")
        assert batch.status in (ImportBatch.Status.PREVIEW, ImportBatch.Status.REJECTED), batch.status
        assert client.get(response["Location"]).status_code == 200
        if batch.status == ImportBatch.Status.PREVIEW:
            confirm = client.post(reverse("imports:confirm", args=[batch.pk]))
            assert confirm.status_code == 302, confirm.status_code
            batch.refresh_from_db()
            assert batch.status == ImportBatch.Status.DONE, (batch.status, batch.message, batch.errors)
        else:
            assert batch.message and batch.errors
        assert neighbour_digest(neighbour) == next_door, "the county next door changed"

    isolated(check)
