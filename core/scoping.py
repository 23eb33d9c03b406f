"""The one scoping rule of the portal. Every view, form, API viewset, export and task asks here which counties
a user may see or change; an object outside them must answer 404 (callers filter, then get_object_or_404)."""

from django.db.models import Q, QuerySet

from .choices import RegionLevel
from .models import Region


def visible_counties(user) -> QuerySet[Region]:
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if not user or not user.is_authenticated:
        return counties.none()
    if user.is_admin:
        return counties
    if not user.region_id:
        return counties.none()
    region_id = user.region_id
    return counties.filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id))


def visible_regions(user) -> QuerySet[Region]:
    """The user's region, everything under it (for officials' dashboards) — and nothing above it."""
    regions = Region.objects.all()
    if not user or not user.is_authenticated:
        return regions.none()
    if user.is_admin:
        return regions
    if not user.region_id:
        return regions.none()
    region_id = user.region_id
    return regions.filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id))


def editable_counties(user) -> QuerySet[Region]:
    """Administrators change everything; a county clerk only its own county; officials read only."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if not user or not user.is_authenticated:
        return counties.none()
    if user.is_admin:
        return counties
    if user.is_clerk and user.region_id:
        return counties.filter(pk=user.region_id)
    return counties.none()


def scope(queryset: QuerySet, user, county_path: str = "county", *, for_write: bool = False) -> QuerySet:
    """Filter any queryset to the counties the user may see (or change, with for_write).

    county_path is the lookup from the model to its county Region, e.g. "school__county" for a Teacher.
    """
    counties = editable_counties(user) if for_write else visible_counties(user)
    if not user or not user.is_authenticated:
        return queryset.none()
    if user.is_admin and not for_write:
        return queryset
    return queryset.filter(**{f"{county_path}__in": counties})


def can_edit_county(user, county_id: int) -> bool:
    return editable_counties(user).filter(pk=county_id).exists()
