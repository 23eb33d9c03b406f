"""Writing the standard workbook back out: a county's data (xlsx or a zip of CSV), the empty template,
the error report of a rejected import, and the computed report laid out like the 督导评估 tables.

Callers pass counties already scoped (core.scoping); nothing here widens what a user may see.
Text cells that begin with = + - @ tab or CR are escaped with a leading apostrophe; numbers stay numbers.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.models import Region
from indicators.presenter import labels, mark, present
from indicators.report.model import Report
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher

from .spec import SHEETS, Sheet

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def escape_text(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP CSV injection). Control characters, which an xlsx cannot
    hold (openpyxl refuses the whole file), become U+FFFD: a rejected file echoes its cells in the error report."""
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def cell_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return escape_text(value)
    return value


# ------------------------------------------------------------------------------------------- county data


def _region_chain(county_ids: list[int]) -> list[Region]:
    regions: dict[int, Region] = {}
    frontier = list(Region.objects.filter(pk__in=county_ids))
    while frontier:
        for region in frontier:
            regions[region.pk] = region
        parent_ids = {r.parent_id for r in frontier if r.parent_id and r.parent_id not in regions}
        frontier = list(Region.objects.filter(pk__in=parent_ids))
    order = {"province": 0, "city": 1, "county": 2}
    return sorted(regions.values(), key=lambda r: (order.get(r.level, 3), r.code))


def sheet_rows(sheet: Sheet, county_ids: list[int], year: int | None = None) -> Iterator[list]:
    """Data rows of one sheet (stored values turned back into the workbook's Chinese spellings)."""
    columns = sheet.columns
    labels = [c.labels if c.kind in ("enum", "level") else None for c in columns]

    def out(values: Iterable) -> list:
        row = []
        for column, label_map, value in zip(columns, labels, values, strict=True):
            if label_map is not None and value not in (None, ""):
                value = label_map.get(value, value)
            if column.kind == "bool" and value is not None:
                value = "是" if value else "否"
            row.append(value)
        return row

    if sheet.key == "regions":
        for region in _region_chain(county_ids):
            yield out(
                [region.code, region.name, region.parent.code if region.parent_id else None, region.level]
            )
        return
    if sheet.key == "schools":
        queryset = School.objects.filter(county_id__in=county_ids).order_by("code")
        fields = ["code", "name", "county__code", *[c.key for c in columns[3:]]]
    else:
        model = {
            "school_years": SchoolYear,
            "classes": SchoolClass,
            "teachers": Teacher,
            "funding": Funding,
            "achievement": Achievement,
            "county_years": CountyYear,
            "monitoring": Monitoring,
        }[sheet.key]
        if "school_code" in sheet.by_key:
            queryset = model.objects.filter(school__county_id__in=county_ids)
            ref = "school__code"
        else:
            queryset = model.objects.filter(county_id__in=county_ids)
            ref = "county__code"
        if year is not None:
            queryset = queryset.filter(year=year)
        fields = [ref if c.key in ("school_code", "county_code") else c.key for c in columns]
        order = [ref if k in ("school_code", "county_code") else k for k in sheet.natural_key]
        queryset = queryset.order_by(*order)
    for values in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield out(values)


def write_county_workbook(target, county_ids: list[int], year: int | None = None) -> None:
    """The county's data as the standard workbook (write-only mode: memory stays flat for large rosters)."""
    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.zh)
        worksheet.append([c.zh for c in sheet.columns])
        for row in sheet_rows(sheet, county_ids, year):
            worksheet.append(
                [_typed(column, value) for column, value in zip(sheet.columns, row, strict=True)]
            )
    workbook.save(target)


def _typed(column, value):
    if column.kind in ("code10", "code6", "text", "month", "enum") and value is not None:
        return escape_text(str(value))
    return cell_value(value)


