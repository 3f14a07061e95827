from django.apps import AppConfig


class CabinetConfig(AppConfig):
    name = "veche.cabinet"
    label = "cabinet"
