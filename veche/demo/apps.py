from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "veche.demo"
    label = "demo"
