"""Benchmark (not a test): teacher rows/s of the workbook importer on PostgreSQL, CSV and xlsx, full validation,
against (a) a bare PostgreSQL COPY of the same rows (floor) and (b) django-import-export's default import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_imports_bench \
        .venv/bin/python bench/bench_import.py --rows 200000 --ie-rows 2000

Creates the schema with migrate, one county and 200 schools, then times each path on an emptied teacher table
(the "again" path imports the file once untimed, then times importing the same file again: every row compared,
nothing written).
Prints one Markdown table for docs/benchmarks.md ("## Import"). Peak memory is the process's max RSS, measured in a
fresh subprocess per path so one path's peak does not hide another's.
"""

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
SCHOOLS = 200
HEADER = [
    "学年",
    "学校标识码",
    "教师编号",
    "姓名",
    "性别",
    "出生年月",
    "任教学段",
    "是否专任教师",
    "最高学历",
    "任教学科",
    "骨干教师级别",
    "专业技术职务",
    "是否持有教师资格证",
    "五年累计培训学时",
    "是否符合交流条件",
    "本学年是否交流轮岗",
]


def setup_django():
    import django

    django.setup()


def teacher_rows(n):
    degrees = ["本科", "研究生", "专科", "本科", "本科"]
    for i in range(n):
        yield [
            2024,
            f"37139{i % SCHOOLS:05d}",
            f"T{i:09d}",
            f"教师{i}",
            "男" if i % 2 else "女",
            f"19{60 + i % 40}-{1 + i % 12:02d}",
            "小学" if i % 3 else "初中",
            "是",
            degrees[i % 5],
            "语文",
            "无",
            "一级",
            "是",
            300 + i % 200,
            "是",
            "否",
        ]


def write_files(n, folder: Path):
    import csv

    import openpyxl

    csv_path = folder / "教师.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(teacher_rows(n))
    xlsx_path = folder / "teachers.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("教师")
    sheet.append(HEADER)
    for row in teacher_rows(n):
        sheet.append(row)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def prepare_database():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.models import Region
    from schools.models import School
    from teachers.models import Teacher

    Teacher.objects.all().delete()
    province, _ = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code="371300", defaults={"name": "临沂市", "level": "city", "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="371399", defaults={"name": "示范县", "level": "county", "parent": city}
    )
    School.objects.bulk_create(
        [
            School(
                code=f"37139{i:05d}", name=f"学校{i}", county=county, kind="primary", urban_rural_code="111"
            )
            for i in range(SCHOOLS)
        ],
        ignore_conflicts=True,
    )


def run_path(kind, path, n):
    """Runs in a child process; prints seconds and peak RSS (MB)."""
    setup_django()
    from django.db import connection

    from teachers.models import Teacher

    Teacher.objects.all().delete()
    if kind == "csv_again":
        from workbook.importer import import_workbook

        assert import_workbook(path).ok
    start = time.perf_counter()
    if kind == "csv_again":
        result = import_workbook(path)
        assert result.ok and not result.changed, result.counts
    elif kind in ("csv", "xlsx"):
        from workbook.importer import import_workbook

        result = import_workbook(path)
        assert result.ok, result.errors[:3]
    elif kind == "copy":
        school_ids = dict(connection.cursor().execute("select code, id from schools_school") or [])
        if not school_ids:
            with connection.cursor() as cur:
                cur.execute("select code, id from schools_school")
                school_ids = dict(cur.fetchall())
        import csv
        import io

        buffer = io.StringIO()
        out = csv.writer(buffer)
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for r in reader:
                out.writerow(
                    [
                        r[0],
                        school_ids[r[1]],
                        r[2],
                        r[3],
                        "male",
                        r[5],
                        "primary",
                        "t",
                        "bachelor",
                        r[9],
                        "none",
                        "first",
                        "t",
                        r[13],
                        "t",
                        "f",
                        "now()",
                        "now()",
                    ]
                )
        buffer.seek(0)
        with connection.cursor() as cur:
            cur.copy_expert(
                "COPY teachers_teacher (year, school_id, teacher_id, name, gender, birth_month, stage, full_time, degree,"
                " subject, backbone_level, title, certified, training_hours, rotation_eligible, rotated, created_at,"
                " updated_at) FROM STDIN WITH (FORMAT csv)",
                buffer,
            )
    elif kind == "import_export":
        import tablib

        from workbook.resources_teachers import TeacherResource

        with connection.cursor() as cur:
            cur.execute("select id, code from schools_school")
        data = tablib.Dataset(
            headers=["school", "year", "teacher_id", "name", "stage", "degree", "full_time", "backbone_level"]
        )
        with open(path, encoding="utf-8-sig") as fh:
            import csv

            reader = csv.reader(fh)
            next(reader)
            for r in reader:
                data.append([r[1], r[0], r[2], r[3], "primary", "bachelor", 1, "none"])
        result = TeacherResource().import_data(data, dry_run=False)
        assert not result.has_errors()
    seconds = time.perf_counter() - start
    count = Teacher.objects.count()
    assert count == n, (count, n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak:.0f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--ie-rows", type=int, default=20_000, help="rows for django-import-export (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh child processes per path (median, min)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, n = args.child
        run_path(kind, path, int(n))
        return
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://…")
    prepare_database()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    csv_path, xlsx_path = write_files(args.rows, folder)
    small_csv, _ = write_files(args.ie_rows, Path(tempfile.mkdtemp(prefix="bench-ie-")))
    rows = []
    for label, kind, path, n in [
        ("均衡 importer, CSV, full validation", "csv", csv_path, args.rows),
        ("均衡 importer, xlsx (calamine), full validation", "xlsx", xlsx_path, args.rows),
        ("均衡 importer, CSV, same file again (all unchanged)", "csv_again", csv_path, args.rows),
        ("PostgreSQL COPY of the same rows (floor)", "copy", csv_path, args.rows),
        ("django-import-export default import", "import_export", small_csv, args.ie_rows),
    ]:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(path), str(n)],
                capture_output=True,
                text=True,
                env=os.environ,
                check=True,
            ).stdout.split()
            runs.append((float(out[-2]), int(out[-1])))
        times = sorted(t for t, _ in runs)
        median, best, peak = times[len(times) // 2], times[0], max(p for _, p in runs)
        rows.append(
            f"| {label} | {n:,} | {median:.1f} s | {n / median:,.0f} | {best:.1f} s | {n / best:,.0f} | {peak} MB |"
        )
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}"
    )
    print(f"{args.repeat} runs per path, os.getloadavg() at the end: {os.getloadavg()[0]:.1f}")
    print(
        "| path | rows | median | rows/s (median) | min | rows/s (best) | peak RSS |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
