from django.urls import path

from veche.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("rating/", views.league_table, name="league"),
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/logo/", views.organization_logo, name="logo"),
]
