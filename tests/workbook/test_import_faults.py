"""The PostgreSQL backend terminated during an import, from the web and from the command line.

What a user must see: the batch is marked failed with a Chinese message on its page (it never stays "导入中" for
good), nothing of the file is half-written, and the same file imports cleanly afterwards.

The backend is terminated the way an operator (or a failover) does it, with `pg_terminate_backend`:
- while a web upload is being validated: from a second connection, when the importer reports progress;
- while rows are being written (the schools of the file already written in the same transaction): by a trigger
  on the teacher table that terminates its own backend when the importing session asked for it, so the fault
  lands inside the write whatever the importer's internals (the same trigger serves the command line, which
  reports no progress). The flag is a session setting: the fresh connection that follows knows nothing of it.

PostgreSQL only (SQLite has no backend to terminate); the data are committed (`transaction=True`) so the second
connection and the fresh one see them.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections
from django.urls import reverse

from schools.models import School
from teachers.models import Teacher
from workbook import batches, tasks
from workbook.models import ImportBatch

from .workbook_files import basic_sheets, teacher_row, write_xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: terminates the importing backend"
    ),
]

FLAG = "junheng_test.terminate_on_teacher_write"
TRIGGER = "junheng_test_terminate"


@pytest.fixture
def terminating_trigger():
    """A trigger that terminates the backend writing to the teacher table, in sessions that set FLAG."""
    table = connection.ops.quote_name(Teacher._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('{FLAG}', true) = 'on' THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}; DROP FUNCTION IF EXISTS {TRIGGER}();")


def terminate_on_next_teacher_write():
    with connection.cursor() as cursor:
        cursor.execute(f"SET {FLAG} = 'on'")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_from_another_connection(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone
            assert cursor.fetchone()[0], "the importing backend was not terminated"
    finally:
        other.close()


@pytest.fixture
def workbook_file(tmp_path, county):
    """Two schools' worth of a county: the schools sheet is written before the teachers."""
    sheets = basic_sheets(teachers=[teacher_row(f"T{n:03d}") for n in range(1, 41)])
    return write_xlsx(tmp_path / "兰山.xlsx", sheets)


def upload(client, path):
    with open(path, "rb") as fh:
        return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(path.name, fh.read())})


def nothing_written():
    return not School.objects.exists() and not Teacher.objects.exists()


def assert_failed_and_told(client, batch: ImportBatch, words: str) -> str:
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED, batch.status
    assert batch.finished_at is not None
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "失败" in page and batch.message in page and words in batch.message
    assert 'http-equiv="refresh"' not in page  # the page stops waiting for it
    progress = client.get(reverse("imports:progress", args=[batch.pk])).json()
    assert progress["status"] == "failed"
    return page


def assert_imports_again(client, path):
    response = upload(client, path)
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status == ImportBatch.Status.PREVIEW, (batch.status, batch.message)
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, (batch.status, batch.message)
    assert response.status_code == 302
    assert Teacher.objects.count() == 40 and School.objects.count() == 1


# ------------------------------------------------------------------------------------------------- the web


def test_backend_terminated_while_the_confirmed_import_writes(
    client, clerk, workbook_file, terminating_trigger
):
    client.force_login(clerk)
    upload(client, workbook_file)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW

    terminate_on_next_teacher_write()
    response = client.post(reverse("imports:confirm", args=[batch.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert nothing_written()  # the schools written before the teachers were rolled back with them
    assert_failed_and_told(client, batch, "未写入任何数据")
    assert_imports_again(client, workbook_file)


def test_backend_terminated_while_an_upload_is_validated(client, clerk, workbook_file, monkeypatch):
    client.force_login(clerk)
    pid = backend_pid()
    reports = batches._progress

    def progress_then_terminate(batch_id):
        update = reports(batch_id)

        def report(sheet, done, total):
            update(sheet, done, total)
            terminate_from_another_connection(pid)

        return report

    monkeypatch.setattr(batches, "_progress", progress_then_terminate)
    response = upload(client, workbook_file)
    monkeypatch.undo()

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert nothing_written()
    assert_failed_and_told(client, batch, "请重新上传")
    assert_imports_again(client, workbook_file)


def test_backend_terminated_in_the_worker_marks_the_batch_failed(
    client, clerk, workbook_file, terminating_trigger
):
    """A large file is imported by the Celery task; the same fault there ends the same way."""
    client.force_login(clerk)
    upload(client, workbook_file)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING
    )  # as the confirm view does

    terminate_on_next_teacher_write()
    tasks.run_import(batch.pk, clerk.pk)

    assert nothing_written()
    assert_failed_and_told(client, batch, "未写入任何数据")
    assert_imports_again(client, workbook_file)


# ------------------------------------------------------------------------------------------ the command line


def test_backend_terminated_during_a_command_line_import(workbook_file, terminating_trigger, capsys):
    terminate_on_next_teacher_write()
    with pytest.raises((CommandError, DatabaseError)):
        call_command("import_workbook", str(workbook_file))
    assert nothing_written()

    call_command("import_workbook", str(workbook_file))  # the fresh connection carries no flag
    assert Teacher.objects.count() == 40 and School.objects.count() == 1
    assert "导入完成" in capsys.readouterr().out
