"""Reading and checking one sheet: header matching, cell parsing, duplicate natural keys.

Produces compact row tuples (values in the sheet's column order) so that a 200 000-row teacher sheet fits in a
few hundred megabytes; every problem becomes an error dict {sheet, row, column, value, message, col}.
"""

import difflib
import re
from dataclasses import dataclass, field
from operator import itemgetter

from . import cells
from .cells import CellError
from .readers import SheetSource, column_letter
from .spec import Column, Sheet

MAX_ERRORS = 20_000

_HEADER_SUFFIX = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")


def header_key(text) -> str:
    """'学校标识码*', ' 学校标识码 ', '教学及辅助用房面积（m²）' and 'school_code' all name one column."""
    value = cells.normalise_text(text) if not cells.is_blank(text) else ""
    value = value.replace("\ufeff", "").strip().rstrip("*＊").strip()
    value = _HEADER_SUFFIX.sub("", value)
    return value.lower() if value.isascii() else value


@dataclass
class ParsedSheet:
    sheet: Sheet
    name: str
    present: list[str] = field(default_factory=list)  # column keys found in the header
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values in sheet column order)
    header_row: int = 1
    # Codes (column `code`) of rows rejected for a bad cell: other sheets may still refer to them, and saying
    # "school does not exist" there would only repeat the real problem.
    rejected_codes: set[str] = field(default_factory=set)

    def index(self, key: str) -> int:
        return [c.key for c in self.sheet.columns].index(key)


class ErrorList(list):
    """The report: every problem, capped so a hopeless file cannot exhaust memory."""

    truncated = 0

    def add(self, sheet: str, row, column: str, value, message: str, col: int | None = None) -> None:
        if len(self) >= MAX_ERRORS:
            self.truncated += 1
            return
        shown = "" if value is None else str(value)
        if column == "姓名" and shown:
            shown = "（姓名已隐藏）"  # personal data never appears in reports
        if len(shown) > 100:
            shown = shown[:100] + "…"
        self.append(
            {"sheet": sheet, "row": row, "column": column, "value": shown, "message": message, "col": col}
        )


def _match_header(raw_header: list, sheet: Sheet, source_name: str, header_row: int, errors: ErrorList):
    lookup = {}
    for column in sheet.columns:
        lookup[header_key(column.zh)] = column
        lookup[column.key] = column
    mapping: dict[int, Column] = {}
    unknown: dict[int, str] = {}
    for index, raw in enumerate(raw_header):
        key = header_key(raw)
        if not key:
            unknown[index] = ""
            continue
        column = lookup.get(key)
        if column is None:
            unknown[index] = str(raw).strip()
            continue
        if column in mapping.values():
            errors.add(source_name, header_row, column.zh, raw, f"表头「{column.zh}」出现了两次", index)
            continue
        mapping[index] = column
    for column in sheet.columns:
        if column.required and column not in mapping.values():
            errors.add(source_name, header_row, column.zh, "", f"缺少必填列「{column.zh}」", None)
    return mapping, unknown


def _unknown_column_message(name: str, sheet: Sheet) -> str:
    if not name:
        return "此列有数据但没有表头"
    names = [c.zh for c in sheet.columns]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f"，是否应为「{close[0]}」？" if close else f"。可用的列：{'、'.join(names)}"
    return f"无法识别的列「{name}」{hint}"


def _parse(column: Column, raw, decimals: dict):
    kind = column.kind
    if kind == "text":
        return cells.parse_text(raw, column.max_length)
    if kind == "count":
        return cells.parse_count(raw)
    if kind == "year":
        return cells.parse_year(raw)
    if kind == "grade":
        return cells.parse_grade(raw)
    if kind == "code10":
        return cells.parse_code(raw, 10)
    if kind == "code6":
        return cells.parse_code(raw, 6)
    if kind == "amount" or kind == "decimal":
        places, digits = decimals[column.key]
        return cells.parse_decimal(raw, places=places, max_digits=digits)
    if kind == "percent":
        return cells.parse_percent(raw, places=decimals[column.key][0])
    if kind == "bool":
        return cells.parse_bool(raw)
    if kind == "enum":
        return cells.parse_enum(raw, column.choices, column.zh)
    if kind == "level":
        return cells.parse_level(raw, column.choices)
    if kind == "month":
        return cells.parse_month(raw)
    raise AssertionError(kind)  # pragma: no cover


_MISS = object()
# Off only in the differential test (tests/workbook/test_parse_fast_path.py), which checks that the fast path below
# gives exactly the row loop's rows and messages.
FAST_PATH = True
CACHE_LIMIT = 20_000  # distinct raw values remembered per column (enums, codes, years repeat; names do not)


