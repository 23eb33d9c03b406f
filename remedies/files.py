"""The planner's files: the workbook of changes a user uploads into a scenario (and its empty template), and the
transfer list of a rotation plan for the personnel office.

The upload is read with the workbook app's tools — the same checks at the door (`workbook.uploads`: content
sniffing, zip-bomb bounds), the same sheet scan (formula cells, a sheet's extent) and the same cell parsers
(`workbook.cells`) — and is all or nothing: every located problem is listed ("第 3 行「面积（m²）」：应为数字"),
and nothing is added unless every row reads and applies.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workbook import readers
from workbook.cells import (
    CellError,
    is_blank,
    normalise_text,
    parse_bool,
    parse_code,
    parse_count,
    to_decimal,
)
from workbook.uploads import TEXT, ZIP, UploadRefused, check_upload, check_zip

from .changes import DEGREE_LABELS, KINDS, STAGE_LABELS

SHEET = "修改"
MAX_ROWS = 10_000
# column header → change field; a row names its kind in 修改类型 and fills the columns that kind reads
COLUMNS = {
    "修改类型": "kind",
    "学校标识码": "school",
    "调出学校标识码": "from_school",
    "调入学校标识码": "to_school",
    "学段": "stage",
    "数量": "count",
    "面积（m²）": "area",
    "金额（元）": "value",
    "最高学历": "degree",
    "是否骨干教师": "backbone",
    "任教学科": "subject",
    "班级名称": "class_name",
    "拆分为几个班": "into",
    "教师编号": "teacher_id",
}
# the fields each kind reads (the rest of the row must be blank: a filled cell the kind ignores is a mistake)
FIELDS = {
    "add_teaching_area": ("school", "area"),
    "add_sports_ground": ("school", "area"),
    "add_equipment": ("school", "value"),
    "add_multimedia_rooms": ("school", "count"),
    "hire_teachers": ("school", "stage", "count", "degree", "backbone", "subject"),
    "move_teacher": (
        "from_school",
        "to_school",
        "stage",
        "count",
        "degree",
        "backbone",
        "subject",
        "teacher_id",
    ),
    "move_pupils": ("from_school", "to_school", "stage", "count"),
    "split_class": ("school", "stage", "class_name", "into"),
}
KIND_WORDS = {**{cls.label: kind for kind, cls in KINDS.items()}, **{kind: kind for kind in KINDS}}
STAGE_WORDS = {**{v: k for k, v in STAGE_LABELS.items()}, **{k: k for k in STAGE_LABELS}}
DEGREE_WORDS = {**{v: k for k, v in DEGREE_LABELS.items()}, **{k: k for k in DEGREE_LABELS}}


class ChangesFileError(Exception):
    """The file cannot be used; `messages` are Chinese, each naming its row and column."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass
class ParsedChanges:
    changes: list[dict[str, Any]]
    rows: list[int]  # the row of the file each change comes from


