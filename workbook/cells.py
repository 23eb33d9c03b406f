"""Reading one cell: the tolerant forms the workbook spec allows, and a Chinese message for anything else.

Every parser takes the raw value (str from CSV; str/float/int/bool/date from a workbook) and returns the stored
value or raises CellError. Blank cells never reach the parsers (blank means "not reported").
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class CellError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％　：／", "0123456789.,-+% :/")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
# Control characters other than tab and line breaks: invisible in Excel, refused by PostgreSQL (NUL) and by
# xlsx itself, so a stored one would break every later export of the county.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def to_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("应为数字")
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise CellError("应为数字")
    text = value.strip().translate(_FULL_WIDTH).replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise CellError("应为数字")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise CellError("应为数字") from exc


def parse_count(value) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise CellError("应为整数")
    if number < 0:
        raise CellError("不能为负数")
    if number > 2_000_000_000:
        raise CellError("数值过大")
    return int(number)


def parse_decimal(value, *, places: int, max_digits: int) -> Decimal:
    number = to_decimal(value)
    if number < 0:
        raise CellError("不能为负数")
    # Too many integer digits is refused before quantize, which raises on numbers beyond its precision (1e30).
    if number.adjusted() >= max_digits - places:
        raise CellError("数值过大")
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if len(number.as_tuple().digits) > max_digits:
        raise CellError("数值过大")
    return number


def parse_percent(value, *, places: int = 3) -> Decimal:
    """95, 95% and 0.95 are all 95 (fractions ≤ 1 are shares)."""
    text = value.strip().translate(_FULL_WIDTH) if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("%"):
        number = to_decimal(text[:-1])
    else:
        number = to_decimal(text)
        if 0 <= number <= 1:
            number *= 100
    if number < 0:
        raise CellError("百分比不能为负数")
    if number > 100:
        raise CellError("百分比应在 0–100 之间")
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_year(value) -> int:
    try:
        year = parse_count(value)
    except CellError as exc:
        raise CellError("学年应为四位年份，例如 2024") from exc
    if not 1990 <= year <= 2100:
        raise CellError("学年应为四位年份，例如 2024")
    return year


def parse_grade(value) -> int:
    try:
        grade = parse_count(value)
    except CellError as exc:
        raise CellError("年级应为 1–9 的整数") from exc
    if not 1 <= grade <= 9:
        raise CellError("年级应为 1–9 的整数")
    return grade


_TRUE = {"是", "1", "y", "yes", "true", "t", "√"}
_FALSE = {"否", "0", "n", "no", "false", "f", "×"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise_text(value).translate(_FULL_WIDTH).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("应填“是”或“否”")


def parse_code(value, digits: int) -> str:
    text = normalise_text(value).translate(_FULL_WIDTH)
    if not re.fullmatch(rf"\d{{{digits}}}", text):
        label = "学校标识码" if digits == 10 else "行政区划代码"
        raise CellError(f"{label}应为{digits}位数字")
    return text


_MONTH = re.compile(r"^((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_month(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = normalise_text(value).translate(_FULL_WIDTH)
    match = _MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    raise CellError("出生年月应写作 YYYY-MM，例如 1985-09")


def parse_enum(value, choices: dict, column_zh: str):
    text = normalise_text(value)
    if text in choices:
        return choices[text]
    if text.split(" ")[0] in choices:  # "111 主城区" as the template's drop-down shows it
        return choices[text.split(" ")[0]]
    lowered = text.lower()
    for stored in choices.values():
        if str(stored).lower() == lowered:
            return stored
    allowed = "、".join(dict.fromkeys(str(k) for k in choices if not k.isascii() or k.isdigit()))
    raise CellError(f"{column_zh}不在可选值内（可选：{allowed}）")


def parse_level(value, choices: dict) -> int:
    text = normalise_text(value).upper().translate(_FULL_WIDTH)
    if text in choices:
        return choices[text]
    raise CellError("等级应为 Ⅰ、Ⅱ、Ⅲ、Ⅳ（或 I–IV、1–4）")


def parse_text(value, max_length: int | None) -> str:
    text = normalise_text(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]  # escaped on export against formula injection
    if max_length and len(text) > max_length:
        raise CellError(f"长度不能超过 {max_length} 个字")
    if CONTROL.search(text):
        raise CellError("含有不可见的控制字符，请删除后再导入")
    return text
