from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "veche.notifications"
    label = "notifications"
