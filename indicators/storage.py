"""Storing one county-year's computed report: the CountyResult row with its typed verdict columns, and its
indicator and unit rows, replaced in one transaction. The only writer of results; `selectors` reads them."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import jsonenc, rules
from .formulas import STAGES
from .models import CountyResult, IndicatorResult, RuleSet, UnitResult

logger = logging.getLogger(__name__)


def _verdict_columns(report: dict[str, Any]) -> dict[str, Any]:
    q, b = report["quality_2017"], report["basic_2012"]
    return {
        **q["verdict"],
        "pass_2017": q["pass"],
        "pass_2012": b["pass"],
        "composite_cv_primary": q["primary"]["composite_cv"],
        "composite_cv_junior": q["junior"]["composite_cv"],
        "basic_composite_cv_primary": b["primary"]["composite_cv"],
        "basic_composite_cv_junior": b["junior"]["composite_cv"],
        "degree_ratio": report["urban_rural_degree_ratio"]["ratio"],
        "large_classes": sum(report["class_size"][s]["large"] for s in STAGES),
        "super_large_classes": sum(report["class_size"][s]["super_large"] for s in STAGES),
    }


_INDICATOR_COLUMNS = (
    "result_id",
    "standard",
    "stage",
    "code",
    "units",
    "mean",
    "cv",
    "threshold",
    "cv_limit",
    "cv_pass",
)
_UNIT_COLUMNS = (
    "result_id",
    "school_id",
    "standard",
    "stage",
    "students",
    "values",
    "met",
    "passed",
    "shortfalls",
)


def _result_rows(
    result_id: int, report: dict[str, Any], school_ids: dict[str, int], encode=None
) -> tuple[list, list]:
    """The IndicatorResult and UnitResult rows of a report as plain tuples (columns as above); encode, when
    given, turns each unit's values and shortfalls into their stored text (JSON for a COPY)."""
    indicators, units = [], []
    encode = encode or (lambda value: value)
    for standard in (rules.QUALITY_2017, rules.BASIC_2012):
        for stage in STAGES:
            block = report[standard][stage]
            n = block["units"]
            for code, ind in block["indicators"].items():
                indicators.append(
                    (
                        result_id,
                        standard,
                        stage,
                        code,
                        n,
                        ind["mean"],
                        ind["cv"],
                        ind.get("threshold"),
                        ind.get("cv_limit"),
                        ind.get("cv_pass"),
                    )
                )
            for school in block["schools"]:
                units.append(
                    (
                        result_id,
                        school_ids[school["code"]],
                        standard,
                        stage,
                        school["students"],
                        encode(school["values"]),
                        school.get("met"),
                        school.get("pass"),
                        encode(school.get("shortfalls", {})),
                    )
                )
    return indicators, units


def _copy_rows(cursor, model, columns: Sequence[str], rows: list[tuple]) -> None:
    """PostgreSQL COPY of plain rows (JSON values already encoded). CSV: None is an empty unquoted field."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)


def _write_rows(result: CountyResult, report: dict[str, Any], school_ids: dict[str, int]) -> None:
    """Insert the indicator and unit rows of a freshly stored CountyResult: one COPY per table on PostgreSQL
    (a county writes a few hundred rows; model instances and per-value adapters cost more than the database
    work), one bulk INSERT per table elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = getattr(cursor, "cursor", cursor)
            if hasattr(raw, "copy_expert"):  # psycopg2
                indicators, units = _result_rows(result.pk, report, school_ids, jsonenc.dumps)
                _copy_rows(raw, IndicatorResult, _INDICATOR_COLUMNS, indicators)
                _copy_rows(raw, UnitResult, _UNIT_COLUMNS, units)
                return
    indicators, units = _result_rows(result.pk, report, school_ids)
    for model, columns, rows in (
        (IndicatorResult, _INDICATOR_COLUMNS, indicators),
        (UnitResult, _UNIT_COLUMNS, units),
    ):
        model.objects.bulk_create(model(**dict(zip(columns, row, strict=True))) for row in rows)


def store(
    county_id: int, year: int, quality: RuleSet, basic: RuleSet, run, report, school_ids
) -> CountyResult:
    """Replace the stored results of (county, year) in one transaction.

    The CountyResult row is upserted (INSERT … ON CONFLICT (county, year) DO UPDATE): the row lock it takes
    serialises concurrent writers of the same county-year, so no separate lock is needed; then its indicator and
    unit rows are deleted and written again. Any failure rolls the whole thing back."""
    result = CountyResult(
        county_id=county_id,
        year=year,
        rule_set=quality,
        basic_rule_set=basic,
        run=run,
        computed_at=timezone.now(),
        report=report,
        **_verdict_columns(report),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _upsert_postgresql(result)
        else:
            CountyResult.objects.bulk_create(
                [result],
                update_conflicts=True,
                unique_fields=["county", "year"],
                update_fields=_UPDATE_FIELDS,
            )
        _delete_rows(result.pk)
        _write_rows(result, report, school_ids)
    return result


_STORED_FIELDS = [f for f in CountyResult._meta.concrete_fields if not f.primary_key and not f.generated]
_UPDATE_FIELDS = [f.name for f in _STORED_FIELDS if f.name not in ("county", "year")]


def _upsert_postgresql(result: CountyResult) -> None:
    """The CountyResult upsert of bulk_create(update_conflicts=True) as one plain statement (the ORM's compiling
    costs about as much as the database's work for this one row); sets result.pk from RETURNING."""
    quote = connection.ops.quote_name
    columns = [f.column for f in _STORED_FIELDS]
    unique = {CountyResult._meta.get_field(n).column for n in ("county", "year")}
    sql = (
        f"INSERT INTO {quote(CountyResult._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in sorted(unique))}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in unique)
        + f" RETURNING {quote(CountyResult._meta.pk.column)}"
    )
    params = [f.get_db_prep_save(f.pre_save(result, True), connection) for f in _STORED_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result.pk = cursor.fetchone()[0]
    result._state.adding, result._state.db = False, connection.alias


def _delete_rows(result_id: int) -> None:
    """Delete a result's indicator and unit rows (one statement on PostgreSQL)."""
    quote = connection.ops.quote_name
    indicator, unit = quote(IndicatorResult._meta.db_table), quote(UnitResult._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {indicator} WHERE result_id = %s) "
                f"DELETE FROM {unit} WHERE result_id = %s",
                [result_id, result_id],
            )
            return
        for table in (indicator, unit):
            cursor.execute(f"DELETE FROM {table} WHERE result_id = %s", [result_id])
