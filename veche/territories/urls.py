from django.urls import path

from veche.territories import views

app_name = "territories"
# Included at the site's root: "my territory" is chosen at /territory/choose/, outside
# /territories/<code>/, so that no territory's code can shadow it.
urlpatterns = [
    path("territories/", views.territory_list, name="list"),
    path("territories/boundaries.geojson", views.boundaries, name="boundaries"),
    path("territories/<slug:code>/", views.territory_detail, name="detail"),
    path("territory/choose/", views.choose_territory, name="choose"),
]
