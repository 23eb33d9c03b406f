"""Reads that span the registry for the dashboards' pages."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from core.choices import RegionLevel
from core.models import Region
from core.scoping import scope, visible_counties, visible_regions
from indicators import selectors as indicator_selectors
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


def school_years_overview(*, school: School) -> list[dict]:
    """One row per year that has any data for the school: facts, classes, teachers, funding, achievement."""
    facts = {row.year: row for row in SchoolYear.objects.filter(school=school)}
    funding = {row.year: row for row in Funding.objects.filter(school=school)}
    classes = dict(
        SchoolClass.objects.filter(school=school)
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    teachers = dict(
        Teacher.objects.filter(school=school).values("year").annotate(n=Count("pk")).values_list("year", "n")
    )
    achievements = dict(
        Achievement.objects.filter(school=school)
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    years = sorted(set(facts) | set(funding) | set(classes) | set(teachers) | set(achievements), reverse=True)
    return [
        {
            "year": year,
            "facts": facts.get(year),
            "funding": funding.get(year),
            "classes": classes.get(year, 0),
            "teachers": teachers.get(year, 0),
            "achievements": achievements.get(year, 0),
        }
        for year in years
    ]


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
    """The counties of the region the user sees, by code."""
    counties = visible_counties(user)
    if region is not None:
        counties = counties.filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))
    return list(counties.order_by("code"))


def sub_regions(*, user, region: Region | None) -> list[Region]:
    """The cities of a province (the provinces for an administrator without a region) the user sees."""
    regions = visible_regions(user).exclude(level=RegionLevel.COUNTY)
    if region is None:
        regions = regions.filter(parent__isnull=True)
    elif region.level == RegionLevel.PROVINCE:
        regions = regions.filter(parent_id=region.pk)
    else:
        return []
    return list(regions.order_by("code"))
