"""Benchmark: the indicator engine's recompute against the floor (the bare GROUP BY queries over the same inputs).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_bench .venv/bin/python bench/bench_recompute.py

PostgreSQL only (the production database). On first use it migrates and generates the data with
`generate_scale`: a county of 100 schools × 60 teachers (province 970000) and a province of 120 counties ×
125 schools × 40 teachers (province 980000). Then, in one run:

- one county: `indicators.runs.recompute_county(county_id, year)`, warm-up + N timed repeats (median, min),
  and the floor: the same county's input queries (school facts, teacher and class GROUP BYs with the same
  conditional counts, offending classes, funding, achievement, county inputs), written as plain SQL; also that
  floor with school facts and funding read through their (school, year) index (as the engine reads one county);
- the province: `recompute_county` for each of the 120 counties in turn, and `recompute_many` (what the
  `recompute` command runs: inputs read 20 counties per query, each county stored in its own transaction, run
  records and roll-ups), end to end; the floor for the same 120 counties (the per-county queries in turn) and as
  single province-wide GROUP BYs;
- memory: tracemalloc peak of Python allocations during each measurement, and the process's ru_maxrss.

Targets (docs/benchmarks.md): one county ≤ 0.3 s, the province ≤ 30 s, each within 3× of its floor.
Results are printed as a Markdown table and written to bench/out/recompute.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DEBUG"] = "0"  # no query log: it would cost time and memory the portal does not spend

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from core.models import Region  # noqa: E402
from schools.models import Achievement, CountyYear, Funding, School, SchoolClass, SchoolYear  # noqa: E402
from teachers.models import Teacher  # noqa: E402

COUNTY_PROVINCE = "970000"
BIG_PROVINCE = "980000"
YEAR = 2024

T = {
    m.__name__: connection.ops.quote_name(m._meta.db_table)
    for m in (School, SchoolYear, SchoolClass, Teacher)
}
T |= {m.__name__: connection.ops.quote_name(m._meta.db_table) for m in (Funding, Achievement, CountyYear)}

# The floor: what any implementation must read. Conditions follow spec/indicators.md (written here independently).
TEACHER_SQL = f"""
SELECT t.school_id, t.stage,
  count(*) FILTER (WHERE t.full_time),
  count(*),
  count(*) FILTER (WHERE t.full_time AND t.degree IN ('postgraduate', 'bachelor', 'associate')),
  count(*) FILTER (WHERE t.full_time AND t.degree IN ('postgraduate', 'bachelor')),
  count(*) FILTER (WHERE t.full_time AND t.backbone_level IN ('county', 'city', 'province', 'national')),
  count(*) FILTER (WHERE t.full_time AND t.subject IN ('体育', '音乐', '美术', '艺术')),
  count(*) FILTER (WHERE t.full_time AND t.title IN ('first', 'senior', 'senior_professor')),
  count(*) FILTER (WHERE t.full_time AND t.certified),
  count(*) FILTER (WHERE t.full_time AND t.certified IS NOT NULL),
  count(*) FILTER (WHERE t.full_time AND t.training_hours >= 360),
  count(*) FILTER (WHERE t.full_time AND t.training_hours IS NOT NULL),
  count(*) FILTER (WHERE t.full_time AND t.rotation_eligible),
  count(*) FILTER (WHERE t.full_time AND t.rotated),
  count(*) FILTER (WHERE t.full_time AND t.rotated AND t.backbone_level IN ('county', 'city', 'province', 'national'))
FROM {T["Teacher"]} t JOIN {T["School"]} s ON s.id = t.school_id
WHERE s.county_id = ANY(%s) AND t.year = %s
GROUP BY t.school_id, t.stage
"""
CLASS_SQL = f"""
SELECT c.school_id, c.stage, count(*), sum(c.students), max(c.students),
  count(*) FILTER (WHERE (c.stage = 'primary' AND c.students > 45) OR (c.stage = 'junior' AND c.students > 50)),
  count(*) FILTER (WHERE c.students >= 56),
  count(*) FILTER (WHERE c.students >= 66)
FROM {T["SchoolClass"]} c JOIN {T["School"]} s ON s.id = c.school_id
WHERE s.county_id = ANY(%s) AND c.year = %s
GROUP BY c.school_id, c.stage
"""
OFFENDING_SQL = f"""
SELECT s.code, c.stage, c.name, c.students
FROM {T["SchoolClass"]} c JOIN {T["School"]} s ON s.id = c.school_id
WHERE s.county_id = ANY(%s) AND c.year = %s
  AND ((c.stage = 'primary' AND c.students > 45) OR (c.stage = 'junior' AND c.students > 50))
ORDER BY s.code, c.grade, c.name
"""
SCHOOL_SQL = f"""
SELECT s.id, s.code, s.name, s.kind, s.urban_rural_code, s.ownership, s.boarding, s.urban_quality_reference,
  y.primary_students, y.junior_students, y.senior_students, y.boarders, y.staff, y.teaching_area,
  y.indoor_sports_area, y.sports_ground_area, y.equipment_value, y.multimedia_rooms, y.computers, y.books,
  y.music_rooms, y.art_rooms
