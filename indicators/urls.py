from django.urls import path

from . import views_admin

app_name = "indicators"
urlpatterns = [
    path("counties/<str:code>/recompute/", views_admin.recompute_county, name="recompute_county"),
    path("rules/", views_admin.rule_list, name="rule_list"),
    path("rules/<str:code>/", views_admin.rule_detail, name="rule_detail"),
    path("rules/<str:code>/edit/", views_admin.rule_edit, name="rule_edit"),
    path("recompute/", views_admin.recompute_all, name="recompute_all"),
    path("runs/", views_admin.run_list, name="run_list"),
    path("runs/<int:pk>/", views_admin.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views_admin.run_progress, name="run_progress"),
]
