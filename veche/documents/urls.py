from django.urls import path

from veche.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<slug:code>/", views.document_page, name="document"),
    path("appeal/<int:appeal_id>.pdf", views.appeal_document, name="appeal_pdf"),
    path(
        "appeal/<int:appeal_id>/full.pdf",
        views.appeal_document_for_addressee,
        name="appeal_full_pdf",
    ),
    path("answer/<int:answer_id>.pdf", views.answer_document, name="answer_pdf"),
]
