from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "veche.notifications"
    label = "notifications"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.core import outbox
        from veche.notifications import queries, services
        from veche.notifications.services import NOTICE_KIND, mail_notice

        outbox.register(NOTICE_KIND, mail_notice)
        personal_data.register(
            "notifications", export=queries.personal_data, erase=services.erase_personal_data
        )
