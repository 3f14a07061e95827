from django.urls import path

from veche.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("audit/", views.audit_heads, name="audit_heads"),
    path("audit/heads.json", views.audit_heads_json, name="audit_heads_json"),
    path("healthz", views.healthz, name="healthz"),
]
