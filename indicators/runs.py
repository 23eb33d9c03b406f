"""The recompute lifecycle, in one place: a run's start (by a user's button, a data change, the nightly beat, a
command; its initiator recorded and announced), its dispatch through the broker, each county's outcome, its
finish with the roll-ups, its failure, and the sweeper that resumes or fails a run whose worker is gone.
The computing itself: `recompute_county` (one county) and `recompute_batch` (counties read together)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from core import hooks
from core.choices import RegionLevel
from core.models import Region

from . import rules
from .formulas import CountyData, compute_report
from .inputs import counties_inputs, county_inputs, current_rule_set, latest_data_years, recompute_context
from .models import CountyResult, RecomputeRun, RuleSet
from .rollups import rollups_refresh_above
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


# ---------------------------------------------------------------- the lifecycle of a run
#
# queued ──(handed to the broker: dispatched_at)──▶ running ──▶ done | partial | failed
#    ▲  the sweeper re-sends a queued run the broker never got            │
#    └──────────── resumed: a running run whose worker went silent ◀──────┘ (at most RECOMPUTE_RUN_MAX_RESUMES)
#
# Every recompute, whoever starts it, is a RecomputeRun created here and executed by the task
# `indicators.tasks.run_execute`: through the broker when there is one, in this process when there is not
# (Celery's eager mode, CELERY_TASK_ALWAYS_EAGER) or when a command asks for it (`recompute_many`).

Status, Trigger = RecomputeRun.Status, RecomputeRun.Trigger
EXECUTE = "indicators.tasks.run_execute"
# The run's trigger for each kind of write core.hooks.data_changed announces.
_TRIGGERS = {hooks.EDIT: Trigger.EDIT, hooks.IMPORT: Trigger.IMPORT}
# Runs started by a data change wait RECOMPUTE_DEBOUNCE_SECONDS in the broker: changes committed meanwhile join them.
_DEBOUNCED = tuple(_TRIGGERS.values())
# What a publish raises when the broker (or the Redis result backend) cannot be reached.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, RedisError, OSError)


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def run_start(
    trigger: str, county_ids: Iterable[int], year: int | None = None, *, user=None, dispatch: bool = True
) -> RecomputeRun:
    """Start a run of these counties (year None = each county's latest year of data): recorded as queued with
    every county queued and its initiator (`user`; None = the system), announced as "recompute.start", and handed
    to the broker once the caller's transaction commits. dispatch=False: the caller executes it now."""
    ids = list(dict.fromkeys(int(c) for c in county_ids))
    user = _user_or_none(user)
    run = RecomputeRun.objects.create(
        trigger=trigger,
        started_by=user,
        year=year,
        status=Status.QUEUED,
        counties={str(c): {"status": "queued"} for c in ids},
        dispatched_at=None if dispatch else timezone.now(),
    )
    hooks.audit_event(
        "recompute.start",
        user=user,
        region_id=ids[0] if len(ids) == 1 else None,
        detail={"run": run.pk, "trigger": trigger, "year": year, "counties": len(ids)},
    )
    if dispatch:
        transaction.on_commit(dispatch_pending)
    return run


def request_recompute(
    county_ids: Iterable[int], year: int | None = None, *, user=None, trigger: str = Trigger.EDIT
) -> RecomputeRun | None:
    """Inputs of these counties changed in the current transaction (by `user`): make sure a queued run covers
    each of them. A county that a run still waiting to begin already lists (same year) is left to that run, so a
    burst of edits costs one recompute; the others get a new run, started when the transaction commits. A
    rolled-back transaction takes its run with it. Returns the new run, or None."""
    ids = sorted({int(c) for c in county_ids if c})
    if not ids:
        return None
    with transaction.atomic():
        waiting = RecomputeRun.objects.select_for_update().filter(
            status=Status.QUEUED, year=year, counties__has_any_keys=[str(c) for c in ids]
        )
        covered = {int(key) for run in waiting for key in run.counties}
        missing = [c for c in ids if c not in covered]
        if not missing:
            return None
        return run_start(trigger, missing, year, user=user)


def data_changed(
    county_ids: Iterable[int], year: int | None, *, user=None, trigger: str = hooks.EDIT
) -> None:
    """The core.hooks listener: inputs of these counties changed in the current transaction, by `user`, through
    a write of kind `trigger` (an edit or an import: the run records it, and both wait out the debounce)."""
    request_recompute(county_ids, year, user=user, trigger=_TRIGGERS[trigger])


def recompute_start(county_ids: Iterable[int], year: int | None = None, *, user=None) -> RecomputeRun:
    """The recompute button (one county, or all of them): a run started by `user`."""
    return run_start(Trigger.USER, county_ids, year, user=user)


def dispatch_pending() -> int:
    """Hand every queued run that the broker does not have yet to `run_execute` (runs of data changes after the
    debounce). Called when a run's transaction commits and by the sweeper (beat), so a run started while the
    broker was down is sent once it is back. The broker being unreachable is not an error of the caller: the run
    stays queued (pages say so) and the rest waits for the next call. Returns the number of runs sent."""
    sent = 0
    waiting = RecomputeRun.objects.filter(status=Status.QUEUED, dispatched_at__isnull=True).order_by("pk")
    for run_id, trigger in list(waiting.values_list("pk", "trigger")):
        # claim it, so two committing requests do not both send it
        if not RecomputeRun.objects.filter(pk=run_id, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        ):
            continue
        countdown = settings.RECOMPUTE_DEBOUNCE_SECONDS if trigger in _DEBOUNCED else 0
        try:
            signature(EXECUTE, args=(run_id,)).apply_async(
                countdown=countdown or None, retry=False, ignore_result=True
            )
        except BROKER_ERRORS as exc:
            RecomputeRun.objects.filter(pk=run_id, status=Status.QUEUED).update(dispatched_at=None)
            logger.warning(
                "broker unreachable (%s): recompute run %s stays queued", type(exc).__name__, run_id
            )
            break
        sent += 1
    return sent


def run_begin(run_id: int) -> RecomputeRun | None:
    """A worker takes the run: queued → running. None when it is not queued (already taken: a duplicate
    message, a run resumed twice), so each run is executed once per attempt."""
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != Status.QUEUED:
            return None
        run.status, run.heartbeat_at = Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "heartbeat_at"])
    return run


