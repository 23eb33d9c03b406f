"""The pages that read everything: the home page, officials' compliance dashboards (the counties in scope at a
glance), one county's stored report and one school's page with its results.

Reads only stored results; nothing is computed on read. Every county and school comes through core.scoping: one
outside the user's region answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.choices import RegionLevel
from core.scoping import can_edit_county, editable_counties, visible_counties
from indicators import presenter
from indicators import selectors as indicator_selectors
from indicators.presenter import dashboard as words
from indicators.presenter.views import computed_at, rule_set_text
from plans import results
from plans import selectors as plan_selectors
from plans import services as plan_services
from schools import selectors as school_selectors
from schools.forms import YearPickForm

from . import charts, figures, overview, selectors
from .views_county import explain_base, result_key


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


def _alerts(user, county=None, targets=None, counties=None) -> dict:
    alerts = plan_selectors.alerts(user=user, county=county, targets=targets, counties=counties)
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
    shown = figures.overview_figures(counties, year, request.GET.get("indicator"))
    # a share of counties is a city's or a province's figure: a county's page has no progress chart
    concerning = list(
        plan_selectors.targets_concerning(user=user)
    )  # read once: the progress chart and alerts
    targets = plan_selectors.share_targets(region, concerning) if regional else []
    parent = region.parent if region is not None else None
    own = region is None or (region.pk == user.region_id and not user.is_admin)
    return {
        "region": region,
        # the region above, linked only when the user sees it (a city official's province is not theirs)
        "parent_link": parent if parent and (user.is_admin or region.pk != user.region_id) else None,
        **shown,
        "year": year,
        # the year whose sign-off state the county rows show: the one asked for even before any result exists
        "badge_year": year or asked,
        "years": years,
        "progress_chart": None
        if region is not None and not regional
        else overview.progress_chart(
            history,
            targets,
            current_year=year,
            current_share=shown["rollup"]["share"],
            region_code=region.code if region else "",
        ),
        "targets": targets,
        "sub_regions": selectors.sub_regions(user=user, region=region, year=year),
        # on the overview of its own region (or of everything) the counties read are all the user sees: its
        # alerts take the failing ones from them
        "alerts": _alerts(user, targets=concerning, counties=counties if own else None),
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
    county = get_object_or_404(visible_counties(request.user).select_related("parent__parent"), code=code)
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    stored = indicator_selectors.stored_result(county.pk, year=year)
    can_create = plan_services.can_create_project(request.user)
    context = {
        "county": county,
        "year": year,
        "report": stored,
        "tab": "report",
        # the stamp; a recompute under way is the pending note of the page itself
        "freshness": words.freshness_of(computed_at(stored), rule_set_text(stored), None) if stored else None,
        # read inside the page's cached part only: presented on a miss
        "view": SimpleLazyObject(
            lambda: presenter.present(stored.report(), indicator_selectors.school_names(county.pk))
        )
        if stored
        else None,
        "alerts": _alerts(request.user, county=county),
        "can_create": can_create,
        # the links to draw up a project from a failing figure are the one switch of the cached part
        "result_key": result_key(stored, "create" if can_create else "read"),
    }
    return render(request, "indicators/county_report.html", context)
