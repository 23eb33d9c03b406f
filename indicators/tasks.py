"""Celery tasks of the indicator engine. Thin: the work is in services.

- `recompute_county(county_id, year)`: idempotent (delete + insert of one county-year), acks late, retried with
  backoff when the database connection drops.
- `recompute_all(year=None)`: one task per county in a chord; the callback writes the city/province roll-ups.
  Scheduled nightly by CELERY_BEAT_SCHEDULE in config/settings/base.py.
"""

from celery import chord, shared_task
from django.db import InterfaceError, OperationalError

from core.choices import RegionLevel
from core.models import Region

from . import rollups as region_rollups
from . import runs
from .models import RecomputeRun

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 12 * 60,
}


def _run(run_id):
    return RecomputeRun.objects.filter(pk=run_id).first() if run_id else None


@shared_task(name="indicators.tasks.recompute_county", **RETRY)
def recompute_county(county_id: int, year: int | None = None, run_id: int | None = None) -> dict:
    """Recompute one county. A database outage is retried; any other failure is recorded on the run and the
    county's previous results stay (the write is one transaction)."""
    runs.debounce_release(county_id, year)
    run = _run(run_id)
    if run is None and run_id is None:
        run = runs.run_start(RecomputeRun.Trigger.EDIT, year=year)
        outcome = _recompute(county_id, year, run)
        runs.run_finish(run)
        region_rollups.rollups_refresh_for_counties([county_id])
        return outcome
    return _recompute(county_id, year, run)


def _recompute(county_id, year, run):
    try:
        result = runs.recompute_county(county_id, year, run=run)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - recorded on the run; the chord goes on
        runs.run_record(run, county_id, "error", f"{type(exc).__name__}: {exc}"[:500])
        return {"county_id": county_id, "status": "error"}
    status = "done" if result is not None else "no_data"
    runs.run_record(run, county_id, status)
    return {"county_id": county_id, "status": status, "year": result.year if result else None}


@shared_task(name="indicators.tasks.rollups", acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def rollups(outcomes: list | None = None, year: int | None = None, run_id: int | None = None) -> dict:
    run = _run(run_id)
    if run is not None:
        runs.run_finish(run)
    written = region_rollups.rollups_refresh(year)
    return {"rollups": len(written), "counties": len(outcomes or [])}


@shared_task(name="indicators.tasks.recompute_all", acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def recompute_all(
    year: int | None = None, trigger: str = RecomputeRun.Trigger.BEAT, user_id: int | None = None
):
    """Fan out one recompute per county (each county's latest year when year is None), then the roll-ups."""
    run = RecomputeRun.objects.create(trigger=trigger, year=year, started_by_id=user_id)
    county_ids = list(
        Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").values_list("pk", flat=True)
    )
    if not county_ids:
        return rollups.run([], year, run.pk)
    header = [recompute_county.si(county_id, year, run.pk) for county_id in county_ids]
    return chord(header)(rollups.s(year, run.pk)).id
