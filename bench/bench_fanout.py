"""Benchmark: a province recompute through real Celery workers (1 and 2 processes) against the same run in one
process, and how long a clerk's saved change takes to reach the report through a worker. One run, same data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/bench_fanout.py --repeat 3

The province is bench_recompute's (120 counties × 125 schools × 40 teachers, code 980000; generated on first use).
Modes, timed from the run's start to its final status (the roll-ups included), repeats interleaved so a change of
the machine's load hits every mode alike:
- in-process: `indicators.runs.recompute_many` (the `recompute` command: the run's task applied in this process);
- worker ×1 and worker ×2: `runs.recompute_start` (the recompute button), executed by
  `celery -A config worker --concurrency N` (prefork): batches of RECOMPUTE_BATCH_COUNTIES counties, one task each;
- worker ×2, one county per task (RECOMPUTE_BATCH_COUNTIES=1): how the fan-out worked before, for comparison.
Then the edit latency: `school_year_save` on one county with 2 worker processes and the production debounce (2 s),
until the county's stored report has the new value. Printed as Markdown; JSON in bench/out/fanout.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("RECOMPUTE_DEBOUNCE_SECONDS", "2")

import bench_recompute as base  # noqa: E402  (sets up Django)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from core.models import Region  # noqa: E402
from indicators import runs  # noqa: E402
from indicators.models import CountyResult, RecomputeRun  # noqa: E402
from schools.models import SchoolYear  # noqa: E402
from schools.services import school_year_save  # noqa: E402

FINAL = (RecomputeRun.Status.DONE, RecomputeRun.Status.PARTIAL, RecomputeRun.Status.FAILED)


class Worker:
    def __init__(self, concurrency: int, **env: str):
        self.log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork"]
        command += ["--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-gossip"]
        command += ["--without-mingle", "--hostname", f"bench-{concurrency}-{time.monotonic_ns()}@%h"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "DEBUG": "0", **env},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from config.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"the worker did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(60)
        self.log.unlink(missing_ok=True)


def wait_final(run_id: int, timeout: float = 600) -> RecomputeRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = RecomputeRun.objects.get(pk=run_id)
        if run.status in FINAL:
            return run
        time.sleep(0.02)
    raise RuntimeError(f"run {run_id} did not finish")


def through_worker(province: list[int]) -> float:
    started = time.perf_counter()
    run = runs.recompute_start(province, base.YEAR)  # autocommit: dispatched at once
    finished = wait_final(run.pk)
    elapsed = time.perf_counter() - started
    assert finished.status == RecomputeRun.Status.DONE, finished.error[:500]
    return elapsed


def in_process(province: list[int]) -> float:
    started = time.perf_counter()
    run = runs.recompute_many(province, base.YEAR)
    elapsed = time.perf_counter() - started
    assert run.status == RecomputeRun.Status.DONE, run.error[:500]
    return elapsed


def edit_latency(county_id: int, repeat: int) -> list[float]:
    facts = SchoolYear.objects.filter(school__county_id=county_id, year=base.YEAR).select_related("school")[0]
    out = []
    for i in range(repeat):
        value = (facts.primary_students or 0) + 1 + i
        before = CountyResult.objects.get(county_id=county_id, year=base.YEAR).computed_at
        started = time.perf_counter()
        school_year_save(user=None, school=facts.school, year=base.YEAR, primary_students=value)
        deadline = time.monotonic() + 60
        while CountyResult.objects.get(county_id=county_id, year=base.YEAR).computed_at == before:
            if time.monotonic() > deadline:
                raise RuntimeError("the edit never reached the report")
            time.sleep(0.02)
        out.append(time.perf_counter() - started)
        time.sleep(0.5)
    return out


def summary(times: list[float]) -> dict:
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": [round(t, 3) for t in times]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        print("needs PostgreSQL (DATABASE_URL) and a broker (CELERY_BROKER_URL)", file=sys.stderr)
        return 2
    base.ensure_data()
    province = list(
        Region.objects.filter(parent__parent__code=base.BIG_PROVINCE, level="county")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    print(f"province: {base.size_of(province)}", flush=True)
    in_process(province)  # warm-up: results exist, caches are warm
    base.vacuum_results()

    modes = {
        "in-process (recompute_many)": (None, {}),
        "worker ×1, 20 counties per task": (1, {}),
        "worker ×2, 20 counties per task": (2, {}),
        "worker ×2, 1 county per task (before)": (2, {"RECOMPUTE_BATCH_COUNTIES": "1"}),
    }
    times: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(args.repeat):  # interleaved: one of each mode per round
        for name, (concurrency, env) in modes.items():
            if concurrency is None:
                times[name].append(in_process(province))
            else:
                worker = Worker(concurrency, **env)
                try:
                    through_worker(province)  # warm-up: the pool's children import the engine
                    times[name].append(through_worker(province))
                finally:
                    worker.stop()
            base.vacuum_results()
            print(f"  {name}: {times[name][-1]:.2f} s", flush=True)

    worker = Worker(2)
    try:
        latency = edit_latency(province[0], args.edits)
    finally:
        worker.stop()

    out = {
        "machine": base.machine(),
        "load_average": os.getloadavg(),
        "batch_counties": settings.RECOMPUTE_BATCH_COUNTIES,
        "modes": {name: summary(t) for name, t in times.items()},
        "edit_latency": summary(latency),
    }
    one = out["modes"]["worker ×1, 20 counties per task"]["median_s"]
    two = out["modes"]["worker ×2, 20 counties per task"]["median_s"]
    out["speedup_2_over_1"] = one / two
    Path(ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "fanout.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))

    print(f"\n{out['machine']} · load average {out['load_average']}")
    print("| mode | median | min | runs |\n|---|---|---|---|")
    for name, result in out["modes"].items():
        print(f"| {name} | {result['median_s']:.2f} s | {result['min_s']:.2f} s | {result['runs']} |")
    print(f"\n2 worker processes vs 1: **{out['speedup_2_over_1']:.2f}×** faster (target ≥ 1.7×)")
    e = out["edit_latency"]
    print(f"saved edit → report through the worker: median {e['median_s']:.2f} s, max {max(e['runs']):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
