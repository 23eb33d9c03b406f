"""Benchmark: every page a county clerk and a province official read, rendered in-process on PostgreSQL (issue 8,
item 9: ≤ 150 ms median per page for a 120-school county and a province official).

    createdb -h 127.0.0.1 -U postgres junheng_bench_pages      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_bench_pages \
        .venv/bin/python bench/bench_pages.py [--repeat 15] [--counties 120] [--only overview --only home …]

The first run migrates the database, generates the scale province (`manage.py generate_scale`, 980000: 120
counties of 125 schools, ~590 000 teachers, ~300 000 classes), computes every county (`manage.py recompute`) and
creates two accounts: the clerk of the province's first county and an official of the province. Then each page is
requested through Django's test client (the whole request: middleware, session, view, template), one warm-up (it
also fills the cache of the county pages' fragments: `--cold` clears the cache before every request, as for the
first reader after a recompute) and N repeats; the median and the minimum are printed as a Markdown table, the login page as the floor, with the
number of queries of one request. Writes bench/out/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/junheng_bench_pages")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "0"
os.environ["CELERY_BROKER_URL"] = ""

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from core.models import Region  # noqa: E402
from indicators.models import CountyResult  # noqa: E402
from schools.models import School  # noqa: E402

PROVINCE = "980000"
PAGES = [
    ("login (floor)", "/accounts/login/", None),
    # "/" sends a county's people to its dashboard and officials to the overview (measured below): ?stay shows
    # the home page itself
    ("home", "/?stay=1", "both"),
    ("overview", "/indicators/", "both"),
    ("city overview", "/regions/{city}/", "official"),
    ("county dashboard", "/counties/{county}/", "both"),
    (
        "explain drawer",
        "/counties/{county}/explain/quality_2017.primary.schools.{school}.Q1/?partial=1",
        "both",
    ),
    ("county report", "/indicators/counties/{county}/", "both"),
    ("school list", "/schools/", "both"),
    ("school page", "/schools/{school}/", "both"),
    ("teacher list", "/teachers/", "both"),
    ("imports", "/imports/", "both"),
    ("plans", "/plans/", "both"),
    ("counties", "/counties/", "both"),
]


def prepare(counties: int) -> None:
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code=PROVINCE).exists():
        started = time.perf_counter()
        call_command("generate_scale", counties=counties, province_code=PROVINCE, verbosity=0)
        print(f"generated the province in {time.perf_counter() - started:.0f} s", flush=True)
    if not CountyResult.objects.filter(county__parent__parent__code=PROVINCE).exists():
        started = time.perf_counter()
        call_command("recompute", verbosity=0)
        print(f"computed every county in {time.perf_counter() - started:.0f} s", flush=True)
    county = Region.objects.filter(parent__parent__code=PROVINCE, level="county").order_by("code").first()
    for username, role, region in (
        ("bench-clerk", "clerk", county),
        ("bench-official", "official", Region.objects.get(code=PROVINCE)),
    ):
        User.objects.update_or_create(username=username, defaults={"role": role, "region": region})


def measure(client: Client, url: str, repeat: int, cold: bool = False) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            executed.append(sql),
            execute(sql, params, many, context),
        )[1]
    ):
        client.get(url)
    times, cpu = [], []
    for _ in range(repeat):
        if cold:  # the first reader after a recompute: no page fragment kept yet
            cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        # this process's CPU (the database's apart): less sensitive than the clock to what else runs
        "cpu_ms": round(statistics.median(cpu), 1),
        "queries": len(executed),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--counties", type=int, default=120)
    parser.add_argument("--cold", action="store_true", help="clear the cache before each request")
    parser.add_argument("--only", action="append", metavar="PAGE", help="measure this page only (repeatable)")
    args = parser.parse_args()
    prepare(args.counties)
    county = Region.objects.filter(parent__parent__code=PROVINCE, level="county").order_by("code").first()
    values = {
        "county": county.code,
        "city": county.parent.code,
        "school": School.objects.filter(county=county)
        .order_by("code")
        .values_list("code", flat=True)
        .first(),
    }
    schools = School.objects.filter(county=county).count()
    people = {
        "clerk": User.objects.get(username="bench-clerk"),
        "official": User.objects.get(username="bench-official"),
    }
    rows = []
    for name, pattern, who in PAGES:
        if args.only and name not in args.only and who is not None:  # the floor is always measured
            continue
        url = pattern.format(**values)
        personas = ["anonymous"] if who is None else (["clerk", "official"] if who == "both" else [who])
        for persona in personas:
            client = Client()
            if persona != "anonymous":
                client.force_login(people[persona])
            result = {
                "page": name,
                "url": url,
                "persona": persona,
                **measure(client, url, args.repeat, args.cold),
            }
            rows.append(result)
            print(
                f"{name:14} {persona:9} {result['median_ms']:8.1f} ms (min {result['min_ms']:.1f}, "
                f"CPU {result['cpu_ms']:.1f}), {result['queries']} queries",
                flush=True,
            )
    print(
        f"\nclerk of {county.code} ({schools} schools); official of the province {PROVINCE} "
        f"({Region.objects.filter(parent__parent__code=PROVINCE, level='county').count()} counties, "
        f"{School.objects.filter(county__parent__parent__code=PROVINCE).count()} schools); "
        f"{args.repeat} repeats{' (cold cache)' if args.cold else ''}, {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}\n"
    )
    print("| page | persona | median ms | min ms | CPU ms | queries |\n|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['page']} `{r['url']}` | {r['persona']} | {r['median_ms']} | {r['min_ms']} | {r['cpu_ms']} "
            f"| {r['queries']} |"
        )
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pages.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
