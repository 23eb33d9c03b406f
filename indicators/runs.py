"""The recompute lifecycle: requesting a recompute after a data change (debounced, on commit), running one county
or a batch, and recording each run's start, per-county outcome, finish and failure (RecomputeRun)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.choices import RegionLevel
from core.models import Region

from . import rules
from .formulas import CountyData, compute_report
from .inputs import counties_inputs, county_inputs, current_rule_set, latest_data_years, recompute_context
from .models import CountyResult, RecomputeRun, RuleSet
from .rollups import rollups_refresh, rollups_refresh_for_counties
from .storage import store

logger = logging.getLogger(__name__)


def _recompute_from(
    county_id: int, data: CountyData, quality: RuleSet, basic: RuleSet, run
) -> CountyResult | None:
    if not data.schools:  # no school reports this year (any more): nothing to show
        CountyResult.objects.filter(county_id=county_id, year=data.year).delete()
        return None
    report = compute_report(data, quality.params, basic.params)
    school_ids = {s["code"]: s["id"] for s in data.schools}
    return store(county_id, data.year, quality, basic, run, report, school_ids)


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
