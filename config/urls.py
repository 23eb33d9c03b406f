from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("imports/", include("workbook.urls")),
    path("indicators/", include("indicators.urls")),
    path("plans/", include("plans.urls")),
    path("quality/", include("quality.urls")),
    path("teachers/", include("teachers.urls")),
    path("audit/", include("audit.urls")),
    path("", include("remedies.urls")),
    path("", include("signoff.urls")),
    path("", include("schools.urls")),
    # after schools.urls: its "schools/new/" must win over the school page's "schools/<code>/"
    path("", include("dashboards.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
