from django.urls import path

from veche.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.export_data, name="export_data"),
    path("profile/erase/", views.erase, name="erase"),
    path("consent/", views.consent, name="consent"),
]
