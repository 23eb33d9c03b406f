from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<str:code>/edit/", views.school_edit, name="school_edit"),
    path("schools/<str:code>/years/", views.year_pick, name="year_pick"),
    path("schools/<str:code>/years/<int:year>/", views.school_year, name="school_year"),
    path("schools/<str:code>/years/<int:year>/classes/", views.school_classes, name="school_classes"),
    path("schools/<str:code>/years/<int:year>/funding/", views.school_funding, name="school_funding"),
    path(
        "schools/<str:code>/years/<int:year>/achievement/",
        views.school_achievement,
        name="school_achievement",
    ),
    path("counties/", views.county_list, name="county_list"),
    # the county's dashboard (dashboards) owns counties/<code>/; its yearly data sit beside it
    path("counties/<str:code>/data/", views.county_detail, name="county_detail"),
    path("counties/<str:code>/years/", views.county_year_pick, name="county_year_pick"),
    path("counties/<str:code>/years/<int:year>/", views.county_year, name="county_year"),
    path(
        "counties/<str:code>/years/<int:year>/declarations/", views.declaration_list, name="declaration_list"
    ),
    path(
        "counties/<str:code>/years/<int:year>/declarations/<str:item>/",
        views.declaration_edit,
        name="declaration_edit",
    ),
    path(
        "counties/<str:code>/years/<int:year>/declarations/<str:item>/file/",
        views.declaration_evidence,
        name="declaration_evidence",
    ),
]
