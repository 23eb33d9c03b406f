"""The ledger (台账) of a plan's projects, in the layout bureaus keep: 序号, 项目, 内容标准, 目标时限, 责任部门, 预算（万元）,
进展. Exported as xlsx and imported back all or nothing, with the data workbook's upload checks and cell parsers;
every error names its row and column. Writes go through plans.services (a clerk's rows are its county's).

Import: a row whose 序号 matches a project of this plan the user may change updates it; any other row creates one.
进展 reads "未启动", "推进中 60%", "已完成" (the percent kept consistent with the status by the service).
目标时限 is a date (an Excel date, 2027-12-31 or 2027年12月31日) or, when it is not one, a note such as "每学期".
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from plans import selectors as plan_selectors
from plans import services as plan_services
from plans.models import Plan, Project, ProjectStatus

from .cells import CellError, is_blank, parse_count, parse_decimal, parse_text
from .exporters import escape_text
from .uploads import ZIP, UploadRefused, check_upload

COLUMNS = ("序号", "项目", "内容标准", "目标时限", "责任部门", "预算（万元）", "进展")
STATUS_BY_LABEL = {str(label): value for value, label in ProjectStatus.choices}
_PROGRESS = re.compile(r"^\s*(未启动|推进中|已完成)\s*(?:[（(]?\s*(\d{1,3})\s*%?\s*[）)]?)?\s*$")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def progress_text(project: Project) -> str:
    label = project.get_status_display()
    return f"{label} {project.progress}%" if project.progress is not None else str(label)


def export(plan: Plan, *, user) -> bytes:
    """The user's projects of the plan (scoped like the plan page), in ledger order."""
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    projects = plan_selectors.project_list(user=user).filter(plan=plan)
    for project in projects:
        deadline = project.deadline if project.deadline else escape_text(project.deadline_note)
        sheet.append(
            [
                project.number,
                escape_text(project.title),
                escape_text(project.content_standard),
                deadline,
                escape_text(project.responsible_departments),
                float(project.budget) if project.budget is not None else None,
                progress_text(project),
            ]
        )
        if project.deadline:
            sheet.cell(sheet.max_row, 4).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFG", (6, 30, 50, 14, 24, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class LedgerResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _deadline(value) -> tuple[datetime.date | None, str]:
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    text = parse_text(value, 100)
    match = _DATE.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups())), ""
        except ValueError as exc:
            raise CellError("不是有效的日期") from exc
    return None, text


def _progress(value) -> tuple[str, int | None]:
    match = _PROGRESS.match(parse_text(value, 20))
    if not match:
        raise CellError("应为“未启动”“推进中 60%”或“已完成”")
    status = STATUS_BY_LABEL[match.group(1)]
    percent = int(match.group(2)) if match.group(2) else None
    if percent is None:
        percent = {ProjectStatus.NOT_STARTED: 0, ProjectStatus.DONE: 100}.get(status)
    return status, percent


def _read_rows(fileobj) -> list[tuple[int, tuple]]:
    book = load_workbook(fileobj, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][: len(COLUMNS)]] != list(COLUMNS):
        raise UploadRefused("第1行应为表头：" + "、".join(COLUMNS) + "。请使用导出的台账填写。")
    return [
        (i, tuple(row[: len(COLUMNS)]) + (None,) * (len(COLUMNS) - len(row)))
        for i, row in enumerate(rows[1:], 2)
    ]


def import_ledger(plan: Plan, fileobj, name: str, size: int, *, user) -> LedgerResult:
    """All or nothing: every row is checked first; a single error writes nothing."""
    result = LedgerResult()
    try:
        check_upload(fileobj, name, size, kinds=(ZIP,))
        rows = _read_rows(fileobj)
    except UploadRefused as exc:
        result.errors.append(str(exc))
        return result
    except Exception:  # noqa: BLE001 - an unreadable workbook is the user's file, not our error
        result.errors.append(f"无法读取文件「{name}」：请上传 .xlsx 格式的台账。")
        return result
    editable = plan_services.project_edit_checker(user)
    existing = {
        p.number: p
        for p in plan_selectors.project_list(user=user).filter(plan=plan, number__isnull=False)
        if editable(p.county_id)
    }
    planned: list[tuple[int, Project | None, dict]] = []
    for line, row in rows:
        if all(is_blank(v) for v in row):
            continue
        data: dict = {}
        number = None
        for column, value in zip(COLUMNS, row, strict=True):
            try:
                if column == "序号":
                    number = None if is_blank(value) else parse_count(value)
                    data["number"] = number
                elif column == "项目":
                    if is_blank(value):
                        raise CellError("必填")
                    data["title"] = parse_text(value, 200)
                elif column == "内容标准":
                    data["content_standard"] = "" if is_blank(value) else parse_text(value, None)
                elif column == "目标时限":
                    data["deadline"], data["deadline_note"] = (
                        (None, "") if is_blank(value) else _deadline(value)
                    )
                elif column == "责任部门":
                    data["responsible_departments"] = "" if is_blank(value) else parse_text(value, 300)
                elif column == "预算（万元）":
                    budget = None if is_blank(value) else parse_decimal(value, places=2, max_digits=12)
                    if budget is not None and budget < Decimal(0):
                        raise CellError("不能为负数")
                    data["budget"] = budget
                elif column == "进展":
                    if not is_blank(value):
                        data["status"], data["progress"] = _progress(value)
            except CellError as exc:
                result.errors.append(f"第{line}行「{column}」：{exc.message}")
        planned.append((line, existing.get(number) if number is not None else None, data))
    if result.errors:
        return result
    if not planned:
        result.errors.append("台账中没有项目行。")
        return result
    try:
        with transaction.atomic():
            for line, project, data in planned:
                try:
                    if project is None:
                        plan_services.project_create(user=user, plan=plan, **data)
                        result.created += 1
                    else:
                        plan_services.project_update(user=user, project=project, **data)
                        result.updated += 1
                except ValidationError as exc:
                    for message in exc.messages:
                        result.errors.append(f"第{line}行：{message}")
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = 0
    return result


class _Rollback(Exception):
    pass
