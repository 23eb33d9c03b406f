"""Importing the standard workbook: validate everything, then write everything in one transaction.

    result = import_workbook(path, user=request.user, dry_run=True)
    result.ok, result.errors, result.counts, result.county_ids

The file is read once into compact row tuples, every cell and reference is checked (scope included), and only a
file without a single problem is written, with bulk upserts on the natural keys of spec/workbook.md. Re-importing
the same file changes nothing; a later file replaces that school-year's rows of the sheets it carries.
"""

import functools
import gc
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from django.db import IntegrityError, connection, transaction

from audit.services import record_batch
from core import hooks
from core.choices import RegionLevel
from core.models import Region
from core.scoping import editable_counties, visible_counties
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from teachers.selectors import number_refusals

from . import locks, writers
from .readers import FileProblem, open_source
from .spec import SHEETS, Sheet
from .validation import ErrorList, ParsedSheet, parse_sheet
from .writers import TableChange

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
NEW = object()  # a parent that only exists in the file (dry run)
_UNSEEN = object()  # a code not converted yet (_once_per_code)


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
    # Per sheet with updated rows: (Sheet, its name in the file, fields, [(row, old, new)], more beyond those).
    # Not part of as_dict: workbook.preview turns it into what the page shows.
    updated: list = field(default_factory=list)
    # Seconds per phase (read and parse each sheet, references, plan, write, commit): what the bench reports.
    timings: dict = field(default_factory=dict)

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


def _column_of(rows: list[tuple[int, tuple]], index: int) -> set:
    """The distinct values of one column of a parsed sheet's (row number, values) rows."""
    return {values[index] for _number, values in rows}


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
            if key == "regions":
                for _number, values in sheet.rows:
                    self.file_regions[values[idx["code"]]] = (
                        values[idx["level"]],
                        values[idx["parent_code"]],
                    )
                    region_codes.add(values[idx["code"]])
                    if values[idx["parent_code"]]:
                        region_codes.add(values[idx["parent_code"]])
            elif key == "schools":
                for _number, values in sheet.rows:
                    self.file_schools[values[idx["code"]]] = values[idx["county_code"]]
                    school_codes.add(values[idx["code"]])
                    region_codes.add(values[idx["county_code"]])
            else:  # one set per sheet, not one add per row: a teacher sheet has 100 000 rows and 2 000 codes
                if "school_code" in idx:
                    school_codes.update(_column_of(sheet.rows, idx["school_code"]))
                if "county_code" in idx:
                    region_codes.update(_column_of(sheet.rows, idx["county_code"]))
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
        if key not in ("regions", "schools"):
            if "school_code" in cols:
                _by_code(
                    sheet, "school_code", lambda c: _school_code_problem(c, refs, rejected_schools), errors
                )
            elif "county_code" in cols:
                _by_code(
                    sheet, "county_code", lambda c: _county_code_problem(c, refs, rejected_regions), errors
                )
            continue
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


def _by_code(parsed: ParsedSheet, column: str, problem: Callable, errors: ErrorList) -> None:
    """Report the rows whose code in `column` has a problem (problem(code) → message or None), in row order. The
    verdict depends on the code alone, so it is decided once per distinct code, not once per row."""
    at = parsed.index(column)
    bad = {code: message for code in _column_of(parsed.rows, at) if (message := problem(code))}
    if not bad:
        return
    label = parsed.sheet.column(column).zh
    for number, values in parsed.rows:
        message = bad.get(values[at])
        if message is not None:
            errors.add(parsed.name, number, label, values[at], message)


def _school_code_problem(code: str, refs: Refs, rejected_schools: set) -> str | None:
    school = refs.school(code)
    if school is None and code in rejected_schools:
        return None
    if school is None:
        return CODE_UNKNOWN
    if school[1] is None:
        return None  # the schools sheet already reports its county
    if refs.scoped and code not in refs.file_schools and not refs.may_see(school[1]):
        # Another county's school reads exactly like a code that does not exist (as its page 404s).
        return CODE_UNKNOWN
    if not refs.may_edit(school[1]) or (code in refs.schools and not refs.may_edit(refs.schools[code][1])):
        return "该学校属于其他区县，无权导入"
    return None


