from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "veche.moderation"
    label = "moderation"
