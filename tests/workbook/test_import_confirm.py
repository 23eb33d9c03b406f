"""Confirming a previewed upload: the file is not read again (its parsed sheets are kept), and everything the
database decides is decided again against the database as it is at the confirm."""

import os
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import DateTimeField
from django.urls import reverse
from django.utils import timezone

from schools.models import School
from signoff import services as signoff
from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from workbook import importer, kept
from workbook.importer import CODE_UNKNOWN, import_workbook
from workbook.models import ImportBatch

from .test_import_views import upload
from .workbook_files import SCHOOL_HEADER, TEACHER_HEADER, school_row, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def school(county):
    return SchoolFactory(code="3713020001", name="兰山第一小学", county=county)


@pytest.fixture
def roster(tmp_path, school):
    """A file that changes a stored teacher (T001's degree) and adds one (T002)."""
    TeacherFactory(school=school, teacher_id="T001", degree="bachelor")
    return write_xlsx(
        tmp_path / "兰山.xlsx",
        {
            "学校": [SCHOOL_HEADER, school_row()],
            "教师": [TEACHER_HEADER, teacher_row("T001", 最高学历="研究生"), teacher_row("T002")],
        },
    )


@pytest.fixture
def teachers_only(tmp_path, school):
    return write_xlsx(
        tmp_path / "教师.xlsx", {"教师": [TEACHER_HEADER, teacher_row("T001"), teacher_row("T002")]}
    )


@pytest.fixture
def imported_directly(roster, clerk):
    """The teacher table as a direct import of the roster leaves it (rolled back)."""
    with transaction.atomic():
        assert import_workbook(roster, user=clerk).ok
        rows = stored(Teacher)
        transaction.set_rollback(True)
    return rows


def preview(client, user, path) -> ImportBatch:
    upload(client, user, path)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW, batch.errors
    return batch


def confirm(client, batch) -> ImportBatch:
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    return batch


