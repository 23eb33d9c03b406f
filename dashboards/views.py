"""The pages that read everything: the home page, officials' compliance dashboards (the counties in scope at a
glance), one county's stored report and one school's page with its results.

Reads only stored results; nothing is computed on read. Every county and school comes through core.scoping: one
outside the user's region answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.choices import RegionLevel
from core.scoping import can_edit_county, editable_counties, visible_counties, visible_regions
from indicators import presenter
from indicators import selectors as indicator_selectors
from indicators.presenter import dashboard as words
from indicators.presenter.numbers import judged, plain
from plans import results
from plans import selectors as plan_selectors
from plans import services as plan_services
from schools import selectors as school_selectors
from schools.forms import YearPickForm

from . import charts, selectors
from .views_county import explain_base


def _own_dashboard(user) -> str | None:
    """Where a user's home page takes them: a county's people to its dashboard, a city's or province's officials
    to the overview of their region; administrators and users without a region stay on the home page."""
    region = getattr(user, "region", None)
    if region is None:
        return None
    if region.level == RegionLevel.COUNTY:
        return reverse("dashboards:county_dashboard", args=[region.code])
    return reverse("dashboards:dashboard")


@login_required
def home(request):
    target = _own_dashboard(request.user)
    if target is not None and "stay" not in request.GET:
        return redirect(target)
    return render(
        request,
        "home.html",
        {
            "summary": selectors.home_summary(user=request.user),
            "can_create": editable_counties(request.user).exists(),
        },
    )


@login_required
def school_detail(request, code):
    school = school_selectors.school_get(user=request.user, code=code)
    years, rosters = selectors.school_years_overview(school=school)
    stored, history = selectors.school_results(school=school)
    results = presenter.school_panel(stored)
    stages = words.school_history(history, school.code)
    fresh = None
    if results:
        rule_set = results["rule_set"]
        state = indicator_selectors.freshness(school.county_id, results["year"], results["computed_at"])
        fresh = words.freshness_of(
            results["computed_at"], words.rule_set_words(rule_set["code"], rule_set["version"]), state
        )
    roster_year = (
        results["year"] if results and results["year"] in rosters else (years[0]["year"] if years else None)
    )
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "can_edit": can_edit_county(request.user, school.county_id),
            "years": years,
            "year_form": YearPickForm(),
            "results": results,
            "history": [{"stage": h, "chart": charts.school_multiples(h)} for h in stages],
            "roster": words.roster_rows(rosters[roster_year]) if roster_year in rosters else [],
            "roster_year": roster_year,
            "freshness": fresh,
            "explain_base": explain_base(school.county.code),
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
        "labels": presenter.labels.PARTS,
    }
    return render(request, "indicators/dashboard.html", context)


@login_required
def county_report(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    report = indicator_selectors.report(county.pk, year=year)
    context = {
        "county": county,
        "year": year,
        "report": report,
        "tab": "report",
        # the stamp; a recompute under way is the pending note of the page itself
        "freshness": words.freshness(report, None) if report is not None and report.stamp else None,
        "view": presenter.present(report, indicator_selectors.school_names(county.pk)) if report else None,
        "alerts": _alerts(request.user, county=county),
        "can_create": plan_services.can_create_project(request.user),
    }
    return render(request, "indicators/county_report.html", context)


def summary_row(county, summary: dict | None) -> dict:
    """One dashboard row from a county summary (indicators.selectors.county_summaries); None = not computed."""
    row = {"county": county, "has_result": summary is not None, "parts": [], "stages": []}
    if summary is None:
        return row
    row["parts"] = presenter.verdict_parts(summary.get("verdict"))
    row["pass_2017"] = summary.get("pass_2017") is True  # derived once by the engine, stored with the result
    row["overall"] = presenter.mark(summary.get("pass_2017"), presenter.labels.VERDICTS)
    row["parts_passed"] = sum(1 for p in row["parts"] if p.mark.status == "pass")
    for stage_key, stage_label in presenter.labels.STAGES.items():
        if stage_key not in summary["stages"]:
            continue
        stage = summary["stages"][stage_key]
        worst = stage["worst_cv"]
        row["stages"].append(
            {
                "label": stage_label,
                "worst_cv": worst,
                "worst_cv_text": judged(worst["cv"], 3, worst["limit"], "<=", worst["pass"])
                if worst
                else None,
                "worst_cv_limit": plain(worst["limit"]) if worst else None,
                "composite_text": judged(
                    stage["basic_composite_cv"], 3, stage["basic_limit"], "<=", stage["basic_pass"]
                ),
                "composite_2012": stage["basic_composite_cv"],
                "composite_limit": stage["basic_limit"],
                "composite_pass": stage["basic_pass"],
                "large": stage["large"],
                "super_large": stage["super_large"],
            }
        )
    row["ratio"] = summary["urban_rural_degree_ratio"]
    row["ratio_target"] = summary["urban_rural_degree_ratio_target"]
    row["ratio_pass"] = summary["urban_rural_degree_ratio_pass"]
    row["ratio_text"] = judged(row["ratio"], 3, row["ratio_target"], "<=", row["ratio_pass"])
    row["year"] = summary["year"]
    row["computed_at"] = summary["computed_at"]
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
