from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.discussions import queries, services

        personal_data.register(
            "discussions", export=queries.personal_data, erase=services.erase_personal_data
        )
