"""Benchmark (not a test): teacher rows/s of the workbook importer on PostgreSQL, CSV and xlsx, full validation,
against (a) a bare PostgreSQL COPY of the same rows (floor) and (b) django-import-export's default import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_imports_bench \
        .venv/bin/python bench/bench_import.py --rows 200000 --ie-rows 2000

Creates the schema with migrate, one county and 200 schools, then times each path on an emptied teacher table
(the "again" path imports the file once untimed, then times importing the same file again: every row compared,
nothing written).
Prints one Markdown table for docs/benchmarks.md ("## Import"). Peak memory is the process's max RSS, measured in a
fresh subprocess per path so one path's peak does not hide another's.

The whole-workbook case (issue 11), as an administrator runs it:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_workbook_bench \
        CELERY_BROKER_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python bench/bench_import.py --workbook --schools 2000 --repeat 3

generates one county of a synthetic province (2 000 schools, ~105 000 teachers, ~40 000 classes, achievement,
funding, county figures), exports it with the portal's own exporter as a GB18030 CSV folder and as xlsx, and then,
in rounds whose order rotates (so drift on a shared machine falls on every path alike): the county's data deleted
and the tables vacuumed, then `import_workbook` of the CSV folder (timed: the import's wall time inside the
process, Django's start-up and the recompute excluded — the recompute is queued to the broker, which nobody
consumes here, and purged), the same folder again (every row compared, nothing written), a copy in which 5 % of
the teachers and classes changed; the county deleted again and the xlsx imported; and the floor: a bare
`COPY … (FORMAT csv, ENCODING 'GB18030')` of the same teacher file into a table of text columns; and the
database's share: the import's rows as the tables hold them, COPYed into the real tables with their keys, indexes
and audit record and committed, with no Python between the rows (the floor no importer can go below).

With --db-share, that share with and without the audit record and the foreign keys of the tables written.

Run it from the root of the checkout it measures: its child processes import part of the project from the working
directory.

With --confirm, the web flow against one direct import of the same file (a zip of the GB18030 CSV folder, and the
xlsx), each round on an emptied county, order rotating: `import_workbook` of the file; an ImportBatch previewed
(`batches.batch_validate`, one process) then confirmed (`batches.batch_run`, another process: as a worker does)
starting from the kept parse; and the same with the kept parse removed before the confirm (what the confirm cost
before: the file read and parsed again).

    DATABASE_URL=… CELERY_BROKER_URL=… .venv/bin/python bench/bench_import.py --workbook --confirm --schools 2000
"""

import argparse
import io
import json
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


# --- The whole county workbook (issue 11) ---------------------------------------------------------------------------

WORKBOOK_PROVINCE = "970000"


def workbook_prepare(schools: int, teachers_per_school: int, classes_per_school: int, folder: Path) -> dict:
    """Generate the county once (kept between runs of the bench), export it, return the files and row counts."""
    import csv
    import zipfile

    from django.core.management import call_command

    from core.models import Region
    from workbook import exporters
    from workbook.scale import ScaleSpec, delete_province, generate

    call_command("migrate", verbosity=0)
    county = Region.objects.filter(parent__parent__code=WORKBOOK_PROVINCE, level="county").first()
    if county is None or not county.schools.exists():
        if county is not None:
            delete_province(WORKBOOK_PROVINCE)
        generate(
            ScaleSpec(
                counties=1,
                schools_per_county=schools,
                teachers_per_school=teachers_per_school,
                classes_per_school=classes_per_school,
                province_code=WORKBOOK_PROVINCE,
            )
        )
        county = Region.objects.get(parent__parent__code=WORKBOOK_PROVINCE, level="county")
    floor = _dump_db_rows(county, folder / "db-rows")
    zip_path = folder / "county.zip"
    xlsx_path = folder / "county.xlsx"
    exporters.write_county_csv_zip(zip_path, [county.pk])
    exporters.write_county_workbook(xlsx_path, [county.pk])
    csv_dir = folder / "csv-gb18030"
    changed_dir = folder / "csv-gb18030-5pct"
    csv_dir.mkdir()
    changed_dir.mkdir()
    counts = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            rows = list(csv.reader(io_text(archive.read(name))))
            counts[name] = len(rows) - 1
            for target, rows_out in ((csv_dir, rows), (changed_dir, _changed_5pct(name, rows))):
                with open(target / name, "w", encoding="gb18030", newline="") as fh:
                    csv.writer(fh).writerows(rows_out)
    return {
        "county": county,
        "csv": csv_dir,
        "csv_5pct": changed_dir,
        "xlsx": xlsx_path,
        "teacher_file": csv_dir / "教师.csv",
        "db_rows": floor,
        "teachers": counts.get("教师.csv", 0),
        "rows": counts,
    }


