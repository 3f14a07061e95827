from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "veche.reporting"
    label = "reporting"
