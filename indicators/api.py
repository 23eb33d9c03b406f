"""/api/v1/counties/{code}/report/?year=YYYY — the stored county balance report (spec/report.md), the typed
report's JSON; /api/v1/counties/{code}/report/readable/ — what it says in words (the presenter's summary, in the
user's language: the verdict by part with each failing item in one sentence).

Scoped through core.scoping: a county outside the user's region answers 404, as a missing one does.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.scoping import visible_counties

from . import presenter, selectors
from .report.model import Report
from .serializers import READABLE_EXAMPLE, REPORT_EXAMPLE, CountyReportSerializer, ReadableReportSerializer

PARAMETERS = [
    OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="county code, e.g. 371302"),
    OpenApiParameter(
        "year",
        OpenApiTypes.INT,
        description="school year; the latest computed one when left out",
        required=False,
    ),
]
ERRORS = {
    400: OpenApiResponse(description="year is not a whole number"),
    404: OpenApiResponse(description="no such county within your region, or no stored results for the year"),
}


def _stored(request, code: str) -> Report:
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = request.query_params.get("year")
    if year not in (None, ""):
        try:
            year = int(year)
        except ValueError as exc:
            raise ValidationError({"year": _("学年应为整数，例如 2024")}) from exc
    else:
        year = None
    report = selectors.report(county.pk, year)
    if report is None:
        raise NotFound(_("该区县该学年尚无计算结果"))
    return report


@extend_schema(
    summary="区县均衡发展监测报告 (the stored county report)",
    parameters=PARAMETERS,
    responses={200: CountyReportSerializer, **ERRORS},
    examples=[REPORT_EXAMPLE],
)
@api_view(["GET"])
def county_report(request, code: str):
    return Response(_stored(request, code).to_json())


@extend_schema(
    summary="监测报告结论（文字） (what the stored report says, in the user's language)",
    parameters=PARAMETERS,
    responses={200: ReadableReportSerializer, **ERRORS},
    examples=[READABLE_EXAMPLE],
)
@api_view(["GET"])
def county_report_readable(request, code: str):
    return Response(presenter.readable(_stored(request, code)))


urlpatterns = [
    path("counties/<str:code>/report/", county_report, name="county-report"),
    path("counties/<str:code>/report/readable/", county_report_readable, name="county-report-readable"),
]
