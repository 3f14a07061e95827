"""/cabinet/api-clients/: the head's page of the organization's API clients."""

from django.urls import path

from veche.api import views_clients

app_name = "api_clients"
urlpatterns = [
    path("", views_clients.client_list, name="list"),
    path("<slug:slug>/issue/", views_clients.issue, name="issue"),
    path("<int:pk>/revoke/", views_clients.revoke, name="revoke"),
]
