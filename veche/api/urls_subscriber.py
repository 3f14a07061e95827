"""/accounts/webhooks/: a person's own webhook endpoints for the public events."""

from django.urls import path

from veche.api import views_subscriber

app_name = "api_subscriber_webhooks"
urlpatterns = [
    path("", views_subscriber.webhook_list, name="list"),
    path("add/", views_subscriber.add, name="add"),
    path("<int:pk>/rotate/", views_subscriber.rotate, name="rotate"),
    path("<int:pk>/delete/", views_subscriber.delete, name="delete"),
    path("<int:pk>/resume/", views_subscriber.resume, name="resume"),
    path("deliveries/<int:pk>/replay/", views_subscriber.replay, name="replay"),
]
