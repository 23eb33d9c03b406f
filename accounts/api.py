"""/api/v1/auth/: exchange a username and password for a token, and ask who the token belongs to."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .serializers import WhoAmISerializer


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
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("auth/whoami/", whoami, name="api-whoami"),
]
