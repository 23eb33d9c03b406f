from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.change_list, name="change_list"),
    path("events/", views.event_list, name="event_list"),
    path("schools/<str:code>/", views.school_history, name="school_history"),
    path("teachers/<int:pk>/", views.teacher_history, name="teacher_history"),
    path("imports/<int:pk>/", views.batch_history, name="batch_history"),
]
