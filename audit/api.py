"""/api/v1/audit/: the changes of entered data the caller may see, newest first, filtered by school, county,
import batch or user. A school or county outside the caller's scope answers 400 exactly like an unknown one."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated

from core.pagination import PageSizePagination

from . import selectors
from .forms import AuditFilterForm
from .models import AuditEvent
from .serializers import ChangeSerializer


class AuditList(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageSizePagination
    serializer_class = ChangeSerializer
    filter_backends: list = []  # the filters are AuditFilterForm's, validated against the caller's scope

    def get_queryset(self):  # only for the schema generator: the list is a union over the history tables
        return AuditEvent.objects.none()

    @extend_schema(
        operation_id="audit_list",
        parameters=[
            OpenApiParameter("school", OpenApiTypes.STR, description="school code (10 digits)"),
            OpenApiParameter(
                "county", OpenApiTypes.STR, description="county code, or a city or province code"
            ),
            OpenApiParameter("batch", OpenApiTypes.INT, description="import batch id"),
            OpenApiParameter("user", OpenApiTypes.STR, description="username of who made the changes"),
        ],
        responses=ChangeSerializer(many=True),
    )
    def get(self, request):
        form = AuditFilterForm(request.query_params, viewer=request.user)
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        rows = selectors.changes(request.user, **form.selector_filters())
        page = self.paginate_queryset(rows)
        entries = selectors.entries_for(list(page))
        return self.get_paginated_response(ChangeSerializer(entries, many=True).data)


urlpatterns = [path("audit/", AuditList.as_view(), name="audit-list")]
