"""The planner's pages: a county's scenarios (what-if), one scenario beside the actual report, the planner runs
(the cheapest way to pass, teacher rotation) with their progress and result, and the files.

Scoped: a county, scenario or run outside the user's region answers 404; clerks of the county and
administrators write, officials read (403 on a write). Teachers' names appear only in a rotation's transfer list
and its file; URLs carry ids and codes only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error
from core.scoping import can_edit_county
from indicators.presenter import labels as L
from plans import selectors as plan_selectors

from . import compare, files, forms, selectors, services
from .changes import ChangeError, change_from_dict
from .costs import COST_LABELS
from .models import RemedyRun, Scenario

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# ---------------------------------------------------------------- scenarios


@login_required
def scenario_list(request, code: str):
    county = selectors.county_get(user=request.user, code=code)
    years = selectors.data_years(county)
    form = forms.ScenarioCreateForm(years, request.POST or None)
    can_edit = can_edit_county(request.user, county.pk)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                scenario = services.scenario_create(
                    user=request.user,
                    county=county,
                    name=form.cleaned_data["name"],
                    year=form.cleaned_data["year"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("remedies:scenario_detail", pk=scenario.pk)
    return render(
        request,
        "remedies/scenario_list.html",
        {
            "county": county,
            "scenarios": selectors.scenario_list(user=request.user, county=county),
            "form": form,
            "can_edit": can_edit,
            "years": years,
        },
    )


def _change_rows(
    scenario: Scenario, names: dict[str, str], costs: dict[str, Any] | None
) -> list[dict[str, Any]]:
    from .costs import cost_of_change

    rows = []
    for index, raw in enumerate(scenario.changes):
        try:
            text = change_from_dict(raw).describe()
        except ChangeError as error:
            text = str(error)
        for code_, name in names.items():
            text = text.replace(f"学校 {code_}", name)
        rows.append(
            {"index": index, "text": text, "cost": cost_of_change(raw, costs) if costs is not None else None}
        )
    return rows


def _change_forms(scenario: Scenario, schools, classes, bound: forms.ChangeForm | None = None) -> list:
    out = []
    for name, cls in forms.CHANGE_FORMS.items():
        if bound is not None and bound.form_name == name:
            out.append(bound)
        elif cls is forms.SplitClassForm:
            out.append(cls(schools, classes))
        else:
            out.append(cls(schools))
    return out


@login_required
def scenario_detail(request, pk: int, bound_form=None, upload_form=None, upload_problems=None):
    scenario = selectors.scenario_get(user=request.user, pk=pk)
    county = scenario.county
    read = selectors.county_inputs(county, scenario.year)
    outcome, problem = None, ""
    try:
        outcome = selectors.scenario_outcome(scenario, read)
    except ChangeError as error:
        problem = str(error)
    names = selectors.school_names(county)
    schools = selectors.schools_of(county)
    can_edit = can_edit_county(request.user, county.pk)
    context = {
        "county": county,
        "scenario": scenario,
        "outcome": outcome,
        "problem": problem,
        **(
            compare.page_context(outcome.actual_view, outcome.scenario_view, outcome.changed)
            if outcome
            else {}
        ),
        "changes": _change_rows(scenario, names, read.costs()),
        "can_edit": can_edit,
        "forms": _change_forms(scenario, schools, read.data.offending_classes, bound_form)
        if can_edit
        else [],
        "upload_form": upload_form or forms.UploadChangesForm(),
        "upload_problems": upload_problems or [],
        "can_plan": can_edit and bool(scenario.changes),
    }
    status = 400 if (bound_form is not None or upload_form is not None or upload_problems) else 200
    return render(request, "remedies/scenario_detail.html", context, status=status)


def _editable_scenario(request, pk: int) -> Scenario:
    scenario = selectors.scenario_get(user=request.user, pk=pk)
    if not can_edit_county(request.user, scenario.county_id):
        raise PermissionDenied
    return scenario


@login_required
@require_POST
def scenario_change_add(request, pk: int):
    scenario = _editable_scenario(request, pk)
    cls = forms.CHANGE_FORMS.get(request.POST.get("form", ""))
    if cls is None:
        messages.error(request, _("未知的修改类型"))
        return redirect("remedies:scenario_detail", pk=pk)
    schools = selectors.schools_of(scenario.county)
    if cls is forms.SplitClassForm:
        classes = selectors.county_inputs(scenario.county, scenario.year).data.offending_classes
        form = cls(schools, classes, request.POST)
    else:
        form = cls(schools, request.POST)
    if form.is_valid():
        try:
            services.scenario_add_change(user=request.user, scenario=scenario, raw=form.change())
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("已加入方案，下方为重新计算的结果。"))
            return redirect("remedies:scenario_detail", pk=pk)
    return scenario_detail(request, pk, bound_form=form)


@login_required
@require_POST
def scenario_change_delete(request, pk: int):
    scenario = _editable_scenario(request, pk)
    try:
        index = int(request.POST.get("index", ""))
        services.scenario_remove_change(user=request.user, scenario=scenario, index=index)
    except (ValueError, ValidationError):
        messages.error(request, _("没有这项修改"))
    else:
        messages.success(request, _("已删除该项修改"))
    return redirect("remedies:scenario_detail", pk=pk)


@login_required
@require_POST
def scenario_upload(request, pk: int):
    scenario = _editable_scenario(request, pk)
    form = forms.UploadChangesForm(request.POST, request.FILES)
    if not form.is_valid():
        return scenario_detail(request, pk, upload_form=form)
    uploaded = form.cleaned_data["file"]
    try:
        parsed = files.parse_changes(uploaded, uploaded.name, uploaded.size)
        added = services.scenario_add_changes(
            user=request.user, scenario=scenario, raws=parsed.changes, rows=parsed.rows
        )
    except files.ChangesFileError as error:
        return scenario_detail(request, pk, upload_problems=error.messages)
    except ValidationError as error:
        return scenario_detail(request, pk, upload_problems=_errors(error))
    messages.success(request, _("已从文件加入 %(n)s 项修改。") % {"n": added})
    return redirect("remedies:scenario_detail", pk=pk)


@login_required
@require_POST
def scenario_delete(request, pk: int):
    scenario = _editable_scenario(request, pk)
    code = scenario.county.code
    services.scenario_delete(user=request.user, scenario=scenario)
    messages.success(request, _("已删除模拟方案"))
    return redirect("remedies:scenario_list", code=code)


@login_required
def scenario_projects(request, pk: int):
    """Turn the scenario into plan projects, one per indicator its changes serve."""
    scenario = _editable_scenario(request, pk)
    county = scenario.county
    codes = [county.code] + ([county.parent.code] if county.parent else [])
    if county.parent and county.parent.parent:
        codes.append(county.parent.parent.code)
    plans = plan_selectors.plan_list(user=request.user).filter(region_code__in=codes)
    form = forms.ProjectsForm(plans, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            projects = services.projects_from_scenario(
                user=request.user, scenario=scenario, plan=form.cleaned_data["plan"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("已在规划中生成 %(n)s 个重点项目/举措。") % {"n": len(projects)})
            return redirect("plans:plan_detail", pk=form.cleaned_data["plan"].pk)
    return render(
        request,
        "remedies/scenario_projects.html",
        {"county": county, "scenario": scenario, "form": form, "has_plans": plans.exists()},
    )


@login_required
def changes_template(request):
    response = HttpResponse(files.changes_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="changes-template.xlsx"'
    return response


# ---------------------------------------------------------------- planner runs


@login_required
def run_list(request, code: str):
    county = selectors.county_get(user=request.user, code=code)
    years = selectors.data_years(county)
    can_edit = can_edit_county(request.user, county.pk)
    read = selectors.county_inputs(county, years[0]) if years else None
    return render(
        request,
        "remedies/run_list.html",
        {
            "county": county,
            "runs": selectors.run_list(user=request.user, county=county)[:50],
            "can_edit": can_edit,
            "cheapest_form": forms.CheapestRequestForm(years, prefix="cheapest"),
            "rotation_form": forms.RotationRequestForm(years, prefix="rotation"),
            "costs": _cost_rows(read.costs()) if read else [],
            "rules": _rule_rows(read.quality_params) if read else [],
            "years": years,
        },
    )


def _cost_rows(costs: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in costs.items():
        if isinstance(value, dict):
            value = "；".join(f"{L.PARAM_PARTS.get(k, k)} {v:,}" for k, v in value.items())
        else:
            value = f"{value:,}"
        rows.append((str(L.PARAM_PARTS.get(key, COST_LABELS.get(key, key))), value))
    return rows


def _rule_rows(params: dict[str, Any]) -> list[tuple[str, str]]:
    keys = (
        "rotation_share",
        "rotation_backbone_share",
        "rotation_eligibility",
        "rotation_balance",
        "rotation_school_targets",
        "rotation_max_distance_km",
    )
    rows = []
    for key in keys:
        value = params.get(key)
        if isinstance(value, float) and key.endswith("share"):
            text = f"{value:.0%}"
        elif value is None:
            text = str(L.PARAM_VALUES[None])
        else:
            text = str(L.PARAM_WORDS.get(value, value))
        rows.append((str(L.PARAMS.get(key, key)), text))
    return rows


def _request(request, code: str, kind: str, form_cls):
    county = selectors.county_get(user=request.user, code=code)
    if not can_edit_county(request.user, county.pk):
        raise PermissionDenied
    form = form_cls(selectors.data_years(county), request.POST, request.FILES, prefix=kind)
    if form.is_valid():
        try:
            with transaction.atomic():
                run = services.run_request(
                    user=request.user,
                    county=county,
                    kind=kind,
                    year=form.cleaned_data["year"],
                    time_limit_s=form.cleaned_data["time_limit_s"],
                    options=form.options(),
                )
        except ValidationError as error:
            messages.error(request, "；".join(_errors(error)))
        else:
            return redirect("remedies:run_detail", pk=run.pk)
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("remedies:run_list", code=code)


@login_required
@require_POST
def cheapest_request(request, code: str):
    return _request(request, code, RemedyRun.Kind.CHEAPEST, forms.CheapestRequestForm)


@login_required
@require_POST
def rotation_request(request, code: str):
    return _request(request, code, RemedyRun.Kind.ROTATION, forms.RotationRequestForm)


def _by_school(rows: dict[str, float], names: dict[str, str]) -> list[dict[str, Any]]:
    return sorted(
        ({"code": c, "name": names.get(c, c), "cost": v} for c, v in rows.items()), key=lambda r: -r["cost"]
    )


def _by_indicator(rows: dict[str, float]) -> list[dict[str, Any]]:
    out = []
    for key, value in rows.items():
        label = "、".join(f"{code} {L.INDICATORS.get(code, '')}".strip() for code in key.split("+"))
        out.append({"key": key, "label": label, "cost": value})
    return sorted(out, key=lambda r: -r["cost"])


@login_required
def run_detail(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    county = run.county
    names = selectors.school_names(county)
    result = run.result or {}
    context: dict[str, Any] = {
        "county": county,
        "run": run,
        "result": result,
        "percent": round(100 * run.progress),
        "can_edit": can_edit_county(request.user, county.pk),
        "names": names,
    }
    if run.kind == RemedyRun.Kind.CHEAPEST:
        actions = []
        for a in result.get("actions") or []:
            text = a["description"]
            text = text.replace(f"学校 {a['school']}", names.get(a["school"], a["school"]))
            actions.append({**a, "text": text, "school_name": names.get(a["school"], a["school"])})
        context.update(
            actions=actions,
            by_school=_by_school(result.get("cost_by_school") or {}, names),
            by_indicator=_by_indicator(result.get("cost_by_indicator") or {}),
        )
    else:
        transfers = result.get("transfers") or []
        teacher_names = (
            selectors.teacher_names(county, run.year, [t["teacher_id"] for t in transfers])
            if transfers
            else {}
        )
        context["transfers"] = [
            {
                **t,
                "name": teacher_names.get(t["teacher_id"], ""),
                "from_name": names.get(t["from_school"], t["from_school"]),
                "to_name": names.get(t["to_school"], t["to_school"]),
            }
            for t in transfers
        ]
    if run.report and run.report_before and run.finished:
        from indicators.report.model import Report

        before, after, changed, sentence = compare.compare(
            Report.from_json(run.report_before), Report.from_json(run.report), names
        )
        context.update(
            before=before,
            after=after,
            changed_list=changed,
            sentence=sentence,
            **compare.page_context(before, after, changed),
        )
    return render(request, "remedies/run_detail.html", context)


@login_required
@require_POST
def run_to_scenario(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    if not can_edit_county(request.user, run.county_id):
        raise PermissionDenied
    try:
        scenario = services.scenario_from_run(user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, "；".join(_errors(error)))
        return redirect("remedies:run_detail", pk=pk)
    messages.success(request, _("已转为模拟方案，可继续修改后生成规划项目。"))
    return redirect("remedies:scenario_detail", pk=scenario.pk)


@login_required
def run_transfers_xlsx(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    if run.kind != RemedyRun.Kind.ROTATION or run.status != RemedyRun.Status.DONE:
        raise PermissionDenied
    transfers = run.result.get("transfers") or []
    names = selectors.teacher_names(run.county, run.year, [t["teacher_id"] for t in transfers])
    result = run.result
    summary = [
        (_("交流人数"), str(result.get("moves"))),
        (_("其中骨干教师"), str(result.get("backbone_moves"))),
        (_("经引擎验证"), _("是") if result.get("verified") else _("否")),
        (
            _("城乡学历比"),
            f"{(result.get('before') or {}).get('ratio') or 0:.3f} → {(result.get('after') or {}).get('ratio') or 0:.3f}",
        ),
    ]
    body = files.transfers_workbook(
        county=run.county.name,
        year=run.year,
        run_id=run.pk,
        transfers=transfers,
        names=names,
        schools=selectors.school_names(run.county),
        summary=summary,
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="rotation-{run.county.code}-{run.year}-{run.pk}.xlsx"'
    )
    return response
