"""/api/v1/: each app registers its viewsets in its own `api.py` (a `router` and extra `urlpatterns`), plus the
OpenAPI 3 schema of them all and its Swagger UI.

The schema and the docs need a signed-in user, like every endpoint they describe: the API is for the bureaus'
own staff and scripts on their intranet, the schema lists every parameter and code an attacker would otherwise
have to guess, and nobody who may not call the API has a use for it. The docs page sends an anonymous visitor to
the login page, the schema answers 401/403 as the API does.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("signoff.api")),
    path("", include("schools.api")),
    path("", include("teachers.api")),
    path("", include("indicators.api")),
    path("", include("plans.api")),
    path("", include("remedies.api")),
    path("", include("audit.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]
