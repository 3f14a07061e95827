from django.urls import path

from veche.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_list, name="list"),
    path("boundaries.geojson", views.boundaries, name="boundaries"),
    path("<slug:code>/", views.territory_detail, name="detail"),
]
