"""/api/v1/counties/{code}/report/?year=YYYY — the stored county balance report (spec/report.md).

Scoped through core.scoping: a county outside the user's region answers 404, as a missing one does.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.scoping import visible_counties

from . import selectors
from .serializers import REPORT_EXAMPLE, CountyReportSerializer


@extend_schema(
    summary="区县均衡发展监测报告 (the stored county report)",
    parameters=[
        OpenApiParameter(
            "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="county code, e.g. 371302"
        ),
        OpenApiParameter(
            "year",
            OpenApiTypes.INT,
            description="school year; the latest computed one when left out",
            required=False,
        ),
    ],
    responses={
        200: CountyReportSerializer,
        400: OpenApiResponse(description="year is not a whole number"),
        404: OpenApiResponse(
            description="no such county within your region, or no stored results for the year"
        ),
    },
    examples=[REPORT_EXAMPLE],
)
@api_view(["GET"])
def county_report(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = request.query_params.get("year")
    if year not in (None, ""):
        try:
            year = int(year)
        except ValueError as exc:
            raise ValidationError({"year": "学年应为整数，例如 2024"}) from exc
    else:
        year = None
    report = selectors.county_report(county.pk, year)
    if report is None:
        raise NotFound("该区县该学年尚无计算结果")
    return Response(report)


urlpatterns = [
    path("counties/<str:code>/report/", county_report, name="county-report"),
]
