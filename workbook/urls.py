from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/errors.xlsx", views.error_report, name="error_report"),
    path("<int:pk>/file/", views.original_file, name="file"),
    path("plans/<int:plan_pk>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("plans/<int:plan_pk>/ledger/", views.ledger_import, name="ledger_import"),
]