def _county_code_problem(code: str, refs: Refs, rejected_regions: set) -> str | None:
    county_id = refs.county_id(code)
    if county_id is None and code in rejected_regions:
        return None
    if county_id is None:
        return "区县代码不存在（或不是县级行政区）"
    if not refs.may_edit(county_id):
        return "无权导入其他区县的数据"
    return None


# ------------------------------------------------------------------------------------------- planning
# Every rule that needs the stored rows is decided here, once, in Python, for every backend: which rows are new,
# which change, which stale rows of a replaced school-year (county-year) go, and whether a stored row belongs to a
# county the user may not edit. The writers (writers.py) only execute the plan.


class NewRef(writers.PendingId):
    """A parent (region or school) that only exists in the file: its id is known once the earlier sheet is
    written, and the commit step sets it (Plan.resolve_new); the rows keep pointing at this one object."""

    __slots__ = ("code", "model")

    def __init__(self, model, code: str):
        super().__init__()
        self.model = model
        self.code = code

    def __repr__(self) -> str:
        return f"NewRef({self.model.__name__}, {self.code})"


@dataclass
class Plan:
    sheet: ParsedSheet
    change: TableChange
    unchanged: int = 0
    years: set = field(default_factory=set)
    county_ids: set = field(default_factory=set)
    new_counties: set = field(default_factory=set)  # codes of counties that only exist in the file
    new_refs: list = field(default_factory=list)  # the NewRefs the rows point at (parents only in the file)
    # The first updated rows as (row number, stored values, file values), both in `change.fields` order: what the
    # preview shows as old → new before the uploader confirms, without reading the file or the table again.
    updated_sample: list = field(default_factory=list)
    updated_more: bool = False

    def counts(self) -> dict:
        change = self.change
        return {
            "created": len(change.create),
            "updated": len(change.update),
            "unchanged": self.unchanged,
            "deleted": len(change.delete),
        }

    def resolve_new(self) -> None:
        """Set the ids of the parents that an earlier plan of the same import has written: one query per parent
        model, whatever the number of rows (each row holds the NewRef of its parent's code, made once per code)."""
        if not self.new_refs:
            return
        codes: dict = defaultdict(set)
        for ref in self.new_refs:
            codes[ref.model].add(ref.code)
        ids = {
            (model, code): pk
            for model, wanted in codes.items()
            for code, pk in model.objects.filter(code__in=wanted).values_list("code", "pk")
        }
        for ref in self.new_refs:
            ref.pk = ids.get((ref.model, ref.code))
            if ref.pk is None:
                raise _Rejected("a parent of the file was not written")
        # The preview's old → new sample shows ids as codes (workbook/preview.py): give it ids, not NewRefs.
        self.updated_sample = [
            (number, old, tuple(v.pk if type(v) is NewRef else v for v in new))
            for number, old, new in self.updated_sample
        ]
        self.new_refs = []


def _parent_field(sheet: Sheet) -> str | None:
    if "school_code" in sheet.by_key:
        return "school_id"
    if "county_code" in sheet.by_key and sheet.key != "schools":
        return "county_id"
    return None


def _converters(sheet: Sheet, keys: list[str], refs: Refs, plan: Plan) -> list[tuple[int, Callable]]:
    """(position in the row, code → id or NewRef) of the reference columns. The codes were checked already."""

    def unresolved(code):
        raise _Rejected(f"{code} no longer resolves")

    def new_ref(model, code):
        ref = NewRef(model, code)
        plan.new_refs.append(ref)
        plan.change.pending = True
        return ref

    def school_id(code):
        found = refs.school(code)
        if found is None:
            unresolved(code)
        if found[0] is NEW:
            return new_ref(School, code)
        return found[0]

    def county_id(code):
        found = refs.county_id(code)
        if found is None:
            unresolved(code)
        if found is NEW:
            return new_ref(Region, code)
        return found

    def region_id(code):
        if not code:
            return None
        if code in refs.regions:
            return refs.regions[code][0]
        if code not in refs.file_regions:
            unresolved(code)
        return new_ref(Region, code)

    convert = {"school_code": school_id, "county_code": county_id}
    if sheet.key == "regions":
        convert["parent_code"] = region_id
    return [(i, _once_per_code(convert[k])) for i, k in enumerate(keys) if k in convert]


