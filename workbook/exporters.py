"""Writing the standard workbook back out: a county's data (xlsx or a zip of CSV), the empty template,
the error report of a rejected import, and the computed report laid out like the 督导评估 tables.

Callers pass counties already scoped (core.scoping); nothing here widens what a user may see.
Text cells that begin with = + - @ tab or CR are escaped with a leading apostrophe; numbers stay numbers.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.models import Region
from indicators.labels import INDICATOR_LABELS, item_summary
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

STAGES = {"primary": "小学", "junior": "初中"}
VERDICT = {"pass": "达标", "fail": "未达标", "incomplete": "数据不全"}


def _yes_no(flag) -> str:
    return "—" if flag is None else ("达标" if flag else "未达标")


def write_report_workbook(target, report: dict) -> None:
    """The county report (spec/report.md) as 督导评估-style tables: one sheet per part, thresholds and pass
    marks beside the values."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "概况"
    county = report.get("county") or {}
    quality = report.get("quality_2017") or {}
    cover.append([f"{county.get('name', '')}（{county.get('code', '')}）县域义务教育优质均衡发展监测报告"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["学年", report.get("year")])
    cover.append(["计算时间", str(report.get("computed_at") or "")])
    rule_set = report.get("rule_set") or {}
    cover.append(["规则版本", f"{rule_set.get('code', '')} v{rule_set.get('version', '')}"])
    cover.append([])
    cover.append(["评估内容", "结论"])
    names = {
        "resource": "资源配置",
        "government": "政府保障程度",
        "quality": "教育质量",
        "recognition": "社会认可度",
    }
    for key, label in names.items():
        cover.append([label, VERDICT.get((quality.get("verdict") or {}).get(key), "—")])

    for stage, stage_zh in STAGES.items():
        part = quality.get(stage)
        if not part:
            continue
        sheet = workbook.create_sheet(f"资源配置（{stage_zh}）")
        sheet.append([f"{stage_zh}资源配置 7 项指标（参与计算学校 {part.get('units')} 所）"])
        sheet.append(["指标", "均值", "标准值", "差异系数", "差异系数上限", "差异系数达标"])
        for code, values in (part.get("indicators") or {}).items():
            sheet.append(
                [
                    code,
                    values.get("mean"),
                    values.get("threshold"),
                    values.get("cv"),
                    values.get("cv_limit"),
                    _yes_no(values.get("cv_pass")),
                ]
            )
        sheet.append(["综合差异系数", None, None, part.get("composite_cv")])
        sheet.append(["达标学校数", part.get("schools_passing"), None, None, None, _yes_no(part.get("pass"))])
        sheet.append([])
        codes = list((part.get("indicators") or {}).keys())
        sheet.append(["学校标识码", "学校名称", "学生数", *codes, "达标项数", "学校达标"])
        for school in part.get("schools") or []:
            values = school.get("values") or {}
            sheet.append(
                [
                    school.get("code"),
                    escape_text(str(school.get("name") or "")),
                    school.get("students"),
                    *[values.get(c) for c in codes],
                    school.get("met"),
                    _yes_no(school.get("pass")),
                ]
            )

    for part_key, title in (
        ("government", "政府保障程度"),
        ("quality", "教育质量"),
        ("recognition", "社会认可度"),
    ):
        items = quality.get(part_key) or {}
        if not items:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append(["指标", "名称", "数值", "标准", "达标", "情况"])
        for code, item in items.items():
            item = item or {}
            sheet.append(
                [
                    code,
                    INDICATOR_LABELS.get(code, ""),
                    _plain(item.get("value")),
                    _plain(item.get("threshold")),
                    _yes_no(item.get("pass")),
                    item_summary(code, item),
                ]
            )

    basic = report.get("basic_2012") or {}
    if basic:
        sheet = workbook.create_sheet("基本均衡（2012）")
        sheet.append(["学段", "指标", "均值", "差异系数"])
        for stage, stage_zh in STAGES.items():
            part = basic.get(stage) or {}
            for code, values in (part.get("indicators") or {}).items():
                sheet.append([stage_zh, code, values.get("mean"), values.get("cv")])
            if part:
                sheet.append(
                    [
                        stage_zh,
                        "综合差异系数",
                        None,
                        part.get("composite_cv"),
                        "上限",
                        part.get("limit"),
                        _yes_no(part.get("pass")),
                    ]
                )

    class_size = report.get("class_size") or {}
    if class_size:
        sheet = workbook.create_sheet("班额")
        sheet.append(
            [
                "学段",
                "班级数",
                "学生数",
                "超标班额",
                "大班额",
                "超大班额",
                "超标比例",
                "大班额比例",
                "最大班额",
            ]
        )
        for stage, stage_zh in STAGES.items():
            c = class_size.get(stage) or {}
            sheet.append(
                [
                    stage_zh,
                    c.get("classes"),
                    c.get("students"),
                    c.get("over_limit"),
                    c.get("large"),
                    c.get("super_large"),
                    c.get("over_limit_share"),
                    c.get("large_share"),
                    c.get("max"),
                ]
            )

    ratio = report.get("urban_rural_degree_ratio") or {}
    if ratio:
        sheet = workbook.create_sheet("城乡学历比")
        sheet.append(["城区本科以上比例", "乡村本科以上比例", "城乡比", "目标", "达标", "乡村还需教师数"])
        sheet.append(
            [
                ratio.get("urban_share"),
                ratio.get("rural_share"),
                ratio.get("ratio"),
                ratio.get("target"),
                _yes_no(ratio.get("pass")),
                ratio.get("rural_teachers_needed"),
            ]
        )

    achievement = report.get("achievement") or {}
    if achievement:
        sheet = workbook.create_sheet("学业质量")
        sheet.append(
            [
                "学段",
                "学科",
                "校际差异率",
                "城区优质学校均分",
                "学校标识码",
                "学校均分",
                "与城区优质学校差异率",
                "达标",
            ]
        )
        for stage, stage_zh in STAGES.items():
            for subject, data in (achievement.get(stage) or {}).items():
                sheet.append(
                    [stage_zh, subject, data.get("inter_school_difference_rate"), data.get("reference_mean")]
                )
                for school in data.get("schools") or []:
                    sheet.append(
                        [
                            stage_zh,
                            subject,
                            None,
                            None,
                            school.get("code"),
                            school.get("mean"),
                            school.get("rate_vs_urban_quality"),
                            _yes_no(school.get("pass")),
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
