"""Writes of plans: projects (重点项目/举措) created, edited, or drawn up from a failing indicator.

Administrators change any project; a county clerk creates and changes projects of its own county in the plans it
sees; officials only read.
"""

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Region
from core.scoping import editable_counties
from indicators import presenter
from indicators.report.model import Report
from schools.models import School

from . import evidence as evidence_files
from . import judging, results
from .models import Evidence, Plan, ProgressReport, Project, ProjectStatus, Target

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


def check_status_progress(status: str, progress: int | None, *, required: bool = False) -> None:
    """未启动 is 0 %, 已完成 is 100 %, 推进中 lies between; anything else is refused with a message. Without a
    percent (a project nobody has reported on) any status stands, unless `required`."""
    if progress is None:
        if required:
            raise ValidationError({"progress": _("请填写完成进度。")})
        return
    if status == ProjectStatus.NOT_STARTED and progress != 0:
        raise ValidationError({"progress": _("状态为“未启动”时，完成进度应为 0%。")})
    if status == ProjectStatus.DONE and progress != 100:
        raise ValidationError({"progress": _("状态为“已完成”时，完成进度应为 100%。")})
    if status == ProjectStatus.IN_PROGRESS and not 0 < progress < 100:
        raise ValidationError({"progress": _("状态为“推进中”时，完成进度应在 1% 到 99% 之间。")})


def _save(project: Project, *, user) -> Project:
    if user is not None:
        project.updated_by = user
    project.full_clean()
    _validate_links(project)
    check_status_progress(project.status, project.progress)
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


def shortfall_text(*, report: Report | None, indicator_code: str, school: School | None = None) -> str:
    """The gap to write into a project drawn up from a failing indicator, read from the stored report and worded
    as the dashboard words it: the school's stages only, shortfalls rounded up to whole teachers, rooms, m², 元."""
    return presenter.prefill(report, indicator_code, school.code if school is not None else None)


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


# --- target judgements ----------------------------------------------------------------------------------------------


def targets_judge(targets=None, *, today: datetime.date | None = None) -> int:
    """Judge targets (all of them by default) from the stored results and store each judgement on its target:
    status, the value and school year judged on, when, and the rule version (plans.judging says how). Returns how
    many were judged."""
    today = today or timezone.localdate()
    now = timezone.now()
    queryset = (Target.objects.all() if targets is None else targets).select_related("plan")
    judged = []
    for target in queryset:
        outcome = judging.judge(target, today)
        target.status = outcome["status"]
        target.judged_value = outcome["value"]
        target.judged_year = outcome["year"]
        target.judged_at = now
        target.rule_version = judging.RULE_VERSION
        target.judgement = outcome["details"]
        judged.append(target)
    fields = ["status", "judged_value", "judged_year", "judged_at", "rule_version", "judgement"]
    with transaction.atomic():
        Target.objects.bulk_update(judged, fields, batch_size=200)
    return len(judged)


def judge_targets_later(county_ids: Iterable[int] | None = None) -> None:
    """Queue the judging of the targets concerning these counties (None: all) once the transaction commits (inline
    without a broker). The core.hooks listener of changed results, and what a target's change calls."""
    ids = None if county_ids is None else sorted(set(county_ids))

    def queue() -> None:
        from .tasks import judge_targets

        judge_targets.delay(ids)

    transaction.on_commit(queue)


def target_changed(target: Target) -> None:
    """A target (its value, comparator, deadline, region) or its plan's year changed: judge it again on commit."""
    target_id = target.pk

    def queue() -> None:
        from .tasks import judge_target_ids

        judge_target_ids.delay([target_id])

    transaction.on_commit(queue)


# --- progress reports -------------------------------------------------------------------------------------------


def report_create(
    *, user, project: Project, date, text: str, status: str, progress: int, files=()
) -> ProgressReport:
    """Report progress on a project with evidence files, all or nothing: a refused file (type by content, size) or
    an inconsistent status and percent saves nothing. The project takes the report's status and percent."""
    _check(user, project.county_id)
    check_status_progress(status, progress, required=True)
    checked = []
    errors = []
    for upload in files:
        try:
            kind = evidence_files.check(upload, upload.name, upload.size)
        except evidence_files.EvidenceRefused as exc:
            errors.append(str(exc))
            continue
        checked.append((upload, kind))
    if errors:
        raise ValidationError({"files": errors})
    report = ProgressReport(
        project=project, date=date, text=text, status=status, progress=progress, created_by=user
    )
    report.full_clean()
    with transaction.atomic():
        report.save()
        for upload, kind in checked:
            item = Evidence(
                report=report,
                original_name=evidence_files.display_name(upload.name),
                kind=kind,
                size=upload.size,
            )
            upload.seek(0)
            item.file.save(f"evidence.{kind}", upload, save=False)
            item.save()
        project.status, project.progress = status, progress
        project.updated_by = user
        project.save(update_fields=["status", "progress", "updated_by", "updated_at"])
    return report