def write_county_csv_zip(target, county_ids: list[int], year: int | None = None) -> None:
    """One UTF-8 (with BOM, so Excel opens it right) CSV file per sheet, named by the Chinese sheet name."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            with archive.open(f"{sheet.zh}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                writer.writerow([c.zh for c in sheet.columns])
                for row in sheet_rows(sheet, county_ids, year):
                    writer.writerow(_csv_cells(sheet, row))
                text.flush()
                text.detach()


def _csv_cells(sheet: Sheet, row: list) -> list:
    cells = []
    for column, value in zip(sheet.columns, row, strict=True):
        value = _typed(column, value)
        cells.append("" if value is None else value)
    return cells


# ------------------------------------------------------------------------------------------- template

INSTRUCTIONS = [
    "填表说明",
    "1. 每个工作表对应一类数据，表头请勿修改；列的顺序可以调整，带 * 的列为必填。",
    "2. 空白单元格表示“未填报”（不是 0）；填 0 表示确实为 0。",
    "3. 是/否列填“是”或“否”（也可填 1/0、Y/N、true/false）。",
    "4. 百分比可写作 95、95% 或 0.95；数字可带千分位逗号。",
    "5. 学校标识码为10位数字，区县代码为6位行政区划代码，请设置为文本格式以免丢失前导零。",
    "6. 请勿使用公式和合并单元格；如有公式，请复制后“选择性粘贴为数值”。",
    "7. 整个文件校验通过后才会写入；任何一处错误都会列在错误报告中，且不写入任何数据。",
    "8. 同一学校同一学年再次导入时，以新文件为准替换该学年该表的数据。",
]


def write_template(target) -> None:
    """An empty workbook: headers (required ones marked), drop-down lists for enum columns, an instructions sheet."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = "填表说明"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.append([])
    guide.append(["工作表", "列", "英文键名", "必填", "可选值"])
    for sheet in SHEETS:
        for column in sheet.columns:
            options = (
                "、".join(str(v) for v in column.labels.values()) if column.kind in ("enum", "level") else ""
            )
            if column.kind == "bool":
                options = "是、否"
            guide.append([sheet.zh, column.zh, column.key, "是" if column.required else "", options])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 22
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.zh)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.zh)
            cell.font = HEADER_FONT
            if column.required:
                cell.fill = REQUIRED_FILL
                cell.comment = Comment("必填", "均衡")
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = max(12, 2 * len(column.zh) + 2)
            options = None
            if column.kind in ("enum", "level"):
                options = [str(v) for v in column.labels.values()]
            elif column.kind == "bool":
                options = ["是", "否"]
            if column.kind in ("code10", "code6", "text", "month"):
                for row in range(2, 2002):
                    worksheet.cell(row=row, column=index).number_format = "@"
            if options:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle="不在可选值内",
                    error="请从下拉列表中选择",
                )
                worksheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}100000")
        worksheet.freeze_panes = "A2"
    workbook.save(target)


# ------------------------------------------------------------------------------------------- error report


def write_error_report(target, errors: list[dict], source_path=None, truncated: int = 0) -> None:
    """The rejected file's problems: a list sheet, and (for a workbook of modest size) the original sheets
    with offending cells filled red and the message as a comment."""
    from openpyxl import load_workbook

    workbook = None
    if source_path is not None:
        try:
            if str(source_path).lower().endswith((".xlsx", ".xlsm")) and _small(source_path):
                workbook = load_workbook(source_path)
        except Exception:  # an unreadable source still gets the list of problems
            workbook = None
    if workbook is None:
        workbook = Workbook()
        workbook.remove(workbook.active)
    listing = workbook.create_sheet("错误清单", 0)
    listing.append(["工作表", "行号", "列", "单元格内容", "问题"])
    for cell in listing[1]:
        cell.font = HEADER_FONT
    for error in errors:
        listing.append(
            [
                escape_text(str(error["sheet"] or "")),
                error["row"],
                escape_text(str(error["column"] or "")),
                escape_text(str(error["value"] or "")),
                escape_text(error["message"]),
            ]
        )
    if truncated:
        listing.append(["", "", "", "", f"另有 {truncated} 处问题未列出，请先改正以上问题后重新校验。"])
    for letter, width in zip("ABCDE", (16, 8, 18, 24, 60), strict=True):
        listing.column_dimensions[letter].width = width
    for error in errors:
        if error["sheet"] in workbook.sheetnames and error["sheet"] != "错误清单" and error["row"]:
            worksheet = workbook[error["sheet"]]
            col = error.get("col")
            cell = worksheet.cell(row=error["row"], column=(col + 1) if col is not None else 1)
            cell.fill = ERROR_FILL
            note = error["message"] if cell.comment is None else cell.comment.text + "\n" + error["message"]
            cell.comment = Comment(escape_text(note), "均衡")
    listing.sheet_view.tabSelected = True
    workbook.active = 0
    workbook.save(target)