def _once_per_code(convert: Callable) -> Callable:
    """convert, asked once per distinct code (a teacher sheet names 2 000 schools in 100 000 rows)."""
    done: dict = {}

    def converted(code):
        found = done.get(code, _UNSEEN)
        if found is _UNSEEN:
            found = done[code] = convert(code)
        return found

    return converted


def _counties_of(plan: Plan, parents: set, refs: Refs, of_school: bool) -> None:
    """The counties a sheet's rows belong to (known ids, and codes of counties only in the file); parents are
    school ids (of_school) or county ids, or NewRefs."""
    by_school = {pk: county for pk, county in refs.schools.values()} if of_school else {}
    for parent in parents:
        if type(parent) is NewRef:
            if parent.model is Region:
                plan.new_counties.add(parent.code)
                continue
            county = refs.school(parent.code)[1]
            if county is NEW:
                plan.new_counties.add(refs.file_schools[parent.code])
            else:
                plan.county_ids.add(county)
        elif parent is not None:
            plan.county_ids.add(by_school[parent] if of_school else parent)


def plan_sheet(parsed: ParsedSheet, refs: Refs, errors: ErrorList) -> Plan:
    """Decide what writing this sheet means: rows to create, to update (only those that differ from the stored
    row), stale rows to delete, the counties and years touched. Problems go to errors; nothing is written."""
    sheet = parsed.sheet
    model = MODELS[sheet.key]
    keys = [c.key for c in sheet.columns if c.key in parsed.present or c.key in sheet.natural_key]
    fields = [field_name(sheet, k) for k in keys]
    key_fields = [field_name(sheet, k) for k in sheet.natural_key]
    plan = Plan(parsed, TableChange(model, fields, key_fields))
    converters = _converters(sheet, keys, refs, plan)
    # Column-wise (C-level zip and map): the sheet's columns picked and the codes converted without a Python
    # step per row.
    numbers: list[int] = [number for number, _values in parsed.rows]
    columns = list(zip(*(values for _number, values in parsed.rows), strict=True)) or [()] * len(
        sheet.columns
    )
    picked = [columns[parsed.index(k)] for k in keys]
    for index, convert in converters:
        picked[index] = list(map(convert, picked[index]))
    rows: list[tuple] = list(zip(*picked, strict=True))
    del columns, picked

    parent = _parent_field(sheet)
    county_field = parent or ("county_id" if sheet.key == "schools" else None)
    if "year" in fields:
        year_at = fields.index("year")
        plan.years = {row[year_at] for row in rows}
    if county_field is not None:
        at = fields.index(county_field)
        _counties_of(plan, {row[at] for row in rows}, refs, of_school=county_field == "school_id")

    # A stored row whose school is in a county the user may not edit cannot be taken over by the file (a teacher
    # number is unique in a year across the province, the school is not part of the key): the roster's rule.
    check_moves = refs.scoped and parent is not None and parent not in key_fields
    if plan.years and not model.objects.filter(year__in=plan.years).exists():
        plan.change.create = rows  # a first import of these years: nothing stored can match or go stale
    else:
        _compare(plan, rows, numbers, parent, check_moves, refs, errors)
    parsed.rows = []  # the plan holds the rows now; a 200 000-row sheet is not kept twice
    return plan


BATCH_ROWS = 20_000  # file rows compared per query of stored rows: bounds memory whatever the file size
UPDATED_SAMPLE = 20  # updated rows per sheet kept for the preview (old → new)


