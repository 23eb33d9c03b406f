from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/", views.dashboard, name="dashboard"),
    path("regions/<str:code>/", views.region_overview, name="region_overview"),
    path("indicators/counties/<str:code>/", views.county_report, name="county_report"),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
]