def run_batches(run: RecomputeRun) -> list[list[int]]:
    """The counties still to compute, in batches of RECOMPUTE_BATCH_COUNTIES: one task each (the inputs of a
    batch are read together, see recompute_batch)."""
    todo = [int(k) for k, v in run.counties.items() if (v or {}).get("status") == "queued"]
    size = max(1, settings.RECOMPUTE_BATCH_COUNTIES)
    return [todo[i : i + size] for i in range(0, len(todo), size)]


def run_alive(run_id: int | None) -> RecomputeRun | None:
    """A worker starts a batch of the run: record a sign of life. None for no run."""
    if not run_id:
        return None
    RecomputeRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    return RecomputeRun.objects.filter(pk=run_id).first()


def run_record(run: RecomputeRun | None, county_id: int, status: str, error: str = "") -> None:
    """Record one county's outcome on the run (row-locked: parallel workers update the same run)."""
    run_record_many(run, {county_id: (status, error)})


def run_record_many(
    run: RecomputeRun | None, outcomes: dict[int, tuple[str, str]], years: dict[int, int] | None = None
) -> None:
    """Record the outcome (status, error) of several counties (and the year computed) on the run in one locked
    update; it is also the run's heartbeat."""
    if run is None or not outcomes:
        return
    years = years or {}
    with transaction.atomic():
        locked = RecomputeRun.objects.select_for_update().get(pk=run.pk)
        for county_id, (status, error) in outcomes.items():
            entry: dict[str, Any] = {"status": status}
            if error:
                entry["error"] = error
                locked.error = (locked.error + f"\n{county_id}: {error}").strip()
            if years.get(county_id):
                entry["year"] = years[county_id]
            locked.counties[str(county_id)] = entry
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["counties", "error", "heartbeat_at"])
    run.counties, run.error = locked.counties, locked.error


def run_finish(run_id: int, attempt: int | None = None) -> RecomputeRun | None:
    """Every batch of the run is through: write the roll-ups of the regions above its counties (the same call
    whichever way the run was executed), then the final status: done, partial (some counties failed) or failed
    (all did). A county still queued (its batch died) counts as failed. A finish of an earlier attempt of a
    resumed run, or of a run no longer running, changes nothing."""
    run = RecomputeRun.objects.filter(pk=run_id).first()
    if run is None or run.status != Status.RUNNING or (attempt is not None and run.resumes != attempt):
        return run
    computed: dict[int, list[int]] = {}
    for key, entry in run.counties.items():
        if (entry or {}).get("status") == "done" and entry.get("year"):
            computed.setdefault(int(entry["year"]), []).append(int(key))
    for year, county_ids in computed.items():
        rollups_refresh_above(county_ids, year)
    with transaction.atomic():
        locked = RecomputeRun.objects.select_for_update().get(pk=run_id)
        if locked.status != Status.RUNNING or (attempt is not None and locked.resumes != attempt):
            return locked
        for entry in locked.counties.values():
            if entry.get("status") == "queued":
                entry.update(status="error", error=str(_("未计算")))
        statuses = [(c or {}).get("status") for c in locked.counties.values()]
        if statuses and all(s == "error" for s in statuses):
            locked.status = Status.FAILED
        elif "error" in statuses:
            locked.status = Status.PARTIAL
        else:
            locked.status = Status.DONE
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at", "counties"])
    return locked


