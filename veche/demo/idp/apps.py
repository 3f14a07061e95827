"""The demo identity provider's own app: its citizens and its sign-in pages."""

from django.apps import AppConfig


class DemoIdpConfig(AppConfig):
    name = "veche.demo.idp"
    label = "demo_idp"
    verbose_name = "Demo-ESIA"
    default_auto_field = "django.db.models.BigAutoField"
