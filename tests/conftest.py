"""Fixtures for tests that need a real Celery worker (marker `worker`).

Such tests run only when CI asks for them (`CELERY_TEST_WORKER=1`, a broker in `CELERY_BROKER_URL`, PostgreSQL):
the worker runs in a thread of the test process and reads the database through its own connection, so the test
data must be committed (`transaction=True`), which SQLite's in-memory test database cannot share. Everywhere else
they are skipped with the reason printed.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture(scope="session", autouse=True)
def static_root_exists():
    """whitenoise warns on every request when STATIC_ROOT is missing (tests do not run collectstatic)."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def fresh_throttles():
    """API throttles count in the default cache, keyed by user id or address; ids restart in every test database,
    so one test's calls would count against the next; the county pages' fragments are keyed by a result's county,
    year and time, which fixtures repeat. Clear the in-process cache (SQLite runs), or only the throttle keys, the
    county pages' fragments and the overviews' figures of a Redis cache (it is shared with the broker, whose keys
    must stay)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from dashboards.templatetags import result_fragments

    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        backend.clear()
    elif hasattr(backend, "_cache") and hasattr(backend._cache, "get_client"):
        client = backend._cache.get_client(write=True)
        for pattern in ("throttle_*", f"{result_fragments.PREFIX}:*", "overview-figures*"):
            for key in client.scan_iter(match=backend.make_key(pattern)):
                client.delete(key)
    yield


def worker_unavailable_reason() -> str | None:
    if os.environ.get("CELERY_TEST_WORKER") != "1":
        return "needs a real Celery worker: set CELERY_TEST_WORKER=1 (CI does, against Redis and PostgreSQL)"
    if not settings.CELERY_BROKER_URL:
        return "needs a broker: set CELERY_BROKER_URL"
    if connection.vendor == "sqlite":
        return "needs PostgreSQL: the worker thread cannot see SQLite's in-memory test database"
    return None


def faults_unavailable_reason() -> str | None:
    """The fault tests (marker `faults`) start and stop a Redis server of their own: never the shared one."""
    reason = worker_unavailable_reason()
    if reason:
        return reason
    if urlparse(settings.CELERY_BROKER_URL).port in (None, 6379):
        return (
            "needs a broker on a port of its own (e.g. redis://127.0.0.1:6391/0): the tests stop that Redis"
        )
    if shutil.which("redis-server") is None:
        return "needs redis-server"
    return None


def fuzz_unavailable_reason() -> str | None:
    """The API fuzz tests (marker `fuzz`) take minutes: only when asked for (CI step 8, on PostgreSQL)."""
    if os.environ.get("API_FUZZ") != "1":
        return "the API fuzz runs only when asked for: set API_FUZZ=1 (CI step 8 does, on PostgreSQL)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = worker_unavailable_reason()
    fuzz_reason = fuzz_unavailable_reason()
    faults_reason = (
        faults_unavailable_reason() if any(i.get_closest_marker("faults") for i in items) else None
    )
    for item in items:
        if item.get_closest_marker("fuzz") is not None:
            if fuzz_reason:
                item.add_marker(pytest.mark.skip(reason=fuzz_reason))
            continue
        if item.get_closest_marker("faults") is not None:
            if faults_reason:
                item.add_marker(pytest.mark.skip(reason=faults_reason))
            elif item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True))
            continue
        if item.get_closest_marker("worker") is None:
            continue
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        elif item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def celery_worker(transactional_db):
    """A Celery worker consuming from the configured broker for the length of one test.

    Usage: mark the test `@pytest.mark.worker`, take this fixture, send tasks with `.delay()` and wait with
    `.get(timeout=...)`. The worker shares the test database, so it sees rows the test created.
    """
    from celery.contrib.testing import tasks as _testing_tasks  # noqa: F401  registers celery.ping
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert not app.conf.task_always_eager, (
        "CELERY_TEST_WORKER=1 must turn eager mode off (config/settings/test.py)"
    )
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=True, shutdown_timeout=30
    ) as worker:
        yield worker
