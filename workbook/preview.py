"""What a previewed import would change in rows that already exist: per sheet, the first updated rows with each
changed cell as old → new, shown before the uploader confirms.

The importer's plan already compared every row with the stored one (importer.plan_sheet keeps the first updated
rows of each sheet with their stored values), so the preview reads neither the file nor the table again: it only
puts codes for ids and labels for choices. Teachers' names are never shown.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from core.models import Region
from schools.models import School

from .importer import MODELS, ImportResult, field_name

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


def updated_rows(result: ImportResult) -> list[dict]:
    """[{sheet, rows: [{row, key, changes: [{column, old, new}]}], more}] for the sheets with updated rows;
    `more` says whether the sheet has updated rows past those shown."""
    school_ids: set = set()
    region_ids: set = set()
    for _sheet, _name, fields, sample, _more in result.updated:
        for _number, old, new in sample:
            for i, name in enumerate(fields):
                if name == "school_id":
                    school_ids.update((old[i], new[i]))
                elif name in ("county_id", "parent_id"):
                    region_ids.update((old[i], new[i]))
    school_codes = (
        dict(School.objects.filter(pk__in=school_ids).values_list("pk", "code")) if school_ids else {}
    )
    region_codes = (
        dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "code")) if region_ids else {}
    )

    def code_of(name: str, value):
        if name == "school_id":
            return school_codes.get(value, value)
        if name in ("county_id", "parent_id"):
            return region_codes.get(value, value)
        return value

    out = []
    for sheet, sheet_name, fields, sample, more in result.updated:
        model = MODELS[sheet.key]
        at = {name: i for i, name in enumerate(fields)}
        key_names = [field_name(sheet, k) for k in sheet.natural_key]
        compared = [
            (column, field_name(sheet, column.key))
            for column in sheet.columns
            if column.key not in sheet.natural_key and field_name(sheet, column.key) in at
        ]
        labels = {}
        for _column, name in compared:
            model_field = model._meta.get_field(name)
            if model_field.choices:  # never a foreign key's: its "choices" would read the whole table
                labels[name] = {value: str(label) for value, label in model_field.flatchoices}
        rows = []
        for number, old, new in sample:
            changes = []
            for column, name in compared:
                before, after = old[at[name]], new[at[name]]
                if before == after:
                    continue
                before, after = code_of(name, before), code_of(name, after)
                if name in labels:  # a choice is shown as the workbook writes it, never its key
                    before, after = labels[name].get(before, before), labels[name].get(after, after)
                private = sheet.key == "teachers" and column.key in PRIVATE_COLUMNS
                changes.append(
                    {
                        "column": column.zh,
                        "old": HIDDEN if private else _shown(before),
                        "new": HIDDEN if private else _shown(after),
                    }
                )
            key = " · ".join(_shown(code_of(name, new[at[name]])) for name in key_names)
            rows.append({"row": number, "key": key, "changes": changes})
        out.append({"sheet": sheet_name, "rows": rows, "more": more})
    return out
