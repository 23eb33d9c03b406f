"""The set-wise record of an import (audit.services.record_batch: one INSERT … SELECT per table) writes the same
history rows as simple-history's per-row path would have written for the same changes, saved one by one: same
rows, type, values, user, channel, batch and county; and so the history pages show the same old → new."""

import pytest
from django.db import transaction

from audit.context import importing
from audit.registry import AUDITED, tracked_fields
from audit.selectors import changes, entries_for
from workbook.importer import import_workbook

from ..workbook.workbook_files import YEAR_HEADER, basic_sheets, school_row, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db

BATCH = 7


def stored_rows() -> dict:
    """(kind, id) → every concrete field's value of every audited row."""
    rows = {}
    for audited in AUDITED:
        for values in audited.model._default_manager.values():
            rows[(audited.kind, values["id"])] = values
    return rows


def history_rows(batch: int) -> list[tuple]:
    """The batch's history rows, without the history's own id and date (two runs cannot share them)."""
    found = []
    for audited in AUDITED:
        columns = [f.attname for f in tracked_fields(audited)]
        names = ["id", *columns, "history_type", "history_user_id", "history_channel", "history_county_id"]
        for values in audited.history.objects.filter(history_batch_id=batch).values_list(*names):
            found.append((audited.kind, *values))
    return sorted(found, key=repr)


def page_entries(viewer, batch: int) -> list[tuple]:
    return sorted(
        (
            (e.kind, e.type, e.key, repr(sorted(e.changes.items())))
            for e in entries_for(list(changes(viewer, batch=batch)))
        ),
        key=repr,
    )


def save_one_by_one(before: dict, after: dict) -> None:
    """The per-row path: the same changes as model saves and deletes, each recorded by simple-history's signals,
    parents (in AUDITED order) first."""
    by_kind = {a.kind: a.model for a in AUDITED}
    for key in sorted(after, key=lambda k: [a.kind for a in AUDITED].index(k[0])):
        model, values = by_kind[key[0]], after[key]
        if key not in before:
            model(**values).save(force_insert=True)
        elif before[key] != values:
            instance = model._default_manager.get(pk=key[1])
            for name, value in values.items():
                setattr(instance, name, value)
            instance.save()
    for key in before.keys() - after.keys():
        by_kind[key[0]]._default_manager.get(pk=key[1]).delete()


def test_an_imports_history_rows_are_those_the_per_row_path_would_record(tmp_path, clerk, admin_user, county):
    with importing(1, user=clerk):
        assert import_workbook(write_xlsx(tmp_path / "first.xlsx", first_file()), user=clerk).ok
    before = stored_rows()

    with transaction.atomic():
        with importing(BATCH, user=clerk):
            result = import_workbook(write_xlsx(tmp_path / "second.xlsx", second_file()), user=clerk)
        assert result.ok, result.errors
        set_wise = history_rows(BATCH)
        set_wise_pages = page_entries(admin_user, BATCH)
        after = stored_rows()
        transaction.set_rollback(True)

    assert stored_rows() == before  # the same starting point for the per-row path
    with transaction.atomic():
        with importing(BATCH, user=clerk):
            save_one_by_one(before, after)
        per_row = history_rows(BATCH)
        per_row_pages = page_entries(admin_user, BATCH)
        transaction.set_rollback(True)

    kinds = {(row[0], row[len(row) - 4]) for row in set_wise}
    assert kinds >= {
        ("school", "~"),
        ("school_year", "+"),
        ("teacher", "+"),
        ("teacher", "~"),
        ("teacher", "-"),
    }
    assert set_wise == per_row
    assert set_wise_pages == per_row_pages


def first_file() -> dict:
    return {
        **basic_sheets(teachers=[teacher_row("T001"), teacher_row("T002"), teacher_row("T003")]),
        "学校学年数据": [YEAR_HEADER, [2023, "3713020001", 580, 2900, 11000]],
    }


def second_file() -> dict:
    """A school renamed, a school-year added, a teacher changed, one kept, one dropped, one new."""
    school = school_row()
    school[1] = "兰山实验小学"
    return {
        **basic_sheets(
            schools=[school],
            teachers=[
                teacher_row("T001", 最高学历="研究生"),
                teacher_row("T002"),
                teacher_row("T004", 性别="女"),
            ],
        ),
        "学校学年数据": [
            YEAR_HEADER,
            [2023, "3713020001", 580, 2900, 11000],
            [2024, "3713020001", 600, 3000, 12000],
        ],
    }
