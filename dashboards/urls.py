from django.urls import path

from . import views, views_county

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/", views.dashboard, name="dashboard"),
    path("regions/<str:code>/", views.region_overview, name="region_overview"),
    path("counties/<str:code>/", views_county.county_dashboard, name="county_dashboard"),
    path("counties/<str:code>/explain/<str:figure>/", views_county.explain, name="explain"),
    # the full report: the dashboard's "detailed report" tab
    path("indicators/counties/<str:code>/", views.county_report, name="county_report"),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
]
