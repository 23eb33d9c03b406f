from django.urls import path

from . import views

app_name = "remedies"
urlpatterns = [
    path("counties/<str:code>/scenarios/", views.scenario_list, name="scenario_list"),
    path("counties/<str:code>/remedies/", views.run_list, name="run_list"),
    path("counties/<str:code>/remedies/cheapest-pass/", views.cheapest_request, name="cheapest_request"),
    path("counties/<str:code>/remedies/rotation/", views.rotation_request, name="rotation_request"),
    path("scenarios/changes-template.xlsx", views.changes_template, name="changes_template"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/changes/", views.scenario_change_add, name="scenario_change_add"),
    path("scenarios/<int:pk>/changes/delete/", views.scenario_change_delete, name="scenario_change_delete"),
    path("scenarios/<int:pk>/upload/", views.scenario_upload, name="scenario_upload"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/projects/", views.scenario_projects, name="scenario_projects"),
    path("remedies/<int:pk>/", views.run_detail, name="run_detail"),
    path("remedies/<int:pk>/scenario/", views.run_to_scenario, name="run_to_scenario"),
    path("remedies/<int:pk>/transfers.xlsx", views.run_transfers_xlsx, name="run_transfers_xlsx"),
]
