"""The pages that read everything: the home page, officials' compliance dashboards (the counties in scope at a
glance), one county's stored report and one school's page with its results.

Reads only stored results; nothing is computed on read. Every county and school comes through core.scoping: one
outside the user's region answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.choices import RegionLevel
from core.scoping import can_edit_county, editable_counties, visible_counties
from indicators import presenter
from indicators import selectors as indicator_selectors
from plans import results
from plans import selectors as plan_selectors
from plans import services as plan_services
from schools import selectors as school_selectors
from schools.forms import YearPickForm

from . import overview, selectors


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
    return presenter.school_panel(indicator_selectors.school_results(school.pk, school.county_id))


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


def _alerts(user, county=None, targets=None) -> dict:
    alerts = plan_selectors.alerts(user=user, county=county, targets=targets)
    for evaluation in alerts["off_track_targets"]:
        evaluation.indicator_label = results.indicator_label(evaluation.target.indicator_code)
    return alerts


def _year(request) -> int | None:
    year = request.GET.get("year")
    return int(year) if year and year.isdigit() else None


def _overview(request, region) -> dict:
    """The overview of a region's counties for one year (the latest with results unless ?year= names another):
    a fixed number of queries whatever the number of counties or regions."""
    user = request.user
    counties = selectors.overview_counties(user=user, region=region)
    ids = [c.pk for c in counties]
    regional = region is not None and region.level != RegionLevel.COUNTY
    history = indicator_selectors.rollup_history(region.pk) if regional else []
    if history:  # a city's or province's roll-ups are stored for every year its counties have results
        years = sorted((h["year"] for h in history), reverse=True)
    else:
        years = indicator_selectors.result_years_of(ids) if ids else []
    asked = _year(request)
    year = asked if asked in years else (years[0] if years else None)
    summaries = {s["county_id"]: s for s in results.county_summaries(ids, year=year)} if year else {}
    rows = [overview.summary_row(county, summaries.get(county.pk)) for county in counties]
    counted = overview.rollup(rows)
    rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["county"].code))
    indicator_rows = indicator_selectors.indicator_rows(ids, year) if year else []
    choices = overview.indicator_choices(indicator_rows)
    chosen = overview.pick_indicator(choices, request.GET.get("indicator"))
    names = {c.pk: c.name for c in counties}
    concerning = list(plan_selectors.targets_concerning(user=user))
    # a share of counties is a city's or a province's figure: a county's page has no progress chart
    targets = plan_selectors.share_targets(region, concerning) if regional else []
    subs = selectors.sub_regions(user=user, region=region)
    sub_rollups = indicator_selectors.rollups_of([r.pk for r in subs], year) if subs and year else []
    by_code = {r["region__code"]: r for r in sub_rollups}
    most_failing_chart, most_failing_rows = overview.most_failing(rows, indicator_rows)
    parent = region.parent if region is not None else None
    return {
        "region": region,
        # the region above, linked only when the user sees it (a city official's province is not theirs)
        "parent_link": parent if parent and (user.is_admin or region.pk != user.region_id) else None,
        "rows": rows,
        "rollup": counted,
        "year": year,
        "years": years,
        "progress_chart": None
        if region is not None and not regional
        else overview.progress_chart(
            history,
            targets,
            current_year=year,
            current_share=counted["share"],
            region_code=region.code if region else "",
        ),
        "targets": targets,
        "worst_cv_charts": overview.worst_cv_charts(rows),
        "indicator_choices": choices,
        "indicator": chosen,
        "indicator_chart": overview.indicator_chart(chosen, indicator_rows, names) if chosen else None,
        "most_failing_chart": most_failing_chart,
        "most_failing": most_failing_rows,
        "sub_regions": [(sub, by_code.get(sub.code)) for sub in subs],
        "alerts": _alerts(user, targets=concerning),
        "labels": presenter.labels.PARTS,
    }


@login_required
def dashboard(request):
    region = selectors.overview_region(user=request.user, code=None)
    return render(request, "indicators/dashboard.html", _overview(request, region))


@login_required
def region_overview(request, code: str):
    region = selectors.overview_region(user=request.user, code=code)
    return render(request, "indicators/dashboard.html", _overview(request, region))


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
        "view": presenter.present(report, indicator_selectors.school_names(county.pk)) if report else None,
        "alerts": _alerts(request.user, county=county),
        "can_create": plan_services.can_create_project(request.user),
    }
    return render(request, "indicators/county_report.html", context)
