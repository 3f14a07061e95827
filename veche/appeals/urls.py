from django.urls import include, path

from veche.appeals import fraud_views, views

app_name = "appeals"
problem_urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_new, name="new"),
    path("<int:pk>/", views.problem_detail, name="problem"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/count/", views.signature_count, name="count"),
    path("<int:pk>/signatories/", views.signatories, name="signatories"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/edit/", views.revise, name="revise"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/proposals/<int:proposal_id>/", views.decide_proposal, name="decide_proposal"),
    path("<int:pk>/revisions/", views.revision_diff, name="diff"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/send/", views.send_now, name="send_now"),
    path("<int:pk>/sent-by-myself/", views.sent_by_myself, name="sent_by_myself"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/take-up/", views.take_up, name="take_up"),
    path("photos/<int:pk>/", views.problem_photo, name="photo"),
    path("attachments/<int:pk>/", views.answer_attachment, name="answer_attachment"),
]

urlpatterns = [
    path("problems/", include(problem_urlpatterns)),
    # The moderators' pages on fraud.
    path("signing/sources/", fraud_views.signing_sources, name="signing_sources"),
    path("signing/invalidate/", fraud_views.invalidate, name="invalidate_signatures"),
    # The printable documents keep the addresses they had when the documents app served them.
    path("documents/appeal/<int:appeal_id>.pdf", views.appeal_document, name="appeal_pdf"),
    path(
        "documents/appeal/<int:appeal_id>/full.pdf",
        views.appeal_document_for_addressee,
        name="appeal_full_pdf",
    ),
    path(
        "documents/appeal/<int:appeal_id>/supplementary/<int:number>.pdf",
        views.supplementary_list_document,
        name="supplementary_pdf",
    ),
    path("documents/answer/<int:answer_id>.pdf", views.answer_document, name="answer_pdf"),
    path("documents/take-up/<int:take_up_id>.pdf", views.take_up_document, name="take_up_pdf"),
]