FROM {T["SchoolYear"]} y JOIN {T["School"]} s ON s.id = y.school_id
WHERE s.county_id = ANY(%s) AND y.year = %s
"""
FUNDING_SQL = f"""
SELECT s.code, f.public_funds, f.public_budget, f.training_funds
FROM {T["Funding"]} f JOIN {T["School"]} s ON s.id = f.school_id WHERE s.county_id = ANY(%s) AND f.year = %s
"""
ACHIEVEMENT_SQL = f"""
SELECT s.code, a.stage, a.subject, a.tested, a.mean_score
FROM {T["Achievement"]} a JOIN {T["School"]} s ON s.id = a.school_id WHERE s.county_id = ANY(%s) AND a.year = %s
"""
COUNTY_SQL = f"SELECT * FROM {T['CountyYear']} WHERE county_id = ANY(%s) AND year = %s"
FLOOR_QUERIES = (SCHOOL_SQL, TEACHER_SQL, CLASS_SQL, OFFENDING_SQL, FUNDING_SQL, ACHIEVEMENT_SQL, COUNTY_SQL)
# The same floor with the one-row-per-school tables read through their (school, year) index for the county's
# schools (what the engine does for one county since Run E; the planner's default is a hash join over the whole
# table). A tighter floor for one county; for many counties the hash join is the faster plan.
_BY_SCHOOL = f"school_id = ANY(ARRAY(SELECT id FROM {T['School']} WHERE county_id = ANY(%s)))"
FLOOR_QUERIES_INDEXED = tuple(
    sql.replace("AND y.year = %s", f"AND y.year = %s AND y.{_BY_SCHOOL}").replace(
        "AND f.year = %s", f"AND f.year = %s AND f.{_BY_SCHOOL}"
    )
    for sql in FLOOR_QUERIES
)


def floor(county_ids: list[int], year: int, indexed: bool = False) -> int:
    """Run every input query for these counties and fetch all rows; returns the number of rows read."""
    rows = 0
    with connection.cursor() as cursor:
        for sql in FLOOR_QUERIES_INDEXED if indexed else FLOOR_QUERIES:
            cursor.execute(sql, [county_ids, year] + ([county_ids] if _BY_SCHOOL in sql else []))
            rows += len(cursor.fetchall())
    return rows


def measure(
    fn: Callable[[], object],
    repeat: int,
    warmup: int = 1,
    trace: bool = True,
    setup: Callable[[], object] | None = None,
) -> dict:
    """Median and minimum of `repeat` timed calls after `warmup` untimed ones; setup (untimed) before each."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    peak = None
    if trace:
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "runs": times,
        "py_peak_mib": None if peak is None else peak / 2**20,
    }


def phases(county: Region, repeat: int) -> dict:
    """Where one county's recompute spends its time: reading inputs (the engine's own selector), computing the
    report (pure Python), and the rest (storing the results). Uses the engine's internals; skipped if they move."""
    try:
        from indicators import rules
        from indicators.formulas import compute_report
        from indicators.inputs import county_inputs, current_rule_set
    except ImportError as error:
        return {"skipped": str(error)}
    quality, basic = current_rule_set(rules.QUALITY_2017), current_rule_set(rules.BASIC_2012)
    data = county_inputs(county, YEAR, quality.params)
    return {
        "read_inputs": measure(lambda: county_inputs(county, YEAR, quality.params), repeat),
        "compute_report": measure(lambda: compute_report(data, quality.params, basic.params), repeat),
    }


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code=COUNTY_PROVINCE).exists():
        print("generating the benchmark county (100 schools × 60 teachers) …", flush=True)
        call_command(
            "generate_scale",
            counties=1,
            schools_per_county=100,
            teachers_per_school=60,
            classes_per_school=24,
            province_code=COUNTY_PROVINCE,
            year=YEAR,
            seed=2,
        )
    if not Region.objects.filter(code=BIG_PROVINCE).exists():
        print("generating the province (120 counties × 125 schools × 40 teachers) …", flush=True)
        call_command("generate_scale", counties=120, province_code=BIG_PROVINCE, year=YEAR, seed=1)


def vacuum_results() -> None:
    """VACUUM ANALYZE the result tables, as autovacuum would between recomputes in production (the shared bench
    server runs with autovacuum off, and each repeat leaves a county's old rows dead behind it)."""
    with connection.cursor() as cursor:
        for table in ("indicators_countyresult", "indicators_indicatorresult", "indicators_unitresult"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def machine() -> dict:
    def sh(command: str) -> str:
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0]
    return {
        "nproc": sh("nproc"),
        "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        "memory": sh("free -h | awk '/^Mem:/ {print $2}'"),
        "postgresql": pg.split(" on ")[0],
        "python": platform.python_version(),
    }