DB_ROW_TABLES = (
    "schools",
    "school_years",
    "classes",
    "teachers",
    "funding",
    "achievement",
)  # county_years: kept by the reset


def _dump_db_rows(county, folder: Path) -> Path:
    """The county's rows as the tables hold them (CSV from COPY TO, without the ids and the stamps; schools with
    their ids, which their children name), for the database's share (`workbook_child("dbrows")`)."""
    import json

    from django.db import connection

    from workbook.importer import MODELS
    from workbook.writers import STAMPS

    folder.mkdir()
    manifest = []
    with connection.cursor() as cursor:
        for key in DB_ROW_TABLES:
            model = MODELS[key]
            keep_id = key == "schools"
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.attname not in STAMPS and (keep_id or not f.primary_key)
            ]
            table = model._meta.db_table
            where = (
                "t.county_id = %s"
                if any(f.attname == "county_id" for f in model._meta.concrete_fields)
                else "t.school_id IN (SELECT id FROM schools_school WHERE county_id = %s)"
            )
            select = cursor.mogrify(
                f"SELECT {', '.join('t.' + c for c in columns)} FROM {table} t WHERE {where} ORDER BY t.id",
                [county.pk],
            ).decode()
            path = folder / f"{key}.csv"
            with open(path, "w", encoding="utf-8") as fh:
                cursor.cursor.copy_expert(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", fh)
            with open(path, encoding="utf-8") as fh:
                count = sum(1 for _ in fh)  # no field of these tables holds a line break
            manifest.append(
                {"key": key, "table": table, "columns": columns, "rows": count, "path": str(path)}
            )
        cursor.execute(
            "SELECT DISTINCT year FROM schools_schoolyear WHERE school_id IN "
            "(SELECT id FROM schools_school WHERE county_id = %s) ORDER BY year",
            [county.pk],
        )
        years = [year for (year,) in cursor.fetchall()]
    (folder / "manifest.json").write_text(
        json.dumps({"county": county.pk, "years": years, "tables": manifest})
    )
    return folder


def db_rows_child(folder: str) -> tuple[float, dict]:
    """The database's share of the whole-county import, with no Python between the rows: the rows exactly as
    the import writes them (dumped from the tables, stamped now) COPYed into the real tables, with their
    indexes, keys and history, and the same audit record (record_batch), in one transaction, committed (the
    deferred key checks run there). Only the COPYs, the record and the commit are timed: (seconds, by phase)."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from audit.context import importing
    from audit.services import record_batch

    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    with importing(None):
        now = timezone.now().isoformat()
        tail = f",{now},{now},\n"  # created_at, updated_at, updated_by_id (NULL: the system imports)
        texts = []
        for table in manifest["tables"]:
            with open(table["path"], encoding="utf-8") as fh:
                texts.append((table, "".join(line[:-1] + tail for line in fh)))
        counts = {
            t["key"]: {"created": t["rows"], "updated": 0, "unchanged": 0, "deleted": 0}
            for t in manifest["tables"]
        }
        years = manifest["years"]
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for table, text in texts:
                columns = ", ".join([*table["columns"], "created_at", "updated_at", "updated_by_id"])
                cursor.cursor.copy_expert(
                    f"COPY {table['table']} ({columns}) FROM STDIN WITH (FORMAT csv)", io.StringIO(text)
                )
            copied = time.perf_counter()
            record_batch(user=None, county_ids=[manifest["county"]], years=years, counts=counts)
            recorded = time.perf_counter()
        end = time.perf_counter()
        return end - start, {
            "copy": copied - start,
            "audit record": recorded - copied,
            "commit": end - recorded,
        }


def io_text(data: bytes):
    import io

    return io.StringIO(data.decode("utf-8-sig"), newline="")


def _changed_5pct(name: str, rows: list[list[str]]) -> list[list[str]]:
    """Every 20th teacher gets 8 more training hours, every 20th class one more pupil: 5 % of the rows updated."""
    header, body = rows[0], [list(r) for r in rows[1:]]
    column = {"教师.csv": "五年累计培训学时", "班级.csv": "学生数"}.get(name)
    if column is None or column not in header:
        return rows
    i = header.index(column)
    for n, row in enumerate(body):
        if n % 20 == 0 and row[i].strip():
            row[i] = str(int(float(row[i])) + (8 if name == "教师.csv" else 1))
    return [header, *body]


def workbook_reset(county_id: int) -> None:
    """Delete the county's schools and everything under them (regions stay), then vacuum what was emptied."""
    from django.db import connection

    from schools.models import School, SchoolClass
    from teachers.models import Teacher
    from workbook.models import ImportBatch  # noqa: F401  (its table is kept: batches are history)

    schools = School.objects.filter(county_id=county_id)
    Teacher.objects.filter(school__in=schools)._raw_delete(Teacher.objects.db)
    SchoolClass.objects.filter(school__in=schools)._raw_delete(SchoolClass.objects.db)
    schools.delete()
    with connection.cursor() as cursor:
        # the audit trail starts empty in every round, so each round records the same rows
        from audit.registry import AUDITED

        cursor.execute("TRUNCATE " + ", ".join(a.history._meta.db_table for a in AUDITED))
        cursor.execute("VACUUM ANALYZE")


def workbook_child(kind: str, path: str) -> None:
    """One timed path in a fresh process: prints seconds, peak RSS (MB) and the per-phase seconds if reported."""
    import json

    setup_django()
    from django.db import connection

    if kind == "dbrows":
        if os.environ.get("BENCH_AUDIT") == "off":  # --db-share: the rows without their audit record
            import audit.services

            audit.services.record_batch = lambda **kwargs: {}
        (seconds, timings), cpu = db_rows_child(path), None
    elif kind == "copy":
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_copy_floor")
            with open(path, "rb") as fh:
                header = fh.readline().decode("gb18030").strip().split(",")
                cursor.execute(
                    "CREATE TABLE bench_copy_floor ("
                    + ", ".join(f"c{i} text" for i in range(len(header)))
                    + ")"
                )
                fh.seek(0)
                cursor.cursor.copy_expert(
                    "COPY bench_copy_floor FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'GB18030')", fh
                )
        seconds = time.perf_counter() - start
        cpu = None
        timings: dict = {}
    else:
        from audit.context import importing
        from workbook import importer
        from workbook.importer import import_workbook

        if os.environ.get("BENCH_AUDIT") == "off":  # --audit-compare: the import without its audit record
            importer.record_batch = lambda **kwargs: {}
        from django.contrib.auth import get_user_model

        # --user: as a signed-in administrator (the rows' updated_by and the history rows name the user)
        user = None
        if os.environ.get("BENCH_USER"):
            user = get_user_model().objects.get(username=os.environ["BENCH_USER"])
        start, cpu = time.perf_counter(), time.process_time()
        with importing(None, user=user):  # as the web flow and the import_workbook command run it
            result = import_workbook(path, user=user)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert result.ok, result.errors[:3]
        if kind == "again":
            assert not result.changed, result.counts
        timings = getattr(result, "timings", None) or {}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": round(_peak_rss_mb()), "timings": timings}))


def confirm_child(kind: str, batch_id: str) -> None:
    """One step of the web flow in a fresh process: preview (batch_validate) or confirm (batch_run)."""
    import json

    setup_django()
    from workbook import batches, kept
    from workbook.models import ImportBatch

    timings: dict = {}
    import_parsed = batches.import_parsed

    def timed(*a, **kw):  # the steps' seconds, which the batch does not keep
        result = import_parsed(*a, **kw)
        timings.update(result.timings)
        return result

    batches.import_parsed = timed
    batch = ImportBatch.objects.get(pk=int(batch_id))
    if kind == "confirm_full":  # as before the kept parse: the confirm reads and parses the file again
        kept.discard(batch)
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "preview":
        batch = batches.batch_validate(batch.pk)
        wanted = ImportBatch.Status.PREVIEW
    else:
        batch = batches.batch_run(batch.pk, user=None)
        wanted = ImportBatch.Status.DONE
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert batch.status == wanted, (batch.status, batch.errors[:3], batch.message)
    path = kept.path_of(batch)
    size = path.stat().st_size if path.exists() else 0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": round(_peak_rss_mb()),
                "kept_mb": size / 1024 / 1024,
                "timings": timings,
            }
        )
    )


