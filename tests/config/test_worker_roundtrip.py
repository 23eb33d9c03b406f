"""A task sent by the portal is executed by a real Celery worker through the broker (CI's PostgreSQL pass)."""

import pytest
from celery.result import EagerResult

from config.celery import app, ping
from core.models import Region

pytestmark = pytest.mark.worker


@app.task(name="tests.config.count_counties")
def count_counties() -> int:
    return Region.objects.filter(level="county").count()


def test_ping_sent_through_the_broker_comes_back_from_the_worker(celery_worker):
    result = ping.delay("往返")

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == "往返"


def test_worker_reads_the_rows_the_portal_committed(celery_worker, county, other_county):
    result = count_counties.delay()

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == 2


def test_nightly_recompute_fans_out_through_the_worker_and_stores_every_county(
    celery_worker, county, other_county
):
    import time

    from indicators.models import CountyResult, RecomputeRun
    from indicators.tasks import recompute_all
    from tests.indicators.scenes import small_county

    small_county(county, "37130201")
    small_county(other_county, "37131101")

    recompute_all.delay(2024)  # what beat sends every night
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline
        and not RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).exists()
    ):
        time.sleep(0.2)

    assert set(CountyResult.objects.filter(year=2024).values_list("county__code", flat=True)) == {
        "371302",
        "371311",
    }
    run = RecomputeRun.objects.get()
    assert run.status == RecomputeRun.Status.DONE and run.started_by is None  # the system
