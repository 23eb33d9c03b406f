"""Reads that span the registry for the dashboards' pages."""

import datetime

from django.db.models import Count, F, FilteredRelation, Max, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.choices import RegionLevel
from core.models import Region
from core.scoping import scope, visible_counties, visible_regions
from indicators import selectors as indicator_selectors
from indicators.models import CountyResult, IndicatorResult, UnitResult
from indicators.report.model import QUALITY_2017
from schools.models import Achievement, Funding, School, SchoolClass, SchoolYear
from teachers.models import Teacher


def home_summary(*, user) -> dict:
    """Counts in the user's scope: counties and schools from the registry, classes, full-time teachers and pupils
    from the stored results (each county's latest computed year), so a province official's home page never
    counts hundreds of thousands of roster rows. Counties without results are counted apart."""
    counties = visible_counties(user)
    stored = indicator_selectors.stored_counts(counties.values("pk"))
    return {
        "county_count": counties.count(),
        "school_count": scope(School.objects.all(), user).count(),
        "year": stored["year"],
        "computed_at": stored["computed_at"],
        "counties_with_results": stored["counties"],
        "class_count": stored["classes"],
        "teacher_count": stored["teachers"],
        "student_count": stored["students"],
    }


def school_years_overview(*, school: School) -> tuple[list[dict], dict[int, dict]]:
    """One row per year that has any data for the school (facts, classes, teachers, funding, achievement), newest
    first, and per year its classes and teachers by stage (school_roster's shape). Five queries: classes and
    teachers are counted by year and stage in the database."""
    facts = {row.year: row for row in SchoolYear.objects.filter(school=school)}
    funding = {row.year: row for row in Funding.objects.filter(school=school)}
    rosters: dict[int, dict] = {}

    def roster(year: int) -> dict:
        return rosters.setdefault(year, {"year": year, "classes": {}, "teachers": {}})

    for row in (
        SchoolClass.objects.filter(school=school)
        .values("year", "stage")
        .annotate(
            n=Count("pk"),
            pupils=Sum("students"),
            largest=Max("students"),
            large=Count("pk", filter=Q(students__gte=56)),
            super_large=Count("pk", filter=Q(students__gte=66)),
        )
        .order_by("year", "stage")
    ):
        roster(row["year"])["classes"][row["stage"]] = row
    for row in (
        Teacher.objects.filter(school=school)
        .values("year", "stage")
        .annotate(
            n=Count("pk"),
            n_full_time=Count("pk", filter=Q(full_time=True)),
            n_bachelor_plus=Count("pk", filter=Q(full_time=True, degree__in=("bachelor", "postgraduate"))),
            n_backbone=Count("pk", filter=Q(backbone_level__in=("county", "city", "province", "national"))),
        )
        .order_by("year", "stage")
    ):
        roster(row["year"])["teachers"][row["stage"]] = row
    achievements = dict(
        Achievement.objects.filter(school=school)
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    years = sorted(set(facts) | set(funding) | set(rosters) | set(achievements), reverse=True)
    rows = [
        {
            "year": year,
            "facts": facts.get(year),
            "funding": funding.get(year),
            "classes": sum(r["n"] for r in rosters.get(year, {}).get("classes", {}).values()),
            "teachers": sum(r["n"] for r in rosters.get(year, {}).get("teachers", {}).values()),
            "achievements": achievements.get(year, 0),
        }
        for year in years
    ]
    return rows, rosters


# ---------------------------------------------------------------- overviews of a city, a province, everything


def overview_region(*, user, code: str | None) -> Region | None:
    """The region an overview is about: the city or province `code` (404 outside the user's region or when it is
    a county), else the user's own region (None for an administrator without one: every county)."""
    regions = visible_regions(user).select_related("parent__parent")
    if code is not None:
        return get_object_or_404(regions.exclude(level=RegionLevel.COUNTY), code=code)
    if user.region_id:
        region = get_object_or_404(regions, pk=user.region_id)
        user.region = region  # the page's header names it too: one read
        return region
    return None


def overview_counties(*, user, region: Region | None) -> list[Region]:
    """The counties of the region the user sees, by code, with the stamp of their stored results
    (indicators.selectors.with_results_stamp: what the overview's cached figures are keyed on) and their latest
    verdict (with_latest_verdict: the failing counties of the plans' alerts)."""
    counties = visible_counties(user)
    if region is not None:
        counties = counties.filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))
    counties = indicator_selectors.with_latest_verdict(indicator_selectors.with_results_stamp(counties))
    return list(counties.order_by("code"))


_ROLLUP_FIGURES = ("counties", "counties_with_results", "counties_passing", "share_passing")


def sub_regions(*, user, region: Region | None, year: int | None) -> list[tuple[Region, dict | None]]:
    """The cities of a province (the provinces for an administrator without a region) the user sees, each with its
    stored roll-up of `year` ({counties, counties_with_results, counties_passing, share_passing}; None without
    one): one query, the roll-ups joined."""
    regions = visible_regions(user).exclude(level=RegionLevel.COUNTY)
    if region is None:
        regions = regions.filter(parent__isnull=True)
    elif region.level == RegionLevel.PROVINCE:
        regions = regions.filter(parent_id=region.pk)
    else:
        return []
    if year is None:
        return [(sub, None) for sub in regions.order_by("code")]
    regions = regions.annotate(
        rollup=FilteredRelation("indicator_rollups", condition=Q(indicator_rollups__year=year)),
        rollup_id=F("rollup__pk"),
        **{f"rollup_{name}": F(f"rollup__{name}") for name in _ROLLUP_FIGURES},
    )
    return [
        (sub, {name: getattr(sub, f"rollup_{name}") for name in _ROLLUP_FIGURES} if sub.rollup_id else None)
        for sub in regions.order_by("code")
    ]