def run_fail(run_id: int, error: str) -> None:
    """The run cannot go on: failed, with the reason; its unfinished counties failed with it. The results
    stored before stay as they were (each county is written in one transaction)."""
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in (Status.QUEUED, Status.RUNNING):
            return
        for entry in run.counties.values():
            if entry.get("status") == "queued":
                entry.update(status="error", error=error)
        run.status, run.finished_at = Status.FAILED, timezone.now()
        run.error = (run.error + "\n" + error).strip()
        run.save(update_fields=["status", "finished_at", "error", "counties"])


def reap_stale() -> dict[str, list[int]]:
    """The sweeper's second half (beat, every RECOMPUTE_SWEEP_SECONDS): a run never stays running once its
    worker is gone. A running run with no sign of life for RECOMPUTE_RUN_STALE_SECONDS (its worker was killed,
    its batch message lost) is queued again for its unfinished counties — resumed — at most
    RECOMPUTE_RUN_MAX_RESUMES times, then failed; a queued run the broker took that long ago without any worker
    beginning it is sent again (a duplicate is harmless: run_begin takes a run once)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.RECOMPUTE_RUN_STALE_SECONDS)
    lost = stale - timedelta(seconds=settings.RECOMPUTE_DEBOUNCE_SECONDS)
    resent = list(
        RecomputeRun.objects.filter(status=Status.QUEUED, dispatched_at__lt=lost).values_list("pk", flat=True)
    )
    RecomputeRun.objects.filter(pk__in=resent, dispatched_at__lt=lost).update(dispatched_at=None)
    silent = RecomputeRun.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    resumed, failed = [], []
    for run_id in list(silent.values_list("pk", flat=True)):
        with transaction.atomic():
            run = RecomputeRun.objects.select_for_update().get(pk=run_id)
            beat = run.heartbeat_at or run.started_at
            if run.status != Status.RUNNING or beat >= stale:
                continue
            silence = int((now - beat).total_seconds())
            if run.resumes >= settings.RECOMPUTE_RUN_MAX_RESUMES:
                failed.append(run_id)
            else:
                run.status, run.dispatched_at, run.resumes = Status.QUEUED, None, run.resumes + 1
                run.error = (
                    run.error + "\n" + _("工作进程 %(s)s 秒无响应，未完成的区县已重新派发。") % {"s": silence}
                ).strip()
                run.save(update_fields=["status", "dispatched_at", "resumes", "error"])
                resumed.append(run_id)
        if run_id in failed:
            run_fail(run_id, str(_("工作进程 %(s)s 秒无响应，重算中断。") % {"s": silence}))
    for run_id in resumed + failed:
        logger.warning(
            "recompute run %s: worker silent, %s", run_id, "resumed" if run_id in resumed else "failed"
        )
    return {"resent": resent, "resumed": resumed, "failed": failed}


def recompute_county_safely(county_id: int, year: int | None, run: RecomputeRun | None) -> dict[str, Any]:
    """recompute_county for a batch: a failing county is recorded on the run and the batch goes on."""
    try:
        result = recompute_county(county_id, year, run=run)
    except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the others
        logger.exception("recompute of county %s failed", county_id)
        run_record(run, county_id, "error", f"{type(exc).__name__}: {exc}"[:500])
        return {"county_id": county_id, "status": "error"}
    status = "done" if result is not None else "no_data"
    run_record_many(run, {county_id: (status, "")}, {county_id: result.year} if result else None)
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
        computed: dict[int, int] = {}
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
                if result is not None:
                    computed[county_id] = data_year
                outcomes.append({"county_id": county_id, "status": status, "year": data_year})
        run_record_many(run, recorded, computed)
    return outcomes


def recompute_many(
    county_ids: Iterable[int], year: int | None = None, *, trigger: str = Trigger.COMMAND, user=None
) -> RecomputeRun:
    """A run executed in this process, now (the `recompute` command, benchmarks, tests): the same lifecycle and
    the same task as every other run, applied locally (Celery's Task.apply) with every batch in this process."""
    run = run_start(trigger, county_ids, year, user=user, dispatch=False)
    signature(EXECUTE, args=(run.pk,), kwargs={"in_process": True}).apply()
    run.refresh_from_db()
    return run
