"""/api/v1/counties/{code}/years/{year}/approval/ — a county-year's sign-off state and history; POST to
…/submit/, …/approve/, …/accept/, …/unapprove/ ({"reason": "…"}) to take a step.

A county outside the user's region answers 404; a step the user's role may not take answers 403; a step the
state does not allow answers 400 with the reason. `exception_handler` (settings REST_FRAMEWORK) answers every
refused change of locked data, on any endpoint, with 409 and the lock message.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.scoping import visible_counties

from . import selectors, services
from .exceptions import EditLocked, TransitionRefused
from .models import LOCKED_STATES
from .serializers import ApprovalSerializer, ReasonSerializer, SubmittedSerializer

MIN_YEAR, MAX_YEAR = 1990, 2100


def exception_handler(exc, context):
    if isinstance(exc, EditLocked):
        return Response({"detail": exc.text, "code": "locked"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionRefused):
        return Response({"detail": exc.message, "code": "state"}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def approval_data(user, county, year: int) -> dict:
    approval = selectors.approval_get(county, year)
    return {
        "county": county.code,
        "year": year,
        "state": approval.state,
        "by": approval.changed_by.username if approval.changed_by else (approval.changed_by_name or None),
        "at": approval.changed_at,
        "locked": approval.state in LOCKED_STATES,
        "actions": services.allowed_actions(user, county, year, approval.state),
        "history": [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "by": e.user.username if e.user else (e.user_name or None),
                "at": e.at,
                "reason": e.reason,
                "open_violations": e.open_violations,
            }
            for e in selectors.history(approval)
        ],
    }


PARAMETERS = [
    OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="county code, e.g. 371302"),
    OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="school year, e.g. 2024"),
]
NOT_FOUND = OpenApiResponse(description="no such county within your region")
FORBIDDEN = OpenApiResponse(description="your role may not take this step for this county")
REFUSED = OpenApiResponse(description="the state does not allow this step (detail says why)")


class _CountyYear(APIView):
    def county(self, request, code: str, year: int):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        return get_object_or_404(visible_counties(request.user), code=code)


class ApprovalView(_CountyYear):
    @extend_schema(
        summary="数据审核状态 (a county-year's sign-off state and history)",
        parameters=PARAMETERS,
        responses={200: ApprovalSerializer, 404: NOT_FOUND},
    )
    def get(self, request, code: str, year: int):
        county = self.county(request, code, year)
        return Response(ApprovalSerializer(approval_data(request.user, county, year)).data)


class SubmitView(_CountyYear):
    @extend_schema(
        summary="提交审核 (the county's clerk submits; data is locked)",
        parameters=PARAMETERS,
        request=None,
        responses={200: SubmittedSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code: str, year: int):
        county = self.county(request, code, year)
        _approval, violations = services.submit(user=request.user, county=county, year=year)
        data = {**approval_data(request.user, county, year), "violations": violations}
        return Response(SubmittedSerializer(data).data)


class _StepView(_CountyYear):
    step = staticmethod(services.approve)

    def post(self, request, code: str, year: int):
        county = self.county(request, code, year)
        type(self).step(user=request.user, county=county, year=year)
        return Response(ApprovalSerializer(approval_data(request.user, county, year)).data)


STEP_RESPONSES = {200: ApprovalSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}


@extend_schema(
    summary="审核通过 (an official of the city above approves)",
    parameters=PARAMETERS,
    request=None,
    responses=STEP_RESPONSES,
)
class ApproveView(_StepView):
    step = staticmethod(services.approve)


@extend_schema(
    summary="省级验收 (the province accepts, where the rule set asks for it)",
    parameters=PARAMETERS,
    request=None,
    responses=STEP_RESPONSES,
)
class AcceptView(_StepView):
    step = staticmethod(services.accept)


class UnapproveView(_CountyYear):
    @extend_schema(
        summary="退回 (back to draft, with a reason; the data can be changed again)",
        parameters=PARAMETERS,
        request=ReasonSerializer,
        responses=STEP_RESPONSES,
    )
    def post(self, request, code: str, year: int):
        county = self.county(request, code, year)
        reason = request.data.get("reason") if hasattr(request.data, "get") else None
        if not isinstance(reason, str):
            reason = ""
        services.unapprove(user=request.user, county=county, year=year, reason=reason)
        return Response(ApprovalSerializer(approval_data(request.user, county, year)).data)


PREFIX = "counties/<str:code>/years/<int:year>/approval/"
urlpatterns = [
    path(PREFIX, ApprovalView.as_view(), name="api-approval"),
    path(f"{PREFIX}submit/", SubmitView.as_view(), name="api-approval-submit"),
    path(f"{PREFIX}approve/", ApproveView.as_view(), name="api-approval-approve"),
    path(f"{PREFIX}accept/", AcceptView.as_view(), name="api-approval-accept"),
    path(f"{PREFIX}unapprove/", UnapproveView.as_view(), name="api-approval-unapprove"),
]
