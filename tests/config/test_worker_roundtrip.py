"""A task sent by the portal is executed by a real Celery worker through the broker (CI's PostgreSQL pass)."""

import pytest
from celery.result import EagerResult

from config.celery import app, ping
from schools.models import Region

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
