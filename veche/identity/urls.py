from django.urls import path

from veche.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.my_verification, name="mine"),
    path("census/", views.census_check, name="census_check"),
    path("phone/", views.phone_number, name="send_phone_code"),
    path("phone/code/", views.phone_code, name="confirm_phone"),
    path("property/", views.declare_property, name="declare_property"),
    path("claims/", views.property_claims, name="claims"),
    path("claims/<int:pk>/", views.review_claim, name="review_claim"),
    path("claims/<int:pk>/document/", views.claim_document, name="claim_document"),
]
