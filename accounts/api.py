"""/api/v1/auth/: exchange a username and password for a token, and ask who the token belongs to.

The token endpoint goes through the same django-axes lock as the login form (a locked username + address gets
429 even with the right password) and is throttled per address on top of it.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import api_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import AuthTokenThrottle

from . import services
from .authentication import token_expires_at
from .serializers import WhoAmISerializer
from .views import locked_out


class ObtainExpiringToken(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthTokenThrottle]

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer(
            "ExpiringToken", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
        ),
    )
    def post(self, request):
        # The Django request, not DRF's wrapper: django-axes marks a lockout on the request it is given.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        if not serializer.is_valid():
            if getattr(request._request, "axes_locked_out", False):
                return locked_out(request._request)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = services.token_issue(serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires_at(token)})


@extend_schema(
    responses=WhoAmISerializer,
    examples=[
        OpenApiExample(
            "县区填报员", value={"username": "demo-clerk", "role": "clerk", "region_code": "371302"}
        )
    ],
)
@api_view(["GET"])
def whoami(request):
    return Response(WhoAmISerializer(request.user).data)


urlpatterns = [
    path("auth/token/", ObtainExpiringToken.as_view(), name="api-token"),
    path("auth/whoami/", whoami, name="api-whoami"),
]
