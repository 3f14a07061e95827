from django.urls import path

from veche.reporting import views

app_name = "reporting"
urlpatterns = [
    path("discussions/", views.dashboard, name="discussions"),
    path("discussions/export.csv", views.export, {"fmt": "csv"}, name="discussions_csv"),
    path("discussions/export.xlsx", views.export, {"fmt": "xlsx"}, name="discussions_xlsx"),
]
