"""The pages that read everything: the home page, officials' compliance dashboards (the counties in scope at a
glance), one county's stored report and one school's page with its results.

Reads only stored results; nothing is computed on read. Every county and school comes through core.scoping: one
outside the user's region answers 404.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.choices import RegionLevel
from core.scoping import can_edit_county, editable_counties, visible_counties, visible_regions
from indicators import selectors as indicator_selectors
from indicators.labels import INDICATOR_LABELS, PART_LABELS, STAGE_LABELS, VERDICT_LABELS
from plans import results
from plans import selectors as plan_selectors
from plans import services as plan_services
from schools import selectors as school_selectors
from schools.forms import YearPickForm

from . import selectors


@login_required
def home(request):
    return render(
        request,
        "home.html",
        {
            "summary": selectors.home_summary(user=request.user),
            "can_create": editable_counties(request.user).exists(),
        },
    )


def _school_results(school):
    results = indicator_selectors.school_results(school.pk, school.county_id)
    for unit in (results or {}).get("stages", []):
        unit["stage_label"] = STAGE_LABELS.get(unit["stage"], unit["stage"])
        for row in unit["rows"]:
            row["label"] = INDICATOR_LABELS.get(row["code"], "")
    return results


@login_required
def school_detail(request, code):
    school = school_selectors.school_get(user=request.user, code=code)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "can_edit": can_edit_county(request.user, school.county_id),
            "years": selectors.school_years_overview(school=school),
            "year_form": YearPickForm(),
            "results": _school_results(school),
        },
    )


def _alerts(user, county=None) -> dict:
    alerts = plan_selectors.alerts(user=user, county=county)
    for evaluation in alerts["off_track_targets"]:
        evaluation.indicator_label = results.indicator_label(evaluation.target.indicator_code)
    return alerts


def _stored_rollups(user, year: int | None) -> list[dict]:
    """The stored roll-ups of the cities and provinces the user sees (its own region first)."""
    regions = visible_regions(user).exclude(level=RegionLevel.COUNTY).order_by("level", "code")
    rollups = []
    for region in regions:
        stored = results.region_rollup(region.pk, year=year)
        if stored is not None:
            rollups.append(stored)
    rollups.sort(key=lambda r: (r["region"]["code"] != user.region_code, r["region"]["code"]))
    return rollups


@login_required
def dashboard(request):
    counties = list(visible_counties(request.user).order_by("code"))
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    summaries = {s["county_id"]: s for s in results.county_summaries([c.pk for c in counties], year=year)}
    rows = [summary_row(county, summaries.get(county.pk)) for county in counties]
    counted = rollup(rows)
    stored = _stored_rollups(request.user, year)
    own = next((r for r in stored if r["region"]["code"] == request.user.region_code), None)
    if own and own.get("ranking"):
        ranks = {r["code"]: r["rank"] for r in own["ranking"]}
        for row in rows:
            row["rank"] = ranks.get(row["county"].code) if row["has_result"] else None
    rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["county"].code))
    context = {
        "rows": rows,
        "rollup": counted,
        "stored_rollups": stored,
        "year": year,
        "alerts": _alerts(request.user),
        "labels": PART_LABELS,
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
def county_report(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    report = results.county_report(county.pk, year=year)
    context = {
        "county": county,
        "year": year,
        "report": report,
        "computed_at": _as_datetime(report.get("computed_at")) if report else None,
        "view": report_view(report) if report else None,
        "alerts": _alerts(request.user, county=county),
        "can_create": plan_services.can_create_project(request.user),
    }
    return render(request, "indicators/county_report.html", context)


def _as_datetime(value):
    """The report's ISO `computed_at` as a datetime, so the page shows it in local time; unparsable: as is."""
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


# --- presentation of the stored report (shape: shared/spec/report.md); no figure is computed here ---------------


def _status(value) -> str:
    if value is True or value == "pass":
        return "pass"
    if value is False or value == "fail":
        return "fail"
    return "incomplete"


def _status_label(value) -> str:
    return VERDICT_LABELS[_status(value)]


def detail_lines(detail) -> list[str]:
    """A report item's `detail` as readable lines, whatever its JSON shape."""
    if detail is None or detail == "" or detail == [] or detail == {}:
        return []
    if isinstance(detail, str):
        return [detail]
    if isinstance(detail, list):
        lines = []
        for item in detail:
            if isinstance(item, dict):
                lines.append("；".join(f"{k}：{_fmt(v)}" for k, v in item.items()))
            else:
                lines.append(_fmt(item))
        return lines
    if isinstance(detail, dict):
        lines = []
        for key, value in detail.items():
            if isinstance(value, list | dict):
                nested = detail_lines(value)
                lines.append(f"{key}：" + ("；".join(nested) if nested else "—"))
            else:
                lines.append(f"{key}：{_fmt(value)}")
        return lines
    return [_fmt(detail)]


