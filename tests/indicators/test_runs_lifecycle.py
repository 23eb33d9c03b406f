"""The run lifecycle (indicators.runs) in Celery's eager mode: initiators and the audit announcement, coalescing,
the sweeper that resumes or fails a run whose worker went silent, and what the pages say while a run waits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import hooks
from indicators import runs
from indicators.models import CountyResult, RecomputeRun
from indicators.tasks import sweep_runs
from schools.services import school_year_save
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_events():
    seen = []

    def listener(kind, *, user=None, region_id=None, detail=None):
        seen.append({"kind": kind, "user": user, "region_id": region_id, "detail": detail})

    hooks.on_audit_event(listener)
    yield seen
    hooks._audit_listeners.remove(listener)


def silent(run, seconds):
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_clerks_edit_starts_a_run_naming_the_clerk_and_announces_it(
    county, clerk, audit_events, django_capture_on_commit_callbacks
):
    school, _ = small_county(county, "37130200")

    with django_capture_on_commit_callbacks(execute=True):
        school_year_save(user=clerk, school=school, year=2024, primary_students=410)

    run = RecomputeRun.objects.get()
    assert (run.trigger, run.started_by, run.status) == ("edit", clerk, RecomputeRun.Status.DONE)
    assert audit_events == [
        {
            "kind": "recompute.start",
            "user": clerk,
            "region_id": county.pk,
            "detail": {"run": run.pk, "trigger": "edit", "year": 2024, "counties": 1},
        }
    ]


def test_the_nightly_run_is_started_by_the_system(county, other_county, audit_events):
    from indicators.tasks import recompute_all

    small_county(county, "37130200")

    recompute_all.delay(2024)

    run = RecomputeRun.objects.get()
    assert run.trigger == "beat" and run.started_by is None and run.status == RecomputeRun.Status.DONE
    assert audit_events[0]["user"] is None and audit_events[0]["region_id"] is None
    assert audit_events[0]["detail"]["counties"] == 2


def test_edits_while_a_run_waits_join_it_and_a_county_it_does_not_list_gets_its_own(
    county, other_county, clerk, other_clerk
):
    first = runs.request_recompute([county.pk], 2024, user=clerk)  # not committed: the run waits (queued)

    assert runs.request_recompute([county.pk], 2024, user=clerk) is None
    second = runs.request_recompute([county.pk, other_county.pk], 2024, user=other_clerk)
    other_year = runs.request_recompute([county.pk], 2023, user=clerk)

    assert first.counties == {str(county.pk): {"status": "queued"}}
    assert second.counties == {str(other_county.pk): {"status": "queued"}}
    assert other_year is not None and other_year.year == 2023
    assert RecomputeRun.objects.count() == 3


def test_a_run_whose_worker_went_silent_is_resumed_for_its_unfinished_counties(
    county, other_county, admin_user, settings
):
    settings.RECOMPUTE_RUN_STALE_SECONDS = 60
    small_county(county, "37130200")
    small_county(other_county, "37131100")
    run = runs.recompute_start([county.pk, other_county.pk], 2024, user=admin_user)
    runs.run_record_many(run, {county.pk: ("done", "")}, {county.pk: 2024})
    silent(run, 61)

    outcome = sweep_runs.delay().get()

    assert outcome["resumed"] == [run.pk] and outcome["failed"] == []
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.DONE and run.resumes == 1
    assert "无响应" in run.error
    # only the unfinished county was computed again, by the resumed run
    assert CountyResult.objects.get(county=other_county).run_id == run.pk
    assert not CountyResult.objects.filter(county=county).exists()


def test_a_run_that_keeps_losing_its_worker_is_failed_and_never_left_running(county, admin_user, settings):
    settings.RECOMPUTE_RUN_STALE_SECONDS = 60
    settings.RECOMPUTE_RUN_MAX_RESUMES = 1
    run = runs.recompute_start([county.pk], 2024, user=admin_user)
    silent(run, 61)
    RecomputeRun.objects.filter(pk=run.pk).update(resumes=1)

    assert sweep_runs.delay().get()["failed"] == [run.pk]

    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.FAILED and run.finished_at is not None
    assert run.counties[str(county.pk)]["status"] == "error"


def test_a_running_run_with_a_recent_sign_of_life_is_left_alone(county, admin_user, settings):
    settings.RECOMPUTE_RUN_STALE_SECONDS = 60
    run = runs.recompute_start([county.pk], 2024, user=admin_user)
    silent(run, 30)

    assert sweep_runs.delay().get() == {"resent": [], "resumed": [], "failed": [], "sent": 0}
    assert RecomputeRun.objects.get(pk=run.pk).status == RecomputeRun.Status.RUNNING


def test_the_finish_of_an_attempt_before_a_resume_changes_nothing(county, admin_user):
    run = runs.recompute_start([county.pk], 2024, user=admin_user)
    runs.run_begin(run.pk)
    RecomputeRun.objects.filter(pk=run.pk).update(resumes=1)

    runs.run_finish(run.pk, attempt=0)

    assert RecomputeRun.objects.get(pk=run.pk).status == RecomputeRun.Status.RUNNING


def test_the_report_page_says_a_recompute_is_waiting_and_links_its_run(client, county, clerk, other_clerk):
    small_county(county, "37130200")
    runs.recompute_many([county.pk], 2024)
    run = runs.request_recompute([county.pk], 2024, user=clerk)  # queued, not yet handed to the broker
    url = reverse("dashboards:county_report", args=[county.code])

    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "data-recompute-pending" in page and "等待任务队列恢复" in page
    assert reverse("indicators:run_detail", args=[run.pk]) in page
    run_page = client.get(reverse("indicators:run_detail", args=[run.pk])).content.decode()
    assert "data-pending" in run_page and "clerk" in run_page

    client.force_login(other_clerk)
    assert client.get(url).status_code == 404
    assert client.get(reverse("indicators:run_detail", args=[run.pk])).status_code == 404


def test_run_pages_name_the_system_when_nobody_started_the_run(client, county, admin_user):
    runs.recompute_many([county.pk], 2024)
    client.force_login(admin_user)

    listing = client.get(reverse("indicators:run_list")).content.decode()

    assert "系统" in listing