def _compare(
    plan: Plan, rows: list[tuple], numbers: list[int], parent, check_moves: bool, refs, errors
) -> None:
    """Sort the rows into create / update / unchanged against the stored rows they meet, and list the stale rows
    of the school-years (county-years) the file replaces. Stored rows are read a batch at a time: by parent
    (school or county) and year, then, for keys without the parent (a teacher number), by key wherever stored."""
    change = plan.change
    model, fields, key_fields = change.model, list(change.fields), list(change.key)
    parsed = plan.sheet
    sheet = parsed.sheet
    key_of = itemgetter(*[fields.index(f) for f in key_fields])
    county = ("school__county_id" if parent == "school_id" else parent) if check_moves else None
    wanted = ["pk", *fields, *([county] if county else [])]
    width = len(fields)
    step = _params_per_statement()
    parent_at = fields.index(parent) if parent else None
    number_column = sheet.column(sheet.natural_key[-1]).zh
    number_at = fields.index(key_fields[-1])

    def stored_of(queryset) -> dict:
        found = {}
        for values in queryset.values_list(*wanted):
            record = values[1 : width + 1]
            found[key_of(record)] = (values[0], record, values[-1] if county else None)
        return found

    # (row, county of the stored teacher of another school that holds the row's number)
    held: list[tuple[int, int]] = []

    def classify(indices, found: dict, missing: list | None) -> None:
        for i in indices:
            row = rows[i]
            old = found.get(key_of(row))
            if old is None:
                if missing is None:
                    change.create.append(row)
                else:
                    missing.append(i)
                continue
            _pk, old_values, old_county = old
            if check_moves and old_values[parent_at] != row[parent_at]:  # moves a stored teacher here
                held.append((i, old_county))
            if old_values != row:
                change.update.append(row)
                if len(plan.updated_sample) < UPDATED_SAMPLE:
                    plan.updated_sample.append((numbers[i], old_values, row))
                else:
                    plan.updated_more = True
            else:
                plan.unchanged += 1

    by_key: list[int] = []  # rows to look up by their key wherever stored
    if parent is None:
        by_key = list(range(len(rows)))
    else:
        year_at = fields.index("year")
        keyed_by_parent = parent in key_fields
        groups: dict = defaultdict(list)
        for i, row in enumerate(rows):
            groups[row[parent_at]].append(i)
        pairs = {(row[parent_at], row[year_at]) for row in rows}
        file_keys = {key_of(row) for row in rows} if sheet.replaces else set()
        years = sorted(plan.years)
        batch: list = []
        size = 0
        parents = [p for p in groups if type(p) is not NewRef]
        for p in [p for p in groups if type(p) is NewRef]:  # nothing stored under a parent that is new
            if keyed_by_parent:
                change.create.extend(rows[i] for i in groups[p])
            else:
                by_key.extend(groups[p])
        for n, p in enumerate(sorted(parents)):
            batch.append(p)
            size += len(groups[p])
            if size < BATCH_ROWS and len(batch) < step and n < len(parents) - 1:
                continue
            found = stored_of(model.objects.filter(**{f"{parent}__in": batch, "year__in": years}))
            if sheet.replaces:
                for key, (pk, record, _c) in found.items():
                    if key not in file_keys and (record[parent_at], record[year_at]) in pairs:
                        change.delete.append(pk)
            classify([i for q in batch for i in groups[q]], found, None if keyed_by_parent else by_key)
            batch, size = [], 0
    if by_key:
        prefix_at = [fields.index(f) for f in key_fields[:-1]]
        by_prefix: dict = defaultdict(list)
        for i in by_key:
            by_prefix[tuple(rows[i][a] for a in prefix_at)].append(i)
        for prefix, indices in by_prefix.items():
            lookup = dict(zip(key_fields[:-1], prefix, strict=True))
            for start in range(0, len(indices), step):
                chunk = indices[start : start + step]
                values = [rows[i][number_at] for i in chunk]
                found = stored_of(model.objects.filter(**lookup, **{f"{key_fields[-1]}__in": values}))
                classify(chunk, found, None)
    if held:
        year_at = fields.index("year")
        by_year: dict = defaultdict(dict)
        for i, county_id in held:
            by_year[rows[i][year_at]][rows[i][number_at]] = county_id
        refused = {
            year: number_refusals(user=refs.user, year=year, holders=holders, rows_are_holders=True)
            for year, holders in by_year.items()
        }
        for i, _county_id in sorted(held):
            message = refused[rows[i][year_at]].get(rows[i][number_at])
            if message:
                errors.add(parsed.name, numbers[i], number_column, rows[i][number_at], message)


