from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("counties/<str:code>/", views.county_report, name="county_report"),
]