# ---------------------------------------------------------------- the county dashboard


def class_sizes(*, county_id: int, year: int) -> dict[str, list[tuple[int, int]]]:
    """stage → [(pupils in a class, how many classes)] over every class of the county-year: one grouped query, the
    classes themselves never leave the database."""
    rows = (
        SchoolClass.objects.filter(school__county_id=county_id, year=year)
        .values("stage", "students")
        .annotate(n=Count("pk"))
        .order_by("stage", "students")
        .values_list("stage", "students", "n")
    )
    out: dict[str, list[tuple[int, int]]] = {}
    for stage, students, n in rows:
        out.setdefault(stage, []).append((students, n))
    return out


def ratio_history(*, county_id: int) -> list[dict]:
    """The urban–rural degree ratio of every stored year of the county, pooled and by stage (oldest first): one
    query reading two values out of each stored report."""
    rows = (
        CountyResult.objects.filter(county_id=county_id)
        .order_by("year")
        .values_list(
            "year",
            "degree_ratio",
            "report__urban_rural_degree_ratio__by_stage",
            "report__urban_rural_degree_ratio__target",
        )
    )
    out = []
    for year, pooled, by_stage, target in rows:
        stages = by_stage if isinstance(by_stage, dict) else {}
        out.append(
            {
                "year": year,
                "pooled": pooled,
                "target": target,
                "by_stage": {s: (v or {}).get("ratio") for s, v in stages.items() if isinstance(v, dict)},
            }
        )
    return out


# ---------------------------------------------------------------- the school page


def school_results(*, school: School) -> tuple[dict | None, dict]:
    """The school's 2017 resource figures from its county's latest stored result (the shape of
    indicators.selectors.school_results, which the presenter's school panel reads), and its history: its units in
    every stored year (oldest first), the thresholds of each year and every unit of the latest result (for its
    rank in the county). Four queries whatever the number of years and schools."""
    empty = {"units": [], "thresholds": {}, "peers": []}
    # the latest result's year, time and rule set: its stored report (a county's whole document) is not read here
    result = (
        CountyResult.objects.select_related("rule_set")
        .defer("report")
        .filter(county_id=school.county_id)
        .order_by("-year")
        .first()
    )
    if result is None:
        return None, empty
    units = list(
        UnitResult.objects.filter(school=school, standard=QUALITY_2017, result__county_id=school.county_id)
        .order_by("result__year", "stage")
        .values("result_id", "result__year", "stage", "students", "values", "met", "passed", "shortfalls")
    )
    thresholds: dict[tuple[int, str, str], float | None] = {
        (year, stage, code): threshold
        for year, stage, code, threshold in IndicatorResult.objects.filter(
            result__county_id=school.county_id, standard=QUALITY_2017
        ).values_list("result__year", "stage", "code", "threshold")
    }
    peers = list(
        UnitResult.objects.filter(result=result, standard=QUALITY_2017).values("stage", "values", "met")
    )
    params = result.rule_set.params
    floor = params.get("school_floor", 0.85)
    stages = []
    for unit in (u for u in units if u["result_id"] == result.pk):
        rows = []
        for code, value in sorted((unit["values"] or {}).items(), key=lambda kv: (len(kv[0]), kv[0])):
            threshold = thresholds.get((result.year, unit["stage"], code))
            met = None if value is None or threshold is None else value >= threshold
            rows.append(
                {
                    "code": code,
                    "value": value,
                    "threshold": threshold,
                    "met": met,
                    "shortfall": (unit["shortfalls"] or {}).get(code),
                }
            )
        stages.append(
            {
                "stage": unit["stage"],
                "students": unit["students"],
                "met": unit["met"],
                "passed": unit["passed"],
                "rows": rows,
            }
        )
    results = {
        "year": result.year,
        "computed_at": timezone.localtime(result.computed_at),
        "rule_set": {"code": result.rule_set.code, "version": result.rule_set.version},
        "min_met": params.get("school_min_met"),
        "floor_percent": round(floor * 100),
        "stages": stages,
    }
    return results, {"units": units, "thresholds": thresholds, "peers": peers}


def school_facts(*, school_code: str, county_id: int, year: int) -> dict | None:
    """The school's reported facts of one year (学校学年数据), for the "how computed" of its figures."""
    row = (
        SchoolYear.objects.filter(school__code=school_code, school__county_id=county_id, year=year)
        .values(*SchoolYear.FACT_FIELDS)
        .first()
    )
    return row


def result_computations(*, county_id: int) -> list[tuple[int, datetime.datetime]]:
    """(year, when it was computed) of every stored result of the county, newest first: the dashboard's year
    switch, and what its trend over the years depends on."""
    return list(
        CountyResult.objects.filter(county_id=county_id).order_by("-year").values_list("year", "computed_at")
    )