# openpyxl builds the whole workbook in memory (tens of times the XML): only modest ones are marked up, judged by
# the compressed size and by the unpacked size read from the zip directory (a small file can be a zip bomb).
ERROR_REPORT_MAX_BYTES = 10 * 1024 * 1024
ERROR_REPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _small(path) -> bool:
    import os
    import zipfile

    if os.path.getsize(path) > ERROR_REPORT_MAX_BYTES:
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist()) <= ERROR_REPORT_MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# ------------------------------------------------------------------------------------------- computed report


def write_report_workbook(target, report: Report | Mapping[str, Any]) -> None:
    """The county report as 督导评估-style tables: one sheet per part, thresholds and pass marks beside the values.
    Words, pass marks and shortfalls come from the report presenter (the page's); figures stay unrounded numbers.
    report: the typed report (indicators.selectors.report) or its JSON document (spec/report.md)."""
    if not isinstance(report, Report):  # the JSON document, as selectors.county_report and the API give it
        report = Report.from_json(report)
    view = present(
        report, dict(School.objects.filter(county__code=report.county.code).values_list("code", "name"))
    )
    X = labels.XLSX
    workbook = Workbook()
    cover = workbook.active
    cover.title = str(labels.SHEET["cover"])
    cover.append([escape_text(str(X["title"] % {"county": view.county_name, "code": view.county_code}))])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([str(X["year"]), view.year])
    cover.append([str(X["computed_at"]), report.stamp.computed_at if report.stamp else ""])
    cover.append([str(X["rule_set"]), view.rule_set])
    cover.append([])
    cover.append([str(X["part"]), str(X["verdict"]), str(X["found"])])
    for part in view.parts:
        cover.append([part.label, str(part.mark), "\n".join(part.sentences)])
    cover.append([str(X["overall"]), str(view.overall)])

    for stage in view.resource:
        block = report.quality_2017.stages[stage.key]
        sheet = workbook.create_sheet(str(labels.SHEET["resource"] % {"stage": stage.label}))
        sheet.append(
            [str(X["stage_title"] % {"stage": stage.label, "n": len(stage.codes), "units": stage.units})]
        )
        sheet.append(
            [str(X[k]) for k in ("indicator", "mean", "threshold", "cv", "cv_limit", "cv_pass", "name")]
        )
        for row in stage.indicators:
            figure = block.indicators[row.code]
            sheet.append(
                [
                    row.code,
                    figure.mean,
                    figure.threshold,
                    figure.cv,
                    figure.cv_limit,
                    str(mark(figure.cv_pass)),
                    row.label,
                ]
            )
        sheet.append([str(X["composite_cv"]), None, None, block.composite_cv])
        sheet.append([str(X["schools_passing"]), block.schools_passing, None, None, None, str(stage.mark)])
        sheet.append([])
        sheet.append(
            [
                str(X["school_code"]),
                str(X["school_name"]),
                str(X["students"]),
                *stage.codes,
                str(X["met"]),
                str(X["school_pass"]),
                str(X["shortfalls"]),
            ]
        )
        for school, row in zip(block.schools, stage.schools, strict=True):
            sheet.append(
                [
                    school.code,
                    escape_text(row.name),
                    school.students,
                    *[school.values.get(c) for c in stage.codes],
                    school.met,
                    str(row.mark),
                    "；".join(g.text for g in row.shortfalls),
                ]
            )

    for part in ("government", "quality", "recognition"):
        rows = view.items(part)
        if not rows:
            continue
        sheet = workbook.create_sheet(str(labels.PARTS[part]))
        sheet.append(
            [str(X[k]) for k in ("indicator", "name", "value", "standard", "pass", "found", "notes")]
        )
        for row in rows:
            item = report.quality_2017.items(part)[row.code]
            sheet.append(
                [
                    row.code,
                    row.label,
                    _plain(item.value),
                    _plain(item.threshold),
                    str(row.mark),
                    escape_text(row.summary),
                    escape_text("\n".join(row.lines)),
                ]
            )

    if view.basic:
        sheet = workbook.create_sheet(str(labels.SHEET["basic"]))
        sheet.append([str(X["stage"]), str(X["indicator"]), str(X["mean"]), str(X["cv"]), str(X["name"])])
        for basic in view.basic:
            for row in basic.rows:
                sheet.append([basic.label, row.code, row.mean.value, row.cv.value, row.label])
            sheet.append(
                [
                    basic.label,
                    str(X["composite_cv"]),
                    None,
                    basic.composite_cv.value,
                    str(X["limit"]),
                    report.basic_2012.stages[basic.key].limit,
                    str(basic.mark),
                ]
            )

    if view.class_size:
        sheet = workbook.create_sheet(str(labels.SHEET["class_size"]))
        sheet.append(
            [
                str(X[k])
                for k in (
                    "stage",
                    "classes",
                    "students",
                    "over_limit",
                    "large",
                    "super_large",
                    "over_limit_share",
                    "large_share",
                    "max",
                )
            ]
        )
        for c in view.class_size:
            figures = report.class_size[c.key]
            sheet.append(
                [
                    c.label,
                    figures.classes,
                    figures.students,
                    figures.over_limit,
                    figures.large,
                    figures.super_large,
                    figures.over_limit_share,
                    figures.large_share,
                    figures.max,
                ]
            )

    ur = report.urban_rural_degree_ratio
    sheet = workbook.create_sheet(str(labels.SHEET["ratio"]))
    sheet.append([str(X[k]) for k in ("urban_share", "rural_share", "ratio", "target", "pass", "needed")])
    sheet.append(
        [
            ur.pooled.urban_share,
            ur.pooled.rural_share,
            ur.ratio,
            ur.target,
            str(view.ratio.mark),
            ur.rural_teachers_needed,
        ]
    )

    if view.achievement:
        sheet = workbook.create_sheet(str(labels.SHEET["achievement"]))
        sheet.append(
            [
                str(X[k])
                for k in (
                    "stage",
                    "subject",
                    "difference_rate",
                    "reference_mean",
                    "school_code",
                    "school_name",
                    "school_mean",
                    "rate_vs_urban_quality",
                    "pass",
                )
            ]
        )
        for a in view.achievement:
            figures = report.achievement[a.stage][a.subject]
            sheet.append(
                [
                    a.stage_label,
                    escape_text(a.subject),
                    figures.inter_school_difference_rate,
                    figures.reference_mean,
                ]
            )
            for school, row in zip(figures.schools, a.schools, strict=True):
                sheet.append(
                    [
                        a.stage_label,
                        escape_text(a.subject),
                        None,
                        None,
                        school.code,
                        escape_text(row.name),
                        school.mean,
                        school.rate_vs_urban_quality,
                        str(row.mark),
                    ]
                )
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows(min_row=1, max_row=2):
            for cell in row:
                cell.font = HEADER_FONT
                cell.alignment = Alignment(wrap_text=False)
        worksheet.column_dimensions["A"].width = 18
        worksheet.column_dimensions["B"].width = 18
    workbook.save(target)


def _plain(value):
    if isinstance(value, (dict, list)):
        return escape_text(str(value))
    if isinstance(value, str):
        return escape_text(value)
    return value
