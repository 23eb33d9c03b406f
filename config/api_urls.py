"""/api/v1/: each app registers its viewsets in its own `api.py` (a `router` and extra `urlpatterns`)."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("schools.api")),
    path("", include("teachers.api")),
    path("", include("indicators.api")),
    path("", include("plans.api")),
]
