"""/api/v1/ endpoints of regions, schools and their yearly inputs.

Every queryset goes through core.scoping.scope, so an object of another county answers 404. Officials read
only (writes answer 403). Serializers validate, the services of schools/services.py write; a model validation error
from the service comes back as 400 with messages keyed by the API's field names.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import SimpleRouter

from core.scoping import can_edit_county, scope, visible_regions
from signoff.exceptions import EditLocked

from . import filters, services
from .models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from .serializers import (
    AchievementSerializer,
    CountyYearSerializer,
    FundingSerializer,
    MonitoringSerializer,
    RegionSerializer,
    SchoolClassSerializer,
    SchoolSerializer,
    SchoolYearSerializer,
)


class ScopedWritePermission(permissions.BasePermission):
    """Read: any signed-in user (rows are scoped). Write: administrators, and clerks within their own county."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(user.is_admin or (user.is_clerk and user.region_id))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit_county(request.user, view.county_id_of(obj))


class ScopedViewSet(viewsets.ModelViewSet):
    """A viewset over rows owned by a county: scoped reads, filters from query params, writes through services.

    Subclasses set `county_path` (lookup from the model to its county), `filterset_class` (the list's FilterSet,
    which DjangoFilterBackend applies to the scoped queryset), and implement
    `create_row(user, **data)` / `update_row(user, instance, **data)` / `delete_row(user, instance)` by calling a
    service.
    """

    permission_classes = [ScopedWritePermission]
    county_path = "school__county"
    select_related: tuple[str, ...] = ("school", "school__county")

    def get_queryset(self):
        queryset = self.queryset.model.objects.select_related(*self.select_related)
        return scope(queryset, self.request.user, self.county_path)

    def county_id_of(self, obj) -> int:
        target = obj
        for part in self.county_path.split("__"):
            target = getattr(target, part)
        return target.pk

    # --- writes: the service does the work; its validation errors become a 400 keyed by API field names ---

    def _call_service(self, serializer, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except EditLocked:
            raise  # signed-off data: 409 with who locked it (signoff.api.exception_handler), not a 400
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._api_errors(serializer, error)) from error

    @staticmethod
    def _api_errors(serializer, error: DjangoValidationError):
        if not hasattr(error, "error_dict"):
            return {"non_field_errors": error.messages}
        names = {field.source: name for name, field in serializer.fields.items()}
        result = {}
        for field, messages in error.message_dict.items():
            key = "non_field_errors" if field == "__all__" else names.get(field, field)
            result.setdefault(key, []).extend(messages)
        return result

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self._call_service(serializer, self.create_row, self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self._call_service(
            serializer, self.update_row, self.request.user, serializer.instance, **data
        )

    def perform_destroy(self, instance):
        self.delete_row(self.request.user, instance)

    def delete_row(self, user, instance):  # pragma: no cover - only reachable where DELETE is routed
        raise NotImplementedError


class NoDeleteMixin:
    """Yearly inputs are replaced, not deleted, through the API (the services have no delete for them)."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    lookup_field = "code"
    # Any text up to the next "/" reaches the view (the router's default stops at "."): an unknown code answers
    # the API's JSON 404, not the site's HTML page (found by the API fuzz).
    lookup_value_regex = "[^/]+"
    filterset_class = filters.RegionFilter

    def get_queryset(self):
        return visible_regions(self.request.user).select_related("parent").order_by("code")


class SchoolViewSet(ScopedViewSet):
    queryset = School.objects.none()
    serializer_class = SchoolSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # as RegionViewSet's
    county_path = "county"
    select_related = ("county",)
    filterset_class = filters.SchoolFilter

    def create_row(self, user, county, **data):
        return services.school_create(user=user, county=county, **data)

    def update_row(self, user, school, **data):
        return services.school_update(user=user, school=school, **data)

    def delete_row(self, user, school):
        services.school_delete(user=user, school=school)


class SchoolRowViewSet(NoDeleteMixin, ScopedViewSet):
    """Rows keyed by (school, year, …): the services upsert on that key, so POST of an existing key replaces it."""

    save_service = None

    def _keys(self):
        return self.get_serializer_class().key_sources()

    def create_row(self, user, **data):
        keys = {key: data.pop(key) for key in self._keys()}
        return type(self).save_service(user=user, **keys, **data)

    def update_row(self, user, instance, **data):
        keys = {key: getattr(instance, key) for key in self._keys()}
        return type(self).save_service(user=user, **keys, **data)


class SchoolYearViewSet(SchoolRowViewSet):
    queryset = SchoolYear.objects.none()
    serializer_class = SchoolYearSerializer
    filterset_class = filters.SchoolYearFilter
    save_service = services.school_year_save


class FundingViewSet(SchoolRowViewSet):
    queryset = Funding.objects.none()
    serializer_class = FundingSerializer
    filterset_class = filters.FundingFilter
    save_service = services.funding_save


class AchievementViewSet(SchoolRowViewSet):
    queryset = Achievement.objects.none()
    serializer_class = AchievementSerializer
    filterset_class = filters.AchievementFilter
    save_service = services.achievement_save


class SchoolClassViewSet(SchoolRowViewSet):
    queryset = SchoolClass.objects.none()
    serializer_class = SchoolClassSerializer
    save_service = services.school_class_save
    http_method_names = [*NoDeleteMixin.http_method_names, "delete"]
    filterset_class = filters.SchoolClassFilter

    def delete_row(self, user, instance):
        services.school_class_delete(user=user, school_class=instance)


class CountyRowViewSet(SchoolRowViewSet):
    county_path = "county"
    select_related = ("county",)


class CountyYearViewSet(CountyRowViewSet):
    queryset = CountyYear.objects.none()
    serializer_class = CountyYearSerializer
    filterset_class = filters.CountyYearFilter
    save_service = services.county_year_save


class MonitoringViewSet(CountyRowViewSet):
    queryset = Monitoring.objects.none()
    serializer_class = MonitoringSerializer
    filterset_class = filters.MonitoringFilter
    save_service = services.monitoring_save


router = SimpleRouter()
router.register("regions", RegionViewSet, basename="api-region")
router.register("schools", SchoolViewSet, basename="api-school")
router.register("school-years", SchoolYearViewSet, basename="api-school-year")
router.register("classes", SchoolClassViewSet, basename="api-class")
router.register("funding", FundingViewSet, basename="api-funding")
router.register("achievement", AchievementViewSet, basename="api-achievement")
router.register("county-years", CountyYearViewSet, basename="api-county-year")
router.register("monitoring", MonitoringViewSet, basename="api-monitoring")

urlpatterns = router.urls
