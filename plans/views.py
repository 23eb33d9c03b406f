"""Plan pages: list, detail (tasks → projects, boxes, targets with status), project create / edit.

Thin: reads through plans.selectors, writes through plans.services, everything scoped to the user's region.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import charts
from core.forms import apply_validation_error
from core.scoping import visible_counties
from schools.models import School

from . import evidence as evidence_files
from . import judging, results, selectors, services
from .filters import PlanFilter
from .forms import ProgressReportForm, ProjectForm
from .models import Comparator


@login_required
def plan_list(request):
    filterset = PlanFilter(request.GET or None, selectors.plan_list(user=request.user), request=request)
    return render(
        request,
        "plans/plan_list.html",
        {"plans": filterset.qs, "filter_form": filterset.form, "filtered": filterset.is_bound},
    )


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    projects = list(selectors.project_list(user=request.user).filter(plan=plan))
    can_edit = services.project_edit_checker(request.user)
    for project in projects:
        project.overdue = selectors.is_overdue(project)
        project.editable = can_edit(project.county_id)
    tasks = []
    for task in plan.tasks.all():
        task.visible_projects = [p for p in projects if p.task_id == task.pk]
        tasks.append(task)
    loose_projects = [p for p in projects if p.task_id is None]
    boxes = []
    for box in plan.boxes.prefetch_related("projects"):
        box.visible_projects = [p for p in projects if p.box_id == box.pk]
        box.budget = selectors.box_budget(box)
        boxes.append(box)
    evaluations = selectors.target_views(plan.targets.select_related("task", "plan"), user=request.user)
    for evaluation in evaluations:
        evaluation.chart = _trajectory_chart(evaluation, request.user)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tasks": tasks,
            "loose_projects": loose_projects,
            "boxes": boxes,
            "evaluations": evaluations,
            "can_create": services.can_create_project(request.user),
            "method": judging.METHOD_TEXT,
            "rollup": selectors.project_rollup(projects)
            if request.user.is_admin or not request.user.is_clerk
            else [],
        },
    )


def _trajectory_chart(evaluation, user) -> dict | None:
    """Values over the years, the linear path, the target line and the deadline (core.charts)."""
    target = evaluation.target
    if not target.indicator_code or target.value is None:
        return None
    years, series, planned = selectors.target_series(target, user=user)
    if not years:
        return None
    lower = target.comparator in (Comparator.LTE, Comparator.LT)
    return charts.line_against_target(
        _("%(target)s：历年值与直线路径") % {"target": evaluation.indicator_label},
        target.unit,
        years,
        series,
        planned=planned,
        target=target.value,
        target_label=_("目标 %(cmp)s %(value)s")
        % {"cmp": target.get_comparator_display(), "value": f"{target.value.normalize():f}"},
        direction=charts.MAX if lower else charts.MIN,
        deadline=target.deadline.year if target.deadline else None,
        deadline_label=_("目标时限"),
        digits=3,
        key=f"target-{target.pk}",
    )


def _project_page(request, project, report_form=None, status: int = 200):
    project.overdue = selectors.is_overdue(project)
    editable = services.can_edit_project(request.user, county_id=project.county_id)
    if editable and report_form is None:
        report_form = ProgressReportForm(
            initial={"date": timezone.localdate(), "status": project.status, "progress": project.progress}
        )
    return render(
        request,
        "plans/project_detail.html",
        {
            "project": project,
            "indicator_label": results.indicator_label(project.indicator_code)
            if project.indicator_code
            else "",
            "editable": editable,
            "reports": selectors.project_reports(project),
            "report_form": report_form if editable else None,
        },
        status=status,
    )


@login_required
def project_detail(request, pk: int):
    return _project_page(request, selectors.project_get(user=request.user, pk=pk))


@login_required
@require_POST
def report_create(request, pk: int):
    """A progress report with its evidence files, on the project page; errors are shown there."""
    project = selectors.project_get(user=request.user, pk=pk)
    if not services.can_edit_project(request.user, county_id=project.county_id):
        raise PermissionDenied
    form = ProgressReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_create(
                user=request.user,
                project=project,
                files=form.cleaned_data["files"],
                **{k: form.cleaned_data[k] for k in ("date", "text", "status", "progress")},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已提交进展报告"))
            return redirect("plans:project_detail", pk=project.pk)
    return _project_page(request, project, report_form=form, status=400)


@login_required
def evidence_download(request, pk: int):
    """An evidence file, only to users who see its project (another county's → 404), as an attachment."""
    item = selectors.evidence_get(user=request.user, pk=pk)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=evidence_files.CONTENT_TYPES.get(item.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _prefill(request) -> tuple[dict, object]:
    """Initial values of a project drawn up from a failing indicator (?county=&indicator=&school=&year=)."""
    code = request.GET.get("indicator", "").strip()
    county_code = request.GET.get("county", "").strip()
    if not code or not county_code:
        return {}, None
    county = get_object_or_404(visible_counties(request.user), code=county_code)
    school = None
    if request.GET.get("school"):
        school = get_object_or_404(School.objects.filter(county=county), code=request.GET["school"])
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else results.latest_result_year(county.pk)
    report = results.county_report(county.pk, year=year) if year else None
    initial = {
        "title": _("整改：%(name)s") % {"name": results.indicator_label(code)}
        + (f"（{school.name}）" if school else ""),
        "indicator_code": code,
        "result_year": year,
        "school": school.pk if school else None,
        "county": county.pk,
        "shortfall": services.shortfall_text(report=report, indicator_code=code, school=school),
    }
    return initial, county


@login_required
def project_create(request, plan_pk: int | None = None):
    if not services.can_create_project(request.user):
        raise PermissionDenied
    plan = selectors.plan_get(user=request.user, pk=plan_pk) if plan_pk else None
    if plan is None and request.GET.get("plan", "").isdigit():
        plan = selectors.plan_get(user=request.user, pk=int(request.GET["plan"]))
    initial, county = _prefill(request)
    if plan is None and county is not None:
        plan = selectors.plan_for_county(user=request.user, county=county)
    if request.method == "POST":
        form = ProjectForm(request.POST, user=request.user, plan=plan)
        if form.is_valid():
            try:
                project = services.project_create(
                    user=request.user, plan=form.cleaned_data["plan"], **form.service_data()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存重点项目/举措"))
                return redirect("plans:project_detail", pk=project.pk)
    else:
        form = ProjectForm(initial=initial, user=request.user, plan=plan)
    code = initial.get("indicator_code") or ""
    return render(
        request,
        "plans/project_form.html",
        {
            "form": form,
            "plan": plan,
            "project": None,
            "indicator_label": results.indicator_label(code) if code else "",
            "county": county,
        },
    )


@login_required
def project_edit(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    if not services.can_edit_project(request.user, county_id=project.county_id):
        raise PermissionDenied
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, user=request.user)
        if form.is_valid():
            try:
                services.project_update(user=request.user, project=project, **form.service_data())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存重点项目/举措"))
                return redirect("plans:project_detail", pk=project.pk)
    else:
        form = ProjectForm(instance=project, user=request.user)
    return render(
        request, "plans/project_form.html", {"form": form, "plan": project.plan, "project": project}
    )