def _is_blank_row(raw: list) -> bool:
    first = raw[0] if raw else None
    if type(first) is str and first and not first.isspace():
        return False
    return not any(not cells.is_blank(v) for v in raw)


def parse_sheet(source: SheetSource, errors: ErrorList, decimals: dict, progress=None) -> ParsedSheet | None:
    """Stream one sheet; return its rows, or None when the header is unusable (errors say why).

    Each column parses a raw value once: the result of a good string or number is remembered per column (the
    parsers are pure), so repeated enum labels, school codes and years cost one dict lookup; anything new, blank,
    a formula or wrong goes through the full checks.
    """
    sheet = source.sheet
    name = source.name
    for problem in source.errors:
        errors.add(name, problem["row"], "", problem["value"], problem["message"], problem.get("col"))
    parsed = ParsedSheet(sheet, name)
    rows = source.open_rows()
    header = None
    for number, raw in rows:
        if any(not cells.is_blank(v) for v in raw):
            header = (number, raw)
            break
    if header is None:
        errors.add(name, None, "", "", "工作表为空（没有表头）")
        return None
    parsed.header_row, raw_header = header
    errors_before = len(errors)
    mapping, unknown = _match_header(raw_header, sheet, name, parsed.header_row, errors)
    header_ok = len(errors) == errors_before
    parsed.present = [c.key for c in mapping.values()]
    positions = {c.key: i for i, c in enumerate(sheet.columns)}
    plan = [
        (index, column, positions[column.key], {}, {}, column.max_length if column.kind == "text" else None)
        for index, column in mapping.items()
    ]
    header_width = len(raw_header)
    code_index = next((index for index, column in mapping.items() if column.key == "code"), None)
    defaults = tuple(c.default for c in sheet.columns)
    key_positions = [positions[k] for k in sheet.natural_key]
    row_key = (
        itemgetter(*key_positions) if len(key_positions) > 1 else (lambda v, p=key_positions[0]: (v[p],))
    )
    seen: dict = {}
    reported_unknown: set[int] = set()
    out = parsed.rows
    done = 0
    # The fast path (every cell of the file's header matched a column): a row's cells are looked up in their
    # columns' caches in C (map over the row), each new value parsed once by the cache itself (_ColumnCache). A row
    # with a cell the caches cannot take (blank where required, wrong, a formula), a blank first cell or another
    # width, or a repeated key, goes through the loop below, which reports exactly as before.
    fast = FAST_PATH and header_ok and not unknown and len(mapping) == header_width
    caches = [_ColumnCache(mapping[index], decimals) for index in range(header_width)] if fast else []
    arrange = _arrangement(mapping, sheet) if fast else tuple
    lookup = dict.__getitem__
    for number, raw in rows:
        done += 1
        if progress is not None and done % 5000 == 0:
            progress(done)
        if fast and len(raw) == header_width:
            first = raw[0]
            if (first and not first.isspace()) if type(first) is str else first is not None:
                try:
                    values = arrange(map(lookup, caches, raw))
                except _SlowCell:
                    pass
                else:
                    key = row_key(values)
                    if key not in seen:
                        seen[key] = number
                        out.append((number, values))
                        continue
        if _is_blank_row(raw):
            continue
        width = len(raw)
        if unknown or width > header_width:
            _report_unknown(raw, unknown, reported_unknown, header_width, sheet, parsed, number, errors)
        if not header_ok:
            continue
        values = list(defaults)
        row_ok = True
        for index, column, position, text_cache, number_cache, text_length in plan:
            value = raw[index] if index < width else None
            kind = type(value)
            cache = text_cache if kind is str else number_cache if kind is float else None
            if cache is not None:
                hit = cache.get(value, _MISS)
                if hit is not _MISS:
                    values[position] = hit
                    continue
            if text_length is not None and kind is str:
                # Plain text (teacher numbers, names: rarely repeated): what cells.parse_text returns for a
                # non-blank string that is not an escaped formula and fits; anything else takes the full path.
                text = value.strip()
                # (isprintable is a fast C check; a text it refuses, e.g. one with a control character, takes the
                # full path, which decides.)
                if text and text[0] != "'" and len(text) <= text_length and text.isprintable():
                    values[position] = text
                    if len(cache) < CACHE_LIMIT:
                        cache[value] = text
                    continue
            if cells.is_blank(value):
                if column.required:
                    errors.add(name, number, column.zh, "", f"「{column.zh}」为必填项", index)
                    row_ok = False
                elif cache is not None and len(cache) < CACHE_LIMIT:
                    cache[value] = values[position]
                continue
            if kind is str and value.startswith("=") and column.kind != "text":
                errors.add(name, number, column.zh, value, "单元格是公式，请粘贴为数值后再导入", index)
                row_ok = False
                continue
            try:
                result = _parse(column, value, decimals)
            except CellError as exc:
                errors.add(name, number, column.zh, value, exc.message, index)
                row_ok = False
                continue
            values[position] = result
            if cache is not None and len(cache) < CACHE_LIMIT:
                cache[value] = result
        if not row_ok:
            if code_index is not None and code_index < width and not cells.is_blank(raw[code_index]):
                parsed.rejected_codes.add(str(raw[code_index]).strip())
            continue
        key = row_key(values)
        first = seen.get(key)
        if first is not None:
            label = "、".join(sheet.column(k).zh for k in sheet.natural_key)
            errors.add(
                name,
                number,
                sheet.column(sheet.natural_key[-1]).zh,
                key[-1],
                f"与第 {first} 行重复（{label} 应唯一）",
                None,
            )
            continue
        seen[key] = number
        out.append((number, tuple(values)))
    if progress is not None:
        progress(done)
    return parsed if header_ok else None