def confirm_main(args, files, county_id: int, teachers: int, child) -> None:
    """Preview + confirm against one direct import, for the CSV folder (zipped, as uploaded) and the xlsx."""
    import hashlib
    import json
    import statistics
    import zipfile

    from django.core.files import File
    from django.db import connection

    from workbook import kept
    from workbook.models import ImportBatch

    zip_path = files["csv"].parent / "csv-gb18030.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(files["csv"].iterdir()):
            archive.write(member, member.name)
    uploads = {"csv zip": zip_path, "xlsx": files["xlsx"]}

    def step(kind: str, batch_id: int) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--confirm-child", kind, str(batch_id)],
            capture_output=True,
            text=True,
            env=os.environ,
            check=True,
        ).stdout.strip()
        _purge_broker()
        return json.loads(out.splitlines()[-1])

    def new_batch(path: Path) -> ImportBatch:
        batch = ImportBatch(file_name=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        with open(path, "rb") as fh:
            batch.file.save(f"bench-{path.name}", File(fh), save=False)
        batch.save()
        return batch

    def direct(fmt: str) -> dict:
        workbook_reset(county_id)
        return {(fmt, "direct"): child("import", uploads[fmt])}

    def web(fmt: str, confirm_kind: str) -> dict:
        workbook_reset(county_id)
        batch = new_batch(uploads[fmt])
        try:
            previewed = step("preview", batch.pk)
            confirmed = step(confirm_kind, batch.pk)
        finally:
            kept.discard(batch)
            batch.file.delete(save=False)
            batch.delete()
        label = "kept" if confirm_kind == "confirm" else "full"
        return {(fmt, f"preview ({label})"): previewed, (fmt, f"confirm ({label})"): confirmed}

    runs: dict[tuple[str, str], list[dict]] = {}
    for fmt in uploads:
        paths = [
            lambda f=fmt: direct(f),
            lambda f=fmt: web(f, "confirm"),
            lambda f=fmt: web(f, "confirm_full"),
        ]
        for round_ in range(args.repeat):
            for path in paths[round_ % 3 :] + paths[: round_ % 3]:
                for key, value in path().items():
                    runs.setdefault(key, []).append(value)
    workbook_reset(county_id)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; load at the end "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} rounds, order rotating"
    )
    print("Rows per sheet: " + ", ".join(f"{k.removesuffix('.csv')} {v:,}" for k, v in files["rows"].items()))
    print(
        "| file | direct import | preview | confirm, kept parse | preview + confirm | × direct "
        "| confirm, file read again (before) | preview + confirm before | × direct | kept file | peak RSS |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for fmt in uploads:

        def median(kind: str, f=fmt) -> float:
            return statistics.median(r["seconds"] for r in runs[(f, kind)])

        one = median("direct")
        preview, confirm = median("preview (kept)"), median("confirm (kept)")
        before = median("preview (full)") + median("confirm (full)")
        size = max(r["kept_mb"] for r in runs[(fmt, "preview (kept)")])
        peak = max(r["peak_mb"] for key, rs in runs.items() if key[0] == fmt for r in rs)
        print(
            f"| {fmt} | {one:.2f} s | {preview:.2f} s | {confirm:.2f} s | {preview + confirm:.2f} s | "
            f"{(preview + confirm) / one:.2f}× | {median('confirm (full)'):.2f} s | {before:.2f} s | "
            f"{before / one:.2f}× | {size:.1f} MB | {peak} MB |"
        )
    print(f"({teachers:,} teachers; medians of {args.repeat} fresh processes per step)")
    print(
        "\n| file | step | wall (median) | wall (min) | Python CPU (median) | peak RSS |\n|---|---|---:|---:|---:|---:|"
    )
    for (fmt, kind), rs in runs.items():
        walls = sorted(r["seconds"] for r in rs)
        cpus = [r["cpu"] for r in rs if r.get("cpu") is not None]
        shown = f"{statistics.median(cpus):.2f} s" if cpus else "—"
        print(
            f"| {fmt} | {kind} | {statistics.median(walls):.2f} s | {walls[0]:.2f} s | {shown} | "
            f"{max(r['peak_mb'] for r in rs)} MB |"
        )
    for (fmt, kind), rs in runs.items():
        phases: dict[str, list[float]] = {}
        for r in rs:
            for phase, seconds in r.get("timings", {}).items():
                phases.setdefault(phase, []).append(seconds)
        print(
            f"{fmt}, {kind} by phase (median s): "
            + ", ".join(f"{phase} {statistics.median(v):.2f}" for phase, v in phases.items())
        )


def _peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM). Not ru_maxrss: Linux carries the parent's peak across exec, so a
    child started by a big parent would report the parent's."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _purge_broker() -> None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://"):
        import redis

        redis.Redis.from_url(url).flushdb()


