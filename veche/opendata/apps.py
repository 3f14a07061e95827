from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "veche.opendata"
    label = "opendata"