def stored(model) -> list[tuple]:
    """Every row of a table as the user sees it: without ids and times, which differ between two imports."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, DateTimeField)
    ]
    return sorted(model.objects.values_list(*names))


def never_opened(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the confirm read the uploaded file again")

    monkeypatch.setattr(importer, "open_source", refuse)


def count_opens(monkeypatch) -> list:
    opened: list = []
    original = importer.open_source

    def counting(*args, **kwargs):
        opened.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "open_source", counting)
    return opened


# ---------------------------------------------------------------- the same import, without reading the file again


def test_confirm_after_a_preview_writes_exactly_what_a_direct_import_writes(
    client, clerk, roster, monkeypatch
):
    with transaction.atomic():
        direct = import_workbook(roster, user=clerk)
        direct_rows = {model: stored(model) for model in (School, Teacher)}
        transaction.set_rollback(True)
    assert direct.ok and stored(Teacher) != direct_rows[Teacher]

    batch = preview(client, clerk, roster)
    never_opened(monkeypatch)
    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.DONE and batch.message == ""
    assert batch.counts == direct.counts
    assert {model: stored(model) for model in (School, Teacher)} == direct_rows
    assert sorted(batch.counties.values_list("pk", flat=True)) == direct.county_ids


def test_confirm_imports_what_was_previewed_even_when_the_kept_upload_is_replaced_on_disk(
    client, clerk, roster, tmp_path, imported_directly
):
    batch = preview(client, clerk, roster)
    other = write_xlsx(tmp_path / "other.xlsx", {"教师": [TEACHER_HEADER, teacher_row("T999")]})
    os.replace(other, batch.file.path)

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.DONE
    assert stored(Teacher) == imported_directly


def test_a_refusal_on_confirm_reads_exactly_like_the_direct_imports_refusal(
    client, clerk, teachers_only, school, monkeypatch
):
    batch = preview(client, clerk, teachers_only)
    school.delete()
    with transaction.atomic():
        direct = import_workbook(teachers_only, user=clerk)
        transaction.set_rollback(True)

    never_opened(monkeypatch)
    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.REJECTED and batch.errors == direct.errors
    assert batch.message == f"发现 {len(direct.errors)} 处问题，未写入任何数据。"


# ---------------------------------------------------------------- the database as it is at the confirm


def test_a_school_deleted_between_preview_and_confirm_makes_the_confirm_refuse_and_write_nothing(
    client, clerk, teachers_only, school
):
    batch = preview(client, clerk, teachers_only)
    school.delete()

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.REJECTED
    assert {e["message"] for e in batch.errors} == {CODE_UNKNOWN}
    assert [e["row"] for e in batch.errors] == [2, 3]
    assert not Teacher.objects.exists()


def test_a_year_signed_off_between_preview_and_confirm_makes_the_confirm_refuse_and_write_nothing(
    client, clerk, official, county, roster
):
    official.first_name = "王芳"
    official.save()
    batch = preview(client, clerk, roster)
    signoff.submit(user=clerk, county=county, year=2024)
    signoff.approve(user=official, county=county, year=2024)

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.REJECTED
    assert any("王芳" in e["message"] and "2024" in e["message"] for e in batch.errors)
    assert list(Teacher.objects.values_list("teacher_id", "degree")) == [("T001", "bachelor")]


def test_rows_another_import_stored_between_preview_and_confirm_are_compared_on_confirm(
    client, clerk, teachers_only, tmp_path
):
    batch = preview(client, clerk, teachers_only)
    assert batch.counts["teachers"]["created"] == 2
    meanwhile = write_xlsx(
        tmp_path / "先导入.xlsx", {"教师": [TEACHER_HEADER, teacher_row("T001", 最高学历="研究生")]}
    )
    assert import_workbook(meanwhile, user=clerk).ok

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.DONE
    assert batch.counts["teachers"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert dict(Teacher.objects.values_list("teacher_id", "degree")) == {
        "T001": "bachelor",
        "T002": "bachelor",
    }


def test_a_school_moved_to_another_county_between_preview_and_confirm_is_refused_on_confirm(
    client, clerk, teachers_only, school, other_county
):
    batch = preview(client, clerk, teachers_only)
    School.objects.filter(pk=school.pk).update(county=other_county)

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.REJECTED and batch.errors
    assert not Teacher.objects.exists()


# ---------------------------------------------------------------- a kept file that cannot be trusted


def damage(batch, how: str, client, clerk, path) -> None:
    kept_path = kept.path_of(batch)
    if how == "missing":
        kept_path.unlink()
    elif how == "truncated":
        kept_path.write_bytes(kept_path.read_bytes()[:-50])
    elif how == "altered":
        data = bytearray(kept_path.read_bytes())
        data[-10] ^= 0xFF
        kept_path.write_bytes(bytes(data))
    elif how == "unreadable":
        kept_path.unlink()
        kept_path.mkdir()
    elif (
        how == "another batch's"
    ):  # same file uploaded twice: the first batch's kept file under the second's name
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)
        upload(client, clerk, path)
        second = ImportBatch.objects.exclude(pk=batch.pk).get()
        os.replace(kept.path_of(second), kept_path)
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEW)


@pytest.mark.parametrize("how", ["missing", "truncated", "altered", "unreadable", "another batch's"])
def test_a_kept_file_that_cannot_be_trusted_is_ignored_and_the_upload_read_again(
    client, clerk, roster, monkeypatch, how, imported_directly
):
    batch = preview(client, clerk, roster)
    damage(batch, how, client, clerk, roster)
    opened = count_opens(monkeypatch)

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.DONE and len(opened) == 1
    assert stored(Teacher) == imported_directly


def test_a_kept_file_of_another_version_of_the_reader_is_ignored(client, clerk, roster, monkeypatch):
    batch = preview(client, clerk, roster)
    monkeypatch.setattr(kept, "code_version", lambda: b"\x00" * 32)
    opened = count_opens(monkeypatch)

    batch = confirm(client, batch)

    assert batch.status == ImportBatch.Status.DONE and len(opened) == 1


# ---------------------------------------------------------------- when the kept file goes


def test_the_kept_file_goes_once_the_batch_is_confirmed(client, clerk, roster):
    batch = preview(client, clerk, roster)
    assert kept.path_of(batch).is_file()

    confirm(client, batch)

    assert not kept.path_of(batch).exists()


def test_a_rejected_preview_keeps_nothing(client, clerk, tmp_path, county):
    path = write_xlsx(tmp_path / "bad.xlsx", {"教师": [TEACHER_HEADER, teacher_row("T1", 最高学历="博士后")]})
    upload(client, clerk, path)
    batch = ImportBatch.objects.get()

    assert batch.status == ImportBatch.Status.REJECTED and not kept.path_of(batch).exists()


def test_the_purge_removes_kept_files_of_finished_and_expired_previews_and_keeps_waiting_ones(
    client, clerk, roster, tmp_path
):
    waiting = preview(client, clerk, roster)
    finished = preview_another(client, clerk, roster, tmp_path, "T101")
    expired = preview_another(client, clerk, roster, tmp_path, "T102")
    ImportBatch.objects.filter(pk=finished.pk).update(status=ImportBatch.Status.FAILED)
    long_ago = (timezone.now() - timedelta(hours=73)).timestamp()
    os.utime(kept.path_of(expired), (long_ago, long_ago))

    assert kept.purge() == 2

    assert kept.path_of(waiting).is_file()
    assert not kept.path_of(finished).exists() and not kept.path_of(expired).exists()
    assert confirm(client, expired).status == ImportBatch.Status.DONE  # a late confirm reads the file again


def preview_another(client, clerk, roster, tmp_path, number) -> ImportBatch:
    path = write_xlsx(tmp_path / f"{number}.xlsx", {"教师": [TEACHER_HEADER, teacher_row(number)]})
    before = set(ImportBatch.objects.values_list("pk", flat=True))
    upload(client, clerk, path)
    batch = ImportBatch.objects.exclude(pk__in=before).get()
    assert kept.path_of(batch).is_file()
    return batch


# ---------------------------------------------------------------- who may confirm


def test_clerk_of_another_county_gets_404_on_confirm_and_the_kept_file_stays(
    client, clerk, other_clerk, roster
):
    batch = preview(client, clerk, roster)
    client.force_login(other_clerk)

    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW and kept.path_of(batch).is_file()
    assert list(Teacher.objects.values_list("teacher_id", "degree")) == [("T001", "bachelor")]