class _SlowCell(Exception):
    """A cell the fast path leaves to the row loop (which reports it, or treats it specially)."""


class _ColumnCache(dict):
    """Raw value → parsed value of one column, filled on a miss by what the row loop stores for a good cell.

    Keys of different types may be equal (1 == 1.0 == True): ints and floats parse alike in every parser, but a
    bool does not (a number column refuses True), so 0 and 1 of any type are never kept, and a bool always misses
    and is parsed on its own."""

    __slots__ = ("column", "decimals", "text_length")

    def __init__(self, column: Column, decimals: dict):
        super().__init__()
        self.column, self.decimals = column, decimals
        self.text_length = column.max_length if column.kind == "text" else None

    def __missing__(self, value):
        column, kind = self.column, type(value)
        text_length = self.text_length
        result = _MISS
        if text_length is not None and kind is str:
            text = value.strip()  # as the row loop's plain-text path
            if text and text[0] != "'" and len(text) <= text_length and text.isprintable():
                result = text
        if result is _MISS:
            if cells.is_blank(value):
                if column.required:
                    raise _SlowCell
                result = column.default
            elif kind is str and value.startswith("=") and column.kind != "text":
                raise _SlowCell
            else:
                try:
                    result = _parse(column, value, self.decimals)
                except CellError as exc:
                    raise _SlowCell from exc
        if len(self) < CACHE_LIMIT and (
            kind is str or ((kind is float or kind is int) and value != 0 and value != 1)
        ):
            self[value] = result
        return result


def _arrangement(mapping: dict, sheet: Sheet):
    """The parsed cells (an iterable in file order) → the row's values in sheet column order, defaults for the
    absent columns."""
    at = {column.key: index for index, column in mapping.items()}
    order: list[int] = []
    absent: list = []
    for column in sheet.columns:
        if column.key in at:
            order.append(at[column.key])
        else:
            order.append(len(mapping) + len(absent))
            absent.append(column.default)
    if order == list(range(len(mapping))):
        return tuple
    pick = itemgetter(*order)
    return lambda parsed_cells: pick([*parsed_cells, *absent])


def _report_unknown(raw, unknown, reported, header_width, sheet, parsed, number, errors) -> None:
    """Data under a header the sheet does not have, or beyond the last header: reported once per column.

    On a sheet of people (teachers) a cell may be a name, so no headerless cell is echoed there, nor the header
    row when it matched no column at all: that is a sheet pasted without its header, its first teacher read as
    the header. A real header row (something matched) is echoed, so a misspelt column still gets its suggestion.
    """
    personal = any(column.zh == "姓名" for column in sheet.columns)
    header_is_data = personal and not parsed.present
    for index in unknown:
        if index not in reported and index < len(raw) and not cells.is_blank(raw[index]):
            reported.add(index)
            header = "" if header_is_data else unknown[index]
            message = (
                _unknown_column_message(header, sheet)
                if header or not unknown[index]
                else "无法识别的表头：第一行可能是数据而不是表头（为保护个人信息，不显示其内容）"
            )
            errors.add(parsed.name, parsed.header_row, header or column_letter(index), header, message, index)
    for index in range(header_width, len(raw)):
        if index not in reported and not cells.is_blank(raw[index]):
            reported.add(index)
            shown = "" if personal else raw[index]
            errors.add(parsed.name, number, column_letter(index), shown, "此列有数据但没有表头", index)
