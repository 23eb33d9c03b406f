"""A planner run requested by the portal is executed by a real Celery worker through the broker (CI's PostgreSQL
pass): the task gets the run's id when the request's transaction commits, and the run page's data comes back."""

import time

import pytest
from django.db import transaction

from remedies import services
from remedies.models import RemedyRun
from tests.remedies.scenes import YEAR, rooms_short_county, rooms_short_least_cost

pytestmark = pytest.mark.worker


def test_a_cheapest_pass_requested_in_a_transaction_is_run_by_the_worker(celery_worker, clerk, county):
    rooms_short_county(county)
    with transaction.atomic():
        run = services.run_request(user=clerk, county=county, kind="cheapest", year=YEAR, time_limit_s=20)
        assert RemedyRun.objects.get(pk=run.pk).status == RemedyRun.Status.QUEUED

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.finished:
            break
        time.sleep(0.5)

    assert run.status == RemedyRun.Status.DONE, run.reason
    assert run.result["verified"] is True
    assert run.result["total_cost"] == pytest.approx(rooms_short_least_cost())
