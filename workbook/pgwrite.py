"""PostgreSQL write path of the importer: COPY the checked rows into a temporary table, then let the database
compare and write them in a few set-based statements instead of instantiating a model per row.

Per sheet (inside the import's transaction):

1. the rows, codes already replaced by ids, are COPYed into ``_wb_rows`` (created ``ON COMMIT DROP``, dropped
   after the sheet);
2. checks that need the stored rows (a teacher number registered at a school of a county the user may not edit)
   run as one join; any hit is reported and the whole import rolls back;
3. sheets whose later file replaces a school-year's (county-year's) rows delete the rows the file no longer lists;
4. one ``INSERT … SELECT … ON CONFLICT (natural key) DO UPDATE … WHERE (stored) IS DISTINCT FROM (file)``
   writes new and changed rows; ``RETURNING (xmax = 0)`` tells created from updated, the rest are unchanged.

Same semantics as the portable path (``bulk_create(update_conflicts=True)`` after a Python comparison):
``created_at`` only on insert, ``updated_at``/``updated_by`` only on rows that are created or actually change, so
importing the same file again writes nothing.
"""

import csv
import io
from operator import itemgetter

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

CHUNK = 20_000  # rows per COPY statement: bounds the text buffer (≈ 10 MB) whatever the file size
TEMP = "_wb_rows"


class Unresolved(Exception):
    """A code the checks accepted no longer resolves (the database changed meanwhile)."""


