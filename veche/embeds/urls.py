"""The widgets (/embed/…), their oEmbed endpoint, and the operator's page of embedding sites."""

from django.urls import path

from veche.embeds import views, views_origins

app_name = "embeds"
urlpatterns = [
    path("embed/discussion/<int:pk>/", views.discussion, name="discussion"),
    path("embed/report/<slug:code>/", views.report, name="report"),
    path("embed/organization/<slug:slug>/rating/", views.rating, name="rating"),
    path("oembed", views.oembed, name="oembed"),
    path("cabinet/embedding-sites/", views_origins.origin_list, name="origins"),
    path("cabinet/embedding-sites/<int:pk>/remove/", views_origins.remove, name="remove"),
]