def _fmt(value) -> str:
    if value is None:
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.1f}"
    return str(value)


def summary_row(county, summary: dict | None) -> dict:
    """One dashboard row from a county summary (indicators.selectors.county_summaries); None = not computed."""
    row = {"county": county, "has_result": summary is not None, "parts": [], "stages": []}
    if summary is None:
        return row
    verdict = summary.get("verdict") or {}
    row["parts"] = [
        {
            "key": key,
            "label": label,
            "status": _status(verdict.get(key)),
            "status_label": _status_label(verdict.get(key)),
        }
        for key, label in PART_LABELS.items()
    ]
    row["pass_2017"] = bool(verdict) and all(verdict.get(key) == "pass" for key in PART_LABELS)
    row["parts_passed"] = sum(1 for p in row["parts"] if p["status"] == "pass")
    for stage_key, stage_label in STAGE_LABELS.items():
        stage = (summary.get("stages") or {}).get(stage_key) or {}
        row["stages"].append(
            {
                "label": stage_label,
                "worst_cv": stage.get("worst_cv"),
                "composite_2012": stage.get("basic_composite_cv"),
                "composite_limit": stage.get("basic_limit"),
                "composite_pass": stage.get("basic_pass"),
                "large": stage.get("large"),
                "super_large": stage.get("super_large"),
            }
        )
    row["ratio"] = summary.get("urban_rural_degree_ratio")
    row["ratio_target"] = summary.get("urban_rural_degree_ratio_target") or 1.05
    row["ratio_pass"] = summary.get("urban_rural_degree_ratio_pass")
    row["year"] = summary.get("year")
    row["computed_at"] = summary.get("computed_at")
    return row


def rollup(rows: list[dict]) -> dict:
    """Share of the counties in scope passing the 2017 standard (a county without results does not pass) and a
    ranking: passing first, then by parts passed, then by the worst CV relative to its limit."""
    total = len(rows)
    with_results = [r for r in rows if r["has_result"]]
    passing = sum(1 for r in with_results if r.get("pass_2017"))

    def worst_ratio(row):
        ratios = [s["worst_cv"]["cv"] / s["worst_cv"]["limit"] for s in row["stages"] if s["worst_cv"]]
        return max(ratios) if ratios else float("inf")

    ranked = sorted(with_results, key=lambda r: (not r.get("pass_2017"), -r["parts_passed"], worst_ratio(r)))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return {
        "total": total,
        "with_results": len(with_results),
        "passing": passing,
        "share": (100.0 * passing / total) if total else None,
    }


DETAIL_KEYS = {
    "failing_schools": "未达标学校",
    "small_schools": "不足100名学生的学校",
    "schools": "学校",
    "subjects": "监测科目",
    "threshold": "标准",
    "backbone_threshold": "骨干教师标准",
    "backbone_share": "轮岗教师中骨干教师比例",
    "not_reported": "未填报",
    "eligible": "应交流轮岗教师",
    "rotated": "已交流轮岗教师",
    "classes": "班级数",
    "required": "应有",
    "music": "达标音乐教室",
    "art": "达标美术教室",
    "students": "学生数",
    "limit": "上限",
    "funds": "拨付经费",
    "rate": "基准定额",
    "stage": "学段",
    "subject": "学科",
    "level": "等级",
    "difference_rate": "校际差异率",
    "declared": "已申报",
    "pass": "达标",
    "code": "学校",
    "name": "名称",
    "reason": "原因",
    "missing": "缺少",
}


def _school_names(report: dict) -> dict[str, str]:
    q = report.get("quality_2017") or {}
    return {
        school["code"]: school.get("name") or school["code"]
        for stage in STAGE_LABELS
        for school in ((q.get(stage) or {}).get("schools") or [])
        if isinstance(school, dict) and school.get("code")
    }


