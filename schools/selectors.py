"""Reads of schools and county inputs for the portal's pages. Every query is scoped with core.scoping: an
object outside the user's region is simply not found (the views answer 404)."""

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Role
from core.models import Region
from core.scoping import scope, visible_counties

from .choices import DECLARATION_ITEMS
from .models import Achievement, CountyYear, Declaration, Funding, Monitoring, School, SchoolClass, SchoolYear


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
    # Each figure in its own subquery, per county of the page: joined, the schools and the county years multiplied
    # each other's rows and every county in scope was grouped before the page was cut (a province: 15 000 rows).
    schools = School.objects.filter(county=OuterRef("pk")).order_by().values("county")
    years = CountyYear.objects.filter(county=OuterRef("pk")).order_by().values("county")
    return (
        visible_counties(user)
        .select_related("parent")
        .annotate(
            school_count=Coalesce(Subquery(schools.annotate(n=Count("pk")).values("n")), 0),
            latest_year=Subquery(years.annotate(latest=Max("year")).values("latest")),
        )
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


def county_declarations(*, county: Region, year: int) -> list[dict]:
    """The county-year's qualitative items in the rule set's order, each {"code", "name", "declaration"} (None:
    not declared yet). The county comes from county_get, so it is already in the user's scope."""
    stored = {
        d.item_code: d
        for d in Declaration.objects.filter(county=county, year=year).select_related(
            "reviewed_by", "updated_by"
        )
    }
    return [
        {"code": code, "name": name, "declaration": stored.get(code)}
        for code, name in DECLARATION_ITEMS.items()
    ]


def declaration_item(*, code: str) -> str:
    """The Chinese name of a qualitative item; Http404 for any other code (the URL's part)."""
    if code not in DECLARATION_ITEMS:
        raise Http404
    return DECLARATION_ITEMS[code]


def declaration_get(*, county: Region, year: int, code: str) -> Declaration | None:
    return (
        Declaration.objects.filter(county=county, year=year, item_code=code)
        .select_related("reviewed_by")
        .first()
    )


def can_review_county(user, county: Region) -> bool:
    """Declarations are reviewed by an official of the city above the county (and by administrators)."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return user.role == Role.OFFICIAL and user.region_id is not None and user.region_id == county.parent_id