def supported() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return hasattr(cursor.cursor, "copy_expert")  # psycopg2


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def write_sheet(part, refs, errors, user, model, key_fields: list[str], field_for, plan):
    """Write one parsed sheet (or one level of the regions sheet); fills plan (counts, years, county ids).

    key_fields/field_for: the importer's field names (codes → *_id). Problems go to errors (caller rolls back).
    """
    sheet = part.sheet
    if not part.rows:  # e.g. a level of the regions sheet the file has no row of
        plan.created_count = plan.updated_count = plan.deleted_count = 0
        return plan
    present = set(part.present)
    keys = [c.key for c in sheet.columns if c.key in present or c.key in sheet.natural_key]
    positions = {c.key: i for i, c in enumerate(sheet.columns)}
    fields = [field_for(k) for k in keys]
    model_fields = [model._meta.get_field(f) for f in fields]
    columns = [f.column for f in model_fields]
    key_columns = [model._meta.get_field(f).column for f in key_fields]
    compare = [c for c, k in zip(columns, keys, strict=True) if k not in sheet.natural_key]
    not_null_text = [
        f.column
        for f in model_fields
        if not f.null and f.get_internal_type() in ("CharField", "TextField", "SlugField")
    ]

    converters, county_of = _converters(sheet, keys, refs)
    getter = itemgetter(*[positions[k] for k in keys])
    year_position = positions.get("year")
    years: set = set()
    parents: set = set()
    parent_index = next((i for i, k in enumerate(keys) if k in ("school_code", "county_code")), None)

    table = _q(model._meta.db_table)
    column_list = ", ".join(_q(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(
            f"CREATE TEMP TABLE {TEMP} ON COMMIT DROP AS "
            f"SELECT 0::integer AS _row, {column_list} FROM {table} WITH NO DATA"
        )
        force = f", FORCE_NOT_NULL ({', '.join(_q(c) for c in not_null_text)})" if not_null_text else ""
        copy_sql = f"COPY {TEMP} (_row, {column_list}) FROM STDIN WITH (FORMAT csv{force})"
        raw_cursor = cursor.cursor
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        pending = 0
        single = len(keys) == 1
        for number, values in part.rows:
            row = [number, getter(values)] if single else [number, *getter(values)]
            if year_position is not None:
                years.add(values[year_position])
            for index, convert in converters:
                row[index] = convert(row[index])
            if parent_index is not None:
                parents.add(row[parent_index + 1])
            writer.writerow(row)
            pending += 1
            if pending == CHUNK:
                buffer.seek(0)
                raw_cursor.copy_expert(copy_sql, buffer)
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        if pending:
            buffer.seek(0)
            raw_cursor.copy_expert(copy_sql, buffer)
        del buffer
        match = " AND ".join(f"t.{_q(c)} = o.{_q(c)}" for c in key_columns)
        # Every sheet with rows per year has the year in its natural key: when nothing is stored for the file's
        # years (a first import of a year), no stored row can conflict, be replaced or belong to another county,
        # so the joins below are skipped and a plain INSERT writes the rows.
        first_of_years = False
        if "year" in keys:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table} WHERE year = ANY(%s))", [sorted(years)])
            first_of_years = cursor.fetchone()[0]
        if not first_of_years:
            cursor.execute(f"ANALYZE {TEMP}")

        if sheet.key == "teachers" and refs.scoped and not first_of_years:
            cursor.execute(
                f"SELECT t._row, t.teacher_id FROM {TEMP} t JOIN {table} o ON {match} "
                f"JOIN {_q('schools_school')} s ON s.id = o.school_id "
                f"WHERE o.school_id <> t.school_id AND NOT (s.county_id = ANY(%s)) ORDER BY t._row",
                [sorted(refs.editable)],
            )
            for number, teacher_id in cursor.fetchall():
                errors.add(
                    part.name, number, "教师编号", teacher_id, "该教师编号本学年已登记在其他区县的学校"
                )
            if errors:
                return plan

        if sheet.replaces and not first_of_years:
            parent = "school_id" if "school_code" in sheet.by_key else "county_id"
            cursor.execute(
                f"DELETE FROM {table} o USING (SELECT DISTINCT {parent}, year FROM {TEMP}) p "
                f"WHERE o.{parent} = p.{parent} AND o.year = p.year "
                f"AND NOT EXISTS (SELECT 1 FROM {TEMP} t WHERE {match})"
            )
            plan.deleted_count = cursor.rowcount

        now = timezone.now()
        # Columns the file does not carry: the model's default on insert (as bulk_create would), untouched on update.
        absent = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key
            and f.column not in columns
            and f.name not in ("created_at", "updated_at", "updated_by")
        ]
        absent_columns = "".join(f", {_q(f.column)}" for f in absent)
        absent_values = "".join(f", CAST(%s AS {f.db_type(connection)})" for f in absent)
        absent_params = [f.get_db_prep_save(f.get_default(), connection) for f in absent]
        if compare:
            assignments = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in compare)
            stored = ", ".join(f"o.{_q(c)}" for c in compare)
            incoming = ", ".join(f"EXCLUDED.{_q(c)}" for c in compare)
            conflict = (
                f"DO UPDATE SET {assignments}, updated_at = EXCLUDED.updated_at, "
                f"updated_by_id = EXCLUDED.updated_by_id WHERE ({stored}) IS DISTINCT FROM ({incoming})"
            )
        else:
            conflict = "DO NOTHING"
        insert = (
            f"INSERT INTO {table} AS o ({column_list}{absent_columns}, created_at, updated_at, updated_by_id) "
            f"SELECT {column_list}{absent_values}, %s, %s, %s FROM {TEMP}"
        )
        params = [*absent_params, now, now, getattr(user, "pk", None)]
        # A plain INSERT skips the speculative insertion ON CONFLICT pays per row (~15 %). A row inserted
        # meanwhile by another session makes it fail with a unique violation, which rolls the import back like
        # any other change underneath it.
        if first_of_years:
            try:
                with transaction.atomic():
                    cursor.execute(insert, params)
            except IntegrityError as exc:
                raise Unresolved("a row was stored meanwhile") from exc
            created, updated = cursor.rowcount, 0
        else:
            cursor.execute(
                f"WITH written AS ({insert} ON CONFLICT ({', '.join(_q(c) for c in key_columns)}) {conflict} "
                f"RETURNING (xmax = 0) AS created) "
                f"SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written",
                params,
            )
            created, updated = cursor.fetchone()
        cursor.execute(f"DROP TABLE {TEMP}")
    plan.created_count = created
    plan.updated_count = updated
    plan.unchanged = len(part.rows) - created - updated
    plan.years = years
    plan.county_ids = {c for c in (county_of(p) for p in parents) if c is not None}
    return plan


def _converters(sheet, keys, refs):
    """(row index, code → id) for the reference columns, and parent id → county id for the plan's counties."""
    from .importer import NEW

    converters = []

    def school_id(code):
        found = refs.schools.get(code)
        if found is None:
            raise Unresolved(code)
        return found[0]

    def county_id(code):
        found = refs.county_id(code)
        if found is None or found is NEW:
            raise Unresolved(code)
        return found

    def region_id(code):
        if not code:
            return None
        found = refs.regions.get(code)
        if found is None:
            raise Unresolved(code)
        return found[0]

    county_of = lambda _parent: None  # noqa: E731 - regions: no county of their own
    for index, key in enumerate(keys, start=1):
        if key == "school_code":
            converters.append((index, school_id))
            county_by_school = {pk: county for pk, county in refs.schools.values()}
            county_of = county_by_school.get
        elif key == "county_code":
            converters.append((index, county_id))
            county_of = lambda parent: parent  # noqa: E731
        elif key == "parent_code" and sheet.key == "regions":
            converters.append((index, region_id))
    return converters, county_of
