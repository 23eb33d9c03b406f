"""The fast path of `parse_sheet` (a row's cells looked up in their columns' caches, `_ColumnCache`) gives exactly
what the row loop alone gives: the same rows, the same rejected codes and the same located messages, on sheets
drawn with bad cells anywhere — blanks, formulas, booleans, 0 and 1 of every type, NaN, text too long or with
control characters, wrong labels, cut or extended rows, repeated keys and shuffled or missing columns."""

import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook import validation
from workbook.importer import decimal_specs
from workbook.readers import SheetSource
from workbook.spec import SHEETS
from workbook.validation import ErrorList, parse_sheet

DECIMALS = decimal_specs()

GOOD = {
    "text": ["张三", "T001", "一年级1班", "  李四 ", "X" * 20],
    "code10": ["3713020001", "3713020002", 3713020003, " 3713020004"],
    "code6": ["371302", 371311, "371312"],
    "year": [2024, "2024", 2023.0, "2023"],
    "count": [0, 1, 5, "12", 12.0, 300, "0"],
    "grade": [1, 3, "6", 9.0],
    "amount": ["12.5", 100, 3.25, "0"],
    "decimal": ["12.5", 100, 3.25, 1],
    "percent": ["95%", 0.95, "0.5", 1],
    "bool": ["是", "否", "是 "],
    "month": ["1985-09", "1990/3", "2001-12"],
}
BAD = [
    None,
    "",
    "   ",
    "=A1",
    "=SUM(B2:B9)",
    True,
    False,
    0,
    1,
    0.0,
    1.0,
    -1,
    1e20,
    float("nan"),
    "abc",
    "１２",
    "'0012",
    "a\x01b",
    "名" * 300,
    Decimal("2.5"),
]


def good_values(column) -> list:
    if column.kind in ("enum", "level"):
        return [*list(column.choices)[:4], *list(column.choices.values())[:2]]
    return GOOD[column.kind]


@st.composite
def sheets(draw):
    """(sheet, the raw rows: a header then data rows) with a share of bad cells."""
    sheet = draw(st.sampled_from(SHEETS))
    required = [c for c in sheet.columns if c.required or c.key in sheet.natural_key]
    optional = [c for c in sheet.columns if c not in required]
    kept = draw(st.lists(st.booleans(), min_size=len(optional), max_size=len(optional)))
    columns = required + [c for c, keep in zip(optional, kept, strict=True) if keep]
    columns = draw(st.permutations(columns))
    header = [draw(st.sampled_from([c.zh, c.key, f"{c.zh}*"])) for c in columns]
    bad_share = draw(st.sampled_from([0.0, 0.001, 0.02, 0.1, 0.5]))
    rows = []
    for _ in range(draw(st.integers(1, 60))):
        row = []
        for column in columns:
            if draw(st.floats(0, 1)) < bad_share:
                row.append(draw(st.sampled_from(BAD)))
            else:
                row.append(draw(st.sampled_from(good_values(column))))
        shape = draw(st.sampled_from(["same"] * 8 + ["cut", "extended", "repeat", "blank"]))
        if shape == "cut":
            row = row[: draw(st.integers(0, len(row) - 1))]
        elif shape == "extended":
            row = [*row, draw(st.sampled_from(["", None, "多余", 7]))]
        elif shape == "repeat" and rows:
            row = list(draw(st.sampled_from(rows)))
        elif shape == "blank":
            row = [None] * len(row)
        rows.append(row)
    return sheet, [header, *rows]


def parsed_with(fast: bool, sheet, raw_rows) -> tuple:
    source = SheetSource(sheet, sheet.zh, lambda: iter(enumerate(raw_rows, start=1)), len(raw_rows) - 1)
    errors = ErrorList()
    validation.FAST_PATH = fast
    try:
        parsed = parse_sheet(source, errors, DECIMALS)
    finally:
        validation.FAST_PATH = True
    if parsed is None:
        return None, comparable(errors)
    return (comparable(parsed.rows), parsed.present, parsed.rejected_codes), comparable(errors)


def comparable(value):
    """NaN equals NaN, and a value's type counts (1 and True and 1.0 must not pass for each other)."""
    if isinstance(value, list | tuple):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_the_fast_path_gives_the_row_loops_rows_and_messages(drawn):
    sheet, raw_rows = drawn

    assert parsed_with(True, sheet, raw_rows) == parsed_with(False, sheet, raw_rows)


def test_the_switch_turns_the_fast_path_off():
    """Without this, the differential test above would compare the fast path with itself."""
    sheet = next(s for s in SHEETS if s.key == "teachers")
    calls = []
    original = validation._ColumnCache.__missing__

    def counting(self, value):
        calls.append(value)
        return original(self, value)

    validation._ColumnCache.__missing__ = counting
    try:
        header = [c.zh for c in sheet.columns if c.required]
        row = [good_values(c)[0] for c in sheet.columns if c.required]
        parsed_with(False, sheet, [header, row])
        assert calls == []
        parsed_with(True, sheet, [header, row])
        assert calls
    finally:
        validation._ColumnCache.__missing__ = original
