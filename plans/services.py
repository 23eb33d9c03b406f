"""Writes of plans: projects (重点项目/举措) created, edited, or drawn up from a failing indicator.

Administrators change any project; a county clerk creates and changes projects of its own county in the plans it
sees; officials only read.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.models import Region
from core.scoping import editable_counties
from schools.models import School

from . import results
from .models import Plan, Project

EDITABLE_FIELDS = (
    "task",
    "box",
    "number",
    "title",
    "content_standard",
    "deadline",
    "deadline_note",
    "responsible_departments",
    "budget",
    "status",
    "progress",
    "evidence_note",
    "county",
    "school",
    "indicator_code",
    "result_year",
    "shortfall",
)


def project_edit_checker(user) -> Callable[[int | None], bool]:
    """Whether the user may edit a project of a county, for many projects: the editable counties are read once."""
    if user is None or not user.is_authenticated:
        return lambda county_id: False
    if user.is_admin:
        return lambda county_id: True
    editable = set(editable_counties(user).values_list("pk", flat=True))
    return lambda county_id: county_id is not None and county_id in editable


def can_edit_project(user, *, county_id: int | None) -> bool:
    return project_edit_checker(user)(county_id)


def can_create_project(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin or (user.is_clerk and user.region_id)))


def _check(user, county_id: int | None) -> None:
    if not can_edit_project(user, county_id=county_id):
        raise PermissionDenied("no write access to this project")


def _validate_links(project: Project) -> None:
    errors = {}
    if project.task_id and project.task.plan_id != project.plan_id:
        errors["task"] = "所选任务不属于该规划"
    if project.box_id and project.box.plan_id != project.plan_id:
        errors["box"] = "所选专栏不属于该规划"
    if project.school_id and project.county_id and project.school.county_id != project.county_id:
        errors["school"] = "所选学校不在实施区县内"
    if errors:
        raise ValidationError(errors)


def _save(project: Project, *, user) -> Project:
    if user is not None:
        project.updated_by = user
    project.full_clean()
    _validate_links(project)
    with transaction.atomic():
        project.save()
    return project


def project_create(*, user, plan: Plan, **data) -> Project:
    """Clerks' projects always belong to their own county."""
    if user is not None and not user.is_admin:
        if not can_create_project(user):
            raise PermissionDenied("no write access")
        data["county"] = user.region
    project = Project(plan=plan, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if user is not None:
        _check(user, project.county_id)
    return _save(project, user=user)


def project_update(*, user, project: Project, **data) -> Project:
    if user is not None:
        _check(user, project.county_id)
        if not user.is_admin:
            data.pop("county", None)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(project, name, value)
    return _save(project, user=user)


def shortfall_text(*, report: dict | None, indicator_code: str, school: School | None = None) -> str:
    """The gap to write into a project drawn up from a failing indicator, read from the stored report."""
    if not report:
        return ""
    lines = []
    if indicator_code in results.COUNTY_INDICATORS:
        value = results.county_value(indicator_code, report)
        label = results.indicator_label(indicator_code)
        lines.append(f"{label}：{'—' if value is None else round(value, 4)}")
        if indicator_code == "urban_rural_degree_ratio":
            block = report.get("urban_rural_degree_ratio") or {}
            if block.get("target") is not None:
                lines.append(f"目标 ≤ {block['target']}")
            if block.get("rural_teachers_needed") is not None:
                lines.append(f"需增加本科及以上学历乡村教师 {block['rural_teachers_needed']} 人")
        return "\n".join(lines)
    # a resource indicator (Q1–Q7) of one school: its shortfalls by stage
    for stage_key, stage_label in (("primary", "小学"), ("junior", "初中")):
        stage = ((report.get("quality_2017") or {}).get(stage_key)) or {}
        indicator = (stage.get("indicators") or {}).get(indicator_code)
        if indicator:
            lines.append(
                f"{stage_label} {indicator_code}：均值 {indicator.get('mean')}，差异系数 {indicator.get('cv')}"
                f"（上限 {indicator.get('cv_limit')}）"
            )
        for row in stage.get("schools") or []:
            if school is not None and row.get("code") != school.code:
                continue
            gap = (row.get("shortfalls") or {}).get(indicator_code)
            if gap:
                lines.append(
                    f"{row.get('name', row.get('code'))}（{stage_label}）：现值 {gap.get('value')}，标准 "
                    f"{gap.get('threshold')}，尚缺 {gap.get('missing')} {gap.get('unit', '')}".rstrip()
                )
    return "\n".join(lines)


def project_from_indicator(
    *,
    user,
    plan: Plan,
    county: Region,
    indicator_code: str,
    year: int | None = None,
    school: School | None = None,
    **data,
) -> Project:
    """Draw up a project for a failing indicator: the stored shortfall is copied in and the project links back."""
    year = year or results.latest_result_year(county.pk)
    report = results.county_report(county.pk, year=year) if year else None
    data.setdefault("title", f"整改：{results.indicator_label(indicator_code)}")
    data.setdefault("shortfall", shortfall_text(report=report, indicator_code=indicator_code, school=school))
    return project_create(
        user=user,
        plan=plan,
        county=county,
        school=school,
        indicator_code=indicator_code,
        result_year=year,
        **data,
    )
