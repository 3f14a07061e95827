from django.urls import path

from veche.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<slug:code>/", views.document_page, name="document"),
]
