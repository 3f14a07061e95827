from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "veche.notifications"
    label = "notifications"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.notifications import queries, services

        personal_data.register(
            "notifications", export=queries.personal_data, erase=services.erase_personal_data
        )
