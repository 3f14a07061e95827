"""The public statistics page, at /statistics/ (the e-control pages stay under /reporting/)."""

from django.urls import path

from veche.reporting import views

app_name = "statistics"
urlpatterns = [path("", views.statistics_page, name="page")]
