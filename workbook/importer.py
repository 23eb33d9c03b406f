"""Importing the standard workbook: validate everything, then write everything in one transaction.

    result = import_workbook(path, user=request.user, dry_run=True)
    result.ok, result.errors, result.counts, result.county_ids

The file is read once into compact row tuples, every cell and reference is checked (scope included), and only a
file without a single problem is written, with bulk upserts on the natural keys of spec/workbook.md. Re-importing
the same file changes nothing; a later file replaces that school-year's rows of the sheets it carries.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from audit.services import record_batch
from core import hooks
from core.choices import RegionLevel
from core.models import Region
from core.scoping import editable_counties, visible_counties
from indicators.runs import request_recompute
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher

from . import locks, pgwrite
from .readers import FileProblem, open_source
from .spec import SHEETS, Sheet
from .validation import ErrorList, ParsedSheet, parse_sheet

logger = logging.getLogger(__name__)

MODELS = {
    "regions": Region,
    "schools": School,
    "school_years": SchoolYear,
    "classes": SchoolClass,
    "teachers": Teacher,
    "funding": Funding,
    "achievement": Achievement,
    "county_years": CountyYear,
    "monitoring": Monitoring,
}
FK_FIELDS = {"school_code": "school_id", "county_code": "county_id", "parent_code": "parent_id"}
LEVEL_ORDER = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}
BATCH = 2000
NEW = object()  # a parent that only exists in the file (dry run)


def field_name(sheet: Sheet, key: str) -> str:
    if sheet.key == "schools" and key == "county_code":
        return "county_id"
    return FK_FIELDS.get(key, key)


def decimal_specs() -> dict:
    specs = {}
    for sheet in SHEETS:
        model = MODELS[sheet.key]
        for column in sheet.columns:
            if column.kind in ("amount", "decimal", "percent"):
                f = model._meta.get_field(column.key)
                specs[column.key] = (f.decimal_places, f.max_digits)
    return specs


@dataclass
class ImportResult:
    ok: bool = False
    dry_run: bool = False
    errors: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet key → {created, updated, unchanged, deleted}
    county_ids: list = field(default_factory=list)
    years: list = field(default_factory=list)
    rows_total: int = 0
    truncated_errors: int = 0
    sheet_names: dict = field(default_factory=dict)  # sheet key → Chinese name

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "errors": self.errors,
            "counts": self.counts,
            "county_ids": self.county_ids,
            "years": self.years,
            "rows_total": self.rows_total,
            "truncated_errors": self.truncated_errors,
        }


class _Rejected(Exception):
    """Raised inside the write transaction when the database disagrees with the plan (e.g. a concurrent edit)."""


# ------------------------------------------------------------------------------------------- references


class Refs:
    """What the file's codes point at: regions and schools in the database and in the file itself."""

    def __init__(self, parsed: dict[str, ParsedSheet], user):
        self.user = user
        self.scoped = user is not None and not getattr(user, "is_admin", False)
        self.editable = set(editable_counties(user).values_list("pk", flat=True)) if self.scoped else None
        self.visible = set(visible_counties(user).values_list("pk", flat=True)) if self.scoped else None
        region_codes: set[str] = set()
        school_codes: set[str] = set()
        self.file_regions: dict[str, tuple] = {}
        self.file_schools: dict[str, str] = {}
        for key, sheet in parsed.items():
            idx = {c.key: i for i, c in enumerate(sheet.sheet.columns)}
            for _number, values in sheet.rows:
                if key == "regions":
                    self.file_regions[values[idx["code"]]] = (
                        values[idx["level"]],
                        values[idx["parent_code"]],
                    )
                    region_codes.add(values[idx["code"]])
                    if values[idx["parent_code"]]:
                        region_codes.add(values[idx["parent_code"]])
                elif key == "schools":
                    self.file_schools[values[idx["code"]]] = values[idx["county_code"]]
                    school_codes.add(values[idx["code"]])
                    region_codes.add(values[idx["county_code"]])
                else:
                    if "school_code" in idx:
                        school_codes.add(values[idx["school_code"]])
                    if "county_code" in idx:
                        region_codes.add(values[idx["county_code"]])
        self._school_codes = list(school_codes)
        self._region_codes = region_codes
        self.refresh()

    def refresh(self) -> None:
        """(Re)read the database side, e.g. after the regions and schools of the file were written."""
        self.schools: dict[str, tuple[int, int]] = {}
        codes = self._school_codes
        for start in range(0, len(codes), 900):
            for pk, code, county_id in School.objects.filter(code__in=codes[start : start + 900]).values_list(
                "pk", "code", "county_id"
            ):
                self.schools[code] = (pk, county_id)
        self.regions: dict[str, tuple] = {}
        for pk, code, level, parent_id, name in Region.objects.filter(
            code__in=self._region_codes
        ).values_list("pk", "code", "level", "parent_id", "name"):
            self.regions[code] = (pk, level, parent_id, name)

    def county_level(self, code: str) -> str | None:
        if code in self.file_regions:
            return self.file_regions[code][0]
        if code in self.regions:
            return self.regions[code][1]
        return None

    def county_id(self, code: str):
        """Database id of a county code, NEW when it only exists in the file, None when unknown."""
        if self.county_level(code) != RegionLevel.COUNTY:
            return None
        return self.regions[code][0] if code in self.regions else NEW

    def may_edit(self, county_id) -> bool:
        return not self.scoped or (county_id is not NEW and county_id in self.editable)

    def may_see(self, county_id) -> bool:
        return not self.scoped or (county_id is not NEW and county_id in self.visible)

    def school(self, code: str):
        """(school id or NEW, county id or NEW) or None when unknown."""
        if code in self.file_schools:
            county = self.county_id(self.file_schools[code])
            return (self.schools[code][0] if code in self.schools else NEW), county
        if code in self.schools:
            return self.schools[code]
        return None


