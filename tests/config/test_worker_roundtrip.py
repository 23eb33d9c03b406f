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
    from celery.result import AsyncResult

    from indicators.models import CountyResult, RecomputeRun
    from indicators.tasks import recompute_all
    from tests.indicators.scenes import small_county

    small_county(county, "37130201")
    small_county(other_county, "37131101")

    chord_id = recompute_all.delay(2024).get(timeout=60)  # what beat sends every night
    summary = AsyncResult(chord_id, app=app).get(timeout=120)

    assert summary["counties"] == 2
    assert set(CountyResult.objects.filter(year=2024).values_list("county__code", flat=True)) == {
        "371302",
        "371311",
    }
    assert RecomputeRun.objects.get().status == RecomputeRun.Status.DONE
