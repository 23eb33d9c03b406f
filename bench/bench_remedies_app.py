"""Benchmark: the remedy planner through the app path, on PostgreSQL (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_bench_planner \
        .venv/bin/python bench/bench_remedies_app.py [--repeat 5] [--time-limit 60]

The database must exist (createdb -h 127.0.0.1 -U postgres junheng_bench_planner); the first run migrates it and
writes the bench's own county into it: `remedies.synthetic.synthetic_county(120 schools, 6 000 teachers, seed 1)`,
the same county `bench/bench_remedies.py` hands the solvers directly (its scenario, timing and report are
shared from there), as rows (schools, school years, classes, one
Teacher row per roster entry with its eligibility flag). Then, in one run:

- a scenario recompute as a page or the API does it: `remedies.selectors.scenario_outcome` of a 46-change
  scenario (the pure bench's), i.e. the county's inputs read from PostgreSQL (`indicators.inputs`), the changes
  applied, the engine's report computed for the actual inputs and for the scenario, both presented and every
  changed figure found; and the whole API answer (`GET /api/v1/scenarios/{id}/report/`) through Django's test
  client. Warm-up, then N repeats (median, min); target ≤ 1 s;
- the cheapest pass and the rotation through the task path: `services.run_request` in a transaction, the Celery
  task run on commit (inline: no broker), the run read back — status, verified, objective, bound, gap, the
  greedy baseline; wall time from the request to the stored result; target ≤ 60 s each.

Prints a Markdown table and writes bench/out/remedies_app.json.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/junheng_bench_planner")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "0"  # no query log
os.environ["CELERY_BROKER_URL"] = ""  # the task runs inline on commit, as in `make run`

import django  # noqa: E402

django.setup()

from bench_remedies import scenario as scenario_changes  # noqa: E402
from bench_remedies import timed, write_results  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from core.models import Region  # noqa: E402
from indicators.inputs import current_rule_set  # noqa: E402
from indicators.rules import QUALITY_2017  # noqa: E402
from indicators.services import rule_set_revise  # noqa: E402
from remedies import selectors, services  # noqa: E402
from remedies.models import RemedyRun, Scenario  # noqa: E402
from remedies.synthetic import synthetic_county  # noqa: E402
from schools.models import School, SchoolClass, SchoolYear  # noqa: E402
from teachers.models import Teacher  # noqa: E402

PROVINCE, CITY, COUNTY = "960000", "960100", "960101"
YEAR = 2024


def write_county(data, roster) -> Region:
    """The synthetic county as the portal's rows (idempotent: an existing county is reused)."""
    existing = Region.objects.filter(code=COUNTY).first()
    if existing is not None:
        return existing
    province = Region.objects.create(code=PROVINCE, name="模拟省", level="province")
    city = Region.objects.create(code=CITY, name="模拟市", level="city", parent=province)
    county = Region.objects.create(code=COUNTY, name=data.county_name, level="county", parent=city)
    schools = {}
    for s in data.schools:
        schools[s["code"]] = School.objects.create(
            code=s["code"],
            name=s["name"],
            county=county,
            kind=s["kind"],
            urban_rural_code=s["urban_rural_code"],
            ownership="public",
            urban_quality_reference=s["urban_quality_reference"],
        )
    SchoolYear.objects.bulk_create(
        SchoolYear(school=schools[s["code"]], year=YEAR, **{k: s[k] for k in SchoolYear.FACT_FIELDS})
        for s in data.schools
    )
    classes = []
    for s in data.schools:
        for stage, grades in (("primary", range(1, 7)), ("junior", range(7, 10))):
            pupils = s[f"{stage}_students"] or 0
            if not pupils:
                continue
            n = math.ceil(pupils / 42)
            for k in range(n):
                grade = list(grades)[k % len(grades)]
                size = pupils // n + (1 if k < pupils % n else 0)
                classes.append(
                    SchoolClass(
                        school=schools[s["code"]],
                        year=YEAR,
                        stage=stage,
                        grade=grade,
                        name=f"{grade}年级{k + 1}班",
                        students=size,
                    )
                )
    SchoolClass.objects.bulk_create(classes, batch_size=2000)
    Teacher.objects.bulk_create(
        (
            Teacher(
                school=schools[t["school"]],
                year=YEAR,
                teacher_id=t["id"],
                name=f"模拟教师{i}",
                stage=t["stage"],
                full_time=True,
                degree=t["degree"],
                subject=t["subject"],
                backbone_level="county" if t["backbone"] else "none",
                title="first" if t["mid_title"] else "second",
                certified=True,
                training_hours=360,
                rotation_eligible=t["eligible"],
                rotated=False,
            )
            for i, t in enumerate(roster)
        ),
        batch_size=2000,
    )
    return county


