from django.urls import path

from veche.cabinet import views
from veche.cabinet.actions import ACTIONS

app_name = "cabinet"
urlpatterns = [
    path("", views.home, name="home"),
    path("subordinates/", views.subordinates, name="subordinates"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    *(path(f"appeals/<int:pk>/{key}/", views.act, {"action": key}, name=key) for key in ACTIONS),
]
