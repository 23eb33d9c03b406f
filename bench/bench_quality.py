"""Benchmark: the data-quality check of one county-year (every default rule), a 2 000-school county against a
20-school one, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_bench .venv/bin/python bench/bench_quality.py

On first use it migrates and generates the data with `generate_scale` (synthetic provinces 960000: one county of
2 000 schools × 30 teachers × 20 classes, and 950000: one county of 20 schools). Then, per county: one warm-up and
N timed runs of `quality.services.check_county_year` (median, min) and the number of queries one run sends. The
point: the check is one query per rule over the whole county-year, so the queries are the same for both counties
and the time grows with the rows the database scans, not with round trips.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.models import Region  # noqa: E402
from quality import services  # noqa: E402
from schools.models import School, SchoolYear  # noqa: E402

PROVINCES = {"960000": 2000, "950000": 20}


def county_of(province_code: str, schools: int) -> Region:
    if not Region.objects.filter(code=province_code).exists():
        call_command(
            "generate_scale",
            counties=1,
            schools_per_county=schools,
            teachers_per_school=30,
            province_code=province_code,
        )
    county = Region.objects.get(level="county", parent__parent__code=province_code)
    # generate_scale writes one year: give every school a previous year (±30 % of this year's figures) so the
    # comparison with last year has rows to join.
    this_year = SchoolYear.objects.filter(school__county=county, year=2024)
    if not SchoolYear.objects.filter(school__county=county, year=2023).exists():
        earlier = []
        for i, row in enumerate(this_year):
            row.pk, row.year = None, 2023
            factor = 0.7 + (i % 7) * 0.1
            for name in ("primary_students", "junior_students", "staff", "books", "computers"):
                value = getattr(row, name)
                setattr(row, name, None if value is None else int(value * factor))
            earlier.append(row)
        SchoolYear.objects.bulk_create(earlier, batch_size=1000)
    return county


def measure(county: Region, repeats: int) -> dict:
    services.check_county_year(county.pk, 2024)  # warm-up (and the run row exists)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run = services.check_county_year(county.pk, 2024)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        services.check_county_year(county.pk, 2024)
    not_inserts = sum(1 for q in captured.captured_queries if not q["sql"].startswith("INSERT"))
    return {
        "schools": School.objects.filter(county=county).count(),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "queries": not_inserts,
        "inserts": len(captured.captured_queries) - not_inserts,
        "findings": run.errors + run.warnings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    services.rules_seed_defaults()
    print(
        "| county | schools | median | min | queries (not counting inserts) | insert statements | findings |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for code, schools in PROVINCES.items():
        county = county_of(code, schools)
        r = measure(county, args.repeats)
        print(
            f"| {county.code} | {r['schools']} | {r['median_s'] * 1000:.0f} ms | {r['min_s'] * 1000:.0f} ms "
            f"| {r['queries']} | {r['inserts']} | {r['findings']} |"
        )


if __name__ == "__main__":
    main()