def _readable(detail, names: dict[str, str]):
    """Chinese keys, school names for codes, stage names, for detail_lines."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if key == "code" and isinstance(value, str):
                value = names.get(value, value)
            elif key == "stage" and value in STAGE_LABELS:
                value = STAGE_LABELS[value]
            out[DETAIL_KEYS.get(key, key)] = _readable(value, names)
        return out
    if isinstance(detail, list):
        return [_readable(item, names) for item in detail]
    return detail


def _items(block: dict | None, names: dict[str, str] | None = None) -> list[dict]:
    rows = []
    for code, item in (block or {}).items():
        item = item if isinstance(item, dict) else {"value": item}
        extra = {k: v for k, v in item.items() if k not in ("pass", "value", "detail")}
        lines = detail_lines(item.get("detail")) + detail_lines(_readable(extra, names or {}))
        rows.append(
            {
                "code": code,
                "label": INDICATOR_LABELS.get(code, code),
                "status": _status(item.get("pass")),
                "status_label": _status_label(item.get("pass")),
                "value": None if item.get("value") is None else _fmt(item.get("value")),
                "detail": lines,
                "long": sum(len(line) for line in lines) > 200,
            }
        )
    return rows


def _stage_view(stage: dict) -> dict:
    codes = list((stage.get("indicators") or {}).keys())
    indicators = [
        {"code": code, "label": INDICATOR_LABELS.get(code, code), **item}
        for code, item in (stage.get("indicators") or {}).items()
    ]
    schools = []
    for school in stage.get("schools") or []:
        values = school.get("values") or {}
        shortfalls = [
            {"code": code, **gap}
            for code, gap in (school.get("shortfalls") or {}).items()
            if isinstance(gap, dict)
        ]
        schools.append(
            {**school, "value_list": [values.get(code) for code in codes], "shortfall_list": shortfalls}
        )
    return {
        "units": stage.get("units"),
        "codes": codes,
        "indicators": indicators,
        "composite_cv": stage.get("composite_cv"),
        "schools": schools,
        "schools_passing": stage.get("schools_passing"),
        "pass": stage.get("pass"),
        "status": _status(stage.get("pass")),
        "status_label": _status_label(stage.get("pass")),
    }


def _class_size_view(stage: dict, names: dict[str, str]) -> dict:
    offending = []
    for value in stage.values():
        if isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    code = row.get("school_code") or row.get("code")
                    offending.append(
                        {
                            "school": names.get(code, code) or "—",
                            "name": row.get("name") or row.get("class") or "—",
                            "students": row.get("students"),
                        }
                    )
    return {**{k: v for k, v in stage.items() if not isinstance(v, list | dict)}, "offending": offending}


def report_view(report: dict) -> dict:
    q = report.get("quality_2017") or {}
    names = _school_names(report)
    verdict = q.get("verdict") or {}
    parts = [
        {"label": label, "status": _status(verdict.get(key)), "status_label": _status_label(verdict.get(key))}
        for key, label in PART_LABELS.items()
    ]
    failing = [
        f"{item['code']} {item['label']}"
        for block in ("government", "quality", "recognition")
        for item in _items(q.get(block))
        if item["status"] == "fail"
    ]
    resource = [
        {"key": key, "label": label, **_stage_view(q[key])}
        for key, label in STAGE_LABELS.items()
        if isinstance(q.get(key), dict)
    ]
    for stage in resource:
        failing.extend(
            f"{stage['label']} {i['code']} 差异系数超限"
            for i in stage["indicators"]
            if i.get("cv_pass") is False
        )
    basic = [
        {
            "label": label,
            **(report.get("basic_2012") or {}).get(key, {}),
            "indicator_rows": [
                {"code": code, "label": INDICATOR_LABELS.get(code, code), **item}
                for code, item in (
                    ((report.get("basic_2012") or {}).get(key) or {}).get("indicators") or {}
                ).items()
            ],
        }
        for key, label in STAGE_LABELS.items()
        if isinstance((report.get("basic_2012") or {}).get(key), dict)
    ]
    class_size = [
        {"label": label, **_class_size_view((report.get("class_size") or {})[key], names)}
        for key, label in STAGE_LABELS.items()
        if isinstance((report.get("class_size") or {}).get(key), dict)
    ]
    ratio = report.get("urban_rural_degree_ratio") or None
    ratio_stages = []
    if ratio:
        for key, label in STAGE_LABELS.items():
            block = (ratio.get("by_stage") or {}).get(key)
            if isinstance(block, dict):
                ratio_stages.append({"label": label, **block})
    achievement = []
    for key, label in STAGE_LABELS.items():
        for subject, block in ((report.get("achievement") or {}).get(key) or {}).items():
            if isinstance(block, dict):
                schools = [
                    {
                        **school,
                        "name": school.get("name") or names.get(school.get("code"), school.get("code")),
                    }
                    for school in block.get("schools") or []
                    if isinstance(school, dict)
                ]
                achievement.append({"stage": label, "subject": subject, **block, "schools": schools})
    staffing = [
        {"label": label, **(report.get("staffing") or {})[key]}
        for key, label in STAGE_LABELS.items()
        if isinstance((report.get("staffing") or {}).get(key), dict)
    ]
    return {
        "parts": parts,
        "pass_2017": bool(verdict) and all(verdict.get(k) == "pass" for k in PART_LABELS),
        "failing": failing,
        "resource": resource,
        "government": _items(q.get("government"), names),
        "quality": _items(q.get("quality"), names),
        "recognition": _items(q.get("recognition"), names),
        "basic": basic,
        "class_size": class_size,
        "ratio": ratio,
        "ratio_stages": ratio_stages,
        "achievement": achievement,
        "staffing": staffing,
        "rule_set": report.get("rule_set"),
    }
