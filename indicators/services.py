"""Writes of the indicator engine: rule-set revisions, recomputes and roll-ups.

`request_recompute` is the one hook every data change calls (schools/services.py, teachers/services.py, the
importer). It never recomputes inside the caller's transaction: it queues the counties on commit, debounced.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.choices import RegionLevel
from core.models import Region

from . import jsonenc, rules
from .formulas import STAGES, CountyData, compute_report
from .models import CountyResult, IndicatorResult, RecomputeRun, RegionRollup, RuleSet, UnitResult
from .selectors import (
    counties_inputs,
    county_inputs,
    current_rule_set,
    latest_data_years,
    recompute_context,
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- rule sets


def rule_set_revise(rule_set: RuleSet, params: dict[str, Any], user=None, note: str = "") -> RuleSet:
    """Save changed settings as a NEW version of the rule set; older versions and the results naming them stay.

    Results change only at the next recompute.
    """
    if not isinstance(params, dict):
        raise ValidationError({"params": "参数必须是 JSON 对象"})
    if rule_set.code in rules.DEFAULTS:
        missing = rules.validate_params(rule_set.code, params)
        if missing:
            raise ValidationError({"params": f"缺少参数：{'、'.join(missing)}"})
    with transaction.atomic():
        # serialise concurrent revisions of one code
        list(RuleSet.objects.select_for_update().filter(code=rule_set.code).values_list("pk", flat=True))
        latest = RuleSet.objects.filter(code=rule_set.code).aggregate(v=Max("version"))["v"] or 0
        return RuleSet.objects.create(
            code=rule_set.code,
            version=latest + 1,
            name=rule_set.name,
            params=params,
            note=note,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )


# ---------------------------------------------------------------- recompute


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


def _store(
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


def _recompute_from(
    county_id: int, data: CountyData, quality: RuleSet, basic: RuleSet, run
) -> CountyResult | None:
    if not data.schools:  # no school reports this year (any more): nothing to show
        CountyResult.objects.filter(county_id=county_id, year=data.year).delete()
        return None
    report = compute_report(data, quality.params, basic.params)
    school_ids = {s["code"]: s["id"] for s in data.schools}
    return _store(county_id, data.year, quality, basic, run, report, school_ids)


def recompute_county(county_id: int, year: int | None = None, *, run: RecomputeRun | None = None):
    """Recompute and store every result of (county, year) in ONE transaction: replace the county-year row and
    its indicator and unit rows. A failure anywhere leaves the previous results as they were. Returns the
    CountyResult, or None when the county has no data for that year (year None = the county's latest year of
    data)."""
    county, quality, basic, latest = recompute_context(county_id, latest_year=year is None)
    if year is None:
        year = latest
        if year is None:
            return None
    data = county_inputs(county, year, quality.params)
    return _recompute_from(county_id, data, quality, basic, run)


def run_start(trigger: str, *, user=None, year: int | None = None) -> RecomputeRun:
    return RecomputeRun.objects.create(
        trigger=trigger, started_by=user if getattr(user, "is_authenticated", False) else None, year=year
    )


def run_record(run: RecomputeRun | None, county_id: int, status: str, error: str = "") -> None:
    """Record one county's outcome on the run (row-locked: parallel workers update the same run)."""
    run_record_many(run, {county_id: (status, error)})


def run_record_many(run: RecomputeRun | None, outcomes: dict[int, tuple[str, str]]) -> None:
    """Record the outcome (status, error) of several counties on the run in one locked update."""
    if run is None or not outcomes:
        return
    with transaction.atomic():
        locked = RecomputeRun.objects.select_for_update().get(pk=run.pk)
        for county_id, (status, error) in outcomes.items():
            locked.counties[str(county_id)] = {"status": status, **({"error": error} if error else {})}
            if error:
                locked.error = (locked.error + f"\n{county_id}: {error}").strip()
        locked.save(update_fields=["counties", "error"])
    run.counties, run.error = locked.counties, locked.error


def run_finish(run: RecomputeRun) -> RecomputeRun:
    run.refresh_from_db()
    statuses = [c.get("status") for c in run.counties.values()]
    if statuses and all(s == "error" for s in statuses):
        run.status = RecomputeRun.Status.FAILED
    elif "error" in statuses:
        run.status = RecomputeRun.Status.PARTIAL
    else:
        run.status = RecomputeRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def recompute_county_safely(county_id: int, year: int | None, run: RecomputeRun | None) -> dict[str, Any]:
    """recompute_county for a batch: a failing county is recorded on the run and the batch goes on."""
    try:
        result = recompute_county(county_id, year, run=run)
    except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the others
        logger.exception("recompute of county %s failed", county_id)
        run_record(run, county_id, "error", f"{type(exc).__name__}: {exc}"[:500])
        return {"county_id": county_id, "status": "error"}
    status = "done" if result is not None else "no_data"
    run_record(run, county_id, status)
    return {"county_id": county_id, "status": status, "year": result.year if result else None}


