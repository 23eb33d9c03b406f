"""A clerk's edit queues the county-year's check as a Celery task on commit, and a real worker runs it (CI's
PostgreSQL pass with Redis; skipped elsewhere with the reason)."""

import pytest

from quality import services
from quality.models import CheckRun, Violation
from schools.services import school_year_save
from tests.factories import SchoolFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.worker


def test_a_clerks_edit_is_checked_by_the_worker_after_commit(celery_worker, county, clerk):
    services.rules_seed_defaults()
    school = SchoolFactory(county=county, code="3713020001")

    school_year_save(user=clerk, school=school, year=2024, primary_students=100, boarders=150)

    assert wait_for(lambda: CheckRun.objects.filter(county=county, year=2024, status="done").exists())
    assert list(Violation.objects.filter(run__county=county).values_list("rule__code", flat=True)) == [
        "boarders_within_enrolment"
    ]
