"""Import batches: the web flow's writes (upload → validate → preview → confirm → import) and its reads.

Every import through the web is an ImportBatch: who, when, file (kept), sha256, counts, outcome, error report.
State lives in the batch row so the progress page survives a reload and a worker restart.
"""

import hashlib
import io
import logging
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.context import importing
from core.scoping import editable_counties, visible_counties

from . import kept, preview
from .exporters import write_error_report
from .importer import ImportResult, import_parsed, read_workbook
from .models import ImportBatch
from .validation import ErrorList

logger = logging.getLogger(__name__)

# Files up to this size are validated within the request; larger ones go to the Celery worker.
INLINE_BYTES = 2 * 1024 * 1024

# The database connection failed under the import (backend terminated, server restarted, network): the import's
# single transaction was rolled back by the server, so nothing of the file was written.
CONNECTION_LOST = {
    "validate": "校验时数据库连接中断，未写入任何数据；请重新上传该文件。",
    "run": "导入时数据库连接中断，未写入任何数据；请重新导入（重新上传该文件）。",
}


# ------------------------------------------------------------------------------------------- reads


def batches_for(user) -> QuerySet[ImportBatch]:
    """Admins see every batch; others the batches they uploaded and those touching counties they may see."""
    batches = ImportBatch.objects.select_related("created_by").order_by("-created_at")
    if not user or not user.is_authenticated:
        return batches.none()
    if user.is_admin:
        return batches
    counties = visible_counties(user)
    return batches.filter(Q(created_by=user) | Q(counties__in=counties)).distinct()


def can_import(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin or editable_counties(user).exists()))


# ------------------------------------------------------------------------------------------- writes


def batch_create(*, user, uploaded) -> ImportBatch:
    if not can_import(user):
        raise PermissionDenied("no county to import into")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    batch = ImportBatch(created_by=user, file_name=display_name(uploaded.name), sha256=digest.hexdigest())
    batch.file.save(stored_name(uploaded.name, batch.sha256), uploaded, save=False)
    batch.save()
    return batch


def display_name(name: str) -> str:
    """The user's file name, kept to show and to recognise a single CSV: its last path part, without
    control characters (it goes into pages and download headers)."""
    name = PurePosixPath(name.replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:255] or "upload"


def stored_name(name: str, digest: str) -> str:
    """The name on disk: never the user's (no path, no odd characters), only a known suffix, which the error
    report uses to tell a workbook. Readers get the user's name from ImportBatch.file_name."""
    suffix = PurePosixPath(display_name(name)).suffix.lower()
    return f"{digest[:16]}{suffix if suffix in STORED_SUFFIXES else ''}"


STORED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".zip", ".csv"}


def _progress(batch_id: int):
    def update(sheet: str, done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            current_sheet=sheet[:50], rows_done=done, rows_total=total
        )

    return update


def batch_validate(batch_id: int) -> ImportBatch:
    """Dry run: counts per sheet, or every problem; nothing written. A file that passes keeps its parsed sheets
    for the confirm (workbook/kept.py)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.VALIDATING)
    progress = _progress(batch_id)
    try:
        errors = ErrorList()
        workbook = read_workbook(batch.file.path, errors, progress=progress, file_name=batch.file_name)
        # Taken now: the plan consumes the parsed rows. Written below only if the whole preview passes.
        payload = kept.dump(workbook) if workbook.readable and not errors else None
        result = import_parsed(workbook, errors, user=batch.created_by, dry_run=True, progress=progress)
        del workbook
    except (OperationalError, InterfaceError) as error:
        return _connection_lost(batch_id, "validate", error)
    batch = _record(batch_id, result, ImportBatch.Status.PREVIEW)
    if result.ok and any(c.get("updated") for c in result.counts.values()):
        batch.changes = preview.updated_rows(result)
        batch.save(update_fields=["changes"])
    if result.ok and payload is not None:
        try:
            kept.save(batch, payload)
        except OSError:  # the confirm reads the file again; the preview itself is fine
            logger.exception("import batch %s: could not keep the parsed file", batch_id)
    return batch


def batch_run(batch_id: int, *, user) -> ImportBatch:
    """The real import under the confirming user's scope. The file is not read again when its preview kept the
    parsed sheets (of this file, this version of the code); every check against the database runs again."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (ImportBatch.Status.PREVIEW, ImportBatch.Status.RUNNING):
        return batch
    if user is not None and not (user.is_admin or user.pk == batch.created_by_id):
        raise PermissionDenied("only the uploader confirms an import")
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.RUNNING, rows_done=0)
    try:
        with importing(batch_id, user=user):
            result = _import_confirmed(batch, user)
    except (OperationalError, InterfaceError) as error:
        return _connection_lost(batch_id, "run", error)
    finally:
        kept.discard(batch)  # confirmed once, whatever came of it: a batch is never confirmed twice
    return _record(batch_id, result, ImportBatch.Status.DONE)


def _import_confirmed(batch: ImportBatch, user) -> ImportResult:
    progress = _progress(batch.pk)
    errors = ErrorList()
    workbook = kept.load(batch)
    if workbook is None:
        workbook = read_workbook(batch.file.path, errors, progress=progress, file_name=batch.file_name)
    return import_parsed(workbook, errors, user=user, dry_run=False, progress=progress)


def batch_fail(batch_id: int, message: str) -> None:
    """Mark the batch failed, through a new connection if the import's one died (a failure recorded on a dead
    connection would leave the batch "running" for good)."""
    _drop_dead_connection()
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _drop_dead_connection() -> None:
    """Close the connection if the server is gone, so the next query opens a fresh one (Django reconnects). Never
    inside a transaction: there the caller's own rollback has to come first."""
    if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
        connection.close()


def _connection_lost(batch_id: int, stage: str, error: Exception) -> ImportBatch:
    # The class and the SQLSTATE say what happened (57P01: terminated by an administrator); the message is not
    # logged, as a database message can quote a row and so a teacher's name.
    code = getattr(error.__cause__, "pgcode", None) or ""
    logger.error(
        "import batch %s: database connection lost during %s (%s %s)",
        batch_id,
        stage,
        type(error).__name__,
        code,
    )
    batch_fail(batch_id, CONNECTION_LOST[stage])
    return ImportBatch.objects.get(pk=batch_id)


def _record(batch_id: int, result, success_status) -> ImportBatch:
    batch = ImportBatch.objects.get(pk=batch_id)
    batch.counts = result.counts
    batch.errors = result.errors
    batch.rows_done = batch.rows_total = max(result.rows_total, batch.rows_total)
    batch.current_sheet = ""
    if result.ok:
        batch.status = success_status
        batch.message = (
            ""
            if result.changed or success_status != ImportBatch.Status.DONE
            else "文件与系统数据一致，无需更改。"
        )
    else:
        batch.status = ImportBatch.Status.REJECTED
        total = len(result.errors) + result.truncated_errors
        batch.message = f"发现 {total} 处问题，未写入任何数据。"
        report = io.BytesIO()
        write_error_report(report, result.errors, batch.file.path, result.truncated_errors)
        batch.error_report.save(f"errors-{batch.pk}.xlsx", ContentFile(report.getvalue()), save=False)
    if success_status == ImportBatch.Status.DONE or not result.ok:
        batch.finished_at = timezone.now()
    batch.save()
    if result.county_ids:
        batch.counties.set(result.county_ids)
    return batch
