"""Reads that span the registry for the dashboards' pages."""

from django.db.models import Count, Max

from core.scoping import scope, visible_counties
from schools.models import Achievement, Funding, School, SchoolClass, SchoolYear
from teachers.models import Teacher


def home_summary(*, user) -> dict:
    """Counts in the user's scope; classes and teachers are counted in the latest year that has any."""
    schools = scope(School.objects.all(), user)
    classes = scope(SchoolClass.objects.all(), user, "school__county")
    teachers = scope(Teacher.objects.all(), user, "school__county")
    latest = max(
        (y for y in (classes.aggregate(y=Max("year"))["y"], teachers.aggregate(y=Max("year"))["y"]) if y),
        default=None,
    )
    return {
        "county_count": visible_counties(user).count(),
        "school_count": schools.count(),
        "year": latest,
        "class_count": classes.filter(year=latest).count() if latest else 0,
        "teacher_count": teachers.filter(year=latest).count() if latest else 0,
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
