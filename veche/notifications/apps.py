from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "veche.notifications"
    label = "notifications"

    def ready(self):
        from veche.core import outbox
        from veche.notifications.services import NOTICE_KIND, mail_notice

        outbox.register(NOTICE_KIND, mail_notice)