def _params_per_statement() -> int:
    limit = connection.features.max_query_params
    return 20_000 if limit is None else min(20_000, limit - 50)


def _regions_by_level(parsed: ParsedSheet) -> list[ParsedSheet]:
    level_index = parsed.index("level")
    parts = []
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
        part = ParsedSheet(parsed.sheet, parsed.name, parsed.present, header_row=parsed.header_row)
        part.rows = [r for r in parsed.rows if r[1][level_index] == level]
        if part.rows:
            parts.append(part)
    return parts


# ------------------------------------------------------------------------------------------- commit


@dataclass
class Committed:
    counts: dict
    county_ids: list
    years: list


def commit(plans: list[Plan], *, user, dry_run: bool, timings: dict | None = None) -> Committed:
    """The one step that writes: every checked plan in order (parents first), then the recompute of the counties
    touched, all in one transaction.

    A dry run (the preview) writes nothing: every rule is decided in Python by plan_sheet and the locks before this
    step, and the counts are the plans' own, so rehearsing the writes and rolling them back only doubled the cost of
    preview + confirm. What only the database could still refuse (a row changed or a school deleted by someone else
    after the plan) is refused whole at the confirm, which plans again against the database as it is then.

    Raises _Rejected (or IntegrityError / RowsChanged from a writer) when the database changed underneath the plan.
    """
    timings = {} if timings is None else timings
    counts = _sum_counts(plans)
    county_ids = set().union(*(p.county_ids for p in plans))  # counties that exist; the file's new ones below
    years = sorted(set().union(*(p.years for p in plans)))
    if dry_run:
        return Committed(counts, sorted(county_ids), years)
    table_writer = writers.writer()
    user_id = getattr(user, "pk", None)
    with transaction.atomic():
        started = time.perf_counter()
        for plan in plans:
            plan.resolve_new()
            table_writer.write(plan.change, user_id=user_id)
        written = time.perf_counter()
        timings["write"] = written - started
        new_counties = set().union(*(p.new_counties for p in plans))
        if new_counties:
            county_ids |= set(Region.objects.filter(code__in=new_counties).values_list("pk", flat=True))
        if any(c["created"] or c["updated"] or c["deleted"] for c in counts.values()):
            record_batch(user=user, county_ids=sorted(county_ids), years=years, counts=counts)
            for year in years or [None]:
                hooks.data_changed(county_ids, year, user=user, trigger=hooks.IMPORT)
        started = time.perf_counter()  # the transaction ends below: the deferred foreign-key checks run there
        timings["audit and recompute request"] = started - written
    timings["commit"] = time.perf_counter() - started
    return Committed(counts, sorted(county_ids), years)


# ------------------------------------------------------------------------------------------- entry point


