"""Writers: put an already-checked change of one table into the database. No rule lives here.

The importer decides everything before it writes (workbook/importer.py: which rows are new, which changed, which
stale rows go, whether the user may touch them); a writer only executes that decision as fast as the backend
allows. There is one interface and two implementations:

- `Writer` (any database): `bulk_create` for new rows, `bulk_create(update_conflicts=True)` on the natural key for
  changed rows, `QuerySet.delete()` for stale rows;
- `PostgresWriter`: new rows `COPY`ed straight into the table, changed rows `COPY`ed into a temporary table and
  applied with one `UPDATE … FROM` joined on the natural key; deletes as above.

Both stamp `created_at` only on insert and `updated_at`/`updated_by` on every row they write (the plan holds only
rows that are new or actually change). Table and column names come from the model's `_meta`. A row inserted
meanwhile by another session fails with IntegrityError, a row deleted meanwhile with RowsChanged (PostgreSQL; the
portable writer inserts it again); either rolls the caller's transaction back.

The demo and scale generators insert through the same writers (`writer().write(TableChange(...))`).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, models
from django.utils import timezone

BATCH = 2000  # rows per bulk_create statement
CHUNK = 20_000  # rows formatted at a time for COPY: bounds the text buffer whatever the file size
COPY_READ = 1 << 20  # characters psycopg2 reads from the buffer per message to the server (default 8 192)
STAMPS = ("created_at", "updated_at", "updated_by_id")


@dataclass
class TableChange:
    """One table's part of a checked plan.

    fields: the model attnames each row carries, in row order (natural key included, `school_id` not `school`);
    key: the natural key's attnames (a subset of fields); create/update: rows as tuples in `fields` order;
    delete: primary keys. Columns not in fields keep their stored value on update and get the model's default
    on insert.
    """

    model: type[models.Model]
    fields: Sequence[str]
    key: Sequence[str] = ()
    create: list[tuple] = field(default_factory=list)
    update: list[tuple] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    pending: bool = False  # some row holds a PendingId


class PendingId:
    """An id the plan cannot know yet: the parent row (a school that only exists in the file) is written by an
    earlier table of the same commit, which then sets `pk`. Rows hold the object itself, so setting one `pk` puts
    the id in every row that names that parent: COPY formats it with str() as it formats the row, and the portable
    writer swaps it for `pk` (TableChange.pending). Nothing rewrites 100 000 rows to put 2 000 ids in."""

    __slots__ = ("pk",)

    def __init__(self):
        self.pk = None

    def id(self) -> int:
        if self.pk is None:
            raise RowsChanged("a parent row was not written before its children")
        return self.pk

    def __str__(self) -> str:
        return str(self.id())


class RowsChanged(Exception):
    """The stored rows are not those the plan was made from (another session changed them meanwhile)."""


class Writer:
    """The portable writer (SQLite and any other backend)."""

    def write(self, change: TableChange, *, user_id: int | None = None) -> None:
        if change.delete:
            self.delete(change)
        if change.create:
            self.insert(change, user_id)
        if change.update:
            self.update(change, user_id)

    def delete(self, change: TableChange) -> None:
        step = _params_per_statement()
        for start in range(0, len(change.delete), step):
            change.model._default_manager.filter(pk__in=change.delete[start : start + step]).delete()

    def insert(self, change: TableChange, user_id: int | None) -> None:
        for batch in _batches(change, _settled(change, change.create), user_id):
            change.model._default_manager.bulk_create(batch)

    def update(self, change: TableChange, user_id: int | None) -> None:
        names = _field_names(change.model)
        unique = [names[f] for f in change.key]
        updates = [names[f] for f in change.fields if f not in change.key] + ["updated_at", "updated_by"]
        for batch in _batches(change, _settled(change, change.update), user_id):
            change.model._default_manager.bulk_create(
                batch, update_conflicts=True, unique_fields=unique, update_fields=updates
            )


class PostgresWriter(Writer):
    """COPY for inserts, COPY into a temporary table + one UPDATE … FROM for changes."""

    TEMP = "_wb_rows"

    def insert(self, change: TableChange, user_id: int | None) -> None:
        meta = change.model._meta
        absent = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and f.attname not in change.fields and f.attname not in STAMPS
        ]
        now = timezone.now()
        tail = (
            *(f.get_db_prep_save(f.get_default(), connection) for f in absent),
            now,
            now,
            user_id,
        )
        columns = [*_columns(change.model, change.fields), *(f.column for f in absent), *STAMPS]
        self._copy(_q(meta.db_table), columns, _not_null_text(change.model), change.create, tail)

    def update(self, change: TableChange, user_id: int | None) -> None:
        meta = change.model._meta
        table = _q(meta.db_table)
        columns = _columns(change.model, change.fields)
        key = _columns(change.model, change.key)
        changed = [c for c in columns if c not in key]
        column_list = ", ".join(_q(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TEMP}")
            cursor.execute(
                f"CREATE TEMP TABLE {self.TEMP} ON COMMIT DROP AS SELECT {column_list} FROM {table} WITH NO DATA"
            )
            self._copy(self.TEMP, columns, _not_null_text(change.model), change.update, ())
            assignments = "".join(f"{_q(c)} = t.{_q(c)}, " for c in changed)
            match = " AND ".join(f"o.{_q(c)} = t.{_q(c)}" for c in key)
            cursor.execute(
                f"UPDATE {table} o SET {assignments}updated_at = %s, updated_by_id = %s FROM {self.TEMP} t "
                f"WHERE {match}",
                [timezone.now(), user_id],
            )
            if cursor.rowcount != len(change.update):
                raise RowsChanged("a row to update was deleted meanwhile")
            cursor.execute(f"DROP TABLE {self.TEMP}")

    def _copy(self, table: str, columns: Sequence[str], not_null_text, rows: Iterable[tuple], tail: tuple):
        """COPY rows (+ the same tail values on each) in CSV: an empty unquoted cell is NULL, except in NOT NULL
        text columns (FORCE_NOT_NULL), where it is the empty string the row holds.

        One COPY per table, fed by `_CsvStream`: PostgreSQL parses and inserts what it has received while this
        process formats the next rows (two cores work at once), and the text held is one chunk whatever the table."""
        forced = [c for c in columns if c in not_null_text]
        force = f", FORCE_NOT_NULL ({', '.join(_q(c) for c in forced)})" if forced else ""
        sql = f"COPY {table} ({', '.join(_q(c) for c in columns)}) FROM STDIN WITH (FORMAT csv{force})"
        # The tail (defaults, stamps) is the same on every row: rendered once, it ends each line.
        suffix = io.StringIO()
        csv.writer(suffix, lineterminator="").writerow(tail)
        stream = _CsvStream(rows, f",{suffix.getvalue()}\n" if tail else "\n")
        if not stream.peek():
            return
        with connection.cursor() as cursor, connection.wrap_database_errors:  # Django's errors, as execute()
            cursor.cursor.copy_expert(sql, stream, size=COPY_READ)


class _CsvStream:
    """The file psycopg2's copy_expert reads: rows formatted as CSV lines by `csv.writer.writerows` (in C, CHUNK
    rows at a time, without a Python step per row), handed out `size` characters per read."""

    def __init__(self, rows: Iterable[tuple], ending: str):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator=ending)
        self.text = ""
        self.at = 0

    def peek(self) -> bool:
        """Whether there is anything to send (formats the first chunk)."""
        if self.at >= len(self.text):
            self._fill()
        return self.at < len(self.text)

    def read(self, size: int = -1) -> str:
        if self.at >= len(self.text):
            self._fill()
        end = len(self.text) if size < 0 else self.at + size
        piece = self.text[self.at : end]
        self.at += len(piece)
        return piece

    def _fill(self) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerows(islice(self.rows, CHUNK))
        self.text, self.at = self.buffer.getvalue(), 0


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, user_id=None) -> int:
    """Insert new rows (tuples in `fields` order) with the fastest writer, CHUNK rows at a time; the generators'
    entry (demo, scale). Returns the number of rows."""
    table_writer = writer()
    count = 0
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            table_writer.write(TableChange(model, fields, create=chunk), user_id=user_id)
            count += len(chunk)
            chunk = []
    if chunk:
        table_writer.write(TableChange(model, fields, create=chunk), user_id=user_id)
        count += len(chunk)
    return count


def insert_objects(objects: Sequence[models.Model]) -> int:
    """Insert unsaved model instances of one model through `insert` (every concrete field but the key and the
    stamps)."""
    if not objects:
        return 0
    model = type(objects[0])
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.attname not in STAMPS]
    return insert(model, fields, (tuple(getattr(o, f) for f in fields) for o in objects))


def writer() -> Writer:
    """The fastest writer the current connection supports."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                return PostgresWriter()
    return Writer()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _field_names(model) -> dict[str, str]:
    """attname → field name (school_id → school), as bulk_create's unique/update fields want them."""
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    return {**{f.name: f.name for f in model._meta.concrete_fields}, **names}


def _columns(model, attnames: Sequence[str]) -> list[str]:
    return [model._meta.get_field(a).column for a in attnames]


def _not_null_text(model) -> set[str]:
    return {
        f.column
        for f in model._meta.concrete_fields
        if not f.null and f.empty_strings_allowed  # text-like: char, text, file names
    }


def _settled(change: TableChange, rows: list[tuple]):
    """The rows with every PendingId replaced by its id (what the ORM needs; COPY formats them as they are)."""
    if not change.pending:
        return rows
    return (tuple(v.id() if isinstance(v, PendingId) else v for v in row) for row in rows)


def _batches(change: TableChange, rows: list[tuple], user_id: int | None):
    model, fields = change.model, list(change.fields)
    batch = []
    for row in rows:
        batch.append(model(updated_by_id=user_id, **dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _params_per_statement() -> int:
    limit = connection.features.max_query_params
    return 900 if limit is None or limit > 900 else limit - 10
