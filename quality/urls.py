from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.county_list, name="county_list"),
    path("counties/<str:code>/", views.county_checks, name="county_checks"),
    path("counties/<str:code>/check/", views.check_now, name="check_now"),
    path("counties/<str:code>/export.xlsx", views.export, name="export"),
    path("validation-rules/", views.rule_list, name="rule_list"),
    path("validation-rules/<slug:code>/", views.rule_edit, name="rule_edit"),
]
