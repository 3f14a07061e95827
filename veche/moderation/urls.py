from django.urls import path

from veche.moderation import views, workspace

app_name = "moderation"
urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("report/", views.report, name="report"),
    path("items/<str:key>/<str:pk>/", workspace.item, name="item"),
    path("items/<str:key>/<str:pk>/act/", workspace.act, name="act"),
    path("contests/<str:pk>/", workspace.contest, name="contest"),
    path("decisions/<str:pk>/", workspace.decision, name="decision"),
    path("record/", workspace.record, name="record"),
]
