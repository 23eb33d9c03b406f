"""The portal's URLs plus a page showing every chart kind, for the browser tests only
(`@pytest.mark.urls("tests.browser.urls")`); production never routes to it."""

from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns

from .chart_demo import chart_demo

urlpatterns = [path("charts/demo/", chart_demo, name="chart_demo"), *portal_urlpatterns]