def workbook_main(args) -> None:
    import json
    import statistics

    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://…")
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit(
            "Set CELERY_BROKER_URL=redis://…/N (a database of its own): the recompute is queued, not run"
        )
    folder = Path(tempfile.mkdtemp(prefix="bench-workbook-"))
    files = workbook_prepare(args.schools, args.teachers_per_school, args.classes_per_school, folder)
    county_id, teachers = files["county"].pk, files["teachers"]
    if args.user:
        from django.contrib.auth import get_user_model

        get_user_model().objects.get_or_create(
            username=args.user, defaults={"is_superuser": True, "is_staff": True}
        )

    def child(kind: str, path: Path, audit: str = "on") -> dict:
        out = (
            subprocess.run(
                [sys.executable, __file__, "--workbook-child", kind, str(path)],
                capture_output=True,
                text=True,
                env={**os.environ, "BENCH_AUDIT": audit, "BENCH_USER": args.user or ""},
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        _purge_broker()
        return json.loads(out)

    def csv_chain() -> dict:
        workbook_reset(county_id)
        return {
            "csv": child("import", files["csv"]),
            "csv_again": child("again", files["csv"]),
            "csv_5pct": child("import", files["csv_5pct"]),
        }

    def xlsx() -> dict:
        workbook_reset(county_id)
        return {"xlsx": child("import", files["xlsx"])}

    def copy() -> dict:
        return {"copy": child("copy", files["teacher_file"])}

    def db_rows() -> dict:
        workbook_reset(county_id)
        return {"dbrows": child("dbrows", files["db_rows"])}

    if args.audit_compare:
        audit_compare(args, files, county_id, teachers, child)
        return
    if args.db_share:
        db_share(args, files, county_id, teachers, child)
        return
    if args.confirm:
        confirm_main(args, files, county_id, teachers, child)
        return
    paths = [csv_chain, xlsx, copy, db_rows]
    runs: dict[str, list[dict]] = {}
    for round_ in range(args.repeat):
        order = paths[round_ % len(paths) :] + paths[: round_ % len(paths)]
        for path in order:
            for key, value in path().items():
                runs.setdefault(key, []).append(value)
    workbook_reset(county_id)  # leave the database as the next run expects to find it
    copy_median = statistics.median(r["seconds"] for r in runs["copy"])
    labels = {
        "csv": "均衡 importer, whole county, GB18030 CSV folder",
        "csv_again": "… the same folder again (nothing changed)",
        "csv_5pct": "… a folder with 5 % of teachers and classes changed",
        "xlsx": "均衡 importer, whole county, xlsx",
        "copy": "bare COPY of the teacher file (floor)",
        "dbrows": "the database's share: the import's rows COPYed into the real tables + audit record + commit",
    }
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; load at the end "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} rounds, order rotating; "
        f"importing as {args.user or 'the system (no user)'}"
    )
    print("Rows per sheet: " + ", ".join(f"{k.removesuffix('.csv')} {v:,}" for k, v in files["rows"].items()))
    print(
        "| path | median | min | teacher rows/s (median) | × COPY | peak RSS |\n|---|---:|---:|---:|---:|---:|"
    )
    for key, label in labels.items():
        times = sorted(r["seconds"] for r in runs[key])
        median = statistics.median(times)
        peak = max(r["peak_mb"] for r in runs[key])
        print(
            f"| {label} | {median:.2f} s | {times[0]:.2f} s | {teachers / median:,.0f} | "
            f"{median / copy_median:.1f}× | {peak} MB |"
        )
    for key, title in (("csv", "CSV import"), ("xlsx", "xlsx import"), ("dbrows", "the database's share")):
        phases: dict[str, list[float]] = {}
        for r in runs[key]:
            for phase, seconds in r["timings"].items():
                phases.setdefault(phase, []).append(seconds)
        if phases:
            print(
                f"\n{title} by phase (median s): "
                + ", ".join(f"{phase} {statistics.median(v):.2f}" for phase, v in phases.items())
            )


def audit_compare(args, files, county_id: int, teachers: int, child) -> None:
    """The CSV chain (first import, same folder again, 5 % changed) with and without the audit trail's set-wise
    record (audit.services.record_batch), alternating on/off every round (the first variant alternates too)."""
    import statistics

    from django.db import connection

    runs: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.repeat):
        variants = ["on", "off"] if round_ % 2 == 0 else ["off", "on"]
        for audit in variants:
            workbook_reset(county_id)
            for key, kind, path in (
                ("csv", "import", files["csv"]),
                ("csv_again", "again", files["csv"]),
                ("csv_5pct", "import", files["csv_5pct"]),
            ):
                runs.setdefault((key, audit), []).append(child(kind, path, audit)["seconds"])
    workbook_reset(county_id)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; load at the end "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} rounds, audit on/off alternating"
    )
    print("Rows per sheet: " + ", ".join(f"{k.removesuffix('.csv')} {v:,}" for k, v in files["rows"].items()))
    print("| path | without audit (median) | with audit (median) | ratio | runs |\n|---|---:|---:|---:|---:|")
    labels = {
        "csv": "whole county, GB18030 CSV folder (every row created)",
        "csv_again": "… the same folder again (nothing changed)",
        "csv_5pct": "… 5 % of teachers and classes changed",
    }
    for key, label in labels.items():
        off, on = statistics.median(runs[(key, "off")]), statistics.median(runs[(key, "on")])
        print(f"| {label} | {off:.2f} s | {on:.2f} s | {on / off:.2f}× | {len(runs[(key, 'on')])} |")


