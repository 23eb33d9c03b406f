"""Faults of the recompute's processes, tried as an operator would (marker `faults`, CI step 8):

- a worker SIGKILLed in the middle of a province recompute: the results stored before stay visible, the run is
  resumed by the sweeper within a bounded time (never "running" for good) and completes, and a rerun completes;
- the broker (Redis) stopped: pages keep working, edits through the API and the school form are saved and the
  recompute button answers at once (never a 500), the report page says a recompute is pending, and the pending
  runs execute once the broker is back.

They need PostgreSQL (the worker processes share the test database), real worker processes
(`celery -A config worker`, with beat for the sweeper) and a Redis server of their own that they may stop: the
broker URL must name a port other than the shared 6379, and the tests start `redis-server` on it themselves.
    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://127.0.0.1:6391/0 CELERY_TEST_WORKER=1 \
        .venv/bin/python -m pytest -m faults tests/indicators/test_run_faults.py
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from indicators import runs, selectors
from indicators.models import CountyResult, RecomputeRun
from schools.models import SchoolYear
from tests.factories import CountyFactory
from tests.indicators.scenes import small_county
from tests.waiting import wait_for

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 3  # the workers' RECOMPUTE_RUN_STALE_SECONDS
SWEEP_SECONDS = 1  # their beat's RECOMPUTE_SWEEP_SECONDS


class PrivateRedis:
    """A redis-server of the test's own, on the broker URL's port: started and stopped by the test only."""

    def __init__(self, url: str, log: Path):
        parsed = urlparse(url)
        self.port = parsed.port or 6379
        assert self.port != 6379, (
            "never stop the shared Redis: give the fault tests a broker port of their own"
        )
        self.log = log
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        assert not self.ping(), f"something already listens on {self.port}"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        assert wait_for(self.ping, 10), "the private redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class WorkerProcess:
    """`celery -A config worker` (prefork, one child) on the test database, in its own process group."""

    def __init__(self, log: Path, *, beat: bool, **env: str):
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.log = log
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork"]
        command += ["--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
        command += ["--hostname", f"fault-{time.monotonic_ns()}@%h"]
        if beat:
            command += ["--beat", "--schedule", str(log.with_suffix(".beat"))]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TEST_WORKER": "1",
            "RECOMPUTE_RUN_STALE_SECONDS": str(STALE_SECONDS),
            "RECOMPUTE_SWEEP_SECONDS": str(SWEEP_SECONDS),
            **env,
        }
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert wait_for(lambda: "ready." in log.read_text(errors="replace"), 60), log.read_text()[-3000:]

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as the OOM killer or a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    server = PrivateRedis(settings.CELERY_BROKER_URL, tmp_path_factory.mktemp("redis") / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path, private_redis):
    started: list[WorkerProcess] = []

    def start(*, beat: bool = False, **env: str) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"worker{len(started)}.log", beat=beat, **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def province(city, n=6):
    """n counties of two schools each under the city (the conftest's two and more)."""
    counties = [CountyFactory(code=f"3713{40 + i}", name=f"测试县{i}", parent=city) for i in range(n)]
    for c in counties:
        small_county(c, f"{c.code}00")
    return counties


def students(county, school_code):
    stored = CountyResult.objects.filter(county=county, year=2024).first()
    units = stored.units.filter(standard="quality_2017", school__code=school_code) if stored else []
    return next((u.students for u in units), None)


def test_a_worker_killed_during_a_province_recompute_leaves_the_results_and_the_run_is_resumed(
    city, admin_user, workers, tmp_path
):
    counties = province(city)
    ids = [c.pk for c in counties]
    assert runs.recompute_many(ids, 2024).status == RecomputeRun.Status.DONE
    before = {c.pk: selectors.county_report(c.pk) for c in counties}
    SchoolYear.objects.filter(school__county__in=counties, year=2024).update(primary_students=450)
    blocked = counties[2]
    # Hold the stored result of the third county, so the worker is caught in the middle of the run, for sure.
    db = connection.settings_dict
    lock = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    lock.cursor().execute(
        f"SELECT 1 FROM {CountyResult._meta.db_table} WHERE county_id = %s AND year = 2024 FOR UPDATE",
        [blocked.pk],
    )
    worker = workers(RECOMPUTE_BATCH_COUNTIES="1")

    run = runs.recompute_start(ids, 2024, user=admin_user)  # autocommit: dispatched at once

    def two_done():
        entries = RecomputeRun.objects.get(pk=run.pk).counties
        return all(entries[str(c)]["status"] == "done" for c in ids[:2])

    assert wait_for(two_done, 60)
    time.sleep(1)  # the worker is now waiting for the held row, inside the third county's transaction
    worker.kill()
    killed_at = time.monotonic()
    lock.rollback()
    lock.close()

    stuck = RecomputeRun.objects.get(pk=run.pk)
    assert stuck.status == RecomputeRun.Status.RUNNING
    assert stuck.counties[str(blocked.pk)]["status"] == "queued"
    assert selectors.county_report(blocked.pk) == before[blocked.pk]  # the previous results, intact

    workers(beat=True)  # a worker comes back, with beat (its sweeper every SWEEP_SECONDS)

    assert wait_for(lambda: RecomputeRun.objects.get(pk=run.pk).resumes >= 1, 60)
    resumed_after = time.monotonic() - killed_at
    assert wait_for(lambda: RecomputeRun.objects.get(pk=run.pk).status == RecomputeRun.Status.DONE, 60)
    done_after = time.monotonic() - killed_at
    print(f"\nworker SIGKILLed: run resumed {resumed_after:.1f} s and done {done_after:.1f} s after the kill")
    assert resumed_after < STALE_SECONDS + 4 * SWEEP_SECONDS + 20  # bounded: stale + sweep + a worker's start
    finished = RecomputeRun.objects.get(pk=run.pk)
    assert {e["status"] for e in finished.counties.values()} == {"done"}
    assert all(students(c, f"{c.code}0001") == 450 for c in counties)

    rerun = runs.recompute_start(ids, 2024, user=admin_user)
    assert wait_for(lambda: RecomputeRun.objects.get(pk=rerun.pk).status == RecomputeRun.Status.DONE, 60)
    assert RecomputeRun.objects.get(pk=rerun.pk).resumes == 0


def test_with_the_broker_stopped_edits_are_saved_and_their_recompute_runs_when_it_returns(
    county, clerk, client, private_redis, workers
):
    school, _other = small_county(county, "37130200")
    assert runs.recompute_many([county.pk], 2024).status == RecomputeRun.Status.DONE
    workers(beat=True)
    client.force_login(clerk)
    report_url = reverse("dashboards:county_report", args=[county.code])
    facts = SchoolYear.objects.get(school=school, year=2024)

    private_redis.stop()
    try:
        assert client.get(report_url).status_code == 200
        assert client.get("/api/v1/schools/").status_code == 200

        started = time.monotonic()
        patched = client.patch(
            f"/api/v1/school-years/{facts.pk}/", {"primary_students": 420}, content_type="application/json"
        )
        assert patched.status_code == 200, patched.content
        posted = client.post(f"/schools/{school.code}/years/2024/", {"primary_students": "430"})
        assert posted.status_code == 302
        pressed = client.post(reverse("indicators:recompute_county", args=[county.code]), {"year": "2024"})
        assert pressed.status_code == 302
        answered_in = time.monotonic() - started
        print(f"\nbroker stopped: PATCH, form and button answered in {answered_in:.2f} s together")
        assert answered_in < 6

        assert SchoolYear.objects.get(pk=facts.pk).primary_students == 430  # saved
        assert students(county, school.code) == 400  # the figures shown are still the old ones…
        page = client.get(report_url).content.decode()
        assert "data-recompute-pending" in page and "等待任务队列恢复" in page  # …and the page says why
        waiting = RecomputeRun.objects.filter(status=RecomputeRun.Status.QUEUED, dispatched_at__isnull=True)
        assert waiting.count() == 2  # the edits' run (both edits) and the button's
        assert {r.started_by for r in waiting} == {clerk}
        assert client.get(pressed.url).status_code == 200
    finally:
        private_redis.start()
    back = time.monotonic()

    assert wait_for(
        lambda: (
            not RecomputeRun.objects.exclude(
                status__in=[RecomputeRun.Status.DONE, RecomputeRun.Status.PARTIAL, RecomputeRun.Status.FAILED]
            ).exists()
        ),
        90,
    )
    print(f"broker back: the pending runs finished {time.monotonic() - back:.1f} s later")
    assert set(RecomputeRun.objects.values_list("status", flat=True)) == {RecomputeRun.Status.DONE}
    assert students(county, school.code) == 430
    assert "data-recompute-pending" not in client.get(report_url).content.decode()
