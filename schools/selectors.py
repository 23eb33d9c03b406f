"""Reads of schools and county inputs for the portal's pages. Every query is scoped with core.scoping: an
object outside the user's region is simply not found (the views answer 404)."""

from django.db.models import Count, Max, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.models import Region
from core.scoping import scope, visible_counties

from .models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear


def school_list(*, user) -> QuerySet[School]:
    """The schools the user may see; the list's filters are schools.filters.SchoolFilter."""
    return scope(School.objects.select_related("county"), user).order_by("county__code", "code")


def school_get(*, user, code: str) -> School:
    """The school with this code if the user may see it, else Http404."""
    return get_object_or_404(scope(School.objects.select_related("county"), user), code=code)


def county_get(*, user, code: str) -> Region:
    return get_object_or_404(visible_counties(user), code=code)


def school_year_get(*, school: School, year: int) -> SchoolYear | None:
    return SchoolYear.objects.filter(school=school, year=year).first()


def funding_get(*, school: School, year: int) -> Funding | None:
    return Funding.objects.filter(school=school, year=year).first()


def school_classes(*, school: School, year: int) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(school=school, year=year).order_by("grade", "name")


def school_achievements(*, school: School, year: int) -> QuerySet[Achievement]:
    return Achievement.objects.filter(school=school, year=year).order_by("stage", "subject")


def county_year_get(*, county: Region, year: int) -> CountyYear | None:
    return CountyYear.objects.filter(county=county, year=year).first()


def county_monitoring(*, county: Region, year: int) -> QuerySet[Monitoring]:
    return Monitoring.objects.filter(county=county, year=year).order_by("stage", "subject")


def county_list(*, user) -> QuerySet[Region]:
    return (
        visible_counties(user)
        .select_related("parent")
        .annotate(school_count=Count("schools", distinct=True), latest_year=Max("county_years__year"))
        .order_by("code")
    )


def county_years(*, county: Region) -> QuerySet[CountyYear]:
    return CountyYear.objects.filter(county=county).order_by("-year")


def school_code_refusal(*, user, code: str, exclude_pk=None) -> str | None:
    """Why a school may not take this code, or None when it is free.

    Codes are unique across the province, so a taken code must be refused, but the refusal must not tell a
    clerk that another county has a school with it: "已被另一所学校使用" only when that school is one the user
    can already see, a neutral "不可用" otherwise. (user None: the system, which sees everything.)
    """
    taken = School.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if not taken.exists():
        return None
    if user is None or scope(taken, user).exists():
        return _("该学校标识码已被另一所学校使用")
    return _("该学校标识码不可用，请核对；如确为本区县的学校，请联系系统管理员")
