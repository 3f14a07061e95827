"""/cabinet/webhooks/: the head's page of the organization's webhook endpoints."""

from django.urls import path

from veche.api import views_webhooks

app_name = "api_webhooks"
urlpatterns = [
    path("", views_webhooks.webhook_list, name="list"),
    path("<slug:slug>/add/", views_webhooks.add, name="add"),
    path("<int:pk>/rotate/", views_webhooks.rotate, name="rotate"),
    path("<int:pk>/delete/", views_webhooks.delete, name="delete"),
    path("<int:pk>/resume/", views_webhooks.resume, name="resume"),
    path("deliveries/<int:pk>/replay/", views_webhooks.replay, name="replay"),
]
