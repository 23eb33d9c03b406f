"""Celery tasks of the indicator engine: the only way a recompute is executed. Thin: the lifecycle is in `runs`.

- `run_execute(run_id)`: takes a queued run (once: a duplicate message does nothing) and executes it: a run of
  one batch in this task, a bigger one as a chord of `recompute_counties` tasks, one per batch of
  RECOMPUTE_BATCH_COUNTIES counties (read together), whose callback `finish_run` writes the roll-ups and the
  final status. With no broker (CELERY_TASK_ALWAYS_EAGER) Celery runs all of it in the caller's process.
- `recompute_all(year=None)`: the nightly run of every county (CELERY_BEAT_SCHEDULE).
- `sweep_runs()`: every RECOMPUTE_SWEEP_SECONDS (beat): sends runs queued while the broker was down, resumes or
  fails runs whose worker went silent.

The work tasks acknowledge late and are re-queued when their worker process dies (reject_on_worker_lost): a
recompute is idempotent (each county is replaced in one transaction), so doing a batch twice costs time only.
"""

import logging

from celery import chord, shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError

from core.choices import RegionLevel
from core.models import Region

from . import runs
from .models import RecomputeRun

logger = logging.getLogger(__name__)

LIMITS = {"acks_late": True, "soft_time_limit": 10 * 60, "time_limit": 12 * 60}
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "reject_on_worker_lost": True,
    **LIMITS,
}


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


# Tasks nobody waits for store no result: sending them then never touches the result backend, which would
# otherwise subscribe for the result on send (with Redis down that breaks the sending process for good).
@shared_task(name=runs.EXECUTE, ignore_result=True, **RETRY)
def run_execute(run_id: int, in_process: bool = False) -> dict:
    run = runs.run_begin(run_id)
    if run is None:
        return {"run": run_id, "skipped": True}
    try:
        batches = runs.run_batches(run)
        if in_process or len(batches) <= 1:
            for batch in batches:
                runs.recompute_batch(batch, run.year, run)
            runs.run_finish(run.pk, run.resumes)
        else:
            header = [recompute_counties.si(batch, run.year, run.pk) for batch in batches]
            chord(header)(finish_run.si(run.pk, run.resumes))
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - the run must not stay "running"; the results stay as they were
        logger.exception("recompute run %s failed", run_id)
        runs.run_fail(run_id, _reason(exc))
        return {"run": run_id, "failed": True}
    return {"run": run_id, "batches": len(batches)}


@shared_task(name="indicators.tasks.recompute_counties", **RETRY)
def recompute_counties(county_ids: list[int], year: int | None, run_id: int | None = None) -> list[dict]:
    """One batch of a run: a failing county is recorded on the run and the others go on; a database outage is
    retried; a batch that breaks as a whole fails its counties, and the run goes on to its finish."""
    run = runs.run_alive(run_id)
    try:
        return runs.recompute_batch(county_ids, year, run)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - recorded on the run
        logger.exception("a recompute batch of run %s failed", run_id)
        runs.run_record_many(run, {c: ("error", _reason(exc)) for c in county_ids})
        return [{"county_id": c, "status": "error"} for c in county_ids]


@shared_task(name="indicators.tasks.finish_run", ignore_result=True, **RETRY)
def finish_run(run_id: int, attempt: int | None = None) -> str | None:
    run = runs.run_finish(run_id, attempt)
    return run.status if run else None


@shared_task(name="indicators.tasks.recompute_all", ignore_result=True, **LIMITS)
def recompute_all(
    year: int | None = None, trigger: str = RecomputeRun.Trigger.BEAT, user_id: int | None = None
):
    """A run of every county (each county's latest year when year is None), started by the system (beat) or a
    user; returns the run's id."""
    county_ids = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").values_list("pk", flat=True)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = runs.run_start(trigger, county_ids, year, user=user)
    runs.dispatch_pending()  # a task has no request transaction to wait for
    return run.pk


@shared_task(
    name="indicators.tasks.sweep_runs",
    ignore_result=True,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def sweep_runs() -> dict:
    reaped = runs.reap_stale()
    return {**reaped, "sent": runs.dispatch_pending()}
