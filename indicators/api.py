"""/api/v1/counties/{code}/report/?year=YYYY — the stored county balance report (spec/report.md), the typed
report's JSON; /api/v1/counties/{code}/report/readable/ — what it says in words (the presenter's summary, in the
request's language: verdict by part, the failing items in one sentence each).

Scoped through core.scoping: a county outside the user's region answers 404, as a missing one does.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.scoping import visible_counties

from . import presenter, selectors
from .report.model import Report


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


@api_view(["GET"])
def county_report(request, code: str):
    return Response(_stored(request, code).to_json())


@api_view(["GET"])
def county_report_readable(request, code: str):
    return Response(presenter.readable(_stored(request, code)))


urlpatterns = [
    path("counties/<str:code>/report/", county_report, name="county-report"),
    path("counties/<str:code>/report/readable/", county_report_readable, name="county-report-readable"),
]
