"""Rule sets and recomputes in the portal's own pages.

- Rule sets: everyone signed in reads them (current version in Chinese, history, the difference between two
  versions); administrators revise them, which adds a version through `services.rule_set_revise`. Results change
  only at the next recompute, which the page offers.
- Recomputes: an administrator recomputes every county, a county clerk (or an administrator) one county; the run's
  page shows its progress and reloads itself while it runs. Runs are scoped: a user sees the runs that touch its
  counties (and the ones it started); another county's run answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import RegionLevel
from core.forms import apply_validation_error
from core.models import Region
from core.pagination import paginate
from core.scoping import can_edit_county, visible_counties

from . import forms, rules, runs, selectors, services
from .models import RecomputeRun
from .presenter import labels

RUNS_PER_PAGE = 25
STATUS_LABELS = {
    "queued": "排队中",
    "done": "已完成",
    "no_data": "无数据",
    "error": "失败",
}


def _rule_code(code: str) -> str:
    if code not in rules.DEFAULTS:
        raise Http404
    return code


def _recompute_all_form(data=None) -> forms.RecomputeAllForm:
    return forms.RecomputeAllForm(selectors.data_years(), data)


# ---------------------------------------------------------------- rule sets


@login_required
def rule_list(request):
    counts = {code: selectors.results_by_version(code) for code in rules.DEFAULTS}
    rule_sets = []
    for current in selectors.current_rule_sets():
        versions = list(selectors.rule_set_versions(current.code))
        for version in versions:
            version.results = counts[current.code].get(version.version, 0)
        rule_sets.append({"current": current, "versions": versions, "label": labels.STANDARDS[current.code]})
    return render(
        request,
        "indicators/rules/list.html",
        {
            "rule_sets": rule_sets,
            "is_admin": request.user.is_admin,
            "recompute_form": _recompute_all_form() if request.user.is_admin else None,
        },
    )


def _effective(code: str, rule_set) -> dict:
    """A version's params as the engine (and the planner) read them: a setting added to the table after the
    version was saved shows, and is edited, with its default."""
    return rules.effective_params(code, rule_set.params)


def _version(code: str, number) -> object:
    if number in (None, ""):
        return None
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(selectors.rule_set_versions(code), version=number)


@login_required
def rule_detail(request, code: str):
    code = _rule_code(code)
    current = selectors.current_rule_set(code)
    versions = list(selectors.rule_set_versions(code))
    shown = _version(code, request.GET.get("version")) or current
    # the difference shown: ?a=…&b=… (any two versions), else the shown version against the one before it
    a = _version(code, request.GET.get("a"))
    b = _version(code, request.GET.get("b"))
    if a is None or b is None:
        b = shown
        a = next((v for v in versions if v.version < shown.version), None)
    counts = selectors.results_by_version(code)
    for version in versions:
        version.results = counts.get(version.version, 0)
    return render(
        request,
        "indicators/rules/detail.html",
        {
            "code": code,
            "label": labels.STANDARDS[code],
            "current": current,
            "shown": shown,
            "sections": forms.describe(_effective(code, shown)),
            "versions": versions,
            "a": a,
            "b": b,
            "changes": forms.diff(_effective(code, a), _effective(code, b)) if a is not None else None,
            "stale_results": sum(n for v, n in counts.items() if v != current.version),
            "is_admin": request.user.is_admin,
            "recompute_form": _recompute_all_form() if request.user.is_admin else None,
        },
    )


@login_required
def rule_edit(request, code: str):
    code = _rule_code(code)
    if not request.user.is_admin:
        raise PermissionDenied
    current = selectors.current_rule_set(code)
    params = _effective(code, current)
    data = request.POST if request.method == "POST" else None
    json_mode = bool(data) and data.get("mode") == "json"
    form = forms.RuleSetForm(params, None if json_mode else data)
    json_form = forms.RuleSetJsonForm(params, data if json_mode else None)
    bound = json_form if json_mode else form
    if data is not None and bound.is_valid():
        try:
            new = services.rule_set_revise(
                current, bound.cleaned_data["params"], request.user, note=bound.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_validation_error(bound, error)
        else:
            messages.success(
                request,
                _("已保存为第 %(version)s 版。已有的评估结果仍按原版本计算，重新计算后才会采用新版本。")
                % {"version": new.version},
            )
            return redirect("indicators:rule_detail", code=code)
    return render(
        request,
        "indicators/rules/edit.html",
        {
            "code": code,
            "label": labels.STANDARDS[code],
            "current": current,
            "form": form,
            "json_form": json_form,
            "json_mode": json_mode,
            "recompute_form": _recompute_all_form(),
        },
    )


# ---------------------------------------------------------------- recompute


@login_required
@require_POST
def recompute_all(request):
    if not request.user.is_admin:
        raise PermissionDenied
    form = _recompute_all_form(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要重新计算的学年。"))
        return redirect("indicators:rule_list")
    county_ids = list(
        Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").values_list("pk", flat=True)
    )
    with transaction.atomic():
        run = runs.recompute_start(county_ids, form.cleaned_data["year"], user=request.user)
    return redirect("indicators:run_detail", pk=run.pk)


@login_required
@require_POST
def recompute_county(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    if not can_edit_county(request.user, county.pk):
        raise PermissionDenied
    form = forms.RecomputeCountyForm(request.POST)
    year = form.cleaned_data["year"] if form.is_valid() else None
    with transaction.atomic():
        run = runs.recompute_start([county.pk], year, user=request.user)
    return redirect("indicators:run_detail", pk=run.pk)


# ---------------------------------------------------------------- runs


def _visible_runs(user):
    if user.is_admin:
        return selectors.runs_touching(None)
    return selectors.runs_touching(visible_counties(user).values_list("pk", flat=True), user=user)


def _run_view(run: RecomputeRun, user) -> dict:
    """The run as its page shows it: per-county rows limited to the counties the user sees, and progress."""
    entries = run.counties or {}
    counties = visible_counties(user).filter(pk__in=[int(k) for k in entries if str(k).isdigit()])
    names = {str(c.pk): c for c in counties.only("pk", "code", "name")}
    rows = []
    for key, entry in entries.items():
        county = names.get(str(key))
        if county is None:
            continue
        status = (entry or {}).get("status", "")
        rows.append(
            {
                "county": county,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "error": (entry or {}).get("error", ""),
            }
        )
    rows.sort(key=lambda r: r["county"].code)
    total = len(entries)
    finished = sum(1 for e in entries.values() if (e or {}).get("status") not in (None, "", "queued"))
    running = run.status in (RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING)
    if total:
        percent = round(100 * finished / total) if running else 100
    else:
        percent = None if running else 100
    return {
        "run": run,
        "rows": rows,
        "total": total,
        "finished": finished,
        "percent": percent,
        "running": running,
        # queued while the broker is unreachable: the sweeper sends it once the broker is back
        "waiting_for_broker": run.status == RecomputeRun.Status.QUEUED and run.dispatched_at is None,
        "hidden": total - len(rows),
    }


@login_required
def run_list(request):
    page, query = paginate(request, _visible_runs(request.user), RUNS_PER_PAGE)
    return render(
        request,
        "indicators/runs/list.html",
        {
            "page": page,
            "query": query,
            "runs": [_run_view(run, request.user) for run in page.object_list],
            "recompute_form": _recompute_all_form() if request.user.is_admin else None,
        },
    )


def _run(request, pk) -> RecomputeRun:
    return get_object_or_404(_visible_runs(request.user), pk=pk)


@login_required
def run_detail(request, pk: int):
    view = _run_view(_run(request, pk), request.user)
    return render(request, "indicators/runs/detail.html", {**view, "is_admin": request.user.is_admin})


@login_required
def run_progress(request, pk: int):
    view = _run_view(_run(request, pk), request.user)
    run = view["run"]
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "percent": view["percent"],
            "finished": view["finished"],
            "total": view["total"],
            "counties": [
                {
                    "code": r["county"].code,
                    "name": r["county"].name,
                    "status": r["status"],
                    "error": r["error"],
                }
                for r in view["rows"]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
