from django.urls import path

from veche.opendata import feeds, views

app_name = "opendata"
urlpatterns = [
    path("feeds/problems/", feeds.ProblemsFeed(), name="problems_feed"),
    path("feeds/answers/", feeds.AnswersFeed(), name="answers_feed"),
    path("feeds/discussions/", feeds.DiscussionsFeed(), name="discussions_feed"),
    path("open-data/", views.open_data, name="page"),
    path("open-data/latest/<str:name>", views.latest, name="latest"),
    path("open-data/<str:day>/<str:name>", views.download, name="download"),
]
