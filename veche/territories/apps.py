from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "veche.territories"
    label = "territories"
