"""/accounts/open311-keys/: the resident's keys for Open311 apps."""

from django.urls import path

from veche.api.open311 import keys_views

app_name = "open311_keys"
urlpatterns = [
    path("", keys_views.key_list, name="list"),
    path("issue/", keys_views.issue, name="issue"),
    path("<int:pk>/revoke/", keys_views.revoke, name="revoke"),
]