def db_share(args, files, county_id: int, teachers: int, child) -> None:
    """What the database's share of the import is made of: the import's rows COPYed into the real tables and
    committed (`db_rows_child`) as they are, without the audit record, without the foreign keys of the tables
    written (dropped before the run and put back after it, on this bench database only), and without either;
    the variants' order rotates every round."""
    import statistics

    from django.db import connection

    tables = [t["table"] for t in json.loads((files["db_rows"] / "manifest.json").read_text())["tables"]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()

    def run(audit: str, foreign_keys: bool) -> float:
        workbook_reset(county_id)
        if not foreign_keys:
            with connection.cursor() as cursor:
                for table, name, _definition in keys:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        try:
            return child("dbrows", files["db_rows"], audit)["seconds"]
        finally:
            if not foreign_keys:
                with connection.cursor() as cursor:
                    for table, name, definition in keys:
                        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")

    variants = {
        "as the import writes them (keys, indexes, audit record)": ("on", True),
        "without the audit record (history rows)": ("off", True),
        f"without the {len(keys)} foreign keys of these tables": ("on", False),
        "without either": ("off", False),
    }
    runs: dict[str, list[float]] = {}
    names = list(variants)
    for round_ in range(args.repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            runs.setdefault(name, []).append(run(*variants[name]))
    workbook_reset(county_id)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; load at the end "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} rounds, order rotating"
    )
    print(
        "| the import's rows COPYed and committed | median | min | teacher rows/s (median) |\n|---|---:|---:|---:|"
    )
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"| {name} | {median:.2f} s | {min(times):.2f} s | {teachers / median:,.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--ie-rows", type=int, default=20_000, help="rows for django-import-export (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh child processes per path (median, min)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--workbook", action="store_true", help="the whole county workbook case (issue 11)")
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--teachers-per-school", type=int, default=53)
    parser.add_argument("--classes-per-school", type=int, default=20)
    parser.add_argument("--workbook-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--user",
        help="with --workbook: import as this user (an administrator; created if missing) instead of the system",
    )
    parser.add_argument(
        "--audit-compare",
        action="store_true",
        help="with --workbook: the CSV chain with and without the audit record",
    )
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="with --workbook: preview + confirm of an upload against one direct import",
    )
    parser.add_argument(
        "--db-share",
        action="store_true",
        help="with --workbook: the database's share with and without the audit record and the foreign keys",
    )
    parser.add_argument("--confirm-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.confirm_child:
        confirm_child(*args.confirm_child)
        return
    if args.workbook_child:
        workbook_child(*args.workbook_child)
        return
    if args.workbook:
        setup_django()
        workbook_main(args)
        return
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