CODE_UNKNOWN = "学校标识码不存在（不在本文件的“学校”表中，也不在您可导入的学校中）"
CODE_UNAVAILABLE = "该学校标识码不可用，请核对；如确为本区县的学校，请联系系统管理员"


def check_references(parsed: dict[str, ParsedSheet], refs: Refs, errors: ErrorList) -> None:
    """Codes that point nowhere, or at another county. Runs even when some cells were bad, so the user sees every
    problem of the file at once; codes of rows rejected for a bad cell count as known."""
    rejected_schools = parsed["schools"].rejected_codes if "schools" in parsed else set()
    rejected_regions = parsed["regions"].rejected_codes if "regions" in parsed else set()
    for key, sheet in parsed.items():
        cols = {c.key: i for i, c in enumerate(sheet.sheet.columns)}
        name = sheet.name
        for number, values in sheet.rows:
            if key == "regions":
                code, level, parent = values[cols["code"]], values[cols["level"]], values[cols["parent_code"]]
                if parent:
                    parent_level = refs.county_level(parent)
                    if parent_level is None:
                        errors.add(name, number, "上级代码", parent, "上级行政区不存在")
                    elif LEVEL_ORDER[parent_level] >= LEVEL_ORDER[level]:
                        errors.add(name, number, "上级代码", parent, "上级行政区的层级应高于本行")
                if refs.scoped:
                    existing = refs.regions.get(code)
                    same = (
                        existing is not None and existing[1] == level and existing[3] == values[cols["name"]]
                    )
                    if not same and not (existing is not None and existing[0] in refs.editable):
                        errors.add(name, number, "行政区划代码", code, "无权新增或修改本区县以外的行政区")
            elif key == "schools":
                code, county_code = values[cols["code"]], values[cols["county_code"]]
                county_id = refs.county_id(county_code)
                if county_id is None and county_code in rejected_regions:
                    continue
                if county_id is None:
                    errors.add(name, number, "区县代码", county_code, "区县代码不存在（或不是县级行政区）")
                elif not refs.may_edit(county_id):
                    errors.add(name, number, "区县代码", county_code, "无权导入其他区县的数据")
                elif code in refs.schools and not refs.may_edit(refs.schools[code][1]):
                    # Worded like the school form's refusal: it must not confirm another county's school.
                    errors.add(name, number, "学校标识码", code, CODE_UNAVAILABLE)
            elif "school_code" in cols:
                code = values[cols["school_code"]]
                school = refs.school(code)
                if school is None and code in rejected_schools:
                    continue
                if school is None:
                    errors.add(name, number, "学校标识码", code, CODE_UNKNOWN)
                elif school[1] is None:
                    continue  # the schools sheet already reports its county
                elif refs.scoped and code not in refs.file_schools and not refs.may_see(school[1]):
                    # Another county's school reads exactly like a code that does not exist (as its page 404s).
                    errors.add(name, number, "学校标识码", code, CODE_UNKNOWN)
                elif not refs.may_edit(school[1]) or (
                    code in refs.schools and not refs.may_edit(refs.schools[code][1])
                ):
                    errors.add(name, number, "学校标识码", code, "该学校属于其他区县，无权导入")
            elif "county_code" in cols:
                code = values[cols["county_code"]]
                county_id = refs.county_id(code)
                if county_id is None and code in rejected_regions:
                    continue
                if county_id is None:
                    errors.add(name, number, "区县代码", code, "区县代码不存在（或不是县级行政区）")
                elif not refs.may_edit(county_id):
                    errors.add(name, number, "区县代码", code, "无权导入其他区县的数据")


