"""What a previewed upload keeps of its file: the parsed and checked sheets, so that confirming does not read,
decode and parse the file again.

Only the file's own work is kept (importer.ParsedWorkbook: cells parsed, in-file checks passed); everything the
database decides (references, scope, the comparison with stored rows, locks) is asked again on confirm. The kept
file lives in the server's media storage beside the uploads, named by batch and file hash, never supplied by a
user, and signed with the server's secret over the batch, the hash and the code that produced it: a file that is
missing, damaged, moved to another batch or written by another version of the reader is ignored and the confirm
reads the upload again (the full path). It goes when the batch is confirmed, and the nightly purge removes those
of batches that were not confirmed in time.
"""

import hashlib
import hmac
import logging
import os
import pickle
import time
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import cells, readers, spec, validation
from .importer import ParsedWorkbook, decimal_specs
from .models import ImportBatch
from .spec import SHEETS_BY_KEY
from .validation import ParsedSheet

logger = logging.getLogger(__name__)

FOLDER = "imports/validated"
MAGIC = b"JUNHENG-PARSED-WORKBOOK 1\n"
FORMAT = 1  # the payload's layout below; raise when it changes
DIGEST = hashlib.sha256().digest_size


@cache
def code_version() -> bytes:
    """The reader's identity: the source of the modules that turn a file into parsed rows, the models' decimal
    places and the payload layout. A kept file written by any other version is not used."""
    digest = hashlib.sha256(f"{FORMAT}\n{sorted(decimal_specs().items())!r}\n".encode())
    try:
        for module in (readers, cells, validation, spec):
            digest.update(Path(module.__file__).read_bytes())
    except (OSError, TypeError):
        # No source to read: a version of this process alone, so nothing kept is ever reused.
        return os.urandom(DIGEST)
    return digest.digest()


def path_of(batch) -> Path:
    return Path(default_storage.path(f"{FOLDER}/{batch.pk}-{batch.sha256}.pickle"))


def _signature(batch, version: bytes, payload) -> bytes:
    signer = salted_hmac(f"workbook.kept:{batch.pk}:{batch.sha256}", version, algorithm="sha256")
    signer.update(payload)
    return signer.digest()


def dump(workbook: ParsedWorkbook) -> bytes:
    """The payload: plain tuples (no Sheet objects: a sheet is named by its key and found in the spec on load).
    Taken before the import plans (which consumes the rows)."""
    sheets = [
        (key, p.name, p.present, p.header_row, p.rows, p.rejected_codes) for key, p in workbook.sheets.items()
    ]
    return pickle.dumps(
        (sheets, workbook.rows_total, workbook.sheet_names, workbook.complete),
        protocol=pickle.HIGHEST_PROTOCOL,
    )


def save(batch, payload: bytes) -> None:
    """Write the kept file for a batch whose preview passed (atomically: a reader sees all of it or none)."""
    version = code_version()
    target = path_of(batch)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with open(partial, "wb") as fh:
        fh.write(MAGIC)
        fh.write(version)
        fh.write(_signature(batch, version, payload))
        fh.write(payload)
    os.replace(partial, target)


def load(batch) -> ParsedWorkbook | None:
    """The batch's parsed workbook as its preview left it, or None (missing, damaged, not this batch's, another
    version of the code): the caller then reads the upload again."""
    try:
        data = path_of(batch).read_bytes()
    except OSError:
        return None
    started = time.perf_counter()
    head = len(MAGIC)
    version, signature = data[head : head + DIGEST], data[head + DIGEST : head + 2 * DIGEST]
    payload = memoryview(data)[head + 2 * DIGEST :]
    if not data.startswith(MAGIC) or version != code_version():
        logger.info("import batch %s: kept parse of another version, reading the file again", batch.pk)
        return None
    if not hmac.compare_digest(signature, _signature(batch, version, payload)):
        logger.warning("import batch %s: kept parse fails its signature, reading the file again", batch.pk)
        return None
    try:
        sheets, rows_total, sheet_names, complete = pickle.loads(payload)
        parsed = {}
        for key, name, present, header_row, rows, rejected in sheets:
            parsed[key] = ParsedSheet(SHEETS_BY_KEY[key], name, present, rows, header_row, rejected)
    except Exception:  # a signed file that still does not load is a bug of ours: say so, and read the file
        logger.exception("import batch %s: kept parse does not load, reading the file again", batch.pk)
        return None
    workbook = ParsedWorkbook(parsed, rows_total, sheet_names, complete)
    workbook.timings["load kept parse"] = time.perf_counter() - started
    return workbook


def discard(batch) -> None:
    """Remove the batch's kept file. A failure is only logged: it never undoes the import, and the purge retries."""
    try:
        path_of(batch).unlink(missing_ok=True)
    except OSError:
        logger.exception("import batch %s: could not remove the kept parse", batch.pk)


# A batch waiting for its confirm, or being confirmed, still reads its kept file.
WAITING = (ImportBatch.Status.PREVIEW, ImportBatch.Status.RUNNING)


def purge(*, now: datetime | None = None) -> int:
    """Delete the kept files of batches that can no longer be confirmed (gone, confirmed, rejected, failed), and
    those older than settings.IMPORT_PREVIEW_KEEP_HOURS (the preview expired: a late confirm reads the file
    again). Returns how many went."""
    folder = Path(default_storage.path(FOLDER))
    if not folder.is_dir():
        return 0
    max_age = timedelta(hours=settings.IMPORT_PREVIEW_KEEP_HOURS)
    cutoff = ((now or timezone.now()) - max_age).timestamp()
    files: dict[int, list[Path]] = {}
    for path in folder.iterdir():
        batch_id = path.name.split("-", 1)[0]
        files.setdefault(int(batch_id) if batch_id.isdigit() else -1, []).append(path)
    waiting = set(
        ImportBatch.objects.filter(pk__in=list(files), status__in=WAITING).values_list("pk", flat=True)
    )
    removed = 0
    for batch_id, paths in files.items():
        for path in paths:
            try:
                if batch_id in waiting and path.stat().st_mtime >= cutoff:
                    continue
                path.unlink()
            except OSError:  # gone meanwhile, or not a file we wrote: the next purge looks again
                continue
            removed += 1
    return removed
