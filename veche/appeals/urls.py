from django.urls import path

from veche.appeals import views

app_name = "appeals"
urlpatterns = [
    path("<int:pk>/", views.problem_detail, name="problem"),
]