# ------------------------------------------------------------------------------------------- planning


@dataclass
class Plan:
    sheet: ParsedSheet
    create: list = field(default_factory=list)  # dicts of field values
    update: list = field(default_factory=list)  # dicts of field values (natural key included)
    unchanged: int = 0
    delete: list = field(default_factory=list)  # primary keys
    years: set = field(default_factory=set)
    county_ids: set = field(default_factory=set)
    # Set by the PostgreSQL path, which counts in the database instead of listing rows.
    created_count: int | None = None
    updated_count: int | None = None
    deleted_count: int | None = None

    def counts(self) -> dict:
        return {
            "created": len(self.create) if self.created_count is None else self.created_count,
            "updated": len(self.update) if self.updated_count is None else self.updated_count,
            "unchanged": self.unchanged,
            "deleted": len(self.delete) if self.deleted_count is None else self.deleted_count,
        }


def _resolve_row(parsed: ParsedSheet, values: tuple, refs: Refs) -> tuple[dict, object]:
    """Field values for the model (codes replaced by ids, NEW when the parent is new) and the row's county."""
    sheet = parsed.sheet
    data = {}
    county = None
    for column, value in zip(sheet.columns, values, strict=True):
        if column.key not in parsed.present and column.key not in sheet.natural_key:
            continue
        name = field_name(sheet, column.key)
        if sheet.key == "regions" and column.key == "parent_code":
            value = (refs.regions[value][0] if value in refs.regions else NEW) if value else None
        elif column.key == "school_code":
            value, county = refs.school(value)
        elif column.key == "county_code":
            value = refs.county_id(value)
            county = value
        data[name] = value
    if sheet.key == "schools":
        county = data["county_id"]
    return data, county


def plan_sheet(parsed: ParsedSheet, refs: Refs, errors: ErrorList | None = None) -> Plan:
    sheet = parsed.sheet
    model = MODELS[sheet.key]
    plan = Plan(parsed)
    key_fields = [field_name(sheet, k) for k in sheet.natural_key]
    compare = [field_name(sheet, k) for k in parsed.present if k not in sheet.natural_key]
    all_fields = [field_name(sheet, c.key) for c in sheet.columns]
    rows = []
    for number, values in parsed.rows:
        data, county = _resolve_row(parsed, values, refs)
        rows.append((number, data))
        if "year" in data:
            plan.years.add(data["year"])
        if county is not None and county is not NEW:
            plan.county_ids.add(county)
    existing = _load_existing(sheet, model, rows, key_fields, all_fields)
    seen_keys = set()
    for number, data in rows:
        key = tuple(data[f] for f in key_fields)
        if NEW in key:
            plan.create.append(data)
            continue
        seen_keys.add(key)
        old = existing.get(key)
        if old is None:
            plan.create.append(data)
            continue
        if sheet.key == "teachers" and errors is not None and old["school_id"] != data["school_id"]:
            if refs.scoped and old["_county_id"] not in refs.editable:
                errors.add(
                    parsed.name,
                    number,
                    "教师编号",
                    data["teacher_id"],
                    "该教师编号本学年已登记在其他区县的学校",
                )
        if any(old[f] != data[f] for f in compare):
            data["pk"] = old["pk"]
            plan.update.append(data)
        else:
            plan.unchanged += 1
    if sheet.replaces:
        plan.delete = _stale_rows(sheet, model, rows, key_fields, seen_keys)
    return plan


def _parent_field(sheet: Sheet) -> str | None:
    if "school_code" in sheet.by_key:
        return "school_id"
    if "county_code" in sheet.by_key and sheet.key != "schools":
        return "county_id"
    return None


