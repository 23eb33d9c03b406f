"""Celery tasks of the quality checks. Thin: the work is in services. Idempotent (a check replaces the county-year's
stored violations), acknowledged late, retried when the database connection drops, and time-limited."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.models import Region

from . import services


@shared_task(
    name=services.CHECK_COUNTY,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def check_county(county_id: int, year: int | None = None, trigger: str = "edit") -> dict:
    if not Region.objects.filter(pk=county_id).exists():  # deleted since the change was queued
        return {"county_id": county_id, "years": {}}
    checked = {}
    for each in services.years_to_check(county_id, year):
        run = services.check_county_year(county_id, each, trigger=trigger)
        checked[each] = {"errors": run.errors, "warnings": run.warnings}
    return {"county_id": county_id, "years": checked}


@shared_task(name=services.RECHECK_ALL, acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def recheck_all() -> int:
    """After a rule changed: check again every county-year checked before."""
    return services.recheck_checked()
