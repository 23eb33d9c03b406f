"""What a previewed import would change in rows that already exist: per sheet, the first updated rows with each
changed cell as old → new, shown before the uploader confirms.

Read only, after a dry run that found updated rows: the file is parsed again with the importer's own readers and
reference resolution and compared with the stored rows, a chunk at a time, stopping at `limit` rows per sheet, so
a large file costs little more than its parse. Teachers' names are never shown.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from .importer import MODELS, NEW, Refs, _load_existing, _resolve_row, decimal_specs, field_name
from .readers import FileProblem, open_source
from .validation import ErrorList, parse_sheet

LIMIT = 20
CHUNK = 2000
HIDDEN = "（姓名已隐藏）"
PRIVATE_COLUMNS = {"name"}  # a teacher's name is personal data: "changed" is said, the values are not


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _same(old: Any, new: Any) -> bool:
    """The importer's own comparison (importer.plan_sheet): a row is updated when a value differs."""
    return old == new


def updated_rows(path, *, user, file_name: str | None = None, limit: int = LIMIT) -> list[dict]:
    """[{sheet, rows: [{row, key, changes: [{column, old, new}]}], more}] for the sheets with updated rows;
    `more` says whether the sheet has updated rows past the `limit` shown. [] when the file cannot be read."""
    try:
        sources = open_source(path, file_name)
    except FileProblem:
        return []
    errors = ErrorList()
    decimals = decimal_specs()
    parsed = {}
    for source in sources:
        sheet = parse_sheet(source, errors, decimals)
        if sheet is not None:
            parsed[source.sheet.key] = sheet
    if errors or not parsed:
        return []
    refs = Refs(parsed, user)
    school_codes = {pk: code for code, (pk, _county) in refs.schools.items()}
    region_codes = {value[0]: code for code, value in refs.regions.items()}
    out = []
    for part in parsed.values():
        sheet = part.sheet
        model = MODELS[sheet.key]
        key_fields = [field_name(sheet, k) for k in sheet.natural_key]
        compared = [c for c in sheet.columns if c.key in part.present and c.key not in sheet.natural_key]
        all_fields = [field_name(sheet, c.key) for c in sheet.columns]
        labels = {}
        for column in compared:
            name = field_name(sheet, column.key)
            try:
                choices = model._meta.get_field(name).flatchoices
            except Exception:  # a column without a model field of its own
                choices = None
            if choices:
                labels[name] = {value: str(label) for value, label in choices}
        found: list[dict] = []
        more = False
        for start in range(0, len(part.rows), CHUNK):
            rows = []
            for number, values in part.rows[start : start + CHUNK]:
                data, _county = _resolve_row(part, values, refs)
                if NEW not in (data.get(f) for f in key_fields):
                    rows.append((number, data, values))
            existing = _load_existing(sheet, model, [(n, d) for n, d, _v in rows], key_fields, all_fields)
            for number, data, values in rows:
                old = existing.get(tuple(data[f] for f in key_fields))
                if old is None:
                    continue
                changes = []
                for column in compared:
                    name = field_name(sheet, column.key)
                    if _same(old[name], data[name]):
                        continue
                    before, after = old[name], data[name]
                    if name == "school_id":
                        before, after = school_codes.get(before, before), school_codes.get(after, after)
                    elif name in ("county_id", "parent_id"):
                        before, after = region_codes.get(before, before), region_codes.get(after, after)
                    elif name in labels:  # a choice is shown as the workbook writes it, never its key
                        before, after = labels[name].get(before, before), labels[name].get(after, after)
                    private = sheet.key == "teachers" and column.key in PRIVATE_COLUMNS
                    changes.append(
                        {
                            "column": column.zh,
                            "old": HIDDEN if private else _shown(before),
                            "new": HIDDEN if private else _shown(after),
                        }
                    )
                if not changes:
                    continue
                if len(found) == limit:
                    more = True
                    break
                found.append(
                    {
                        "row": number,
                        "key": " · ".join(
                            _shown(values[sheet.columns.index(sheet.by_key[k])]) for k in sheet.natural_key
                        ),
                        "changes": changes,
                    }
                )
            if more:
                break
        if found:
            out.append({"sheet": part.name, "rows": found, "more": more})
    return out