def _load_existing(sheet, model, rows, key_fields, all_fields) -> dict[tuple, dict]:
    """Existing database rows matching the file's natural keys, as dicts keyed by natural key."""
    wanted = ["pk", *all_fields]
    if sheet.key == "teachers":
        wanted.append("school__county_id")
    result: dict[tuple, dict] = {}
    parent = _parent_field(sheet)
    if sheet.key == "teachers":
        by_year = defaultdict(list)
        for _n, d in rows:
            by_year[d["year"]].append(d["teacher_id"])
        chunks = [(year, ids[i : i + 900]) for year, ids in by_year.items() for i in range(0, len(ids), 900)]
        querysets = [model.objects.filter(year=year, teacher_id__in=ids) for year, ids in chunks]
    elif parent is None:  # regions, schools: keyed by code
        codes = [d["code"] for _n, d in rows]
        querysets = [model.objects.filter(code__in=codes[i : i + 900]) for i in range(0, len(codes), 900)]
    else:
        parents = sorted({d[parent] for _n, d in rows if d[parent] is not NEW})
        years = sorted({d["year"] for _n, d in rows})
        querysets = [
            model.objects.filter(**{f"{parent}__in": parents[i : i + 900], "year__in": years})
            for i in range(0, len(parents), 900)
        ]
    for queryset in querysets:
        for values in queryset.values_list(*wanted):
            record = dict(zip(wanted, values, strict=True))
            if sheet.key == "teachers":
                record["_county_id"] = record.pop("school__county_id")
            result[tuple(record[f] for f in key_fields)] = record
    return result


def _stale_rows(sheet, model, rows, key_fields, seen_keys) -> list[int]:
    """Rows of the school-years (county-years) the file carries that the file no longer lists."""
    parent = _parent_field(sheet)
    pairs = {(d[parent], d["year"]) for _n, d in rows if d[parent] is not NEW}
    stale = []
    by_year = defaultdict(list)
    for parent_id, year in pairs:
        by_year[year].append(parent_id)
    for year, parents in by_year.items():
        for i in range(0, len(parents), 900):
            queryset = model.objects.filter(**{f"{parent}__in": parents[i : i + 900], "year": year})
            for values in queryset.values_list("pk", *key_fields):
                if tuple(values[1:]) not in seen_keys:
                    stale.append(values[0])
    return stale


# ------------------------------------------------------------------------------------------- writing


def _write_plan(plan: Plan, user) -> None:
    sheet = plan.sheet.sheet
    model = MODELS[sheet.key]
    key_fields = [field_name(sheet, k) for k in sheet.natural_key]
    update_fields = [field_name(sheet, k) for k in plan.sheet.present if k not in sheet.natural_key]
    update_fields += ["updated_at", "updated_by"]
    fk_names = {f.attname: f.name for f in model._meta.concrete_fields}
    unique = [fk_names.get(f, f) for f in key_fields]
    updates = [fk_names.get(f, f) for f in update_fields]
    user_id = getattr(user, "pk", None)
    if plan.delete:
        for i in range(0, len(plan.delete), 900):
            model.objects.filter(pk__in=plan.delete[i : i + 900]).delete()
    objects = []
    for data in [*plan.create, *plan.update]:
        data = {k: v for k, v in data.items() if k != "pk"}
        if any(v is NEW for v in data.values()):
            raise _Rejected("unresolved parent")
        objects.append(model(updated_by_id=user_id, **data))
        if len(objects) >= BATCH:
            model.objects.bulk_create(
                objects, update_conflicts=True, unique_fields=unique, update_fields=updates
            )
            objects = []
    if objects:
        model.objects.bulk_create(objects, update_conflicts=True, unique_fields=unique, update_fields=updates)


def _regions_by_level(parsed: ParsedSheet) -> list[ParsedSheet]:
    level_index = parsed.index("level")
    parts = []
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
        part = ParsedSheet(parsed.sheet, parsed.name, parsed.present, header_row=parsed.header_row)
        part.rows = [r for r in parsed.rows if r[1][level_index] == level]
        parts.append(part)
    return parts


# ------------------------------------------------------------------------------------------- entry point

ProgressCallback = Callable[[str, int, int], None]