def _rows_of(fileobj, name: str, size: int) -> list[tuple[int, list[Any]]]:
    try:
        kind = check_upload(fileobj, name, size, kinds=(ZIP, TEXT))
    except UploadRefused as refused:
        raise ChangesFileError([refused.message]) from None
    if kind == TEXT:
        raw = fileobj.read()
        try:
            encoding = readers.detect_encoding(lambda: io.BytesIO(raw))
        except readers.FileProblem as problem:
            raise ChangesFileError([problem.message]) from None
        text = raw.decode(encoding)
        return [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    return _xlsx_rows(fileobj, name)


def _xlsx_rows(fileobj, name: str) -> list[tuple[int, list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        archive = check_zip(fileobj, name)
    except UploadRefused as refused:
        raise ChangesFileError([refused.message]) from None
    if "xl/workbook.xml" not in archive.namelist():
        raise ChangesFileError([_("文件不是 Excel 工作簿（.xlsx）")])
    fileobj.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        names = workbook.sheet_names
    except Exception:  # calamine raises its own error types for corrupt files
        raise ChangesFileError([_("文件已损坏或不是有效的 Excel 工作簿，无法打开。")]) from None
    sheet_name = SHEET if SHEET in names else names[0]
    # before calamine builds the sheet: its extent (far-apart cells would allocate gigabytes) and formula cells
    paths = readers._sheet_xml_paths(archive)
    if sheet_name in paths:
        scan = readers._scan_sheet_xml(archive, paths[sheet_name])
        if scan.last_row - 1 > MAX_ROWS:
            raise ChangesFileError([_("修改超过 %(n)s 行的上限，请拆分后分别上传") % {"n": MAX_ROWS}])
        try:
            readers._check_extent(sheet_name, scan)
        except readers.FileProblem as problem:
            raise ChangesFileError([problem.message]) from None
        if scan.formulas:
            raise ChangesFileError(
                [
                    _("第 %(row)s 行 %(cell)s：%(message)s")
                    % {"row": f["row"], "cell": f["value"], "message": f["message"]}
                    for f in scan.formulas[:20]
                ]
            )
    sheet = workbook.get_sheet_by_name(sheet_name)
    start_row, start_col = sheet.start or (0, 0)
    return [(start_row + 1 + i, [""] * start_col + list(cells)) for i, cells in enumerate(sheet.iter_rows())]


def parse_changes(fileobj, name: str, size: int) -> ParsedChanges:
    """Every row of the file as one change's JSON form; ChangesFileError listing every problem found."""
    rows = _rows_of(fileobj, name, size)
    rows = [(n, cells) for n, cells in rows if any(not is_blank(c) for c in cells)]
    if not rows:
        raise ChangesFileError([_("文件中没有修改")])
    header_row, header = rows[0]
    columns: dict[int, str] = {}
    problems = []
    for index, cell in enumerate(header):
        title = normalise_text(cell) if not is_blank(cell) else ""
        if not title:
            continue
        if title not in COLUMNS:
            problems.append(
                _("第 %(row)s 行 %(col)s 列：不认识的表头「%(title)s」（可用：%(known)s）")
                % {
                    "row": header_row,
                    "col": readers.column_letter(index),
                    "title": title,
                    "known": "、".join(COLUMNS),
                }
            )
            continue
        columns[index] = COLUMNS[title]
    if "kind" not in columns.values():
        problems.append(_("第 %(row)s 行：缺少表头「修改类型」") % {"row": header_row})
    if problems:
        raise ChangesFileError(problems)
    if len(rows) - 1 > MAX_ROWS:
        raise ChangesFileError([_("修改超过 %(n)s 行的上限，请拆分后分别上传") % {"n": MAX_ROWS}])
    titles = {field: title for title, field in COLUMNS.items()}
    changes, numbers = [], []
    for number, cells in rows[1:]:
        values = {columns[i]: c for i, c in enumerate(cells) if i in columns and not is_blank(c)}
        row_problems, change = _row(values, titles)
        if row_problems:
            problems.extend(_("第 %(row)s 行%(where)s") % {"row": number, "where": p} for p in row_problems)
        else:
            changes.append(change)
            numbers.append(number)
    if problems:
        raise ChangesFileError(problems)
    return ParsedChanges(changes, numbers)


def _row(values: dict[str, Any], titles: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """(problems, change): problems are "「column」：message" pieces, joined to the row number by the caller."""
    raw_kind = values.pop("kind", None)
    if raw_kind is None:
        return [_("「修改类型」：不能为空")], {}
    kind = KIND_WORDS.get(normalise_text(raw_kind))
    if kind is None:
        return [
            _("「修改类型」：不认识“%(value)s”（可选：%(known)s）")
            % {"value": normalise_text(raw_kind), "known": "、".join(cls.label for cls in KINDS.values())}
        ], {}
    allowed = FIELDS[kind]
    problems: list[str] = []
    change: dict[str, Any] = {"kind": kind}
    for field, value in values.items():
        where = f"「{titles[field]}」"
        if field not in allowed:
            problems.append(_("%(where)s：“%(kind)s”不填此列") % {"where": where, "kind": KINDS[kind].label})
            continue
        try:
            parsed = _cell(kind, field, value)
        except CellError as error:
            problems.append(f"{where}：{error.message}")
            continue
        # the multimedia-room count of the file's 数量 column is the change's `rooms`
        change["rooms" if kind == "add_multimedia_rooms" and field == "count" else field] = parsed
    return problems, change


def _cell(kind: str, field: str, value: Any) -> Any:
    if field in ("school", "from_school", "to_school"):
        return parse_code(value, 10)
    if field == "stage":
        stage = STAGE_WORDS.get(normalise_text(value))
        if stage is None:
            raise CellError(_("应为 小学 或 初中"))
        return stage
    if field == "degree":
        degree = DEGREE_WORDS.get(normalise_text(value))
        if degree is None:
            raise CellError(_("应为 %(known)s 之一") % {"known": "、".join(DEGREE_LABELS.values())})
        return degree
    if field == "backbone":
        return parse_bool(value)
    if field in ("count", "into"):
        number = parse_count(value)
        if number < 1:
            raise CellError(_("应为正整数"))
        return number
    if field in ("area", "value"):
        number = to_decimal(value)
        if number <= 0:
            raise CellError(_("应为大于 0 的数"))
        if number > 10**12:
            raise CellError(_("数值过大"))
        return float(number)
    return normalise_text(value)[:50]


DISTANCE_COLUMNS = ("学校标识码1", "学校标识码2", "距离（km）")


def parse_distances(fileobj, name: str, size: int) -> list[dict[str, Any]]:
    """Distances between schools for a rotation (the portal keeps no school locations): three columns, one pair
    a row, either order. ChangesFileError listing every problem with its row and column."""
    rows = [(n, cells) for n, cells in _rows_of(fileobj, name, size) if any(not is_blank(c) for c in cells)]
    if not rows:
        raise ChangesFileError([_("文件中没有距离")])
    header_row, header = rows[0]
    titles = [normalise_text(c) if not is_blank(c) else "" for c in header]
    missing = [t for t in DISTANCE_COLUMNS if t not in titles]
    if missing:
        raise ChangesFileError(
            [_("第 %(row)s 行：缺少表头 %(missing)s") % {"row": header_row, "missing": "、".join(missing)}]
        )
    index = {t: titles.index(t) for t in DISTANCE_COLUMNS}
    out, problems = [], []
    for number, cells in rows[1:]:
        values = [cells[index[t]] if index[t] < len(cells) else None for t in DISTANCE_COLUMNS]
        try:
            a, b = parse_code(values[0], 10), parse_code(values[1], 10)
            km = float(to_decimal(values[2]))
        except CellError as error:
            problems.append(_("第 %(row)s 行：%(message)s") % {"row": number, "message": error.message})
            continue
        if km < 0:
            problems.append(_("第 %(row)s 行「距离（km）」：不能为负数") % {"row": number})
            continue
        out.append({"from": a, "to": b, "km": km})
    if problems:
        raise ChangesFileError(problems)
    return out


def changes_template() -> bytes:
    """The empty workbook of changes: the header row, and a sheet that says what each kind reads."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 16
    notes = workbook.create_sheet("说明")
    notes.append([_("修改类型"), _("需填写的列")])
    reverse = {field: title for title, field in COLUMNS.items()}
    for kind, cls in KINDS.items():
        needed = [reverse["count"] if f == "count" else reverse[f] for f in FIELDS[kind]]
        notes.append([cls.label, "、".join(needed)])
    notes.append([])
    notes.append(
        [
            _(
                "学段填 小学 或 初中；最高学历填 研究生、本科、专科、高中阶段 或 高中阶段以下；是否骨干教师填 是 或 否。"
            )
        ]
    )
    notes.append([_("全部行都正确时才会加入方案；有误时会列出每个出错的行和列，方案不变。")])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    return _save(workbook)


def transfers_workbook(
    *,
    county: str,
    year: int,
    run_id: int,
    transfers: Iterable[dict[str, Any]],
    names: dict[str, str],
    schools: dict[str, str],
    summary: list[tuple[str, str]],
) -> bytes:
    """The transfer list for the personnel office (人事科): one row per teacher, with the teacher's name (this
    file and the page's list are the only places the plan shows names)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("交流轮岗名单")
    sheet.append(
        [
            _("%(county)s %(year)s学年 教师交流轮岗方案（测算 #%(run)s）")
            % {"county": county, "year": year, "run": run_id}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in summary:
        sheet.append([label, value])
    sheet.append([])
    header = [
        _("序号"),
        _("教师编号"),
        _("姓名"),
        _("学段"),
        _("任教学科"),
        _("最高学历"),
        _("骨干教师"),
        _("调出学校"),
        _("调入学校"),
        _("距离（km）"),
        _("理由"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for i, t in enumerate(transfers, start=1):
        sheet.append(
            [
                i,
                t["teacher_id"],
                names.get(t["teacher_id"], ""),
                STAGE_LABELS.get(t["stage"], t["stage"]),
                t.get("subject") or "",
                DEGREE_LABELS.get(t["degree"], t["degree"]),
                _("是") if t.get("backbone") else _("否"),
                schools.get(t["from_school"], t["from_school"]),
                schools.get(t["to_school"], t["to_school"]),
                t.get("distance"),
                t.get("why") or "",
            ]
        )
    widths = [6, 14, 10, 6, 10, 10, 8, 28, 28, 10, 50]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
