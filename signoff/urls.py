from django.urls import path

from . import views

app_name = "signoff"

urlpatterns = [
    path("counties/<str:code>/years/<int:year>/approval/", views.approval_page, name="approval"),
]