def ask(user, county, kind, time_limit) -> tuple[RemedyRun, float]:
    t = time.perf_counter()
    with transaction.atomic():
        run = services.run_request(user=user, county=county, kind=kind, year=YEAR, time_limit_s=time_limit)
    seconds = time.perf_counter() - t
    run.refresh_from_db()
    return run, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=int, default=60)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the app-path bench runs on PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    data, roster = synthetic_county(schools=120, teachers=6000, seed=1)
    county = write_county(data, roster)
    user, _ = User.objects.get_or_create(
        username="bench-planner", defaults={"role": "admin", "is_superuser": True}
    )
    out = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "county": {
            "schools": School.objects.filter(county=county).count(),
            "teachers": Teacher.objects.filter(school__county=county).count(),
            "classes": SchoolClass.objects.filter(school__county=county).count(),
        },
    }
    print(f"county: {out['county']}", flush=True)
    rows = []

    Scenario.objects.filter(county=county).delete()
    changes = [c.to_dict() for c in scenario_changes(data, roster)]
    scenario = services.scenario_create(user=user, county=county, name="bench", year=YEAR, changes=changes)
    outcome = selectors.scenario_outcome(scenario)
    read = selectors.county_inputs(county, YEAR)
    parts = {
        "read inputs (PostgreSQL)": lambda: selectors.county_inputs(county, YEAR),
        "the whole scenario_outcome": lambda: selectors.scenario_outcome(scenario),
        "scenario_outcome on inputs already read": lambda: selectors.scenario_outcome(scenario, read),
    }
    client = Client()
    client.force_login(user)
    url = f"/api/v1/scenarios/{scenario.pk}/report/"
    assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    parts["GET /api/v1/scenarios/{id}/report/"] = lambda: client.get(url, HTTP_HOST="127.0.0.1")
    page = f"/scenarios/{scenario.pk}/"
    assert client.get(page, HTTP_HOST="127.0.0.1").status_code == 200
    parts["GET /scenarios/{id}/ (the page)"] = lambda: client.get(page, HTTP_HOST="127.0.0.1")
    out["scenario"] = {
        "changes": len(changes),
        "changed_figures": len(outcome.changed),
        "sentence": outcome.sentence,
    }
    for label, fn in parts.items():
        median, best = timed(fn, args.repeat)
        out["scenario"][label] = {"median_s": median, "min_s": best}
        rows.append(
            (
                f"scenario ({len(changes)} changes): {label}",
                f"{median * 1000:.0f} / {best * 1000:.0f} ms",
                "≤ 1 s",
            )
        )
        print(rows[-1], flush=True)

    quality = current_rule_set(QUALITY_2017)
    for kind, share in (("cheapest", None), ("rotation", None), ("rotation", 0.0)):
        if share is not None:
            # the 10 % floor decides the number of moves under the default rules; without it the moves are what
            # the ratio and the schools need, where the MILP and the greedy baseline can differ
            rule_set_revise(
                quality, {**quality.params, "rotation_share": share}, user, note="bench: no floor"
            )
        run, seconds = ask(user, county, kind, args.time_limit)
        if share is not None:
            rule_set_revise(current_rule_set(QUALITY_2017), quality.params, user, note="bench: back")
            kind = "rotation without the 10 % floor"
        r = run.result
        entry = {
            "status": run.status,
            "verified": r.get("verified"),
            "objective": r.get("objective"),
            "bound": r.get("bound"),
            "gap": r.get("gap"),
            "seconds_end_to_end": seconds,
            "solver_seconds": r.get("seconds"),
            "reason": run.reason,
        }
        if kind == "cheapest":
            entry["notes"] = r.get("notes")
            text = (
                f"{seconds:.1f} s end to end: {run.status}, verified {r.get('verified')}, "
                f"{(r.get('objective') or 0):,.0f} 元, bound {(r.get('bound') or 0):,.0f}, gap {(r.get('gap') or 0):.3%}"
                f"; {(r.get('notes') or [''])[0]}"
            )
        else:
            entry.update(
                moves=r.get("moves"),
                greedy=r.get("greedy"),
                required=r.get("required_moves"),
                eligible=r.get("eligible"),
                ratio=[(r.get("before") or {}).get("ratio"), (r.get("after") or {}).get("ratio")],
            )
            text = (
                f"{seconds:.1f} s end to end: {run.status}, verified {r.get('verified')}, {r.get('moves')} moves "
                f"(bound {r.get('bound')}, required {r.get('required_moves')} of {r.get('eligible')} eligible), "
                f"ratio {entry['ratio'][0] or 0:.3f} → {entry['ratio'][1] or 0:.3f}; greedy baseline "
                f"{(r.get('greedy') or {}).get('moves')} moves (verified {(r.get('greedy') or {}).get('verified')})"
            )
        out[kind] = entry
        rows.append((f"{kind} through the task path", text, "≤ 60 s, verified"))
        print(rows[-1], flush=True)

    write_results(rows, out, "remedies_app")


if __name__ == "__main__":
    main()