def import_workbook(
    path,
    *,
    user=None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Validate the whole file, then (unless dry_run or anything is wrong) write it all in one transaction.

    user=None is the system (management command): no scope check. progress(sheet_zh, rows_done, rows_total).
    file_name: the name the user gave the file, when it is stored under another (uploads).
    """
    result = ImportResult(dry_run=dry_run)
    errors = ErrorList()
    try:
        sources = open_source(path, file_name)
        result.rows_total = sum(s.total for s in sources)
        decimals = decimal_specs()
        parsed: dict[str, ParsedSheet] = {}
        done = 0
        for source in sources:
            result.sheet_names[source.sheet.key] = source.sheet.zh

            def sheet_progress(n, _zh=source.sheet.zh, _base=done):
                if progress is not None:
                    progress(_zh, _base + n, max(result.rows_total, _base + n))

            sheet = parse_sheet(source, errors, decimals, progress=sheet_progress)
            done += source.total
            if sheet is not None:
                parsed[source.sheet.key] = sheet
    except FileProblem as problem:
        errors.add("", None, "", "", problem.message)
        return _finish(result, errors)
    if not errors and not any(p.rows for p in parsed.values()):
        errors.add("", None, "", "", "文件中没有数据行（只有表头）。")
    order = [s.key for s in SHEETS]
    parsed = dict(sorted(parsed.items(), key=lambda item: order.index(item[0])))
    # Every sheet's header could be read (cell problems only): the codes can still be checked, so the report
    # lists all problems at once instead of revealing them one round at a time.
    if len(parsed) == len(sources) and not (errors and not any(p.rows for p in parsed.values())):
        refs = Refs(parsed, user)
        check_references(parsed, refs, errors)
    if errors:
        return _finish(result, errors)
    # The same path for a dry run and a real import: plan and write every sheet in one transaction (parents
    # first, so rows of schools that only exist in the file resolve), then roll back a dry run. The counts and
    # the database-dependent checks are therefore exactly those of the real import.
    use_copy = pgwrite.supported()
    try:
        with transaction.atomic():
            final_plans = []
            for key, sheet in parsed.items():
                parts = _regions_by_level(sheet) if key == "regions" else [sheet]
                for part in parts:
                    if progress is not None:
                        progress(sheet.sheet.zh, result.rows_total, result.rows_total)
                    refs.refresh()
                    if use_copy:
                        plan = _copy_sheet(part, refs, errors, user)
                    else:
                        plan = plan_sheet(part, refs, errors)
                        if not errors:
                            _write_plan(plan, user)
                    if errors:
                        raise _Rejected("the stored rows disagree with the file")
                    final_plans.append(plan)
            if locks.refuse_locked(final_plans, errors):  # a signed-off county-year (workbook/locks.py)
                raise _Rejected("signed-off data")
            result.counts = _sum_counts(final_plans)
            result.county_ids = sorted(set().union(*(p.county_ids for p in final_plans)))
            result.years = sorted(set().union(*(p.years for p in final_plans)))
            if dry_run:
                transaction.set_rollback(True)
            elif result.changed:
                record_batch(
                    user=user, county_ids=result.county_ids, years=result.years, counts=result.counts
                )
                for year in result.years or [None]:
                    request_recompute(result.county_ids, year, user=user, trigger="import")
                    # the other listeners (validation rules, …); the engine finds its run already queued
                    hooks.data_changed(result.county_ids, year, user=user)
    except (_Rejected, pgwrite.Unresolved):
        if not errors:
            errors.add("", None, "", "", "导入时数据库内容发生变化，请重新导入。")
        return _finish(result, errors)
    if dry_run:  # counties the file would create do not exist after the rollback
        result.county_ids = sorted(
            Region.objects.filter(pk__in=result.county_ids).values_list("pk", flat=True)
        )
    result.ok = True
    return _finish(result, errors)


def _copy_sheet(part: ParsedSheet, refs: Refs, errors: ErrorList, user) -> Plan:
    sheet = part.sheet
    return pgwrite.write_sheet(
        part,
        refs,
        errors,
        user,
        MODELS[sheet.key],
        [field_name(sheet, k) for k in sheet.natural_key],
        lambda key: field_name(sheet, key),
        Plan(part),
    )


def _sum_counts(plans: list[Plan]) -> dict:
    counts: dict[str, dict] = {}
    for plan in plans:
        key = plan.sheet.sheet.key
        total = counts.setdefault(key, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
        for name, value in plan.counts().items():
            total[name] += value
    return counts


def _finish(result: ImportResult, errors: ErrorList) -> ImportResult:
    result.errors = list(errors)
    result.truncated_errors = errors.truncated
    if errors:
        result.ok = False
        result.counts = {}
    return result
