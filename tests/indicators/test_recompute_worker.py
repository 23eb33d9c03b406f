"""Recomputes that the portal hands to Celery run in a real worker through the broker (CI's PostgreSQL pass):
the debounced recompute after a clerk's edit, and the recompute button's run with its progress record."""

import time

import pytest
from django.core.cache import cache

from indicators import runs
from indicators.models import CountyResult, RecomputeRun
from schools.models import SchoolYear
from schools.services import school_year_save
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.worker


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_clerks_edit_is_recomputed_by_the_worker_after_commit(celery_worker, county, clerk):
    cache.clear()  # no debounce key left by an earlier test
    school, _other = small_county(county, "37130201")

    school_year_save(user=clerk, school=school, year=2024, primary_students=420)

    assert wait_for(lambda: CountyResult.objects.filter(county=county, year=2024).exists())
    stored = CountyResult.objects.get(county=county, year=2024)
    students = {u.school_id: u.students for u in stored.units.filter(standard="quality_2017")}
    assert students[school.pk] == SchoolYear.objects.get(school=school, year=2024).primary_students == 420


def test_the_recompute_button_runs_in_the_worker_and_its_run_finishes(
    celery_worker, county, other_county, admin_user
):
    small_county(county, "37130201")
    small_county(other_county, "37131101")

    run = runs.recompute_start([county.pk, other_county.pk], 2024, user=admin_user)

    assert wait_for(lambda: RecomputeRun.objects.get(pk=run.pk).status == RecomputeRun.Status.DONE)
    finished = RecomputeRun.objects.get(pk=run.pk)
    assert {c["status"] for c in finished.counties.values()} == {"done"}
    assert CountyResult.objects.filter(year=2024).count() == 2