def size_of(county_ids: list[int]) -> dict:
    schools = School.objects.filter(county_id__in=county_ids)
    return {
        "counties": len(county_ids),
        "schools": schools.count(),
        "teachers": Teacher.objects.filter(school__in=schools, year=YEAR).count(),
        "classes": SchoolClass.objects.filter(school__in=schools, year=YEAR).count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats for one county (default 5)")
    parser.add_argument("--province-repeat", type=int, default=1, help="timed repeats for the province")
    parser.add_argument("--skip-province", action="store_true")
    parser.add_argument(
        "--no-trace-province",
        dest="trace_province",
        action="store_false",
        help="skip the province's memory run",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench_recompute needs PostgreSQL: set DATABASE_URL (e.g. …/junheng_bench)", file=sys.stderr)
        return 2
    ensure_data()
    from indicators.runs import recompute_county, recompute_many

    one = Region.objects.get(parent__parent__code=COUNTY_PROVINCE, level="county")
    province = list(
        Region.objects.filter(parent__parent__code=BIG_PROVINCE, level="county")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    out: dict = {"machine": machine(), "year": YEAR}

    print(f"one county: {size_of([one.pk])}", flush=True)
    vacuum_results()
    out["county"] = {
        "size": size_of([one.pk]),
        "recompute": measure(lambda: recompute_county(one.pk, YEAR), args.repeat, setup=vacuum_results),
        "floor": measure(lambda: floor([one.pk], YEAR), args.repeat),
        "floor_indexed": measure(lambda: floor([one.pk], YEAR, indexed=True), args.repeat),
        "phases": phases(one, args.repeat),
    }

    if not args.skip_province:
        print(f"province: {size_of(province)}", flush=True)
        vacuum_results()

        def province_recompute():
            for county_id in province:
                recompute_county(county_id, YEAR)

        def province_batch():
            recompute_many(province, YEAR)

        def province_floor_per_county():
            for county_id in province:
                floor([county_id], YEAR)

        out["province"] = {
            "size": size_of(province),
            "recompute": measure(
                province_recompute,
                args.province_repeat,
                warmup=0,
                trace=args.trace_province,
                setup=vacuum_results,
            ),
            "recompute_many": measure(
                province_batch,
                args.province_repeat,
                warmup=0,
                trace=args.trace_province,
                setup=vacuum_results,
            ),
            "floor_per_county": measure(province_floor_per_county, args.province_repeat),
            "floor_one_query_each": measure(lambda: floor(province, YEAR), args.province_repeat),
        }
    out["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "recompute.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print_table(out)
    return 0


def print_table(out: dict) -> None:
    m = out["machine"]
    print(
        f"\nmachine: {m['nproc']} CPU ({m['cpu']}), {m['memory']} RAM, {m['postgresql']}, Python {m['python']}"
    )
    print("\n| measurement | median | min | Python peak | × floor | target |")
    print("|---|---|---|---|---|---|")
    c = out["county"]
    ratio = c["recompute"]["median_s"] / c["floor"]["median_s"]
    row("one county: recompute_county", c["recompute"], f"{ratio:.1f}×", "≤ 0.3 s, ≤ 3× floor")
    row("one county: floor (input queries)", c["floor"], "1×", "")
    if "floor_indexed" in c:
        ratio = c["recompute"]["median_s"] / c["floor_indexed"]["median_s"]
        row("one county: floor, school-year and funding by index", c["floor_indexed"], "", "")
        print(f"| one county: recompute_county against that floor | | | | {ratio:.1f}× | |")
    if "read_inputs" in c.get("phases", {}):
        floor_s = c["floor"]["median_s"]
        for name, label in (("read_inputs", "reading inputs"), ("compute_report", "computing the report")):
            result = c["phases"][name]
            row(f"one county, phase: {label}", result, f"{result['median_s'] / floor_s:.1f}×", "")
        rest = c["recompute"]["median_s"] - sum(
            c["phases"][n]["median_s"] for n in ("read_inputs", "compute_report")
        )
        print(
            f"| one county, phase: storing results (the rest) | {rest * 1000:.0f} ms | | | {rest / floor_s:.1f}× | |"
        )
    if "province" in out:
        p = out["province"]
        ratio = p["recompute"]["median_s"] / p["floor_per_county"]["median_s"]
        row("province: recompute_county × 120", p["recompute"], f"{ratio:.1f}×", "≤ 30 s, ≤ 3× floor")
        ratio = p["recompute_many"]["median_s"] / p["floor_per_county"]["median_s"]
        row(
            "province: recompute_many (batched reads)",
            p["recompute_many"],
            f"{ratio:.1f}×",
            "≤ 30 s, ≤ 3× floor",
        )
        row("province: floor, per county × 120", p["floor_per_county"], "1×", "")
        row("province: floor, one query per input", p["floor_one_query_each"], "", "")
    print(f"\nprocess ru_maxrss: {out['ru_maxrss_mib']:.0f} MiB")


def row(name: str, result: dict, ratio: str, target: str) -> None:
    peak = "" if result["py_peak_mib"] is None else f"{result['py_peak_mib']:.1f} MiB"
    print(
        f"| {name} | {result['median_s'] * 1000:.0f} ms | {result['min_s'] * 1000:.0f} ms "
        f"| {peak} | {ratio} | {target} |"
    )


if __name__ == "__main__":
    sys.exit(main())