BATCH_COUNTIES = 20  # counties whose inputs are read together (a province of 120: 6 reads of ~5 MB each)


def recompute_batch(
    county_ids: Iterable[int], year: int | None, run: RecomputeRun | None
) -> list[dict[str, Any]]:
    """Recompute many counties in this process: the inputs of BATCH_COUNTIES counties are read together (one
    query per source for the batch), then each county is computed and stored in its own transaction, as
    recompute_county does. A failing county is recorded on the run and the others go on; a batch whose read
    fails falls back to one county at a time."""
    ids = list(dict.fromkeys(int(c) for c in county_ids))
    quality, basic = current_rule_set(rules.QUALITY_2017), current_rule_set(rules.BASIC_2012)
    outcomes: list[dict[str, Any]] = []
    for start in range(0, len(ids), BATCH_COUNTIES):
        chunk = ids[start : start + BATCH_COUNTIES]
        counties = set(
            Region.objects.filter(pk__in=chunk, level=RegionLevel.COUNTY).values_list("pk", flat=True)
        )
        years = {c: year for c in counties} if year is not None else latest_data_years(counties)
        recorded: dict[int, tuple[str, str]] = {}
        by_year: dict[int, list[int]] = {}
        for county_id in chunk:
            if county_id not in counties:  # not a county: recompute_county says why
                outcomes.append(recompute_county_safely(county_id, year, run))
            elif years.get(county_id) is None:
                recorded[county_id] = ("no_data", "")
                outcomes.append({"county_id": county_id, "status": "no_data"})
            else:
                by_year.setdefault(years[county_id], []).append(county_id)
        for data_year, members in by_year.items():
            try:
                inputs = counties_inputs(members, data_year, quality.params)
            except Exception:  # noqa: BLE001 - read them one by one; each failure is then recorded
                logger.exception("reading the inputs of %s counties failed", len(members))
                outcomes.extend(recompute_county_safely(c, data_year, run) for c in members)
                continue
            for county_id in members:
                try:
                    result = _recompute_from(county_id, inputs[county_id], quality, basic, run)
                except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the others
                    logger.exception("recompute of county %s failed", county_id)
                    recorded[county_id] = ("error", f"{type(exc).__name__}: {exc}"[:500])
                    outcomes.append({"county_id": county_id, "status": "error"})
                    continue
                status = "done" if result is not None else "no_data"
                recorded[county_id] = (status, "")
                outcomes.append({"county_id": county_id, "status": status, "year": data_year})
        run_record_many(run, recorded)
    return outcomes


def recompute_many(
    county_ids: Iterable[int], year: int | None = None, *, trigger: str = "command", user=None
) -> RecomputeRun:
    """Recompute counties in this process (recompute_batch), then the roll-ups (used inline and by commands)."""
    run = run_start(trigger, user=user, year=year)
    recompute_batch(county_ids, year, run)
    run_finish(run)
    rollups_refresh(year)
    return run


