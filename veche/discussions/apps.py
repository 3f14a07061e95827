from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"