def _without_cycle_collector(step: Callable) -> Callable:
    """Run an import step with Python's cyclic garbage collector paused (and restored as it was).

    A county's import holds a million small tuples (rows, parsed cells) and frees none of them until it ends; every
    full collection walked all of them again, for no garbage: it took 0.4 s of the plan's 0.6 s and 0.15 s of the
    parse of a 106 000-teacher county. Reference counting still frees everything as before; a cycle made meanwhile
    is collected when the collector runs again after the step. (The pause is process-wide: another thread of the
    process only keeps its cyclic garbage a few seconds longer.)"""

    @functools.wraps(step)
    def paused(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return step(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


ProgressCallback = Callable[[str, int, int], None]


@dataclass
class ParsedWorkbook:
    """What the file alone decides: every sheet read, its cells parsed and its in-file checks (headers, kinds,
    duplicate keys) passed or reported. Nothing here depends on the database, so a previewed upload keeps it
    (workbook/kept.py) and its confirm starts from here instead of reading the file again."""

    sheets: dict[str, ParsedSheet]
    rows_total: int = 0
    sheet_names: dict = field(default_factory=dict)  # sheet key → Chinese name
    complete: bool = True  # every sheet's header could be read
    readable: bool = True  # False: the file could not be read through (errors say why)
    timings: dict = field(default_factory=dict)


@_without_cycle_collector
def read_workbook(
    path, errors: ErrorList, *, progress: ProgressCallback | None = None, file_name: str | None = None
) -> ParsedWorkbook:
    """Step 1 of the import: read and parse the file. Problems go to errors (readable=False when the file could
    not be read through)."""
    workbook = ParsedWorkbook({})
    timings = workbook.timings
    try:
        started = time.perf_counter()
        sources = open_source(path, file_name)
        timings["open"] = time.perf_counter() - started
        workbook.rows_total = sum(s.total for s in sources)
        decimals = decimal_specs()
        done = 0
        for source in sources:
            workbook.sheet_names[source.sheet.key] = source.sheet.zh

            def sheet_progress(n, _zh=source.sheet.zh, _base=done, _total=workbook.rows_total):
                if progress is not None:
                    progress(_zh, _base + n, max(_total, _base + n))

            started = time.perf_counter()
            sheet = parse_sheet(source, errors, decimals, progress=sheet_progress)
            timings[f"read+parse {source.sheet.key}"] = time.perf_counter() - started
            done += source.total
            if sheet is not None:
                workbook.sheets[source.sheet.key] = sheet
    except FileProblem as problem:
        errors.add("", None, "", "", problem.message)
        workbook.readable = False
        return workbook
    parsed = workbook.sheets
    if not errors and not any(p.rows for p in parsed.values()):
        errors.add("", None, "", "", "文件中没有数据行（只有表头）。")
    order = [s.key for s in SHEETS]
    workbook.sheets = dict(sorted(parsed.items(), key=lambda item: order.index(item[0])))
    workbook.complete = len(parsed) == len(sources)
    return workbook


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
    errors = ErrorList()
    workbook = read_workbook(path, errors, progress=progress, file_name=file_name)
    return import_parsed(workbook, errors, user=user, dry_run=dry_run, progress=progress)


@_without_cycle_collector
def import_parsed(
    workbook: ParsedWorkbook,
    errors: ErrorList,
    *,
    user=None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Steps 2–4 of the import (references, plan, commit) on a read file: everything the database decides, asked
    of the database as it is now. The workbook's rows are consumed (the plans take them)."""
    result = ImportResult(
        dry_run=dry_run, rows_total=workbook.rows_total, sheet_names=dict(workbook.sheet_names)
    )
    timings = result.timings
    timings.update(workbook.timings)
    if not workbook.readable:
        return _finish(result, errors)
    parsed = workbook.sheets
    # Every sheet's header could be read (cell problems only): the codes can still be checked, so the report
    # lists all problems at once instead of revealing them one round at a time.
    if workbook.complete and not (errors and not any(p.rows for p in parsed.values())):
        started = time.perf_counter()
        refs = Refs(parsed, user)
        check_references(parsed, refs, errors)
        timings["references"] = time.perf_counter() - started
    if errors:
        return _finish(result, errors)
    # Plan every sheet against the stored rows (parents first; a parent that only exists in the file is a NewRef
    # until it is written), then write all of it in one step. A dry run stops after the plans (see commit).
    try:
        started = time.perf_counter()
        plans = []
        for key, sheet in parsed.items():
            if progress is not None:
                progress(sheet.sheet.zh, result.rows_total, result.rows_total)
            for part in _regions_by_level(sheet) if key == "regions" else [sheet]:
                plans.append(plan_sheet(part, refs, errors))
        if errors:
            return _finish(result, errors)
        if locks.refuse_locked(plans, errors):  # a signed-off county-year (workbook/locks.py)
            return _finish(result, errors)
        timings["plan"] = time.perf_counter() - started
        committed = commit(plans, user=user, dry_run=dry_run, timings=timings)
        result.updated = [
            (p.sheet.sheet, p.sheet.name, list(p.change.fields), p.updated_sample, p.updated_more)
            for p in plans
            if p.updated_sample
        ]
    except (_Rejected, IntegrityError, writers.RowsChanged):
        if not errors:
            errors.add("", None, "", "", "导入时数据库内容发生变化，请重新导入。")
        return _finish(result, errors)
    result.counts = committed.counts
    result.county_ids = committed.county_ids
    result.years = committed.years
    result.ok = True
    return _finish(result, errors)


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