def recompute_start(county_ids: Iterable[int], year: int | None = None, *, user=None) -> RecomputeRun:
    """A recompute a user asked for from the portal: the run is created now, listing every county as queued (so
    its page can show what is left), and the work starts once the caller's transaction commits — inline when there
    is no broker (CELERY_TASK_ALWAYS_EAGER), otherwise one Celery task per county in a chord whose callback
    finishes the run and writes the roll-ups. year None = each county's latest year of data."""
    ids = list(dict.fromkeys(int(c) for c in county_ids))
    run = run_start(RecomputeRun.Trigger.USER, user=user, year=year)
    run.counties = {str(c): {"status": "queued"} for c in ids}
    run.save(update_fields=["counties"])
    if not ids:
        return run_finish(run)
    run_id = run.pk

    def dispatch() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            started = RecomputeRun.objects.get(pk=run_id)
            try:
                recompute_batch(ids, year, started)
            except Exception as exc:  # noqa: BLE001 - the run must not stay "running" for ever
                logger.exception("recompute run %s failed", run_id)
                RecomputeRun.objects.filter(pk=run_id).update(
                    status=RecomputeRun.Status.FAILED,
                    finished_at=timezone.now(),
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
                return
            run_finish(started)
            rollups_refresh_for_counties(ids)
            return
        from celery import chord

        from .tasks import recompute_county as recompute_task
        from .tasks import rollups as rollups_task

        header = [recompute_task.si(c, year, run_id) for c in ids]
        chord(header)(rollups_task.s(year, run_id))

    transaction.on_commit(dispatch)
    return run


# ---------------------------------------------------------------- debounced requests

_local = threading.local()


def _pending() -> set[tuple[int, int | None]]:
    if not hasattr(_local, "pending"):
        _local.pending = set()
    return _local.pending


def _debounce_key(county_id: int, year: int | None) -> str:
    return f"indicators:recompute:{county_id}:{year or 'latest'}"


def debounce_release(county_id: int, year: int | None) -> None:
    """Called by the task when it starts, so changes made from now on queue a new recompute."""
    cache.delete(_debounce_key(county_id, year))


def _flush() -> None:
    requested = set(_pending())
    _pending().clear()
    # Requests of a transaction that rolled back stay pending until the next commit: recomputing those counties
    # then is harmless, but a county deleted meanwhile is skipped.
    existing = set(Region.objects.filter(pk__in={c for c, _ in requested}).values_list("pk", flat=True))
    pending = sorted((p for p in requested if p[0] in existing), key=lambda p: (p[0], p[1] or 0))
    if not pending:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run = run_start(RecomputeRun.Trigger.EDIT)
        for county_id, year in pending:
            recompute_county_safely(county_id, year, run)
        run_finish(run)
        rollups_refresh_for_counties([c for c, _ in pending])
        return
    from .tasks import recompute_county as recompute_task

    delay = settings.RECOMPUTE_DEBOUNCE_SECONDS
    for county_id, year in pending:
        if cache.add(_debounce_key(county_id, year), True, timeout=delay + 300):
            recompute_task.apply_async((county_id, year), countdown=delay)


def data_changed(county_ids: Iterable[int], year: int | None, *, user=None) -> None:
    """The core.hooks listener: inputs of these counties changed in the current transaction."""
    request_recompute(county_ids, year)


def request_recompute(county_ids: Iterable[int], year: int | None = None) -> None:
    """Queue a debounced recompute of these counties once the current transaction commits.

    Inline when there is no broker (CELERY_TASK_ALWAYS_EAGER); otherwise one Celery task per county and year,
    delayed by RECOMPUTE_DEBOUNCE_SECONDS, and not queued again while one is waiting. year None = the county's
    latest year of data at the time the recompute runs.
    """
    ids = {int(c) for c in county_ids if c}
    if not ids:
        return
    _pending().update((county_id, year) for county_id in ids)
    transaction.on_commit(_flush)


# ---------------------------------------------------------------- roll-ups


def _ranking_key(row: dict[str, Any]):
    order = {True: 0, None: 1, False: 2}
    cvs = [c for c in (row["composite_cv_primary"], row["composite_cv_junior"]) if c is not None]
    return (order[row["pass_2017"]], max(cvs) if cvs else float("inf"), row["county__code"])


def rollups_refresh(year: int | None = None, region_ids: Iterable[int] | None = None) -> list[RegionRollup]:
    """Write the roll-up of each city and province (or the given ones) for a year (None = latest result year):
    counties passing the 2017 standard, their share, and a ranking."""
    if year is None:
        year = CountyResult.objects.aggregate(y=Max("year"))["y"]
        if year is None:
            return []
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY).values("pk", "parent_id", "parent__parent_id")
    )
    results = list(
        CountyResult.objects.filter(year=year).values(
            "county_id",
            "county__code",
            "county__name",
            "pass_2017",
            "composite_cv_primary",
            "composite_cv_junior",
            "degree_ratio",
        )
    )
    by_county = {r["county_id"]: r for r in results}
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.PROVINCE])
    if region_ids is not None:
        regions = regions.filter(pk__in=list(region_ids))
    now, written = timezone.now(), []
    for region in regions.only("pk"):
        members = [c["pk"] for c in counties if region.pk in (c["parent_id"], c["parent__parent_id"])]
        rows = sorted((by_county[c] for c in members if c in by_county), key=_ranking_key)
        ranking = [
            {
                "rank": i + 1,
                "code": r["county__code"],
                "name": r["county__name"],
                "pass_2017": r["pass_2017"],
                "composite_cv": {"primary": r["composite_cv_primary"], "junior": r["composite_cv_junior"]},
                "urban_rural_degree_ratio": r["degree_ratio"],
            }
            for i, r in enumerate(rows)
        ]
        passing = sum(1 for r in rows if r["pass_2017"] is True)
        rollup, _ = RegionRollup.objects.update_or_create(
            region=region,
            year=year,
            defaults={
                "computed_at": now,
                "counties": len(members),
                "counties_with_results": len(rows),
                "counties_passing": passing,
                "share_passing": passing / len(members) if members else None,
                "ranking": ranking,
            },
        )
        written.append(rollup)
    return written


def rollups_refresh_for_counties(county_ids: Iterable[int]) -> None:
    """Refresh the roll-ups of the cities and provinces above these counties, for each year they have results."""
    ids = list(county_ids)
    parents = Region.objects.filter(pk__in=ids).values_list("parent_id", "parent__parent_id")
    region_ids = {r for pair in parents for r in pair if r}
    years = set(CountyResult.objects.filter(county_id__in=ids).values_list("year", flat=True))
    for year in years:
        rollups_refresh(year, region_ids)
